"""The recognition rule, described once per ruleset and applied over arrays (n communes at a time, `apply`) or to
one commune (`apply_one`: the same steps on Python floats, as NumPy's fixed cost per operation would dominate at
n = 1; a property test in tests/test_recognition_rule.py holds the two to the same answer on generated rules).

From the indicators' points and statuses ([k, n], ruleset order) it gives the criterion subtotals and floors,
the total, the knock-outs failed, the verdict, whether provisional indicators decide it, and the failure codes.
Every engine uses it: the per-commune engine (`apply_one`), the column-wise engine, the summaries, and the
durable engine (which reuses the per-commune assembly). Records (criteria, failure sentences) are built from its
arrays by `judge` for one commune and by `engine/summary.py` for a table.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from chuanxa.criteria.model import Criterion, IndicatorModel, Recognition

from .fast import construct, from_state, intern
from .results import CriterionResult, FailureCode, FailureReason, IndicatorResult, Status, Total, Verdict, round_points

_EPS = 1e-9
_BLOCK = 4096  # communes judged at once (see `RecognitionRule.apply`)

#: Statuses, verdicts and failure codes as the small integers the arrays hold (index into these tuples).
STATUSES: tuple[Status, ...] = tuple(Status)
VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
STATUS_CODE = {s: np.int8(i) for i, s in enumerate(STATUSES)}
_STATUS_INDEX = {s: i for i, s in enumerate(STATUSES)}  # plain ints: NumPy builds an array of them faster than of its own scalars
#: The failure codes in the order a commune's reasons list them (knock-outs, criterion floors, total, missing data).
FAILURES: tuple[FailureCode, ...] = (FailureCode.KNOCKOUT_FAILED, FailureCode.CRITERION_BELOW_FLOOR, FailureCode.TOTAL_BELOW_MINIMUM, FailureCode.MISSING_DATA)
_NA, _MISSING = STATUS_CODE[Status.NOT_APPLICABLE], STATUS_CODE[Status.MISSING_DATA]
_NA_S, _MISSING_S = Status.NOT_APPLICABLE, Status.MISSING_DATA
_RECOGNISED, _NOT, _INCOMPLETE = (np.int8(VERDICTS.index(v)) for v in (Verdict.RECOGNISED, Verdict.NOT_RECOGNISED, Verdict.INCOMPLETE))


@dataclass(frozen=True)
class CriterionShape:
    """A criterion and the positions of its indicators in the ruleset's indicator order."""

    criterion: Criterion
    positions: tuple[int, ...]
    # Criterion records are immutable and take few distinct values (points on half-point steps): shared.
    interned: dict[tuple[float, float, int, float], CriterionResult] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Recognised:
    """The rule's answer for n communes (c criteria, k indicators); sums rounded to 6 decimals."""

    criterion_points: np.ndarray  # [c, n]
    criterion_max: np.ndarray  # [c, n]
    floor: np.ndarray  # [c, n] the points each criterion needs
    floor_met: np.ndarray  # [c, n] bool
    criterion_missing: np.ndarray  # [c, n] indicators with missing data
    total: np.ndarray  # [n]
    total_max: np.ndarray  # [n]
    minimum: np.ndarray  # [n] the total needed
    knockout_failed: np.ndarray  # [k, n] bool
    verdict: np.ndarray  # [n] int8, index into VERDICTS
    provisional_decides: np.ndarray  # [n] bool: correcting provisional indicators could flip the verdict
    provisional_count: np.ndarray  # [n] provisional indicators that apply
    failures: np.ndarray  # [4, n] bool, one row per code of FAILURES


class One(NamedTuple):
    """The rule's answer for one commune (`RecognitionRule.apply_one`): `Recognised`'s column as Python values."""

    criterion_points: list[float]
    criterion_max: list[float]
    floor: list[float]
    floor_met: list[bool]
    criterion_missing: list[int]
    total: float
    total_max: float
    minimum: float
    knockout_failed: tuple[int, ...]  # positions of the knock-out indicators failed
    verdict: int  # index into VERDICTS
    provisional_decides: bool
    provisional_count: int
    failures: tuple[bool, bool, bool, bool]  # one flag per code of FAILURES


_FIELDS = tuple(Recognised.__dataclass_fields__)


