"""The one intermediate form of an indicator: ordered levels of predicates over the expression AST.

Every indicator, whatever its kind, is lowered (by its kind class, `lower`) to a `Lowered`: its applicability,
the values it requires, its levels best first (a predicate each, three-valued), and the reason when no level
holds. The engines compile that form, never the kinds' YAML shapes: `compile_scalar` gives the per-commune
closure, `chuanxa.engine.columnar` compiles it to NumPy, the durable engine writes its rules from it, and the
planner reads its levels' targets (`Shown`). The status of every outcome comes from its reason, in one table
(`STATUS_OF`). The same algorithm, in order, decides an indicator on every engine:

1. applicability unknown → missing data (MISSING_VALUE); false → not applicable (0, or the maximum when the
   ruleset awards not-applicable indicators);
2. a required value unknown → missing data, with that requirement's reason;
3. the first level whose predicate holds gives its points (MET at the maximum, else LEVEL_MET); a level whose
   predicate is unknown before any level held → missing data, with the level's `unknown` reason;
4. no level holds → 0 points, `otherwise`;
5. the assessors' points, when given, replace the outcome of an applicable indicator (ASSESSED; `ASSESSED_REPLACES`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chuanxa.criteria.expressions import BoolOp, Compare, Const, Lookup, Name, Node, parse_expression
from chuanxa.criteria.model import AllOf, AnyOf, Comparison, ExprCondition, ThresholdTable

from .expr_eval import COMPARATORS, compile_node
from .results import Reason, Status

#: The status of every outcome, from its reason: the one table all engines read.
STATUS_OF: dict[Reason, Status] = {
    Reason.MET: Status.MET,
    Reason.LEVEL_MET: Status.PARTLY_MET,
    Reason.BELOW_THRESHOLD: Status.NOT_MET,
    Reason.ABOVE_CEILING: Status.NOT_MET,
    Reason.CONDITION_NOT_MET: Status.NOT_MET,
    Reason.ANSWER_NOT_EXPECTED: Status.NOT_MET,
    Reason.MISSING_VALUE: Status.MISSING_DATA,
    Reason.MISSING_CLASSIFICATION: Status.MISSING_DATA,
    Reason.NOT_ASSESSED: Status.MISSING_DATA,
    Reason.NOT_APPLICABLE: Status.NOT_APPLICABLE,
    Reason.ASSESSED: Status.ASSESSED,
}
if set(STATUS_OF) != set(Reason):  # a reason added without its status fails at import
    raise ImportError(f"reasons without a status: {sorted(set(Reason) - set(STATUS_OF))}")

#: Step 5: the data outcomes the assessors' points replace, by status (every one but "not applicable": the appraisal
#: gives no points to an indicator that does not apply). Read by every engine.
ASSESSED_REPLACES: frozenset[Status] = frozenset(s for s in Status if s is not Status.NOT_APPLICABLE)


def reached(points: float, maximum: float) -> Reason:
    """The reason of a level that holds: the best level (the maximum) is met, a lower one is a level met."""
    return Reason.MET if points >= maximum else Reason.LEVEL_MET


@dataclass(frozen=True)
class Shown:
    """A level read as `input op threshold` (a value or a table by zone or region): what explanations show and
    what the planner moves the input towards."""

    input: str
    op: str
    threshold: Any


@dataclass(frozen=True)
class Level:
    points: float
    when: Node  # true, false or unknown (None / NaN) for a commune
    unknown: Reason = Reason.MISSING_VALUE  # the reason when `when` cannot be decided
    shown: Shown | None = None


@dataclass(frozen=True)
class Lowered:
    """One indicator in the intermediate form (see the module docstring for how it is decided)."""

    indicator: str
    max_points: float
    applies: Node | None
    award_not_applicable: bool
    requires: tuple[tuple[Node, Reason], ...]
    levels: tuple[Level, ...]  # best first
    otherwise: Reason
    appraisal: tuple[float, ...] = ()  # the points an appraisal may give (its steps), when not the levels' points

    @property
    def steps(self) -> tuple[float, ...]:
        """The points the indicator can be given: the appraisal's steps, or else its levels' points."""
        return self.appraisal or tuple(level.points for level in self.levels)

    @property
    def reads(self) -> frozenset[str]:
        """The names the indicator's levels and requirements read (applicability apart)."""
        found: set[str] = set()
        for node in [node for node, _ in self.requires] + [level.when for level in self.levels]:
            found |= node_names(node)
        return frozenset(found)


