"""The recognition rule applied to indicator points: criterion subtotals and floors, the total, knock-outs,
and the verdict with every reason it fails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chuanxa.criteria.model import Criterion, Recognition, Text

from .fast import construct
from .results import CriterionResult, FailureCode, FailureReason, IndicatorResult, Status, Total, Verdict

_EPS = 1e-9


@dataclass(frozen=True)
class CriterionShape:
    """A criterion and the positions of its indicators in the ruleset's indicator order."""

    criterion: Criterion
    positions: tuple[int, ...]


@dataclass(frozen=True)
class Judgement:
    criteria: tuple[CriterionResult, ...]
    total: Total
    verdict: Verdict
    reasons: tuple[FailureReason, ...]
    knockouts_failed: tuple[str, ...]
    missing_count: int
    provisional_decides: bool


def passes(points: Sequence[float], maxima: Sequence[float], shapes: Sequence[CriterionShape], rule: Recognition, knockout_ok: bool) -> bool:
    """Whether indicator `points` (against effective `maxima`) meet the rule. Used with hypothetical points
    too (missing data at full marks, provisional indicators at zero) to tell what could change the verdict."""
    if rule.knockouts and not knockout_ok:
        return False
    total_max = sum(maxima)
    if sum(points) < rule.min_total_share * total_max - _EPS:
        return False
    for shape in shapes:
        got = sum(points[i] for i in shape.positions)
        if got < rule.min_criterion_share * sum(maxima[i] for i in shape.positions) - _EPS:
            return False
    return True


def judge(results: Sequence[IndicatorResult], shapes: Sequence[CriterionShape], rule: Recognition) -> Judgement:
    """Apply `rule` to the scored indicators (in ruleset order)."""
    exclude = rule.not_applicable == "exclude"
    maxima = [0.0 if (exclude and r.status is Status.NOT_APPLICABLE) else r.max for r in results]
    points = [r.points for r in results]
    criteria = tuple(_criterion(shape, results, points, maxima, rule) for shape in shapes)
    total_max = _round(sum(maxima))
    total_points = _round(sum(points))
    total = construct(Total, points=total_points, max=total_max, share=(total_points / total_max) if total_max else 0.0, minimum=_round(rule.min_total_share * total_max))
    knockouts_failed = tuple(r.id for r in results if r.knockout_failed)
    missing = [i for i, r in enumerate(results) if r.status is Status.MISSING_DATA]
    reasons = _failures(criteria, total, knockouts_failed, len(missing), rule)
    now = passes(points, maxima, shapes, rule, not knockouts_failed)
    optimistic = list(points)
    for i in missing:
        optimistic[i] = maxima[i]
    if missing:
        could = passes(optimistic, maxima, shapes, rule, not knockouts_failed)
        verdict = Verdict.INCOMPLETE if could else Verdict.NOT_RECOGNISED
    else:
        verdict = Verdict.RECOGNISED if now else Verdict.NOT_RECOGNISED
    provisional = [i for i, r in enumerate(results) if r.provisional and r.status is not Status.NOT_APPLICABLE]
    high, low = list(optimistic), list(optimistic)
    for i in provisional:
        high[i], low[i] = maxima[i], 0.0
    knock_ok_high = not any(r.knockout_failed and not r.provisional for r in results)
    decides = bool(provisional) and passes(high, maxima, shapes, rule, knock_ok_high) != passes(low, maxima, shapes, rule, not knockouts_failed)
    return Judgement(criteria, total, verdict, reasons, knockouts_failed, len(missing), decides)


def _criterion(shape: CriterionShape, results: Sequence[IndicatorResult], points: Sequence[float], maxima: Sequence[float], rule: Recognition) -> CriterionResult:
    got = _round(sum(points[i] for i in shape.positions))
    top = _round(sum(maxima[i] for i in shape.positions))
    floor = _round(rule.min_criterion_share * top)
    missing = sum(1 for i in shape.positions if results[i].status is Status.MISSING_DATA)
    return construct(CriterionResult, id=shape.criterion.id, title=shape.criterion.title, points=got, max=top, floor=floor, floor_met=got >= floor - _EPS, missing=missing)


def _failures(criteria: Sequence[CriterionResult], total: Total, knockouts: Sequence[str], missing: int, rule: Recognition) -> tuple[FailureReason, ...]:
    found: list[FailureReason] = []
    if rule.knockouts:
        for ind in knockouts:
            found.append(construct(FailureReason, code=FailureCode.KNOCKOUT_FAILED, criterion=None, indicator=ind, points=None, required=None, message=Text(
                vi=f"Không đạt chỉ tiêu điểm liệt {ind}: không được công nhận dù tổng điểm bao nhiêu.",
                en=f"Knock-out indicator {ind} failed: no recognition whatever the total.")))
    for crit in criteria:
        if not crit.floor_met:
            found.append(construct(FailureReason, code=FailureCode.CRITERION_BELOW_FLOOR, criterion=crit.id, indicator=None, points=crit.points, required=crit.floor, message=Text(
                vi=f"Tiêu chí {crit.id} đạt {crit.points:g}/{crit.max:g} điểm, dưới mức tối thiểu {crit.floor:g} ({rule.min_criterion_share:.0%}).",
                en=f"Criterion {crit.id} scores {crit.points:g}/{crit.max:g}, below its floor of {crit.floor:g} ({rule.min_criterion_share:.0%}).")))
    if total.points < total.minimum - _EPS:
        found.append(construct(FailureReason, code=FailureCode.TOTAL_BELOW_MINIMUM, criterion=None, indicator=None, points=total.points, required=total.minimum, message=Text(
            vi=f"Tổng điểm {total.points:g}/{total.max:g} ({total.share:.1%}), dưới mức {total.minimum:g} ({rule.min_total_share:.0%}).",
            en=f"Total {total.points:g}/{total.max:g} ({total.share:.1%}) is below {total.minimum:g} ({rule.min_total_share:.0%}).")))
    if missing:
        found.append(construct(FailureReason, code=FailureCode.MISSING_DATA, criterion=None, indicator=None, points=None, required=None, message=Text(
            vi=f"Thiếu số liệu hoặc điểm thẩm định của {missing} chỉ tiêu: chưa thể kết luận.",
            en=f"{missing} indicator(s) lack data or assessed points: no verdict yet.")))
    return tuple(found)


def _round(value: float) -> float:
    # Points are halves and quarters; rounding keeps 0.1 + 0.2 style noise out of sums and comparisons.
    return round(value, 6)
