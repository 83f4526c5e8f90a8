"""The one recognition rule (`engine/recognition.py`, `decide`): written once over a backend protocol, run on NumPy
arrays for a table of communes and on Python values for one commune, with the same answer; the knock-out marks of
indicator records come from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.communes.readers import read_commune_file
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.criteria.model import Recognition
from chuanxa.engine.recognition import FAILURES, STATUS_CODE, VERDICTS, CriterionShape, RecognitionRule, judge
from chuanxa.engine.results import FailureCode, Status, Verdict
from chuanxa.engine.rule_backends import positions

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
    judgement = judge(list(result.indicators), engine.recognition)
    assert judgement.verdict is result.verdict and judgement.total == result.total and judgement.criteria == result.criteria
    assert tuple(r.code for r in judgement.reasons) == tuple(r.code for r in result.reasons)


@dataclass(frozen=True)
class _Indicator:
    """What the rule reads of an indicator model."""

    max_points: float
    provisional: bool
    knockout: bool
    knockout_min_points: float | None


@dataclass(frozen=True)
class _Scored:
    """What the rule reads of an indicator result."""

    id: str
    points: float
    status: Status


@st.composite
def _rules_and_communes(draw: st.DrawFn) -> tuple[RecognitionRule, list[_Indicator], list[list[_Scored]]]:
    """A generated recognition rule (criteria of 1-4 indicators with maxima on 0.1/0.25/0.3/0.5 steps, provisional
    and knock-out indicators, shares, knock-outs on or off, not-applicable excluded or awarded) and communes scored
    against it, with points on every step, on the knock-out threshold and at the maximum."""
    step = draw(st.sampled_from([0.1, 0.25, 0.3, 0.5, 1.0]))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    indicators = []
    for _ in range(sum(sizes)):
        top = draw(st.integers(1, 10)) * step
        knockout = draw(st.booleans())
        minimum = draw(st.none() | st.integers(0, 10).map(lambda m, top=top: min(m * step, top))) if knockout else None
        indicators.append(_Indicator(top, draw(st.booleans()), knockout, minimum))
    positions, start = [], 0
    for size in sizes:
        positions.append(tuple(range(start, start + size)))
        start += size
    rule = Recognition(min_total_share=draw(st.sampled_from([0.0, 0.5, 0.7, 0.8, 1.0])), min_criterion_share=draw(st.sampled_from([0.0, 0.3, 0.5, 1.0])),
                       knockouts=draw(st.booleans()), not_applicable=draw(st.sampled_from(["exclude", "award"])))
    engine = RecognitionRule(indicators, [CriterionShape(None, p) for p in positions], rule)  # type: ignore[arg-type]
    statuses = [Status.MET, Status.PARTLY_MET, Status.NOT_MET, Status.MISSING_DATA, Status.NOT_APPLICABLE, Status.ASSESSED]
    communes = []
    for _ in range(draw(st.integers(2, 8))):
        scored = []
        for j, ind in enumerate(indicators):
            status = draw(st.sampled_from(statuses))
            if status is Status.MISSING_DATA or (status is Status.NOT_APPLICABLE and rule.not_applicable == "exclude"):
                points = 0.0
            elif status is Status.NOT_APPLICABLE:
                points = ind.max_points
            else:
                on_step = draw(st.integers(0, round(ind.max_points / step))) * step
                points = draw(st.sampled_from([min(on_step, ind.max_points), ind.max_points, ind.knockout_min_points or 0.0]))
            scored.append(_Scored(f"i{j}", points, status))
        communes.append(scored)
    return engine, indicators, communes


@settings(max_examples=300, deadline=None)
@given(case=_rules_and_communes())
def test_the_rule_for_one_commune_answers_what_the_array_rule_answers_for_a_table(case: tuple[RecognitionRule, list[_Indicator], list[list[_Scored]]]) -> None:
    """`apply_one` (Python values, per commune) and `apply` (arrays, column-wise) run one rule on two backends; the
    knock-outs failed are those of an independent reading of the rule: with knock-outs on, a knock-out indicator that
    applies, has data and scores below what it needs."""
    rule, indicators, communes = case
    points = np.array([[r.points for r in c] for c in communes]).T
    status = np.array([[STATUS_CODE[r.status] for r in c] for c in communes], dtype=np.int8).T
    table = rule.apply(points, status)
    for i, commune in enumerate(communes):
        one = rule.apply_one(commune)
        for name in ("criterion_points", "criterion_max", "floor", "floor_met", "criterion_missing"):
            assert list(getattr(one, name)) == getattr(table, name)[:, i].tolist(), name
        for name in ("total", "total_max", "minimum", "verdict", "provisional_decides", "provisional_count"):
            assert getattr(one, name) == getattr(table, name)[i].item(), name
        assert positions(one.knocked) == np.flatnonzero(table.knockout_failed[:, i]).tolist() == [
            j for j, (r, ind) in enumerate(zip(commune, indicators)) if rule.rule.knockouts and ind.knockout and r.status not in (Status.NOT_APPLICABLE, Status.MISSING_DATA)
            and r.points < (ind.max_points if ind.knockout_min_points is None else ind.knockout_min_points) - 1e-9]
        assert list(one.failures) == table.failures[:, i].tolist()


def _plainly(rule: RecognitionRule, indicators: list[_Indicator], scored: list[_Scored]) -> tuple[Verdict, bool, int, list[bool]]:
    """The recognition rule read plainly, one scenario at a time (a reference for `decide`): the verdict, whether
    correcting provisional indicators could flip it, how many apply, and the failure flags."""
    na, missing = Status.NOT_APPLICABLE, Status.MISSING_DATA
    recognition, groups = rule.rule, [shape.positions for shape in rule.shapes]
    top = [0.0 if recognition.not_applicable == "exclude" and r.status is na else ind.max_points for r, ind in zip(scored, indicators)]
    counted = [ind.provisional and r.status is not na for r, ind in zip(scored, indicators)]
    best = [top[j] if r.status is missing else r.points for j, r in enumerate(scored)]
    scenarios = {"now": [r.points for r in scored], "best": best, "high": [top[j] if counted[j] else best[j] for j in range(len(scored))],
                 "low": [0.0 if counted[j] else best[j] for j in range(len(scored))]}
    crit_max = [sum(top[j] for j in group) for group in groups]
    knocked = [j for j, (r, ind) in enumerate(zip(scored, indicators)) if ind.knockout and r.status not in (na, missing)
               and r.points < (ind.max_points if ind.knockout_min_points is None else ind.knockout_min_points) - 1e-9]
    firm = [j for j in knocked if not indicators[j].provisional]

    def passes(name: str) -> bool:
        sums = [sum(scenarios[name][j] for j in group) for group in groups]
        blocked = recognition.knockouts and (firm if name == "high" else knocked)
        # the floors and the minimum as the records show them (rounded to 6 decimals), less the tolerance
        return not blocked and sum(sums) >= minimum - 1e-9 and all(got >= floor - 1e-9 for got, floor in zip(sums, floors))

    floors = [round(recognition.min_criterion_share * round(most, 6), 6) for most in crit_max]
    minimum = round(recognition.min_total_share * round(sum(crit_max), 6), 6)
    has_missing = any(r.status is missing for r in scored)
    verdict = (Verdict.INCOMPLETE if passes("best") else Verdict.NOT_RECOGNISED) if has_missing else (Verdict.RECOGNISED if passes("now") else Verdict.NOT_RECOGNISED)
    now = [round(sum(scenarios["now"][j] for j in group), 6) for group in groups]
    total = round(sum(scenarios["now"]), 6)
    failures = [bool(recognition.knockouts and knocked), any(got < floor - 1e-9 for got, floor in zip(now, floors)), total < minimum - 1e-9, has_missing]
    return verdict, sum(counted) > 0 and passes("high") != passes("low"), sum(counted), failures


@settings(max_examples=200, deadline=None)
@given(case=_rules_and_communes())
def test_the_one_rule_answers_what_a_plain_reading_of_it_answers(case: tuple[RecognitionRule, list[_Indicator], list[list[_Scored]]]) -> None:
    """Both backends share `decide`, so their agreement cannot catch a step that is wrong in it: a plain reading of
    the rule (each scenario summed on its own) gives the same verdicts, provisional decisions and failures."""
    rule, indicators, communes = case
    for commune in communes:
        one = rule.apply_one(commune)
        assert (VERDICTS[one.verdict], one.provisional_decides, one.provisional_count, list(one.failures)) == _plainly(rule, indicators, commune)


def test_a_table_longer_than_a_block_gets_what_its_pieces_get() -> None:
    """`apply` judges long tables block by block and writes each block's answer into place: the whole table's answer
    equals that of pieces cut across the block boundaries."""
    engine = chuanxa.compiled("qd1300@2023-03-20")
    rule, rng = engine.recognition, np.random.default_rng(7)
    k, n = len(engine.indicators), 2 * 4096 + 1001
    codes = np.array([STATUS_CODE[s] for s in (Status.MET, Status.PARTLY_MET, Status.NOT_MET, Status.MISSING_DATA, Status.NOT_APPLICABLE)], dtype=np.int8)
    status = rng.choice(codes, size=(k, n), p=[0.5, 0.25, 0.15, 0.05, 0.05])
    points = np.floor(rng.random((k, n)) * (rule.arrays.maximum * 2 + 1)) / 2
    points[status == STATUS_CODE[Status.MISSING_DATA]] = 0.0
    whole = rule.apply(points, status)
    assert len(set(whole.verdict.tolist())) > 1  # the table mixes verdicts
    for start in range(0, n, 3000):
        piece = rule.apply(points[:, start:start + 3000], status[:, start:start + 3000])
        for name in whole.__dataclass_fields__:
            assert np.array_equal(getattr(whole, name)[..., start:start + 3000], getattr(piece, name)), name


def test_both_executors_run_the_one_rule_each_on_its_own_backend(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Per commune and column-wise, the verdict comes from the same function (`decide`), not from a copy of it."""
    import chuanxa.engine.recognition as recognition

    engine = chuanxa.compiled("qd1300@2023-03-20")
    example = read_commune_file(Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml")
    seen: list[str] = []
    original = recognition.decide
    monkeypatch.setattr(recognition, "decide", lambda b, *args: seen.append(type(b).__name__) or original(b, *args))
    one = engine.evaluate(example)
    table = chuanxa.summarise_many([example, example], engine.ruleset, column_wise=True)
    assert seen == ["ScalarBackend", "ArrayBackend"]
    assert [s.verdict for s in table.summaries] == [one.verdict] * 2


def test_indicator_records_carry_the_knock_outs_the_rule_failed() -> None:
    """Under the knock-out overlay, the example district has communes failing either knock-out: each record's mark is
    the rule's (the commune's `knockouts_failed`), and marking a commune's records changes no record another shares."""
    from chuanxa.communes.readers import read_table
    from chuanxa.criteria.registry import Registry

    root = Path(__file__).parent.parent
    ruleset = Registry([root / "examples" / "overlays"], use_env=False).load("qd1300_example_knockouts")
    engine = chuanxa.compiled(ruleset)
    results = [engine.evaluate(row.data) for row in read_table(root / "examples" / "thieu_hoa_2024.csv", ruleset).rows]
    failed = [r.knockouts_failed for r in results]
    assert {"7", "32"} <= {ind for found in failed for ind in found} and () in failed
    for result in results:
        assert tuple(r.id for r in result.indicators if r.knockout_failed) == result.knockouts_failed
        assert all(r.knockout for r in result.indicators if r.knockout_failed)
        if result.knockouts_failed:
            assert result.verdict is not Verdict.RECOGNISED and FailureCode.KNOCKOUT_FAILED in {reason.code for reason in result.reasons}
    again = [engine.evaluate(row.data) for row in read_table(root / "examples" / "thieu_hoa_2024.csv", ruleset).rows]
    assert [r.model_dump() for r in again] == [r.model_dump() for r in results]