def node_names(node: Node) -> frozenset[str]:
    """Every name a tree reads (a table's attribute too)."""
    if isinstance(node, Name):
        return frozenset((node.id,))
    if isinstance(node, Lookup):
        return frozenset((node.by,))
    found: set[str] = set()
    for child in getattr(node, "values", ()) if isinstance(node, BoolOp) else _children(node):
        found |= node_names(child)
    return frozenset(found)


def comparisons(node: Node) -> list[tuple[str, str, Node]]:
    """Every `name op threshold` of a tree where a name is compared with a constant or a table, as (name, operator,
    threshold node): where what an indicator gets changes as the value of `name` moves (the planner's candidates)."""
    found: list[tuple[str, str, Node]] = []
    if isinstance(node, Compare) and isinstance(node.left, Name) and len(node.ops) == 1 and isinstance(node.comparators[0], (Const, Lookup)):
        found.append((node.left.id, node.ops[0], node.comparators[0]))
    for child in getattr(node, "values", ()) if isinstance(node, BoolOp) else _children(node):
        found += comparisons(child)
    return found


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Compare):
        return (node.left, *node.comparators)
    return tuple(child for name in ("operand", "left", "right") if (child := getattr(node, name, None)) is not None) + tuple(getattr(node, "args", ()))


def threshold_node(threshold: Any) -> Node:
    """A threshold as a tree: a constant, or a lookup in its table by zone or region."""
    if isinstance(threshold, ThresholdTable):
        return Lookup(by=threshold.by, values=tuple((str(key), value) for key, value in threshold.values.items()))
    return Const(threshold)


def comparison_node(name: str, op: str, threshold: Any) -> Node:
    """`name op threshold` as a tree."""
    return Compare(left=Name(name), ops=(op,), comparators=(threshold_node(threshold),))


def condition_node(cond: Any, env: Mapping[str, Any]) -> Node:
    """A structured condition (comparison, all/any of conditions, or an expression) as a tree."""
    if isinstance(cond, Comparison):
        return comparison_node(cond.input, cond.op, cond.threshold)
    if isinstance(cond, (AllOf, AnyOf)):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        return BoolOp(op="and" if isinstance(cond, AllOf) else "or", values=tuple(condition_node(c, env) for c in parts))
    assert isinstance(cond, ExprCondition)
    return parse_expression(cond.expr, env, "bool").tree


def applies_node(ind: Any, env: Mapping[str, Any]) -> Node | None:
    return parse_expression(ind.applies_when, env, "bool").tree if ind.applies_when else None


# --- the per-commune compiler ---
Env = Mapping[str, Any]
Decision = tuple[int, Reason]  # (level index or -1, reason): what decided the indicator for a commune


@dataclass(frozen=True)
class Target:
    """A level above the points reached: its points and, for a level read as `input op threshold`, the threshold
    for this commune (None when its table has no entry for the commune's zone or region)."""

    points: float
    op: str | None = None
    value: Any = None