class RecognitionRule:
    """The recognition rule of one ruleset over arrays. Build once per compiled ruleset."""

    def __init__(self, indicators: Sequence[IndicatorModel], shapes: Sequence[CriterionShape], rule: Recognition) -> None:
        self.rule = rule
        self.shapes = tuple(shapes)
        column = lambda values, dtype=float: np.array(values, dtype=dtype).reshape(-1, 1)  # noqa: E731 - [k, 1], broadcast over communes
        self.maximum = column([ind.max_points for ind in indicators])
        self.provisional = column([ind.provisional for ind in indicators], bool)
        self.knockout = column([ind.knockout for ind in indicators], bool)
        self.needs = column([(ind.knockout_min_points if ind.knockout_min_points is not None else ind.max_points) - _EPS for ind in indicators])
        self.has_provisional, self.has_knockout = bool(self.provisional.any()), bool(self.knockout.any())
        # Indicators are stored criterion by criterion, so each criterion is one contiguous segment of rows.
        self.starts = np.array([shape.positions[0] for shape in self.shapes], dtype=np.intp)
        self.segments = tuple(slice(shape.positions[0], shape.positions[-1] + 1) for shape in self.shapes)
        if [i for shape in self.shapes for i in shape.positions] != list(range(len(indicators))):
            raise ValueError("indicator positions must follow the criteria in order")
        self.exclude = rule.not_applicable == "exclude"
        # Unless not-applicable indicators leave the maximum, the maxima and thresholds are the same for every commune.
        self.fixed = None if self.exclude else self._limits(np.add.reduceat(self.maximum, self.starts, axis=0))
        self._by_pattern: dict[bytes, tuple[np.ndarray, ...]] = {}  # which indicators apply → limits (see `_limits_for`)
        # The same description for one commune (`apply_one`): per criterion, its indicators' (position, maximum,
        # provisional, knock-out, points a knock-out needs) as plain Python values.
        self.rows = tuple(tuple((i, float(self.maximum[i, 0]), bool(self.provisional[i, 0]), bool(self.knockout[i, 0]),
                                 float(self.needs[i, 0])) for i in shape.positions) for shape in self.shapes)
        self._one_limits: dict[tuple[float, ...], tuple[Any, ...]] = {}  # criterion maxima → limits (see `_limits_one`)

    def _limits(self, crit_max: np.ndarray) -> tuple[np.ndarray, ...]:
        """From criterion maxima [c, n]: what each criterion's floor and the total minimum need (unrounded, for the
        verdict), and the rounded maxima, floors, total maximum and minimum (for the records)."""
        rule = self.rule
        crit_top, total_max = _round(crit_max), _round(crit_max.sum(axis=0))
        need = rule.min_criterion_share * crit_max[:, None] - _EPS
        total_need = rule.min_total_share * crit_max.sum(axis=0) - _EPS
        return need, total_need, crit_top, _round(rule.min_criterion_share * crit_top), total_max, _round(rule.min_total_share * total_max)

    def apply(self, points: np.ndarray, status: np.ndarray) -> Recognised:
        """The rule for the communes whose indicators scored `points` (float64) with `status` (codes), both [k, n],
        a block of communes at a time: the rule's [k, block] temporaries then stay in cache, whatever n."""
        n = points.shape[1]
        if n <= _BLOCK:
            return self._apply(points, status)
        out: dict[str, np.ndarray] = {}
        for i in range(0, n, _BLOCK):  # each block's answer copied into place while it is still in cache
            part = self._apply(points[:, i:i + _BLOCK], status[:, i:i + _BLOCK])
            for name in _FIELDS:
                value = getattr(part, name)
                if name not in out:
                    out[name] = np.empty(value.shape[:-1] + (n,), dtype=value.dtype)
                out[name][..., i:i + _BLOCK] = value
        return Recognised(**out)

    def _apply(self, points: np.ndarray, status: np.ndarray) -> Recognised:
        """The rule for the communes whose indicators scored `points` (float64) with `status` (codes), both [k, n].

        A fixed number of array operations whatever n (no loop over indicators or criteria): per commune (n = 1)
        their count is the cost, column-wise their size, so only ufuncs are used (NumPy's Python-level helpers
        such as `where`, `round` or `stack` cost several times more on one commune). Masks select by
        multiplication, which is exact: points of missing data are 0 and every point is finite. Four scenarios
        are judged at once: the points now, missing data at full marks (could the commune still pass?), and
        provisional indicators all at full marks or all at zero (could correcting them flip the verdict?)."""
        rule, starts, n = self.rule, self.starts, points.shape[1]
        na, missing = status == _NA, status == _MISSING
        top = self.maximum * ~na if self.exclude else self.maximum
        best = points + top * missing  # missing data at full marks
        sums = np.empty((len(starts), 4, n))  # [c, 4, n]: the criterion subtotals of each scenario
        add = self._segment_sums
        add(points, sums[:, 0])
        add(best, sums[:, 1])
        if self.has_provisional:
            counted = self.provisional & ~na
            low = best * ~counted
            add(low + top * counted, sums[:, 2])
            add(low, sums[:, 3])
            provisional_count = counted.sum(axis=0)
        else:
            sums[:, 2] = sums[:, 3] = sums[:, 1]
            provisional_count = np.zeros(n, dtype=np.int64)
        crit_missing = add(missing, np.empty((len(starts), n), dtype=np.int64))
        need, total_need, crit_top, floor, total_max, minimum = self.fixed or self._limits_for(na, top)
        holds = (sums >= need).all(axis=0) & (sums.sum(axis=0) >= total_need)  # [4, n]
        knocked = self.knockout & ~(na | missing) & (points < self.needs) if self.has_knockout else np.zeros(points.shape, dtype=bool)
        knock_ok = ~knocked.any(axis=0)
        if rule.knockouts and self.has_knockout:  # a provisional knock-out counts against the commune only as it stands now
            holds[:2] &= knock_ok
            holds[2] &= ~(knocked & ~self.provisional).any(axis=0)
            holds[3] &= knock_ok
        has_missing = crit_missing.any(axis=0)
        # The verdict from (data missing, passes now, passes with missing data at full marks): see `_VERDICT`.
        verdict = _VERDICT[has_missing.view(np.int8), holds[0].view(np.int8), holds[1].view(np.int8)]
        crit_points = _round(sums[:, 0])
        total = _round(sums[:, 0].sum(axis=0))
        floor_met = crit_points >= floor - _EPS
        failures = np.empty((len(FAILURES), n), dtype=bool)
        failures[0] = ~knock_ok if rule.knockouts else False
        failures[1] = ~floor_met.all(axis=0)
        failures[2] = total < minimum - _EPS
        failures[3] = has_missing
        if crit_top.shape[-1] != n:  # the fixed limits, for every commune
            crit_top, floor, total_max, minimum = (np.broadcast_to(x, x.shape[:-1] + (n,)) for x in (crit_top, floor, total_max, minimum))
        return Recognised(crit_points, crit_top, floor, floor_met, crit_missing, total, total_max, minimum, knocked, verdict,
                          (provisional_count > 0) & (holds[2] != holds[3]), provisional_count, failures)


    def apply_one(self, results: Sequence[IndicatorResult]) -> One:
        """The rule for one commune, from its scored indicators (ruleset order): `apply` with n = 1, instantiated
        with Python floats in one pass, since NumPy's fixed cost per operation dominates at n = 1. It reads the
        same description (`rows`, limits from `_limits_one`) and follows `_apply` step by step: the same four
        scenarios, sums in the same order, the same verdict table; a property test holds the two to one answer."""
        rule, exclude = self.rule, self.exclude
        got_c: list[float] = []
        sums: list[tuple[float, float, float, float]] = []  # [c][4]: the criterion subtotals of each scenario
        now = full = high = low = 0.0  # the totals of the four scenarios, added criterion after criterion as `apply` does
        top_c: list[float] = []
        missing_c: list[int] = []
        knocked: list[int] = []
        firm_knocked = False
        provisional_count = 0
        for row in self.rows:
            got = best_sum = high_sum = low_sum = top_sum = 0.0
            missing = 0
            for i, maximum, provisional, knockout, needs in row:
                r = results[i]
                status, points = r.status, r.points
                got += points
                if status is _MISSING_S:
                    missing += 1
                    top = maximum
                    best = points + maximum
                else:
                    top = 0.0 if (exclude and status is _NA_S) else maximum
                    best = points
                    if knockout and status is not _NA_S and points < needs:
                        knocked.append(i)
                        firm_knocked = firm_knocked or not provisional
                top_sum += top
                best_sum += best
                if provisional and status is not _NA_S:
                    provisional_count += 1
                    high_sum += top
                else:
                    high_sum += best
                    low_sum += best
            got_c.append(got)
            sums.append((got, best_sum, high_sum, low_sum))
            now += got
            full += best_sum
            high += high_sum
            low += low_sum
            top_c.append(top_sum)
            missing_c.append(missing)
        need, total_need, crit_top, floor, total_max, minimum = self._limits_one(top_c)
        holds = [total >= total_need and all(map(operator.ge, scenario, need)) for total, scenario in zip((now, full, high, low), zip(*sums))]
        knock_ok = not knocked
        if rule.knockouts and knocked:  # a provisional knock-out counts against the commune only as it stands now
            holds = [False, False, holds[2] and not firm_knocked, False]
        has_missing = any(missing_c)
        verdict = _VERDICT_ONE[has_missing][holds[0]][holds[1]]
        crit_points = [round(x * 1e6) / 1e6 for x in got_c]
        total = round(now * 1e6) / 1e6
        floor_met = [p >= f - _EPS for p, f in zip(crit_points, floor)]
        failures = (rule.knockouts and not knock_ok, not all(floor_met), total < minimum - _EPS, has_missing)
        return One(crit_points, crit_top, floor, floor_met, missing_c, total, total_max, minimum, tuple(knocked), verdict,
                   provisional_count > 0 and holds[2] != holds[3], provisional_count, failures)

    def _limits_one(self, crit_max: list[float]) -> tuple[Any, ...]:
        """`_limits` for one commune as Python values, kept by the criterion maxima (few distinct ones)."""
        key = tuple(crit_max)
        found = self._one_limits.get(key)
        if found is None:
            need, total_need, *rest = self._limits(np.array(crit_max).reshape(-1, 1))
            found = self._one_limits[key] = (need[:, 0, 0].tolist(), float(total_need[0]), *(x[..., 0].tolist() for x in rest))
        return found

    def _limits_for(self, na: np.ndarray, top: np.ndarray) -> tuple[np.ndarray, ...]:
        """The limits when not-applicable indicators leave the maximum: per commune they depend only on which
        indicators apply, a pattern most communes share, so one commune's are kept by that pattern."""
        if na.shape[1] != 1:
            return self._limits(self._segment_sums(top, np.empty((len(self.starts), top.shape[1]))))
        key = na.tobytes()
        found = self._by_pattern.get(key)
        if found is None:
            found = self._by_pattern[key] = self._limits(self._segment_sums(top, np.empty((len(self.starts), 1))))
        return found

    def _segment_sums(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Each criterion's rows of `x` [k, n] summed into `out` [c, n], row after row in ruleset order (both ways
        below add in that order): one call for a few communes, a contiguous slice per criterion for many (NumPy's
        `reduceat` along the first axis is several times slower on long rows)."""
        if x.shape[1] <= 64:
            return np.add.reduceat(x, self.starts, axis=0, out=out, dtype=out.dtype)
        for c, rows in enumerate(self.segments):
            np.add.reduce(x[rows], axis=0, out=out[c], dtype=out.dtype)
        return out


def _round(x: np.ndarray) -> np.ndarray:
    """Rounded to 6 decimals as `np.round(x, 6)` and `round_points` do (scaled, half to even), by ufuncs only."""
    return np.rint(x * 1e6) / 1e6


# Verdict by (data missing, passes now, passes with missing data at full marks), indexed by the three flags: without
# missing data, passing now recognises; with it, the commune is incomplete if it could still pass, else not recognised.
_VERDICT = np.array([_NOT, _NOT, _RECOGNISED, _RECOGNISED, _NOT, _INCOMPLETE, _NOT, _INCOMPLETE], dtype=np.int8).reshape(2, 2, 2)
_VERDICT_ONE: list[list[list[int]]] = _VERDICT.tolist()  # the same table for `apply_one` (indexed by Python bools)


@dataclass(frozen=True)
class Judgement:
    """The rule's answer for one commune, as records."""

    criteria: tuple[CriterionResult, ...]
    total: Total
    verdict: Verdict
    reasons: tuple[FailureReason, ...]
    knockouts_failed: tuple[str, ...]
    missing_count: int
    provisional_decides: bool
    provisional_count: int  # provisional indicators that apply to the commune


