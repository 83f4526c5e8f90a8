"""A rule in words, for explanations: `full_immunisation_rate >= 95 → 3; >= 90 → 1.5`."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import AllOf, AnyOf, Comparison, IndicatorModel, ThresholdTable


def describe_rule(ind: IndicatorModel) -> str:
    """The indicator's rule in words, as its kind writes it (`engine/kinds/`)."""
    from .kinds import KINDS

    return KINDS[ind.kind].rule_text(ind)


def describe_condition(cond: Any) -> str:
    if isinstance(cond, Comparison):
        return f"{cond.input} {cond.op} {describe_threshold(cond.threshold)}"
    if isinstance(cond, AllOf):
        return "(" + " and ".join(describe_condition(c) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + " or ".join(describe_condition(c) for c in cond.any) + ")"
    return f"({cond.expr})"


def describe_threshold(value: Any) -> str:
    if isinstance(value, ThresholdTable):
        return f"[by {value.by}: " + ", ".join(f"{k} {v:g}" for k, v in value.values.items()) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
