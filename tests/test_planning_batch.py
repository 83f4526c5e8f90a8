"""Plans made together (`planning.batch`) are the plans `plan` makes one commune at a time, and plan-targets over
them chooses the same communes at the same cost as choosing from plain per-commune plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from benchmarks.generate import columns_to_communes, generate_columns
from chuanxa.planning import CostModel, plan, plan_targets
from chuanxa.planning import batch
from chuanxa.planning.batch import PlanCache, plan_many
from chuanxa.planning.costs import CostsFile

from test_planning import communes_for, small_rulesets

ROOT = Path(__file__).parent.parent
NATIONAL = "qd1300@2023-03-20"


def plain_targets(plans: list[Any], wanted: int, budget: float | None) -> tuple[list[str], float]:
    """The selection from plain per-commune plans: cheapest first (ties by steps, then code) while the budget lasts."""
    need = max(0, wanted - sum(p.already_recognised for p in plans))
    chosen, spent = [], 0.0
    for p in sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune)):
        if len(chosen) >= need or (budget is not None and spent + p.total_cost > budget + 1e-9):
            break
        chosen.append(p.commune)
        spent += p.total_cost
    return chosen, round(spent, 6)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(batch.COLUMNAR_FROM, batch.COLUMNAR_FROM + 60), share=st.sampled_from([0.5, 0.8, 0.9, 1.0]),
       budget=st.sampled_from([None, 40.0, 400.0]), with_costs=st.booleans())
def test_on_generated_provinces_the_fast_path_chooses_the_communes_and_cost_of_the_plain_one(seed: int, size: int, share: float, budget: float | None,
                                                                                          with_costs: bool) -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, size, seed=seed), range(size))
    model = CostModel.load(ROOT / "examples" / "costs.yaml") if with_costs else CostModel()
    fast = plan_targets(communes, engine, target_share=share, budget=budget, costs=model, cache=None)
    plans = [plan(c, engine, model) for c in communes]
    assert ([p.commune for p in fast.chosen], fast.total_cost) == plain_targets(plans, fast.target, budget)
    feasible = sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune))
    assert fast.chosen + fast.not_chosen == tuple(feasible)  # every plan equal, field by field (points after included)
    assert fast.infeasible == tuple(p for p in plans if not p.feasible)
    assert fast.already == tuple(p for p in plans if p.already_recognised)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plans_made_together_equal_each_commune_planned_alone_on_any_ruleset(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    communes = [data.draw(communes_for(ruleset)).model_copy(update={"commune": chuanxa.CommuneInfo(code=f"C{i}", name=f"Xã {i}", region="dong_bang_song_hong",
                                                                                                  terrain="dong_bang", distance_km=5)}) for i in range(6)]
    model = data.draw(st.sampled_from([CostModel(), CostModel(CostsFile.model_validate({"default": {"per_point": 3}}))]))
    saved, batch.COLUMNAR_FROM = batch.COLUMNAR_FROM, 1  # the column-wise passes, at a size a property can afford
    try:
        together = plan_many(engine, communes, model, cache=None)
    finally:
        batch.COLUMNAR_FROM = saved
    assert together == [plan(c, engine, model) for c in communes]


def test_re_planning_after_one_commune_changed_plans_only_that_commune() -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, 30, seed=3), range(30))
    cache = PlanCache()
    model = CostModel.load(ROOT / "examples" / "costs.yaml")
    first = plan_targets(communes, engine, target_share=0.9, costs=model, cache=cache)
    assert cache.hits == 0 and len(cache) == 30
    changed = communes[7].with_values(**{name: None for name in list(communes[7].values)[:3]})
    again = plan_targets([*communes[:7], changed, *communes[8:]], engine, target_share=0.9, costs=model, cache=cache)
    assert cache.hits == 29 and len(cache) == 31
    assert next(p for p in again.infeasible + again.chosen + again.not_chosen + again.already if p.commune == communes[7].commune.code) == plan(changed, engine, model)
    assert first.chosen != () and plan_targets(communes, engine, target_share=0.9, costs=CostModel(), cache=cache) == plan_targets(communes, engine, target_share=0.9, cache=None)


def test_the_cache_drops_its_oldest_plans_beyond_its_size() -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, 5, seed=4), range(5))
    cache = PlanCache(size=3)
    plan_many(engine, communes, CostModel(), cache=cache)
    assert len(cache) == 3
    plan_many(engine, communes[-3:], CostModel(), cache=cache)
    assert cache.hits == 3


@pytest.mark.parametrize("size", [batch.COLUMNAR_FROM - 1, batch.COLUMNAR_FROM])
def test_either_side_of_the_column_wise_threshold_the_plans_are_the_plain_ones(size: int) -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, size, seed=11), range(size))
    assert plan_many(engine, communes, CostModel(), cache=None) == [plan(c, engine, CostModel()) for c in communes]


def test_threads_sharing_the_cache_get_the_plain_plans() -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, 24, seed=6), range(24))
    cache = PlanCache(size=5)  # small: the threads evict each other's plans all the time
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda part: plan_many(engine, communes[part::3], CostModel(), cache=cache), range(3)))
    assert [p for part in found for p in part] == [plan(c, engine, CostModel()) for part in range(3) for c in communes[part::3]]
