"""The comparison operators of structured conditions, in one table.

Every engine reads this table: the per-commune evaluator (`scalar`), the column-wise evaluator (`array`), the
durable-rules translation (`negation`, to write the rule that proves a level fails), the explanations (`failure`,
the reason code when no level is met; `direction`, whether more is better) and the planner (`reachable`, the
value nearest to a threshold that satisfies the comparison). Adding an operator is one entry here: the ruleset
model accepts the symbols of this table and nothing else.

The decisions print their thresholds as "≥ 95%", "≤ 16,5%": those symbols are operators too, so that a
threshold can be copied from the decision as it is written.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


def _up(threshold: float, unit: float) -> float:
    """The first value above `threshold` on the input's grid of `unit` (a count's next whole number)."""
    return math.floor(threshold / unit + 1e-9) * unit + unit if unit == 1 else round(threshold + unit, 9)


def _down(threshold: float, unit: float) -> float:
    return math.ceil(threshold / unit - 1e-9) * unit - unit if unit == 1 else round(threshold - unit, 9)


def _at_least(threshold: float, unit: float) -> float:
    return float(math.ceil(threshold - 1e-9)) if unit == 1 else threshold


def _at_most(threshold: float, unit: float) -> float:
    return float(math.floor(threshold + 1e-9)) if unit == 1 else threshold


def _exactly(threshold: float, unit: float) -> float | None:
    return threshold if unit != 1 or float(threshold).is_integer() else None  # no count equals 5.5


@dataclass(frozen=True)
class Operator:
    """One comparison `value OP threshold`."""

    symbol: str
    scalar: Callable[[Any, Any], bool]
    array: Callable[[np.ndarray, np.ndarray], np.ndarray]
    negation: str  # the operator that holds exactly when this one does not
    direction: bool | None  # True: a higher value is better; False: lower; None: neither (equality)
    failure: str  # the reason code when no level holds (a `Reason` value)
    #: The value nearest to `threshold` that satisfies the comparison, on a grid of `unit` (1 for counts, a hundredth
    #: otherwise); the answer for yes/no and choices is the threshold itself (or None where no single value is right).
    reachable: Callable[[float, float], float | None]
    durable: str  # its ASCII spelling: the Python operator durable_rules overloads for it, and what the score sheet reads it back as
    words: str  # how the decisions print it ("≥"), in the officers' views of a ruleset and on the score sheet


OPERATORS: dict[str, Operator] = {op.symbol: op for op in (
    Operator(">=", operator.ge, np.greater_equal, "<", True, "BELOW_THRESHOLD", _at_least, ">=", "≥"),
    Operator(">", operator.gt, np.greater, "<=", True, "BELOW_THRESHOLD", _up, ">", ">"),
    Operator("<=", operator.le, np.less_equal, ">", False, "ABOVE_CEILING", _at_most, "<=", "≤"),
    Operator("<", operator.lt, np.less, ">=", False, "ABOVE_CEILING", _down, "<", "<"),
    Operator("==", operator.eq, np.equal, "!=", None, "CONDITION_NOT_MET", _exactly, "==", "="),
    Operator("!=", operator.ne, np.not_equal, "==", None, "CONDITION_NOT_MET", _up, "!=", "≠"),
    # As the decisions print them.
    Operator("≥", operator.ge, np.greater_equal, "<", True, "BELOW_THRESHOLD", _at_least, ">=", "≥"),
    Operator("≤", operator.le, np.less_equal, ">", False, "ABOVE_CEILING", _at_most, "<=", "≤"),
    Operator("≠", operator.ne, np.not_equal, "==", None, "CONDITION_NOT_MET", _up, "!=", "≠"),
)}

#: How the decisions print each operator (the score sheet writes these; the ruleset views show them).
WORDS: dict[str, str] = {symbol: op.words for symbol, op in OPERATORS.items()}

#: Whether more is better, per operator (None: neither).
HIGHER_IS_BETTER: dict[str, bool | None] = {symbol: op.direction for symbol, op in OPERATORS.items()}


def durable_test(symbol: str, field: Any, value: Any) -> Any:
    """`field OP value` in durable_rules' rule language (its fields overload Python's comparison operators)."""
    return {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}[OPERATORS[symbol].durable](field, value)


__all__ = ["Operator", "OPERATORS", "HIGHER_IS_BETTER", "WORDS", "durable_test"]
