"""A planner defect the differential test found (session 3 audit): the planner treats indicators as independent.
When two indicators read one input it may choose a step for each, setting the input to two values (applied in
ruleset order, the last wins), or one step that takes away the points another indicator had on that input. Either
way a plan called feasible leaves the commune not recognised when scored. Strict xfail: these turn red when the
planner is fixed, so that the marks and the exclusion in `tests/test_differential.py`
(`_plan_reaches_what_the_planner_computed`) go."""

from __future__ import annotations

import pytest

import chuanxa

from generated import build
from test_engine_regressions import _commune, _indicator, _tree


def _two_criteria_on_one_input() -> chuanxa.Ruleset:
    tree = _tree([_indicator("1", kind="threshold", input="p1", op=">=", max_points=1.0, levels=[{"points": 1.0, "threshold": 90}])])
    tree["criteria"].append({"id": "2", "title": {"vi": "Hai", "en": "Two"}, "max_points": 1.0,
                             "indicators": [_indicator("2", kind="threshold", input="p1", op=">=", max_points=1.0, levels=[{"points": 1.0, "threshold": 50}])]})
    tree["ruleset"]["total_points"] = 2.0
    return build(tree)


@pytest.mark.xfail(strict=True, reason="planner: two steps on one input (p1 → 90, then p1 → 50); the plan is called feasible but does not recognise")
def test_a_feasible_plan_whose_steps_share_an_input_makes_the_commune_recognised() -> None:
    found = chuanxa.plan(_commune({"p1": 40.0}), _two_criteria_on_one_input())
    assert found.feasible
    assert found.verdict_after is chuanxa.Verdict.RECOGNISED, [(s.indicator, s.input, s.value_after) for s in found.steps]


def _opposite_criteria_on_one_input() -> chuanxa.Ruleset:
    tree = _tree([_indicator("1", kind="threshold", input="p1", op=">=", max_points=1.0, levels=[{"points": 1.0, "threshold": 90}])])
    tree["criteria"].append({"id": "2", "title": {"vi": "Hai", "en": "Two"}, "max_points": 1.0,
                             "indicators": [_indicator("2", kind="threshold", input="p1", op="<=", max_points=1.0, levels=[{"points": 1.0, "threshold": 10}])]})
    tree["ruleset"]["total_points"] = 2.0
    return build(tree)


@pytest.mark.xfail(strict=True, reason="planner: a step (p1 → 10) takes away the points another indicator on p1 had; the plan is called feasible")
def test_a_step_that_costs_another_indicator_its_points_is_not_called_a_feasible_plan() -> None:
    found = chuanxa.plan(_commune({"p1": 95.0}), _opposite_criteria_on_one_input())  # no value of p1 meets both criteria
    assert not found.feasible or found.verdict_after is chuanxa.Verdict.RECOGNISED, [(s.indicator, s.input, s.value_after) for s in found.steps]
