"""The recognition rule, written once (`decide`) over a tiny backend protocol (`engine/rule_backends.py`) and run by
two executors: `apply` over NumPy arrays (n communes at a time: the column-wise engine and the summaries) and
`apply_one` on Python values (one commune: the per-commune engine, and the durable engine through it). No step of
the rule exists twice; the backends only supply primitives (sums per criterion, masks, the verdict table's
lookup), and a property test in tests/test_recognition_rule.py runs both on generated rules.

From the indicators' points and statuses (ruleset order) `decide` gives the criterion subtotals and floors, the
total, the knock-outs failed, the verdict, whether provisional indicators decide it, and the failure codes.
Records (criteria, failure sentences, the knock-out marks on indicator records) are built from its answer by
`judge` for one commune and by `engine/summary.py` for a table.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass, field
from operator import add, ge
from typing import Any, NamedTuple

import numpy as np

from chuanxa.criteria.model import Criterion, IndicatorModel, Recognition

from .fast import construct, from_state, intern
from .results import CriterionResult, FailureCode, FailureReason, IndicatorResult, Status, Total, Verdict, round_points
from .rule_backends import ArrayBackend, Backend, ScalarBackend, positions

_EPS = 1e-9
_BLOCK = 4096  # communes judged at once (see `RecognitionRule.apply`)

#: Statuses, verdicts and failure codes as the small integers the arrays hold (index into these tuples).
STATUSES: tuple[Status, ...] = tuple(Status)
VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
STATUS_CODE = {s: np.int8(i) for i, s in enumerate(STATUSES)}
#: The failure codes in the order a commune's reasons list them (knock-outs, criterion floors, total, missing data).
FAILURES: tuple[FailureCode, ...] = (FailureCode.KNOCKOUT_FAILED, FailureCode.CRITERION_BELOW_FLOOR, FailureCode.TOTAL_BELOW_MINIMUM, FailureCode.MISSING_DATA)
_TOTAL_SHORT = FAILURES.index(FailureCode.TOTAL_BELOW_MINIMUM)
_NA, _MISSING = STATUS_CODE[Status.NOT_APPLICABLE], STATUS_CODE[Status.MISSING_DATA]
_NA_S, _MISSING_S = Status.NOT_APPLICABLE, Status.MISSING_DATA
_RECOGNISED, _NOT, _INCOMPLETE = (VERDICTS.index(v) for v in (Verdict.RECOGNISED, Verdict.NOT_RECOGNISED, Verdict.INCOMPLETE))
#: Verdict by (data missing, passes now, passes with missing data at full marks): without missing data, passing now
#: recognises; with it, the commune is incomplete if it could still pass, else not recognised.
VERDICT_TABLE = (((_NOT, _NOT), (_RECOGNISED, _RECOGNISED)), ((_NOT, _INCOMPLETE), (_NOT, _INCOMPLETE)))
#: A result's `recognised` by its verdict: yes, no, or not known while data is missing.
RECOGNISED_FLAG: dict[Verdict, bool | None] = {Verdict.RECOGNISED: True, Verdict.NOT_RECOGNISED: False, Verdict.INCOMPLETE: None}


def knockout_need(ind: IndicatorModel) -> float:
    """The points a knock-out indicator needs: its `knockout_min_points`, else its maximum."""
    return ind.knockout_min_points if ind.knockout_min_points is not None else ind.max_points


def counts_as_knockout(ind: IndicatorModel, rule: Recognition) -> bool:
    """Whether `ind` can fail as a knock-out: a knock-out indicator of a ruleset with knock-outs on. With them off
    (`recognition.knockouts: false`) no indicator fails as one: none is marked, listed, or ranked as blocking one."""
    return ind.knockout and rule.knockouts


@dataclass(frozen=True)
class CriterionShape:
    """A criterion and the positions of its indicators in the ruleset's indicator order."""

    criterion: Criterion
    positions: tuple[int, ...]
    # Criterion records are immutable and take few distinct values (points on half-point steps): shared.
    interned: dict[tuple[float, float, int, float], CriterionResult] = field(default_factory=dict, compare=False, repr=False)


class Limits(NamedTuple):
    """What each criterion's floor and the total minimum need for the verdict, and the rounded maxima, floors,
    total maximum and minimum of the records. The verdict compares with the rounded floor and minimum (less the
    tolerance), as the records' `floor_met` and the failures do: a floor of 0.5 × 1.000001 is 0.5 in the records, so
    0.5 points meet it there and for the verdict alike (the unrounded 0.5000005 gave "not recognised" with every
    floor shown met and no reason)."""

    need: Any
    total_need: Any
    criterion_max: Any
    floor: Any
    floor_need: Any  # the rounded floor less the tolerance
    total_max: Any
    minimum: Any