def judge(results: Sequence[IndicatorResult], rule: RecognitionRule) -> Judgement:
    """Apply the rule to one commune's scored indicators (in ruleset order): the rule with n = 1 (`apply_one`)."""
    found = rule.apply_one(results)
    missing = found.criterion_missing
    criteria = criterion_records(rule.shapes, found.criterion_points, found.criterion_max, missing, rule.rule.min_criterion_share)
    total_points, total_max = found.total, found.total_max
    total = construct(Total, points=total_points, max=total_max, share=(total_points / total_max) if total_max else 0.0, minimum=found.minimum)
    knockouts = tuple(results[i].id for i in found.knockout_failed)
    missing_total = sum(missing)
    reasons = failure_reasons(found.failures, criteria, total, knockouts, missing_total, rule.rule)
    return Judgement(criteria, total, VERDICTS[found.verdict], reasons, knockouts, missing_total, found.provisional_decides, found.provisional_count)


def criterion_records(shapes: Sequence[CriterionShape], got: Sequence[float], top: Sequence[float], missing: Sequence[int], share: float) -> tuple[CriterionResult, ...]:
    """The criterion records of one commune from the rule's rounded sums (shared records, see `CriterionShape`)."""
    return tuple(_criterion(shape, got[c], top[c], missing[c], share) for c, shape in enumerate(shapes))


