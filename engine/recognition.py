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
    """Apply `rule` to the scored indicators (in ruleset order)."""
    exclude = rule.not_applicable == "exclude"
    n = len(results)
    maxima = [0.0] * n
    points = [0.0] * n
    owner = [0] * n
    missing: list[int] = []
    provisional: list[int] = []
    knockouts_failed: list[str] = []
    for c, shape in enumerate(shapes):
        for i in shape.positions:
            r = results[i]
            owner[i] = c
            points[i] = r.points
            status = r.status
            maxima[i] = 0.0 if (exclude and status is Status.NOT_APPLICABLE) else r.max
            if status is Status.MISSING_DATA:
                missing.append(i)
            if r.provisional and status is not Status.NOT_APPLICABLE:
                provisional.append(i)
            if r.knockout_failed:
                knockouts_failed.append(r.id)
    crit_points = [sum(points[i] for i in shape.positions) for shape in shapes]
    crit_max = [sum(maxima[i] for i in shape.positions) for shape in shapes]
    criteria = tuple(_criterion(shape, crit_points[c], crit_max[c], results, rule) for c, shape in enumerate(shapes))
    total_max = _round(sum(crit_max))
    total_points = _round(sum(crit_points))
    total = construct(Total, points=total_points, max=total_max, share=(total_points / total_max) if total_max else 0.0, minimum=_round(rule.min_total_share * total_max))
    reasons = _failures(criteria, total, knockouts_failed, len(missing), rule)
    knockout_ok = not knockouts_failed
    optimistic = _adjusted(crit_points, {i: maxima[i] for i in missing}, points, owner)
    if missing:
        verdict = Verdict.INCOMPLETE if passes(optimistic, crit_max, rule, knockout_ok) else Verdict.NOT_RECOGNISED
    else:
        verdict = Verdict.RECOGNISED if passes(crit_points, crit_max, rule, knockout_ok) else Verdict.NOT_RECOGNISED
    decides = False
    if provisional:
        # Could correcting provisional indicators flip the verdict? Compare them all at full marks with all at zero
        # (missing data counted at full marks, so that only provisional content decides).
        base = [maxima[i] if results[i].status is Status.MISSING_DATA else points[i] for i in range(n)]
        high = _adjusted(optimistic, {i: maxima[i] for i in provisional}, base, owner)
        low = _adjusted(optimistic, {i: 0.0 for i in provisional}, base, owner)
        firm_knockout_ok = not any(results[i].knockout_failed for i in range(n) if not results[i].provisional)
        decides = passes(high, crit_max, rule, firm_knockout_ok) != passes(low, crit_max, rule, knockout_ok)
    return Judgement(criteria, total, verdict, reasons, tuple(knockouts_failed), len(missing), decides)


def _adjusted(crit_points: Sequence[float], changes: dict[int, float], points: Sequence[float], owner: Sequence[int]) -> list[float]:
    """Criterion subtotals after setting indicator `i` to `changes[i]` (from `points[i]`)."""
    adjusted = list(crit_points)
    for i, value in changes.items():
        adjusted[owner[i]] += value - points[i]
    return adjusted


def _criterion(shape: CriterionShape, got: float, top: float, results: Sequence[IndicatorResult], rule: Recognition) -> CriterionResult:
    got, top = _round(got), _round(top)
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
