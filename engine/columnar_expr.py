"""Expressions over whole columns (NumPy): the same AST as the per-commune evaluator, three-valued.

Every value is a float64 array; missing is NaN. Booleans are 1.0/0.0; text is a code from a shared
vocabulary. Comparisons with a missing side are missing; `and` / `or` follow Kleene logic, as the
per-commune evaluator does (`False and ?` is False).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from chuanxa.criteria.operators import OPERATORS
from chuanxa.criteria.expressions import Binary, BoolOp, Call, Compare, Const, Expression, ListLit, Lookup, Name, Node, Unary

Columns = Mapping[str, np.ndarray]
ArrayFn = Callable[[Columns, int], np.ndarray]


class Vocabulary:
    """Text values as numbers: one code per distinct string, shared by data and rules."""

    def __init__(self) -> None:
        self.codes: dict[str, float] = {}

    def code(self, text: str) -> float:
        if text not in self.codes:
            self.codes[text] = float(len(self.codes))
        return self.codes[text]


def compile_array(expression: Expression, vocab: Vocabulary) -> ArrayFn:
    return _compile(expression.tree, vocab)


def compile_array_node(node: Node, vocab: Vocabulary) -> ArrayFn:
    """The tree `node` over columns (NaN where it cannot be known)."""
    return _compile(node, vocab)


def _lookup(node: Lookup, vocab: Vocabulary) -> ArrayFn:
    """A table read by a column of keys: zones are numbers (1, 2, 3), other keys text codes of the vocabulary."""
    numeric = node.by == "zone"
    entries = [(float(key) if numeric else vocab.code(key), vocab.code(value) if isinstance(value, str) else float(value)) for key, value in node.values]
    size = int(max(key for key, _ in entries)) + 2 if entries else 1  # the last slot: no entry (unknown)
    table = np.full(size, np.nan)
    for key, value in entries:
        table[int(key)] = value

    def run(cols: Columns, n: int) -> np.ndarray:
        keys = cols.get(node.by)
        if keys is None:
            return np.full(n, np.nan)
        index = np.where(np.isnan(keys) | (keys < 0) | (keys >= size - 1), size - 1, keys)
        return table[index.astype(np.int64)]
    return run


def _compile(node: Node, vocab: Vocabulary) -> ArrayFn:  # noqa: C901 - one branch per node type
    if isinstance(node, Const):
        value = vocab.code(node.value) if isinstance(node.value, str) else float(node.value)
        return lambda cols, n: np.full(n, value)
    if isinstance(node, Lookup):
        return _lookup(node, vocab)
    if isinstance(node, Name):
        name = node.id
        # Computed in float64 whatever the stored width, as the per-commune engine computes with Python floats.
        return lambda cols, n: cols[name].astype(np.float64, copy=False) if name in cols else np.full(n, np.nan)
    if isinstance(node, Unary):
        inner = _compile(node.operand, vocab)
        if node.op == "not":
            return lambda cols, n: np.where(np.isnan(x := inner(cols, n)), np.nan, 1.0 - x)
        return (lambda cols, n: -inner(cols, n)) if node.op == "-" else inner
    if isinstance(node, Binary):
        return _binary(node.op, _compile(node.left, vocab), _compile(node.right, vocab))
    if isinstance(node, BoolOp):
        parts = [_compile(v, vocab) for v in node.values]
        return _kleene(parts, node.op == "and")
    if isinstance(node, Compare):
        return _compare(node, vocab)
    assert isinstance(node, Call)
    args = [_compile(a, vocab) for a in node.args]
    if node.func == "abs":
        return lambda cols, n: np.abs(args[0](cols, n))
    reducer = np.minimum if node.func == "min" else np.maximum
    def call(cols: Columns, n: int) -> np.ndarray:
        out = args[0](cols, n)
        for arg in args[1:]:
            out = reducer(out, arg(cols, n))  # NaN propagates, as a missing argument does
        return out
    return call


def _binary(op: str, left: ArrayFn, right: ArrayFn) -> ArrayFn:
    def run(cols: Columns, n: int) -> np.ndarray:
        a, b = left(cols, n), right(cols, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            out = a / b
        out[b == 0] = np.nan  # an empty denominator is unknown, not infinite
        return out
    return run


def _compare_one(op: Callable[[np.ndarray, np.ndarray], np.ndarray], left: ArrayFn, right: ArrayFn) -> ArrayFn:
    """`a op b` (every threshold level): 1.0 or 0.0, NaN where a side is missing."""
    def run(cols: Columns, n: int) -> np.ndarray:
        a, b = left(cols, n), right(cols, n)
        with np.errstate(invalid="ignore"):
            out = op(a, b).astype(np.float64)
        unknown = np.isnan(a) | np.isnan(b)
        if unknown.any():
            out[unknown] = np.nan
        return out
    return run


def _kleene(parts: list[ArrayFn], is_and: bool) -> ArrayFn:
    decided_value = 0.0 if is_and else 1.0
    def run(cols: Columns, n: int) -> np.ndarray:
        decided = np.zeros(n, dtype=bool)
        unknown = np.zeros(n, dtype=bool)
        for part in parts:
            x = part(cols, n)
            decided |= x == decided_value
            unknown |= np.isnan(x)
        out = np.full(n, 1.0 - decided_value)
        out[unknown] = np.nan
        out[decided] = decided_value
        return out
    return run




def _compare(node: Compare, vocab: Vocabulary) -> ArrayFn:
    if len(node.ops) == 1 and not isinstance(node.comparators[0], ListLit) and node.ops[0] in OPERATORS:
        return _compare_one(OPERATORS[node.ops[0]].array, _compile(node.left, vocab), _compile(node.comparators[0], vocab))
    left = _compile(node.left, vocab)
    steps: list[tuple[str, ArrayFn | np.ndarray]] = []
    for op, comparator in zip(node.ops, node.comparators):
        if isinstance(comparator, ListLit):
            members = np.array([vocab.code(v) if isinstance(v, str) else float(v) for v in comparator.values])
            steps.append((op, members))
        else:
            steps.append((op, _compile(comparator, vocab)))
    def run(cols: Columns, n: int) -> np.ndarray:
        # Link by link, as the scalar evaluator: the first missing or false link decides.
        a = left(cols, n)
        result = np.ones(n)
        decided = np.zeros(n, dtype=bool)
        for op, right in steps:
            if isinstance(right, np.ndarray):
                missing = np.isnan(a)
                holds = np.isin(a, right)
                holds = ~holds if op == "not in" else holds
                b = a
            else:
                b = right(cols, n)
                missing = np.isnan(a) | np.isnan(b)
                with np.errstate(invalid="ignore"):
                    holds = OPERATORS[op].array(a, b)
            now_missing = missing & ~decided
            result[now_missing] = np.nan
            decided |= now_missing
            now_false = ~holds & ~decided
            result[now_false] = 0.0
            decided |= now_false
            a = b
        return result
    return run
