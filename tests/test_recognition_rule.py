"""The one recognition rule (`engine/recognition.py`): written over arrays, the same answer for a table of
communes as for each commune alone (n = 1, the per-commune engine's use of it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.communes.readers import read_commune_file
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.recognition import FAILURES, STATUS_CODE, VERDICTS, judge
from chuanxa.engine.results import FailureCode, Status, Verdict

RULESETS = ("qd1300@2023-03-20", "qd1300@2023-03-09", "qd4667@2014-11-07")


def _table(engine: CompiledRuleset, draw: st.DrawFn, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points and statuses of n communes that an engine could give: missing and not-applicable data score 0 (or the
    maximum when the ruleset awards it), other points on quarter steps up to the indicator's maximum."""
    k = len(engine.indicators)
    points, status = np.zeros((k, n)), np.zeros((k, n), dtype=np.int8)
    for j, ci in enumerate(engine.indicators):
        for i in range(n):
            state = draw(st.sampled_from([Status.MET, Status.PARTLY_MET, Status.NOT_MET, Status.MISSING_DATA, Status.NOT_APPLICABLE, Status.ASSESSED]))
            steps = int(ci.model.max_points * 4)
            value = {Status.MET: ci.model.max_points, Status.NOT_MET: 0.0, Status.MISSING_DATA: 0.0,
                     Status.NOT_APPLICABLE: ci.model.max_points if ci.award_not_applicable else 0.0}.get(state)
            points[j, i] = value if value is not None else draw(st.integers(0, steps)) / 4
            status[j, i] = STATUS_CODE[state]
    return points, status


@settings(max_examples=30, deadline=None)
@given(ref=st.sampled_from(RULESETS), data=st.data())
def test_a_table_of_communes_gets_what_each_commune_gets_alone(ref: str, data: st.DataObject) -> None:
    engine = chuanxa.compiled(ref)
    points, status = _table(engine, data.draw, 6)
    whole = engine.recognition.apply(points, status)
    for i in range(points.shape[1]):
        alone = engine.recognition.apply(points[:, i:i + 1], status[:, i:i + 1])
        for name in ("criterion_points", "criterion_max", "floor", "floor_met", "criterion_missing", "knockout_failed", "failures"):
            assert np.array_equal(getattr(whole, name)[:, i], getattr(alone, name)[:, 0]), name
        for name in ("total", "total_max", "minimum", "verdict", "provisional_decides", "provisional_count"):
            assert getattr(whole, name)[i] == getattr(alone, name)[0], name


def test_missing_data_makes_a_passing_commune_incomplete_and_a_failing_one_not_recognised() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    k = len(engine.indicators)
    full = np.array([[ci.model.max_points] for ci in engine.indicators])
    met = np.full((k, 1), STATUS_CODE[Status.MET], dtype=np.int8)
    assert VERDICTS[engine.recognition.apply(full, met).verdict[0]] is Verdict.RECOGNISED
    one_missing = met.copy()
    one_missing[0, 0] = STATUS_CODE[Status.MISSING_DATA]
    points = full.copy()
    points[0, 0] = 0.0
    found = engine.recognition.apply(points, one_missing)
    assert VERDICTS[found.verdict[0]] is Verdict.INCOMPLETE
    assert [code for code, flag in zip(FAILURES, found.failures[:, 0]) if flag] == [FailureCode.MISSING_DATA]
    nothing = np.zeros((k, 1))
    nothing_status = np.full((k, 1), STATUS_CODE[Status.NOT_MET], dtype=np.int8)
    nothing_status[0, 0] = STATUS_CODE[Status.MISSING_DATA]
    found = engine.recognition.apply(nothing, nothing_status)
    assert VERDICTS[found.verdict[0]] is Verdict.NOT_RECOGNISED
    assert {FailureCode.CRITERION_BELOW_FLOOR, FailureCode.TOTAL_BELOW_MINIMUM, FailureCode.MISSING_DATA} <= {c for c, f in zip(FAILURES, found.failures[:, 0]) if f}


def test_the_per_commune_judgement_is_the_array_rule_read_back_as_records() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    example = read_commune_file(Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml")
    result = engine.evaluate(example)
    judgement = judge(result.indicators, engine.recognition)
    assert judgement.verdict is result.verdict and judgement.total == result.total and judgement.criteria == result.criteria
    assert tuple(r.code for r in judgement.reasons) == tuple(r.code for r in result.reasons)
