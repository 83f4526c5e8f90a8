"""Evaluate parsed expressions (`chuanxa.criteria.expressions`) as closures over a value mapping.

Missing values are `None` and propagate: an expression that needs a missing value is itself missing, except
where `and` / `or` are already decided by a known operand (`False and ?` is False).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from chuanxa.criteria.operators import OPERATORS
from chuanxa.criteria.expressions import Binary, BoolOp, Call, Compare, Const, Expression, ListLit, Lookup, Name, Node, Unary

Value = Any
Evaluator = Callable[[Mapping[str, Any]], Value]

COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    **{symbol: op.scalar for symbol, op in OPERATORS.items()},
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_FUNCS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs}


def compile_expression(expression: Expression) -> Evaluator:
    """A function of the value mapping that computes `expression` (None when it cannot be known)."""
    return _compile(expression.tree)


def compile_node(node: Node) -> Evaluator:
    """A function of the value mapping that computes the tree `node` (None when it cannot be known)."""
    return _compile(node)


def _compile(node: Node) -> Evaluator:  # noqa: C901 - one branch per node type
    if isinstance(node, Const):
        value = node.value
        return lambda env: value
    if isinstance(node, Name):
        name = node.id
        return lambda env: env.get(name)
    if isinstance(node, ListLit):
        values = node.values
        return lambda env: values
    if isinstance(node, Lookup):
        by, table = node.by, dict(node.values)
        return lambda env: None if (key := env.get(by)) is None else table.get(str(key))
    if isinstance(node, Unary):
        return _unary(node.op, _compile(node.operand))
    if isinstance(node, Binary):
        return _binary(_ARITH[node.op], _compile(node.left), _compile(node.right))
    if isinstance(node, BoolOp):
        parts = tuple(_compile(v) for v in node.values)
        return _kleene(parts, decisive=node.op == "or")
    if isinstance(node, Compare):
        if len(node.ops) == 1 and isinstance(node.left, Name) and isinstance(node.comparators[0], Const):
            return _compare_constant(node.left.id, COMPARATORS[node.ops[0]], node.comparators[0].value)
        return _compare(_compile(node.left), tuple((COMPARATORS[o], _compile(c)) for o, c in zip(node.ops, node.comparators)))
    assert isinstance(node, Call)
    return _call(_FUNCS[node.func], tuple(_compile(a) for a in node.args))


def _unary(op: str, operand: Evaluator) -> Evaluator:
    def run(env: Mapping[str, Any]) -> Value:
        value = operand(env)
        if value is None:
            return None
        return (not value) if op == "not" else (-value if op == "-" else value)
    return run


def _binary(fn: Callable[[Any, Any], Any], left: Evaluator, right: Evaluator) -> Evaluator:
    def run(env: Mapping[str, Any]) -> Value:
        a, b = left(env), right(env)
        if a is None or b is None:
            return None
        try:
            return fn(a, b)
        except ZeroDivisionError:
            return None  # a rate over an empty denominator is unknown, not zero
    return run


def _kleene(parts: tuple[Evaluator, ...], decisive: bool) -> Evaluator:
    """`and` (decisive False) or `or` (decisive True): a known decisive operand settles it, else unknown wins."""
    def run(env: Mapping[str, Any]) -> Value:
        unknown = False
        for part in parts:
            value = part(env)
            if value is None:
                unknown = True
            elif bool(value) is decisive:
                return decisive
        return None if unknown else not decisive
    return run


def _compare(left: Evaluator, pairs: tuple[tuple[Callable[[Any, Any], bool], Evaluator], ...]) -> Evaluator:
    def run(env: Mapping[str, Any]) -> Value:
        a = left(env)
        for fn, right in pairs:
            b = right(env)
            if a is None or b is None:
                return None
            if not fn(a, b):
                return False
            a = b
        return True
    return run


def _compare_constant(name: str, fn: Callable[[Any, Any], bool], value: Any) -> Evaluator:
    """`name op constant`, the most common predicate (every threshold level): one lookup and one comparison."""
    def run(env: Mapping[str, Any]) -> Value:
        a = env.get(name)
        return None if a is None else fn(a, value)
    return run


def _call(fn: Callable[..., Any], args: tuple[Evaluator, ...]) -> Evaluator:
    def run(env: Mapping[str, Any]) -> Value:
        values = [a(env) for a in args]
        if any(v is None for v in values):
            return None
        return fn(*values)
    return run
