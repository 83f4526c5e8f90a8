"""Planner defects the differential test found (session 3 audit), pinned as strict xfails: each turns red when the
planner is fixed, so that its mark and the matching exclusion in `tests/test_differential.py` go.

1. The planner treats indicators as independent. When two indicators read one input it may choose a step for each,
   setting the input to two values (applied in ruleset order, the last wins), or one step that takes away the points
   another indicator had on that input. Either way a plan called feasible leaves the commune not recognised when
   scored (exclusion: `_plan_reaches_what_the_planner_computed`).
2. (Fixed.) A `threshold` indicator on a yes/no or choice input (the model accepts `==`, `!=`, `≠` there, and every
   engine scores it alike) was planned as a number (`float('a')`, `yn = 0.01`); it is now planned by giving an
   answer of the input's type, and the differential test plans such rulesets too."""

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


def _threshold_on(input_name: str, op: str, threshold: object) -> chuanxa.Ruleset:
    return build(_tree([_indicator("1", kind="threshold", input=input_name, op=op, max_points=1.0, levels=[{"points": 1.0, "threshold": threshold}])]))


@pytest.mark.parametrize("input_name,op,threshold,value", [("ch", "==", "a", "b"), ("ch", "≠", "a", "a"), ("yn", "!=", False, False)])
def test_a_threshold_on_an_answer_is_planned_by_giving_that_answer(input_name: str, op: str, threshold: object, value: object) -> None:
    ruleset = _threshold_on(input_name, op, threshold)
    commune = _commune({input_name: value})
    assert chuanxa.score(commune, ruleset).indicator("1").points == 0.0  # every engine agrees on this (the differential test)
    found = chuanxa.plan(commune, ruleset)
    assert found.feasible and found.verdict_after is chuanxa.Verdict.RECOGNISED
    assert [s.input for s in found.steps] == [input_name] and found.steps[0].value_after != value
    assert found.steps[0].kind == "answer" and isinstance(found.steps[0].value_after, type(value))  # an answer of the input's type, not a number


def test_a_threshold_on_a_choice_names_the_choice_to_give() -> None:
    found = chuanxa.plan(_commune({"ch": "b"}), _threshold_on("ch", "==", "a"))
    assert found.steps[0].value_after == "a" and "“a”" in found.steps[0].message.en, found.steps[0].message