class Answer(NamedTuple):
    """The rule's answer in a backend's values (see `rule_backends`: per criterion, per indicator, per commune)."""

    criterion_points: Any
    criterion_max: Any
    floor: Any
    floor_met: Any
    criterion_missing: Any
    total: Any
    total_max: Any
    minimum: Any
    knocked: Any  # mask: the knock-out indicators failed (none with knock-outs off)
    verdict: Any  # index into VERDICTS
    provisional_decides: Any  # correcting provisional indicators could flip the verdict
    provisional_count: Any  # provisional indicators that apply
    failures: tuple[Any, Any, Any, Any]  # one flag per code of FAILURES


def decide(b: Backend, rule: Recognition, points: Any, na: Any, missing: Any) -> Answer:
    """The recognition rule, for one commune or a table (`b`'s values): `points` per indicator, `na` and `missing`
    the masks of the indicators not applicable and of those with missing data (their points are 0)."""
    # 1. Each criterion's subtotal in four scenarios: the points now; missing data at full marks (could the commune
    #    still pass?); provisional indicators that apply all at full marks or all at zero (could correcting them
    #    flip the verdict?). Missing data applies, so it counts at the indicator's maximum.
    now = b.sums(points)
    best = now if b.empty(missing) else b.each(add, now, b.sums_over(b.maximum, missing))
    counted = b.provisional & ~na
    if b.empty(counted):
        high = low = best
    else:
        others = b.every & ~counted
        low = b.sums_over(points, others)
        if not b.empty(missing & others):
            low = b.each(add, low, b.sums_over(b.maximum, missing & others))
        high = b.each(add, low, b.sums_over(b.maximum, counted))
    limits = _limits(b, rule, na)
    # 2. A knock-out indicator (knock-outs on: `b.knockout`) that applies and has data fails below the points it needs.
    knocked = b.below(points, b.need, b.knockout & ~(na | missing))

    # 3. A scenario passes when every criterion reaches its floor and the total its minimum; with knock-outs on, a
    #    failed one fails it too, except a provisional one in the scenario where provisional indicators are at full marks.
    def passes(sums: Any, total: Any) -> Any:
        return b.reaches(sums, limits.need) & (total >= limits.total_need)

    now_total = b.total(now)
    now_ok = passes(now, now_total)
    best_ok = now_ok if best is now else passes(best, b.total(best))
    high_ok = best_ok if high is best else passes(high, b.total(high))
    low_ok = best_ok if low is best else passes(low, b.total(low))
    knocked_out = b.any(knocked)
    if rule.knockouts and not b.empty(knocked):
        clear = b.not_(knocked_out)
        now_ok, best_ok, low_ok = now_ok & clear, best_ok & clear, low_ok & clear
        high_ok = high_ok & b.not_(b.any(knocked & ~b.provisional))
    # 4. The verdict, the rounded numbers of the records and the failures.
    has_missing = b.any(missing)
    crit_points = b.rounds(now)
    total = b.round(now_total)
    floor_met = b.each(ge, crit_points, limits.floor_need)
    failures = (knocked_out if rule.knockouts else False, b.not_(b.all(floor_met)), total < limits.minimum - _EPS, has_missing)
    provisional_count = b.count(counted)
    return Answer(crit_points, limits.criterion_max, limits.floor, floor_met, b.counts(missing), total, limits.total_max, limits.minimum, knocked,
                  b.verdict(has_missing, now_ok, best_ok), (provisional_count > 0) & (high_ok != low_ok), provisional_count, failures)


def _limits(b: Backend, rule: Recognition, na: Any) -> Limits:
    """The limits, from the maxima of the indicators that count (not-applicable ones leave them when the ruleset
    excludes them): the same for every commune unless they do; per commune they depend only on the mask."""
    counts = b.every & ~na if rule.not_applicable == "exclude" else b.every
    return b.keep(counts, lambda: _limits_of(b, rule, b.sums_over(b.maximum, counts)))  # type: ignore[no-any-return]


def _limits_of(b: Backend, rule: Recognition, crit_max: Any) -> Limits:
    share, total_share = rule.min_criterion_share, rule.min_total_share
    summed = b.total(crit_max)
    top, total_max = b.rounds(crit_max), b.round(summed)
    floor = b.rounds(b.each(lambda t: share * t, top))
    floor_need, minimum = b.each(lambda f: f - _EPS, floor), b.round(total_share * total_max)
    return Limits(floor_need, minimum - _EPS, top, floor, floor_need, total_max, minimum)


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


_FIELDS = tuple(Recognised.__dataclass_fields__)