class ScalarForm:
    """A lowered indicator compiled to closures over one commune's values: `decide` (steps 1–4 of the module
    docstring: the level that holds or -1, and the reason) and `decide_levels` (steps 2–4, applicability aside)."""

    def __init__(self, lowered: Lowered) -> None:
        self.lowered = lowered
        self.applies = applies = compile_node(lowered.applies) if lowered.applies is not None else None
        self.requires = requires = tuple((compile_node(node), reason) for node, reason in lowered.requires)
        self.levels = levels = tuple((compile_node(level.when), level.unknown, reached(level.points, lowered.max_points)) for level in lowered.levels)
        self.thresholds = tuple(compile_node(threshold_node(level.shown.threshold)) if level.shown is not None else None for level in lowered.levels)
        otherwise = lowered.otherwise
        single = _single_input(lowered)

        def general_levels(env: Env) -> Decision:
            for required, reason in requires:
                if required(env) is None:
                    return -1, reason
            index = 0
            for holds, unknown, hit in levels:
                result = holds(env)
                if result is None:
                    return -1, unknown
                if result:
                    return index, hit
                index += 1
            return -1, otherwise

        def decide(env: Env) -> Decision:
            if applies is not None:
                holds = applies(env)
                if holds is None:
                    return -1, Reason.MISSING_VALUE
                if not holds:
                    return -1, Reason.NOT_APPLICABLE
            return decide_levels(env)

        # The common shape, one input compared level by level (threshold, yes/no), in one closure.
        decide_levels = _compare_levels(*single, otherwise) if single is not None else general_levels
        self.decide, self.decide_levels = (decide if applies is not None else decide_levels), decide_levels
        self.general_levels = general_levels  # the tree-by-tree form of `decide_levels` (a test checks both agree)

    def targets(self, env: Env, before: float) -> list[Target]:
        """The levels above `before`, nearest first, with the thresholds this commune must reach (for the planner)."""
        found = []
        for level, threshold in zip(reversed(self.lowered.levels), reversed(self.thresholds)):
            if level.points > before:
                shown = level.shown
                found.append(Target(level.points, shown.op, threshold(env)) if shown is not None and threshold is not None else Target(level.points))
        return found


def _single_input(lowered: Lowered) -> tuple[str, Reason, tuple[tuple[Any, ...], ...]] | None:
    """(input, its missing reason, per level (comparison, constant or None, table attribute or None, table or None,
    unknown reason, hit reason)) when the form is one required input compared with a constant or a table per level."""
    if len(lowered.requires) != 1 or not isinstance(lowered.requires[0][0], Name):
        return None
    name = lowered.requires[0][0].id
    steps: list[tuple[Any, ...]] = []
    for level in lowered.levels:
        node = level.when
        if not (isinstance(node, Compare) and len(node.ops) == 1 and isinstance(node.left, Name) and node.left.id == name):
            return None
        right = node.comparators[0]
        hit = reached(level.points, lowered.max_points)
        if isinstance(right, Const):
            steps.append((COMPARATORS[node.ops[0]], right.value, None, None, level.unknown, hit))
        elif isinstance(right, Lookup):
            steps.append((COMPARATORS[node.ops[0]], None, right.by, dict(right.values), level.unknown, hit))
        else:
            return None
    return name, lowered.requires[0][1], tuple(steps)


def _compare_levels(name: str, missing: Reason, steps: tuple[tuple[Any, ...], ...], otherwise: Reason) -> Callable[[Env], Decision]:
    """Steps 2–4 for `name op threshold` levels in one closure: the same decisions as the general form, without a
    call per tree node (the per-commune engine's hot path)."""
    def decide_levels(env: Env) -> Decision:
        value = env.get(name)
        if value is None:
            return -1, missing
        index = 0
        for compare, constant, by, table, unknown, hit in steps:
            if by is not None:
                key = env.get(by)
                constant = None if key is None else table.get(str(key))
                if constant is None:
                    return -1, unknown
            if compare(value, constant):
                return index, hit
            index += 1
        return -1, otherwise
    return decide_levels


def compile_scalar(lowered: Lowered) -> ScalarForm:
    """The per-commune compiler of the intermediate form."""
    return ScalarForm(lowered)
