"""Planning: the cheapest plan is exact (checked against brute force), minimal, and targets pick the cheapest
communes; merged communes keep totals and re-weight rates."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa import Verdict
from chuanxa.criteria.model import Ruleset
from chuanxa.engine.prepare import prepare
from chuanxa.planning import CostModel, MergeMapping, merge_communes, plan, plan_targets, simulate
from chuanxa.planning.costs import CostsFile
from chuanxa.planning.options import list_options
from chuanxa.planning.plan import apply_options
from chuanxa.wording import blocker_text, step_text

REGIONS = [{"id": "dong_bang_song_hong", "vi": "Đồng bằng sông Hồng", "en": "Red River Delta"}]
TERRAINS = [{"id": "dong_bang", "vi": "đồng bằng", "en": "lowland", "group": "lowland"}]


@st.composite
def small_rulesets(draw: st.DrawFn) -> Ruleset:
    inputs: dict[str, Any] = {}
    criteria = []
    number = 0
    for c in range(1, draw(st.integers(2, 3)) + 1):
        indicators = []
        for _ in range(draw(st.integers(2, 3))):
            number += 1
            kind = draw(st.sampled_from(["threshold", "yes_no", "assessed"]))
            top = draw(st.sampled_from([1.0, 2.0, 3.0]))
            ind: dict[str, Any] = {"id": number, "title": {"vi": f"CT {number}", "en": f"I {number}"}, "kind": kind, "max_points": top, "source": "test", "provisional": False}
            if kind == "threshold":
                name = f"rate_{number}"
                inputs[name] = {"type": "percent", "label": {"vi": name, "en": name}, "aggregate": "mean"}
                high = draw(st.integers(60, 95))
                levels = [{"points": top, "threshold": high}]
                if top > 1 and draw(st.booleans()):
                    levels.append({"points": top / 2, "threshold": high - draw(st.integers(5, 20))})
                ind.update(input=name, op=">=", levels=levels)
            elif kind == "yes_no":
                name = f"flag_{number}"
                inputs[name] = {"type": "yes_no", "label": {"vi": name, "en": name}, "aggregate": "all"}
                ind.update(input=name)
            else:
                ind.update(step=0.5)
            indicators.append(ind)
        criteria.append({"id": c, "title": {"vi": f"TC {c}", "en": f"C {c}"}, "max_points": sum(i["max_points"] for i in indicators), "indicators": indicators})
    total = sum(c["max_points"] for c in criteria)
    doc = {
        "ruleset": {"id": "gen", "version": "2020-01-01", "title": {"vi": "x", "en": "x"}, "legal_basis": {"vi": "x", "en": "x"},
                    "issued": "2020-01-01", "effective": "2020-01-01", "total_points": total},
        "classification": {"regions": REGIONS, "terrains": TERRAINS, "zoning": {"rules": [], "default": 2}},
        "inputs": inputs, "criteria": criteria,
        "recognition": {"min_total_share": draw(st.sampled_from([0.6, 0.7, 0.8])), "min_criterion_share": 0.5},
    }
    return Ruleset.model_validate(doc)


@st.composite
def communes_for(draw: st.DrawFn, ruleset: Ruleset) -> chuanxa.CommuneData:
    values: dict[str, Any] = {}
    for name, spec in ruleset.inputs.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # sometimes missing
        values[name] = draw(st.booleans()) if spec.type == "yes_no" else float(draw(st.integers(30, 100)))
    assessed = {}
    for ind in ruleset.indicators:
        if ind.kind == "assessed" and draw(st.integers(0, 9)) > 0:
            assessed[ind.id] = {"points": draw(st.integers(0, int(ind.max_points * 2))) / 2}
    return chuanxa.CommuneData.model_validate({"commune": {"code": "G1", "name": "Xã Sinh", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 5},
                                               "values": values, "assessed": assessed})


def brute_force(engine: Any, data: chuanxa.CommuneData, costs: CostModel) -> tuple[float, float] | None:
    """The cheapest cost over every combination of options, each combination checked by really re-scoring."""
    prepared = prepare(engine, data)
    result = engine.evaluate_prepared(prepared)
    if result.verdict is Verdict.RECOGNISED:
        return (0.0, 0.0)
    choices = list_options(engine, result, prepared.env, costs)
    menus = [list(c.options) if c.required else [None, *c.options] for c in choices]
    best = None
    for combo in itertools.product(*menus):
        picked = [o for o in combo if o is not None]
        cost = (round(sum(o.cost[0] for o in picked), 9), round(sum(o.cost[1] for o in picked), 9))
        if best is not None and cost >= best:
            continue
        if engine.evaluate(apply_options(data, picked)).verdict is Verdict.RECOGNISED:
            best = cost
    return best


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_the_plan_is_as_cheap_as_brute_force_enumeration(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    commune = data.draw(communes_for(ruleset))
    result = plan(commune, engine)
    expected = brute_force(engine, commune, CostModel())
    if expected is None:
        assert not result.feasible and result.blockers
        return
    assert result.feasible
    got = (round(len(result.steps), 9), round(sum(_size(s) for s in result.steps), 9))
    assert got == expected
    if not result.already_recognised:
        assert result.verdict_after is Verdict.RECOGNISED


@SETTINGS
@given(data=st.data())
def test_with_a_costs_file_the_plan_matches_brute_force_too(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    commune = data.draw(communes_for(ruleset))
    prices = {ind.id: {"per_point": data.draw(st.integers(1, 20))} for ind in ruleset.indicators}
    costs = CostModel(CostsFile.model_validate({"indicators": prices}))
    result = plan(commune, engine, costs)
    expected = brute_force(engine, commune, costs)
    assert result.feasible == (expected is not None)
    if expected is not None:
        assert round(result.total_cost, 6) == round(expected[0], 6)


@SETTINGS
@given(data=st.data())
def test_removing_any_step_of_a_plan_breaks_recognition(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    commune = data.draw(communes_for(ruleset))
    result = plan(commune, engine)
    if not result.feasible or result.already_recognised:
        return
    prepared = prepare(engine, commune)
    before = engine.evaluate_prepared(prepared)
    options = {(o.indicator, o.points_after): o for c in list_options(engine, before, prepared.env, CostModel()) for o in c.options}
    chosen = [options[(s.indicator, s.points_after)] for s in result.steps]
    assert engine.evaluate(apply_options(commune, chosen)).verdict is Verdict.RECOGNISED
    for skip in range(len(chosen)):
        rest = chosen[:skip] + chosen[skip + 1:]
        assert engine.evaluate(apply_options(commune, rest)).verdict is not Verdict.RECOGNISED


def _size(step: Any) -> float:
    if step.kind == "value":
        return abs(step.value_after - step.value_before) if step.value_before is not None else 0.0
    if step.kind == "answer":
        return 1.0
    if step.kind == "collect":
        return 0.0
    return step.gain


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plan_targets_chooses_the_cheapest_communes_never_a_dominated_set(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    district = [data.draw(communes_for(ruleset)).model_copy(update={"commune": chuanxa.CommuneInfo(code=f"C{i}", name=f"Xã {i}", region="dong_bang_song_hong", terrain="dong_bang", distance_km=5)}) for i in range(5)]
    costs = CostModel(CostsFile.model_validate({"default": {"per_point": 3}}))
    plans = {c.commune.code: plan(c, engine, costs) for c in district}
    recognised = sum(1 for p in plans.values() if p.already_recognised)
    target = data.draw(st.integers(recognised, 5))
    result = plan_targets(district, engine, target=target, costs=costs)
    candidates = [p for p in plans.values() if p.feasible and not p.already_recognised]
    need = target - recognised
    subsets = [s for s in itertools.combinations(candidates, need)] if need <= len(candidates) else []
    if not subsets:
        assert not result.target_met
        return
    cheapest = min(sum(p.total_cost for p in s) for s in subsets)
    assert result.target_met and abs(result.total_cost - cheapest) < 1e-9
    assert len(result.chosen) == need


def test_a_budget_buys_the_most_communes_it_can(mini) -> None:
    engine = chuanxa.compiled(mini)
    base = {"region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4}
    district = [chuanxa.CommuneData.model_validate({"commune": {"code": f"B{i}", "name": f"Xã {i}", **base},
                "values": {"immunisation_rate": rate, "stunting_rate": 10, "households": 10, "households_latrine": 10, "has_doctor": True}, "assessed": {"5": 0}})
                for i, rate in enumerate([94, 90, 80])]
    costs = CostModel(CostsFile.model_validate({"inputs": {"immunisation_rate": {"per_unit": 10}}, "indicators": {"5": {"possible": False}}}))
    # B0 needs +1 pp of immunisation (cost 10), B1 +5 pp (50), B2 +15 pp (150).
    assert [p.commune for p in plan_targets(district, engine, budget=25, costs=costs).chosen] == ["B0"]
    wider = plan_targets(district, engine, budget=60, costs=costs)
    assert [p.commune for p in wider.chosen] == ["B0", "B1"] and wider.total_cost == 60


def test_an_impossible_improvement_is_explained(mini) -> None:
    engine = chuanxa.compiled(mini)
    commune = chuanxa.CommuneData.model_validate({"commune": {"code": "X", "name": "Xã X", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4},
                                                  "values": {"immunisation_rate": 50, "stunting_rate": 30, "households": 10, "households_latrine": 1, "has_doctor": False}, "assessed": {"5": 0}})
    costs = CostModel(CostsFile.model_validate({"indicators": {"4": {"possible": False}, "5": {"possible": False}}}))
    result = plan(commune, engine, costs)
    assert not result.feasible
    assert any(b.code == "CRITERION_UNREACHABLE" and b.criterion == "2" for b in result.blockers)
    assert any("Criterion 2 can reach at most 0" in blocker_text(b).en for b in result.blockers)
    assert [{k: b[k] for k in ("vi", "en")} for b in result.model_dump(mode="json")["blockers"]] == [blocker_text(b).model_dump() for b in result.blockers]


def test_the_example_commune_plan_reads_as_actions() -> None:
    result = plan("examples/xa-thieu-giao.yaml", "qd1300@2023-03-20", "examples/costs.yaml")
    assert result.feasible and result.verdict_after is Verdict.RECOGNISED
    first = step_text(result.steps[0], result)
    assert first.en.startswith("Raise share of women giving birth") and "cost 4.5" in first.en
    assert first.vi.startswith("Nâng ") and "chi phí 4.5" in first.vi
    written = result.model_dump(mode="json")["steps"][0]
    assert written["message"] == first.model_dump() and (written["op"], written["unit"]) == (">=", "%")  # the words it reads, for reading it back


def test_simulation_shows_before_after_and_gaps_closed() -> None:
    result = simulate("examples/xa-thieu-giao.yaml", {"health_insurance_rate": 95}, ruleset="qd1300@2023-03-20")
    assert (result.before.verdict, result.after.verdict) == (Verdict.NOT_RECOGNISED, Verdict.RECOGNISED)
    assert result.gaps_closed == ("5",)
    assert next(c for c in result.criteria if c.id == "1").after - next(c for c in result.criteria if c.id == "1").before == 2


@given(st.lists(st.tuples(st.integers(1, 500), st.floats(0, 100), st.integers(0, 3000), st.integers(0, 3000)), min_size=2, max_size=4))
@settings(max_examples=60, deadline=None)
def test_merging_keeps_count_totals_and_reweights_rates(parts: list[tuple[int, float, int, int]]) -> None:
    ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    communes = [chuanxa.CommuneData.model_validate({"commune": {"code": f"P{i}", "name": f"Xã {i}", "region": "bac_trung_bo", "terrain": "dong_bang", "distance_km": 3 + i},
                                                    "values": {"children_under_1": kids, "full_immunisation_rate": rate, "households": max(h, l), "households_with_hygienic_latrine": min(h, l), "has_doctor": i % 2 == 0}})
                for i, (kids, rate, h, l) in enumerate(parts)]
    mapping = MergeMapping.model_validate({"merges": [{"new": {"code": "N1", "name": "Xã Mới", "region": "bac_trung_bo", "terrain": "dong_bang"}, "predecessors": [c.commune.code for c in communes]}]})
    merged = merge_communes(mapping, communes, ruleset)[0]
    assert merged.values["children_under_1"] == sum(p[0] for p in parts)
    assert merged.values["households"] == sum(max(p[2], p[3]) for p in parts)
    rates = [p[1] for p in parts]
    weighted = sum(p[0] * p[1] for p in parts) / sum(p[0] for p in parts)
    assert min(rates) - 1e-9 <= merged.values["full_immunisation_rate"] <= max(rates) + 1e-9
    assert merged.values["full_immunisation_rate"] == pytest.approx(weighted)
    assert merged.values["has_doctor"] is True  # declared `any`
    assert merged.commune.distance_km == 3  # the nearest predecessor station when the mapping gives none
    assert "hygienic_latrine_rate" not in merged.values  # derived inputs are recomputed, not averaged


def test_merging_refuses_a_rate_whose_denominator_is_missing() -> None:
    ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    a = chuanxa.CommuneData.model_validate({"commune": {"code": "A", "name": "A"}, "values": {"full_immunisation_rate": 90, "children_under_1": 10}})
    b = chuanxa.CommuneData.model_validate({"commune": {"code": "B", "name": "B"}, "values": {"full_immunisation_rate": 80}})
    mapping = MergeMapping.model_validate({"merges": [{"new": {"code": "N", "name": "N"}, "predecessors": ["A", "B"]}]})
    with pytest.raises(chuanxa.CommuneDataError) as caught:
        merge_communes(mapping, [a, b], ruleset)
    assert "children_under_1" in caught.value.message("en") and "full_immunisation_rate" in caught.value.message("en")


def test_large_districts_find_recognised_communes_column_wise_with_the_same_answer(mini) -> None:
    from chuanxa.planning import targets

    engine = chuanxa.compiled(mini)
    base = {"region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4}
    district = [chuanxa.CommuneData.model_validate({"commune": {"code": f"D{i}", "name": f"Xã {i}", **base},
                "values": {"immunisation_rate": 80 + i % 20, "stunting_rate": 10, "households": 10, "households_latrine": 10, "has_doctor": i % 3 > 0},
                "assessed": {"5": (i % 5) / 2}}) for i in range(targets.COLUMNAR_FROM)]
    fast = plan_targets(district, engine, target_share=0.9)
    slow_recognised = [c.commune.code for c in district if engine.evaluate(c).verdict is Verdict.RECOGNISED]
    assert sorted(fast.recognised_now) == sorted(slow_recognised)


def test_a_sweep_agrees_with_scoring_each_variant_and_finds_the_first_recognised_value() -> None:
    from chuanxa.planning.sweep import frange, sweep

    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    ranges = {"health_insurance_rate": frange(80, 100, 2.5), "full_immunisation_rate": [85.0, 95.0]}
    by_columns, one_by_one = sweep(example, ranges, column_wise=True), sweep(example, ranges, column_wise=False)
    assert by_columns.points == one_by_one.points and len(by_columns.points) == 18
    for point in by_columns.points[::5]:
        after = chuanxa.simulate(example, point.values).after
        assert (after.total.points, after.verdict) == (point.total, point.verdict)
    first = by_columns.first_recognised
    assert first is not None and first.verdict is chuanxa.Verdict.RECOGNISED
    assert all(p.verdict is not chuanxa.Verdict.RECOGNISED for p in by_columns.points[: by_columns.points.index(first)])


def test_a_sweep_value_out_of_bounds_is_refused_naming_the_input() -> None:
    from chuanxa.planning.sweep import sweep

    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    with pytest.raises(chuanxa.CommuneDataError) as caught:
        sweep(example, {"health_insurance_rate": [90, 120]})
    assert "health_insurance_rate" in caught.value.message("en") and "120" in caught.value.message("vi")


def test_a_costs_file_with_a_typo_names_the_line_key_and_the_right_word(tmp_path: Path) -> None:
    bad_key = tmp_path / "costs.yaml"
    bad_key.write_text("inputs:\n  health_insurance_rate: {per_unt: 15}\n", encoding="utf-8")
    with pytest.raises(chuanxa.CostsFileError) as caught:
        CostModel.load(bad_key)
    error = caught.value
    assert error.location.line == 2 and "per_unt" in error.message("vi") and "per_unit" in error.message("en")
    bad_id = tmp_path / "ids.yaml"
    bad_id.write_text("inputs:\n  helth_insurance_rate: {per_unit: 3}\n", encoding="utf-8")
    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    with pytest.raises(chuanxa.CostsFileError) as caught:
        plan(example, costs=bad_id)
    assert "health_insurance_rate" in caught.value.message("en")