class RecognitionRule:
    """The recognition rule of one ruleset, with its constants in both backends' forms. Build once per compiled ruleset."""

    def __init__(self, indicators: Sequence[IndicatorModel], shapes: Sequence[CriterionShape], rule: Recognition) -> None:
        self.rule = rule
        self.shapes = tuple(shapes)
        if [i for shape in self.shapes for i in shape.positions] != list(range(len(indicators))):
            raise ValueError("indicator positions must follow the criteria in order")
        constants = ([ind.max_points for ind in indicators], [knockout_need(ind) - _EPS for ind in indicators],
                     [ind.provisional for ind in indicators], [counts_as_knockout(ind, rule) for ind in indicators], [shape.positions for shape in self.shapes], VERDICT_TABLE)
        self.arrays, self.scalars = ArrayBackend(*constants), ScalarBackend(*constants)

    def stated(self) -> tuple[list[float], float]:
        """Each criterion's floor and the total minimum when every indicator applies: the ruleset's own figures (what
        `rulesets show` prints), from the rule's limits rather than worked out again."""
        limits = _limits(self.scalars, self.rule, 0)
        return list(limits.floor), limits.minimum

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
        """`decide` over arrays [k, n], its answer as `Recognised`."""
        n = points.shape[1]
        found = decide(self.arrays, self.rule, points, status == _NA, status == _MISSING)
        failures = np.empty((len(FAILURES), n), dtype=bool)
        for row, flags in enumerate(found.failures):
            failures[row] = flags
        crit_top, floor, total_max, minimum = found.criterion_max, found.floor, found.total_max, found.minimum
        if crit_top.shape[-1] != n:  # the same limits for every commune
            crit_top, floor, total_max, minimum = (np.broadcast_to(x, x.shape[:-1] + (n,)) for x in (crit_top, floor, total_max, minimum))
        return Recognised(found.criterion_points, crit_top, floor, found.floor_met, found.criterion_missing, found.total, total_max, minimum,
                          found.knocked, found.verdict, found.provisional_decides, found.provisional_count, failures)

    def apply_one(self, results: Sequence[IndicatorResult]) -> Answer:
        """`decide` for one commune, from its scored indicators (ruleset order), on Python values: lists of the
        criteria's values (the limits' lists are shared between communes: read-only), Python numbers for the
        commune's, and the knock-outs failed as a bit set (`positions`)."""
        statuses = [r.status for r in results]
        return decide(self.scalars, self.rule, [r.points for r in results], _mask(statuses, _NA_S), _mask(statuses, _MISSING_S))


def _mask(statuses: list[Status], status: Status) -> int:
    """The bit set of the positions with `status` (found by the list's own search: few indicators have it)."""
    mask, i = 0, -1
    for _ in range(statuses.count(status)):
        i = statuses.index(status, i + 1)
        mask |= 1 << i
    return mask


class Judgement(NamedTuple):
    """The rule's answer for one commune, as records."""

    criteria: tuple[CriterionResult, ...]
    total: Total
    verdict: Verdict
    reasons: tuple[FailureReason, ...]
    knockouts_failed: tuple[str, ...]
    missing_count: int
    provisional_decides: bool
    provisional_count: int  # provisional indicators that apply to the commune
    total_short: bool  # the total is below its minimum (the rule's flag, as FailureCode.TOTAL_BELOW_MINIMUM)


def judge(results: MutableSequence[IndicatorResult], rule: RecognitionRule) -> Judgement:
    """Apply the rule to one commune's scored indicators (in ruleset order, `apply_one`). The records of the
    knock-out indicators the rule finds failed are replaced in `results` by ones marked `knockout_failed`: the
    mark comes from the rule, as the commune's `knockouts_failed` does."""
    found = rule.apply_one(results)
    knocked = positions(found.knocked) if found.knocked else ()
    for i in knocked:
        results[i] = _knocked_out(results[i])
    missing = found.criterion_missing
    criteria = criterion_records(rule.shapes, found.criterion_points, found.criterion_max, missing, rule.rule.min_criterion_share)
    key = (found.total, found.total_max, found.minimum)
    total = _TOTALS.get(key) or intern(_TOTALS, key, _total_record, *key)
    knockouts = tuple(results[i].id for i in knocked)
    missing_total = sum(missing)
    reasons = failure_reasons(found.failures, criteria, total, knockouts, missing_total, rule.rule)
    return Judgement(criteria, total, VERDICTS[found.verdict], reasons, knockouts, missing_total, found.provisional_decides, found.provisional_count,
                     bool(found.failures[_TOTAL_SHORT]))


def _knocked_out(record: IndicatorResult) -> IndicatorResult:
    """`record` marked as a failed knock-out (a copy: indicator records may be shared between communes)."""
    if record.knockout_failed:
        return record
    state = dict(record.__dict__)
    state["knockout_failed"] = True
    return from_state(IndicatorResult, state)


def criterion_records(shapes: Sequence[CriterionShape], got: Sequence[float], top: Sequence[float], missing: Sequence[int], share: float) -> tuple[CriterionResult, ...]:
    """The criterion records of one commune from the rule's rounded sums (shared records, see `CriterionShape`)."""
    return tuple([shape.interned.get((g, t, m, share)) or intern(shape.interned, (g, t, m, share), _criterion_record, shape.criterion, g, t, m, share)
                  for shape, g, t, m in zip(shapes, got, top, missing)])


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


# Total and failure records depend only on their numbers: built once per distinct key, then shared.
_TOTALS: dict[tuple[float, float, float], Total] = {}
_REASONS: dict[tuple[Any, ...], FailureReason] = {}


def _total_record(points: float, top: float, minimum: float) -> Total:
    return construct(Total, points=points, max=top, share=(points / top) if top else 0.0, minimum=minimum)


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
