"""The recognition rule applied to indicator points: criterion subtotals and floors, the total, knock-outs,
and the verdict with every reason it fails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chuanxa.criteria.model import Criterion, Recognition

from .fast import construct, from_state, intern
from .results import CriterionResult, FailureCode, FailureReason, IndicatorResult, Status, Total, Verdict, round_points

_EPS = 1e-9


@dataclass(frozen=True)
class CriterionShape:
    """A criterion and the positions of its indicators in the ruleset's indicator order."""

    criterion: Criterion
    positions: tuple[int, ...]
    # Criterion records are immutable and take few distinct values (points on half-point steps): shared.
    interned: dict[tuple[float, float, int, float], CriterionResult] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Judgement:
    criteria: tuple[CriterionResult, ...]
    total: Total
    verdict: Verdict
    reasons: tuple[FailureReason, ...]
    knockouts_failed: tuple[str, ...]
    missing_count: int
    provisional_decides: bool
    provisional_count: int  # provisional indicators that apply to the commune


def passes(crit_points: Sequence[float], crit_max: Sequence[float], rule: Recognition, knockout_ok: bool) -> bool:
    """Whether criterion subtotals `crit_points` (against `crit_max`) meet the rule. Used with hypothetical
    points too (missing data at full marks, provisional indicators at zero) to tell what could change."""
    if rule.knockouts and not knockout_ok:
        return False
    if sum(crit_points) < rule.min_total_share * sum(crit_max) - _EPS:
        return False
    share = rule.min_criterion_share
    return all(got >= share * top - _EPS for got, top in zip(crit_points, crit_max))


def judge(results: Sequence[IndicatorResult], shapes: Sequence[CriterionShape], rule: Recognition) -> Judgement:
    """Apply `rule` to the scored indicators (in ruleset order), in one pass over them."""
    exclude = rule.not_applicable == "exclude"
    crit_points: list[float] = []
    crit_max: list[float] = []
    optimistic: list[float] = []  # missing data at full marks
    high: list[float] = []  # … and provisional indicators at full marks
    low: list[float] = []  # … and provisional indicators at zero
    criteria: list[CriterionResult] = []
    knockouts_failed: list[str] = []
    firm_knockout_failed = False
    missing_total = 0
    provisional_count = 0
    for shape in shapes:
        got = top_sum = best_sum = high_sum = low_sum = 0.0
        missing = 0
        for i in shape.positions:
            r = results[i]
            status, points = r.status, r.points
            got += points
            if status is _MISSING:
                missing += 1
                top = best = r.max
            else:
                top = 0.0 if (exclude and status is _NA) else r.max
                best = points
            top_sum += top
            best_sum += best
            if r.provisional and status is not _NA:
                provisional_count += 1
                high_sum += top
            else:
                high_sum += best
                low_sum += best
            if r.knockout_failed:
                knockouts_failed.append(r.id)
                firm_knockout_failed = firm_knockout_failed or not r.provisional
        crit_points.append(got)
        crit_max.append(top_sum)
        optimistic.append(best_sum)
        high.append(high_sum)
        low.append(low_sum)
        missing_total += missing
        criteria.append(_criterion(shape, got, top_sum, missing, rule))
    total_max = round_points(sum(crit_max))
    total_points = round_points(sum(crit_points))
    total = construct(Total, points=total_points, max=total_max, share=(total_points / total_max) if total_max else 0.0, minimum=round_points(rule.min_total_share * total_max))
    knockout_ok = not knockouts_failed
    if missing_total:
        verdict = Verdict.INCOMPLETE if passes(optimistic, crit_max, rule, knockout_ok) else Verdict.NOT_RECOGNISED
    else:
        verdict = Verdict.RECOGNISED if passes(crit_points, crit_max, rule, knockout_ok) else Verdict.NOT_RECOGNISED
    # Could correcting provisional indicators flip the verdict? All of them at full marks against all at zero.
    decides = provisional_count > 0 and passes(high, crit_max, rule, not firm_knockout_failed) != passes(low, crit_max, rule, knockout_ok)
    reasons = _failures(criteria, total, knockouts_failed, missing_total, rule)
    return Judgement(tuple(criteria), total, verdict, reasons, tuple(knockouts_failed), missing_total, decides, provisional_count)


_NA = Status.NOT_APPLICABLE
_MISSING = Status.MISSING_DATA


def _criterion(shape: CriterionShape, got: float, top: float, missing: int, rule: Recognition) -> CriterionResult:
    got, top, share = round_points(got), round_points(top), rule.min_criterion_share
    key = (got, top, missing, share)
    return shape.interned.get(key) or intern(shape.interned, key, _criterion_record, shape.criterion, got, top, missing, share)


def _criterion_record(criterion: Criterion, got: float, top: float, missing: int, share: float) -> CriterionResult:
    floor = round_points(share * top)
    return from_state(CriterionResult, {"id": criterion.id, "title": criterion.title, "points": got, "max": top, "floor": floor, "floor_met": got >= floor - _EPS, "missing": missing,
                                        "provisional": criterion.provisional})


def _failures(criteria: Sequence[CriterionResult], total: Total, knockouts: Sequence[str], missing: int, rule: Recognition) -> tuple[FailureReason, ...]:
    found: list[FailureReason] = []
    if rule.knockouts:
        found += [_reason(("knockout", ind), _knockout_reason, ind) for ind in knockouts]
    share = rule.min_criterion_share
    found += [_reason(("criterion", crit.id, crit.points, crit.max, crit.floor, share, crit.provisional), _criterion_reason, crit, share) for crit in criteria if not crit.floor_met]
    if total.points < total.minimum - _EPS:
        found.append(_reason(("total", total.points, total.max, total.minimum, rule.min_total_share), _total_reason, total, rule.min_total_share))
    if missing:
        found.append(_reason(("missing", missing), _missing_reason, missing))
    return tuple(found)


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
