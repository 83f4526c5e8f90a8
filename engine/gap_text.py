"""Gap sentences in Vietnamese and English, built from a `Gap` record when it is rendered."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import Text

from .results import Gap, GapTarget


def gap_message(gap: Gap) -> Text:
    """What the gap needs, how far it is and what it earns, in both languages."""
    gain = gap.max - gap.points
    label = gap.label
    if gap.kind == "missing":
        if label is not None and gap.value is None:
            return Text(vi=f"Chưa có số liệu '{label.vi}': nhập số liệu để chấm chỉ tiêu {gap.indicator} (tối đa +{gain:g} điểm).",
                        en=f"No data for '{label.en}': enter it to score indicator {gap.indicator} (up to +{gain:g} points).")
        return Text(vi=f"Chưa có điểm thẩm định hoặc số liệu cho chỉ tiêu {gap.indicator} (tối đa +{gain:g} điểm).",
                    en=f"Indicator {gap.indicator} has no assessed points or data yet (up to +{gain:g} points).")
    if gap.kind == "evidence":
        return Text(vi=f"Bổ sung minh chứng cho chỉ tiêu {gap.indicator}: còn thiếu {gain:g} điểm.",
                    en=f"Evidence for indicator {gap.indicator}: {gain:g} points still to earn.")
    if gap.kind == "condition" or label is None or not gap.targets:
        return Text(vi=f"Chỉ tiêu {gap.indicator} chưa đạt điều kiện: còn thiếu {gain:g} điểm.",
                    en=f"Indicator {gap.indicator} does not meet its condition yet: {gain:g} points still to earn.")
    steps_vi = "; ".join(_step(gap, t, "vi") for t in gap.targets)
    steps_en = "; ".join(_step(gap, t, "en") for t in gap.targets)
    return Text(vi=f"{label.vi}: {steps_vi}", en=f"{label.en}: {steps_en}")


def _step(gap: Gap, target: GapTarget, lang: str) -> str:
    points = f"+{target.gain:g} điểm" if lang == "vi" else f"+{target.gain:g} points"
    value = gap.value
    if gap.input_type == "yes_no":
        words = {"vi": ("có", "không"), "en": ("yes", "no")}[lang]
        return f"{words[0] if value else words[1]} → {words[0] if target.target else words[1]}: {points}"
    unit = gap.unit or ""
    if target.change is None:
        return f"{_num(value)}{unit} → {target.op} {_num(target.target)}{unit}: {points}"
    if gap.input_type == "percent":
        amount = f"{target.change:+.1f} điểm phần trăm" if lang == "vi" else f"{target.change:+.1f} points of percentage"
        return f"{value:.1f}% → {target.target:.1f}%: {amount}, {points}"
    amount = f"{target.change:+g} {unit}".rstrip()
    return f"{_num(value)} → {target.op} {_num(target.target)} {unit}: {amount}, {points}".replace("  ", " ")


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "?" if value is None else str(value)