def _criterion(shape: CriterionShape, got: float, top: float, missing: int, share: float) -> CriterionResult:
    key = (got, top, missing, share)
    return shape.interned.get(key) or intern(shape.interned, key, _criterion_record, shape.criterion, got, top, missing, share)


def _criterion_record(criterion: Criterion, got: float, top: float, missing: int, share: float) -> CriterionResult:
    floor = round_points(share * top)
    return from_state(CriterionResult, {"id": criterion.id, "title": criterion.title, "points": got, "max": top, "floor": floor, "floor_met": got >= floor - _EPS, "missing": missing,
                                        "provisional": criterion.provisional})


def failure_reasons(failed: Sequence[bool], criteria: Sequence[CriterionResult], total: Total, knockouts: Sequence[str], missing: int, rule: Recognition) -> tuple[FailureReason, ...]:
    """The sentences of the failures the rule found (`failed`: one flag per code of FAILURES)."""
    knockout, floor, below, incomplete = failed
    found: list[FailureReason] = []
    if knockout:
        found += [_reason(("knockout", ind), _knockout_reason, ind) for ind in knockouts]
    share = rule.min_criterion_share
    if floor:
        found += [_reason(("criterion", crit.id, crit.points, crit.max, crit.floor, share, crit.provisional), _criterion_reason, crit, share) for crit in criteria if not crit.floor_met]
    if below:
        found.append(_reason(("total", total.points, total.max, total.minimum, rule.min_total_share), _total_reason, total, rule.min_total_share))
    if incomplete:
        found.append(_reason(("missing", missing), _missing_reason, missing))
    return tuple(found)


