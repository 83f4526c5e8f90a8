"""The gap list: for every indicator short of its maximum, what would earn more points, how far the commune
is from it, and which recognition condition it blocks.

Order ("what matters most"), deterministic:
1. `priority`: 0 a failed knock-out, 1 an indicator of a criterion below its floor, 2 any indicator while the
   total is below its minimum, 3 the rest (points that are not needed for recognition now);
2. then the points still to gain, most first (the bigger lever first);
3. then the ruleset's own order of indicators (a stable tie-breaker that officers recognise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chuanxa.criteria.model import InputDef, Text

from .kinds import KindEvaluator
from .recognition import Judgement
from .fast import construct
from .results import Gap, GapTarget, IndicatorResult, Status


def build_gaps(results: Sequence[IndicatorResult], kinds: Sequence[KindEvaluator], env: Mapping[str, Any], judgement: Judgement, inputs: Mapping[str, InputDef]) -> tuple[Gap, ...]:
    """Gaps of every indicator below its maximum, in priority order."""
    failing_criteria = {c.id for c in judgement.criteria if not c.floor_met}
    total_short = judgement.total.points < judgement.total.minimum
    gaps: list[tuple[tuple[int, float, int], Gap]] = []
    for position, (res, kind) in enumerate(zip(results, kinds)):
        if res.status is Status.NOT_APPLICABLE or res.points >= res.max:
            continue
        blocks = _blocks(res, failing_criteria, total_short)
        priority = 0 if "knockout" in blocks else 1 if any(b.startswith("criterion") for b in blocks) else 2 if total_short else 3
        gap = _gap(res, kind, env, inputs, blocks, priority)
        gaps.append(((priority, -(res.max - res.points), position), gap))
    return tuple(gap for _, gap in sorted(gaps, key=lambda item: item[0]))


def _blocks(res: IndicatorResult, failing_criteria: set[str], total_short: bool) -> tuple[str, ...]:
    blocks = []
    if res.knockout_failed or (res.knockout and res.status is Status.MISSING_DATA):
        blocks.append("knockout")
    if res.criterion in failing_criteria:
        blocks.append(f"criterion:{res.criterion}")
    if total_short:
        blocks.append("total")
    return tuple(blocks)


def _gap(res: IndicatorResult, kind: KindEvaluator, env: Mapping[str, Any], inputs: Mapping[str, InputDef], blocks: tuple[str, ...], priority: int) -> Gap:
    input_id = getattr(kind, "ind", None) and getattr(kind.ind, "input", None)
    spec = inputs.get(input_id) if input_id else None
    value = env.get(input_id) if input_id else None
    if res.status is Status.MISSING_DATA:
        gap_kind, targets = "missing", (construct(GapTarget, op=None, target=None, change=None, points=res.max, gain=res.max - res.points),)
    else:
        gap_kind = {"assessed": "evidence", "conditions": "condition"}.get(res.kind, "value")
        targets = tuple(kind.targets(env, res.points))
    message = _message(res, gap_kind, spec, value, targets)
    return construct(Gap,
        indicator=res.id, criterion=res.criterion, title=res.title, kind=gap_kind, status=res.status, points=res.points, max=res.max,
        input=input_id, unit=spec.unit if spec else None, value=value, targets=targets, blocks=blocks, priority=priority,
        provisional=res.provisional, message=message,
    )


def _message(res: IndicatorResult, gap_kind: str, spec: InputDef | None, value: Any, targets: Sequence[GapTarget]) -> Text:
    gain = res.max - res.points
    if gap_kind == "missing":
        if spec is not None and value is None:
            return Text(vi=f"Chưa có số liệu '{spec.label.vi}': nhập số liệu để chấm chỉ tiêu {res.id} (tối đa +{gain:g} điểm).",
                        en=f"No data for '{spec.label.en}': enter it to score indicator {res.id} (up to +{gain:g} points).")
        return Text(vi=f"Chưa có điểm thẩm định hoặc số liệu cho chỉ tiêu {res.id} (tối đa +{gain:g} điểm).",
                    en=f"Indicator {res.id} has no assessed points or data yet (up to +{gain:g} points).")
    if gap_kind == "evidence":
        return Text(vi=f"Bổ sung minh chứng cho chỉ tiêu {res.id}: còn thiếu {gain:g} điểm.",
                    en=f"Evidence for indicator {res.id}: {gain:g} points still to earn.")
    if gap_kind == "condition" or spec is None or not targets:
        return Text(vi=f"Chỉ tiêu {res.id} chưa đạt điều kiện: còn thiếu {gain:g} điểm.",
                    en=f"Indicator {res.id} does not meet its condition yet: {gain:g} points still to earn.")
    steps_vi = "; ".join(_step(spec, value, t, "vi") for t in targets)
    steps_en = "; ".join(_step(spec, value, t, "en") for t in targets)
    return Text(vi=f"{spec.label.vi}: {steps_vi}", en=f"{spec.label.en}: {steps_en}")


def _step(spec: InputDef, value: Any, target: GapTarget, lang: str) -> str:
    points = f"+{target.gain:g} điểm" if lang == "vi" else f"+{target.gain:g} points"
    if spec.type == "yes_no":
        words = {"vi": ("có", "không"), "en": ("yes", "no")}[lang]
        now = words[0] if value else words[1]
        want = words[0] if target.target else words[1]
        return f"{now} → {want}: {points}"
    unit = spec.unit or ""
    if target.change is None:
        return f"{_num(value)}{unit} → {target.op} {_num(target.target)}{unit}: {points}"
    if spec.type == "percent":
        amount = f"{target.change:+.1f} điểm phần trăm" if lang == "vi" else f"{target.change:+.1f} points of percentage"
        return f"{value:.1f}% → {target.target:.1f}%: {amount}, {points}"
    amount = f"{target.change:+g} {unit}".rstrip()
    return f"{_num(value)} → {target.op} {_num(target.target)} {unit}: {amount}, {points}".replace("  ", " ")


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "?" if value is None else str(value)
