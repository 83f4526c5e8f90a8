"""A small, safe expression language for derived inputs, applicability and compound conditions.

Text is parsed by Python's own `ast` parser and then rebuilt as chuanxa's own node types, accepting only a
whitelist: numbers, strings, true/false, names of declared inputs and commune attributes, `+ - * /`,
comparisons, `and or not`, `in` / `not in` a literal list, and `min() max() abs()`. Nothing is evaluated
here and no Python name is reachable: evaluation lives in `chuanxa.engine.expr_eval`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal, Mapping, Union

from chuanxa.errors import ExpressionError, close_matches

ExprType = Literal["number", "bool", "text", "date"]

FUNCTIONS = ("min", "max", "abs")
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in"}
_CONST_WORDS = {"true": True, "false": False, "True": True, "False": False}


@dataclass(frozen=True)
class Const:
    value: float | int | str | bool


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class ListLit:
    values: tuple[float | int | str | bool, ...]


@dataclass(frozen=True)
class Unary:
    op: Literal["-", "+", "not"]
    operand: "Node"


@dataclass(frozen=True)
class Binary:
    op: Literal["+", "-", "*", "/"]
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    values: tuple["Node", ...]


@dataclass(frozen=True)
class Compare:
    """`left op1 c1 op2 c2 …` as Python chains it: every adjacent pair must hold."""

    left: "Node"
    ops: tuple[str, ...]
    comparators: tuple["Node", ...]


@dataclass(frozen=True)
class Call:
    func: Literal["min", "max", "abs"]
    args: tuple["Node", ...]


@dataclass(frozen=True)
class Lookup:
    """A value read from a table by a commune attribute (`zone`, `region`): thresholds that differ by zone or region.
    Never parsed from text: built when an indicator is lowered (`chuanxa.engine.lowering`). Unknown when the
    attribute is unknown or the table has no entry for it."""

    by: str
    values: tuple[tuple[str, float | int | str | bool], ...]  # key (as text) → value


Node = Union[Const, Name, ListLit, Unary, Binary, BoolOp, Compare, Call, Lookup]


@dataclass(frozen=True)
class Expression:
    """A parsed, type-checked expression: its source text, tree, result type and the names it reads."""

    text: str
    tree: Node
    type: ExprType
    names: frozenset[str]


def parse_expression(text: str, env: Mapping[str, ExprType], expect: ExprType | None = None) -> Expression:
    """Parse `text` and type-check it against `env` (name → type).

    Raises `ExpressionError` for syntax errors, forbidden constructs, unknown names or type mismatches.

    >>> parse_expression("a / b * 100", {"a": "number", "b": "number"}).type
    'number'
    """
    source = str(text).strip()
    if len(source) > MAX_LENGTH:
        _too_large(source, f"{len(source):,} characters", f"{len(source):,} ký tự", f"{MAX_LENGTH:,}")
    try:
        parsed = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(key="expr.syntax", params={"expr": _clip(source), "detail": exc.msg}) from None
    except (RecursionError, MemoryError, ValueError):
        _too_large(source, "nested too deeply to read", "lồng nhau quá sâu", f"{MAX_DEPTH}")
    _check_size(source, parsed.body)
    builder = _Builder(source, env)
    tree = builder.build(parsed.body)
    kind = builder.type_of(tree)
    if expect is not None and kind != expect:
        _type_error(source, f"it gives a {kind} where a {expect} is needed", f"cho ra kiểu {kind} trong khi cần kiểu {expect}")
    return Expression(text=source, tree=tree, type=kind, names=frozenset(builder.names))


#: Bounds of one expression, checked before anything recurses over it (real ones are a line or two: the bundled
#: rulesets' longest is far below every bound). Beyond them an expression is a located ruleset error.
MAX_LENGTH = 2_000
MAX_NODES = 500
MAX_DEPTH = 50
MAX_NUMBER = 1e15


def _clip(source: str) -> str:
    return source if len(source) <= 120 else source[:117] + "…"


def _too_large(source: str, detail: str, detail_vi: str, limit: str) -> None:
    raise ExpressionError(key="expr.too_large", params={"expr": _clip(source), "detail": detail, "detail_vi": detail_vi, "limit": limit})


def _check_size(source: str, root: ast.AST) -> None:
    """Count the parts of the parsed expression and its depth without recursion, and refuse a number
    literal too large for a count, a rate or a money amount."""
    count, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            _too_large(source, f"more than {MAX_NODES} parts", f"hơn {MAX_NODES} thành phần", f"{MAX_NODES}")
        if depth > MAX_DEPTH:
            _too_large(source, f"nested more than {MAX_DEPTH} levels deep", f"lồng nhau sâu hơn {MAX_DEPTH} cấp", f"{MAX_DEPTH}")
        value = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not abs(value) <= MAX_NUMBER:
            _too_large(source, f"the number {str(value)[:20]}… is larger than {MAX_NUMBER:g}", f"số {str(value)[:20]}… lớn hơn {MAX_NUMBER:g}", f"{MAX_NUMBER:g}")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


_FORBIDDEN_KINDS: dict[type, tuple[str, str]] = {
    ast.Call: ("lời gọi hàm", "a call of"),
    ast.Attribute: ("truy cập thuộc tính", "an attribute access"),
    ast.Subscript: ("truy cập chỉ số", "an index or slice"),
    ast.Lambda: ("hàm lambda", "a lambda"),
    ast.NamedExpr: ("phép gán", "an assignment"),
    ast.IfExp: ("biểu thức if … else", "an if … else expression"),
    ast.ListComp: ("bộ sinh danh sách", "a comprehension"),
    ast.GeneratorExp: ("bộ sinh", "a generator"),
    ast.Dict: ("bảng khóa: giá trị", "a dictionary"),
    ast.JoinedStr: ("chuỗi f-string", "an f-string"),
    ast.Constant: ("hằng số kiểu này", "a constant of this type"),
    ast.BinOp: ("phép toán", "the operation"),
    ast.UnaryOp: ("phép toán", "the operation"),
}


def _type_error(expr: str, detail: str, detail_vi: str) -> None:
    raise ExpressionError(key="expr.type", params={"expr": expr, "detail": detail, "detail_vi": detail_vi})


class _Builder:
    def __init__(self, source: str, env: Mapping[str, ExprType]) -> None:
        self.source = source
        self.env = env
        self.names: set[str] = set()

    def forbid(self, node: ast.AST) -> ExpressionError:
        """Name the narrowest part that is not allowed (for a call: what is called), and what kind of thing it is."""
        target = node.func if isinstance(node, ast.Call) else node
        construct = ast.get_source_segment(self.source, target) or type(target).__name__
        what_vi, what_en = _FORBIDDEN_KINDS.get(type(node), ("một cú pháp", "a construct"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            what_vi, what_en = "một lời gọi có tham số đặt tên", "a call with named arguments"
        return ExpressionError(key="expr.forbidden", params={"expr": self.source, "construct": construct, "what_vi": what_vi, "what": what_en})

    def build(self, node: ast.AST) -> Node:  # noqa: C901 - one branch per whitelisted node type
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
            return Const(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return self.literal_list(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            op = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not"}[type(node.op)]
            return Unary(op, self.build(node.operand))  # type: ignore[arg-type]
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return Binary(_ARITH[type(node.op)], self.build(node.left), self.build(node.right))  # type: ignore[arg-type]
        if isinstance(node, ast.BoolOp):
            joiner: Literal["and", "or"] = "and" if isinstance(node.op, ast.And) else "or"
            return BoolOp(joiner, tuple(self.build(v) for v in node.values))
        if isinstance(node, ast.Compare) and all(type(o) in _CMP for o in node.ops):
            ops = tuple(_CMP[type(o)] for o in node.ops)
            return Compare(self.build(node.left), ops, tuple(self.build(c) for c in node.comparators))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and not node.keywords:
            return Call(node.func.id, tuple(self.build(a) for a in node.args))  # type: ignore[arg-type]
        raise self.forbid(node)

    def name(self, name: str) -> Node:
        if name in _CONST_WORDS:
            return Const(_CONST_WORDS[name])
        if name not in self.env:
            raise ExpressionError(
                key="expr.unknown_name",
                params={"expr": self.source, "name": name, "suggestions": close_matches(name, self.env)},
            )
        self.names.add(name)
        return Name(name)

    def literal_list(self, node: ast.List | ast.Tuple | ast.Set) -> ListLit:
        values: list[float | int | str | bool] = []
        for element in node.elts:
            built = self.build(element)
            if not isinstance(built, Const):
                raise self.forbid(element)
            values.append(built.value)
        return ListLit(tuple(values))

    def type_of(self, node: Node) -> ExprType:  # noqa: C901 - one branch per node type
        if isinstance(node, Const):
            return _const_type(node.value)
        if isinstance(node, Name):
            return self.env[node.id]
        if isinstance(node, ListLit):
            _type_error(self.source, "a list can only stand after 'in'", "danh sách chỉ được dùng sau 'in'")
        if isinstance(node, Unary):
            want: ExprType = "bool" if node.op == "not" else "number"
            self.require(node.operand, want, node.op)
            return want
        if isinstance(node, Binary):
            self.require(node.left, "number", node.op)
            self.require(node.right, "number", node.op)
            return "number"
        if isinstance(node, BoolOp):
            for value in node.values:
                self.require(value, "bool", node.op)
            return "bool"
        if isinstance(node, Compare):
            self.check_compare(node)
            return "bool"
        assert isinstance(node, Call)
        if not node.args or (node.func == "abs" and len(node.args) != 1):
            _type_error(self.source, f"{node.func}() takes {'one' if node.func == 'abs' else 'at least one'} number", f"{node.func}() cần đối số là số")
        for arg in node.args:
            self.require(arg, "number", node.func + "()")
        return "number"

    def require(self, node: Node, want: ExprType, where: str) -> None:
        got = self.type_of(node)
        if got != want:
            _type_error(self.source, f"'{where}' needs a {want}, got a {got}", f"'{where}' cần kiểu {want}, nhận kiểu {got}")

    def check_compare(self, node: Compare) -> None:
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            left_type = self.type_of(left)
            if op in ("in", "not in"):
                if not isinstance(right, ListLit):
                    _type_error(self.source, f"'{op}' needs a literal list on its right", f"'{op}' cần một danh sách ở bên phải")
                assert isinstance(right, ListLit)
                bad = [v for v in right.values if _const_type(v) != left_type]
                if bad:
                    _type_error(self.source, f"the list holds {bad[0]!r}, not a {left_type}", f"danh sách có {bad[0]!r}, không phải kiểu {left_type}")
            else:
                right_type = self.type_of(right)
                if left_type != right_type:
                    _type_error(self.source, f"cannot compare a {left_type} with a {right_type}", f"không so sánh được kiểu {left_type} với kiểu {right_type}")
                if op not in ("==", "!=") and left_type not in ("number", "date"):
                    _type_error(self.source, f"'{op}' needs numbers, got {left_type}", f"'{op}' cần số, nhận kiểu {left_type}")
            left = right


def _const_type(value: object) -> ExprType:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text"
