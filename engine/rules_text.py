"""A rule in words, for explanations: `full_immunisation_rate >= 95 → 3; >= 90 → 1.5`."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import AllOf, AnyOf, Comparison, IndicatorModel, ThresholdTable


def describe_rule(ind: IndicatorModel) -> str:
    kind = ind.kind
    if kind == "threshold":
        levels = sorted(ind.levels, key=lambda lv: -lv.points)  # type: ignore[union-attr]
        return f"{ind.input} " + "; ".join(f"{ind.op} {_threshold(lv.threshold)} → {lv.points:g}" for lv in levels)  # type: ignore[union-attr]
    if kind == "yes_no":
        return f"{ind.input} == {'yes' if ind.expected else 'no'} → {ind.max_points:g}"  # type: ignore[union-attr]
    if kind == "conditions":
        levels = sorted(ind.levels, key=lambda lv: -lv.points)  # type: ignore[union-attr]
        return "; ".join(f"{describe_condition(lv.when)} → {lv.points:g}" for lv in levels)
    return f"0–{ind.max_points:g} (thẩm định / assessed)"


def describe_condition(cond: Any) -> str:
    if isinstance(cond, Comparison):
        return f"{cond.input} {cond.op} {_threshold(cond.threshold)}"
    if isinstance(cond, AllOf):
        return "(" + " and ".join(describe_condition(c) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + " or ".join(describe_condition(c) for c in cond.any) + ")"
    return f"({cond.expr})"


def _threshold(value: Any) -> str:
    if isinstance(value, ThresholdTable):
        return f"[by {value.by}: " + ", ".join(f"{k} {v:g}" for k, v in value.values.items()) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