def failure_codes(failed: Sequence[bool]) -> tuple[FailureCode, ...]:
    """The failure codes flagged in one commune's column of `Recognised.failures`."""
    return tuple(code for code, flag in zip(FAILURES, failed) if flag)


# Failure records depend only on their numbers: built once per distinct key, then shared.
_REASONS: dict[tuple[Any, ...], FailureReason] = {}


def _reason(key: tuple[Any, ...], build: Any, *args: Any) -> FailureReason:
    return intern(_REASONS, key, build, *args)


def _knockout_reason(ind: str) -> FailureReason:
    return construct(FailureReason, code=FailureCode.KNOCKOUT_FAILED, criterion=None, indicator=ind, points=None, required=None)


def _criterion_reason(crit: CriterionResult, share: float) -> FailureReason:
    return construct(FailureReason, code=FailureCode.CRITERION_BELOW_FLOOR, criterion=crit.id, indicator=None, points=crit.points, required=crit.floor)


def _total_reason(total: Total, share: float) -> FailureReason:
    return construct(FailureReason, code=FailureCode.TOTAL_BELOW_MINIMUM, criterion=None, indicator=None, points=total.points, required=total.minimum)


def _missing_reason(missing: int) -> FailureReason:
    return construct(FailureReason, code=FailureCode.MISSING_DATA, criterion=None, indicator=None, points=None, required=None)
