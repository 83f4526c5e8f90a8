"""plan-targets at scale gives exactly the answer of planning every commune on its own and sorting the plans."""

from __future__ import annotations

from pathlib import Path

import pytest

import chuanxa
from benchmarks.generate import columns_to_communes, generate_columns
from chuanxa.planning import CostModel, plan, plan_targets

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("costs, share, budget", [(None, 0.9, None), (ROOT / "examples" / "costs.yaml", None, 60.0), (ROOT / "examples" / "costs.yaml", 0.6, 25.0)],
                         ids=["default cost model, share", "costs file, budget", "costs file, share and budget"])
def test_plan_targets_equals_planning_each_commune_and_taking_the_cheapest(costs: Path | None, share: float | None, budget: float | None) -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    communes = columns_to_communes(engine, generate_columns(engine, 250, seed=23), range(250))  # over the column-wise threshold
    model = CostModel.load(costs) if costs else CostModel()
    result = plan_targets(communes, engine, target_share=share, budget=budget, costs=model)
    plans = [plan(c, engine, model) for c in communes]
    feasible = sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune))
    assert result.chosen + result.not_chosen == tuple(feasible)
    assert result.infeasible == tuple(p for p in plans if not p.feasible)
    assert result.recognised_now == tuple(p.commune for p in plans if p.already_recognised)
    assert result.total_cost == pytest.approx(sum(p.total_cost for p in result.chosen))
    if budget is not None:
        assert result.total_cost <= budget + 1e-9
        assert not result.not_chosen or result.total_cost + result.not_chosen[0].total_cost > budget or result.target_met
