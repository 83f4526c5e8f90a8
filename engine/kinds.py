"""One small evaluator per indicator kind, registered in `KINDS`.

A new decision is new YAML and at most one new kind here, never a new evaluation loop. An evaluator turns
the commune's values (a mapping of input ids and commune attributes) into an `Outcome`, and can list the
targets that would earn more points (for gap lists and planning).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chuanxa.criteria.expressions import Name, parse_expression
from chuanxa.criteria.operators import OPERATORS
from chuanxa.criteria.model import (
    AllOf,
    AnyOf,
    AssessedIndicator,
    Comparison,
    ConditionsIndicator,
    ThresholdIndicator,
    ThresholdTable,
    YesNoIndicator,
)

from .expr_eval import COMPARATORS
from .lowering import Level, Lowered, Shown, applies_node, comparison_node, condition_node
from .rules_text import describe_condition, describe_threshold
from .fast import construct, intern
from .results import GapTarget, Reason, Status, ThresholdUsed

Env = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one indicator scored from the data, before any assessors' decision."""

    points: float
    status: Status
    reason: Reason
    threshold: ThresholdUsed | None = None
    unmet: tuple[str, ...] = ()  # comparisons still to satisfy (conditions kind), in words


def status_for(points: float, maximum: float) -> tuple[Status, Reason]:
    if points >= maximum:
        return Status.MET, Reason.MET
    return Status.PARTLY_MET, Reason.LEVEL_MET


NOT_ASSESSED = Outcome(0.0, Status.MISSING_DATA, Reason.NOT_ASSESSED)


def resolve_threshold(threshold: Any, env: Env) -> tuple[Any, str | None, str | None]:
    """The threshold value for this commune, the table axis and the key used (value None when unknown)."""
    if not isinstance(threshold, ThresholdTable):
        return threshold, None, None
    key = env.get(threshold.by)
    key = None if key is None else str(key)
    return threshold.values.get(key) if key is not None else None, threshold.by, key


class ThresholdKind:
    """`input op threshold` per level; the best level met gives its points."""

    def __init__(self, ind: ThresholdIndicator, ctx: "KindContext") -> None:
        self.ind = ind
        self.input = ind.input
        self.levels = sorted(ind.levels, key=lambda lv: -lv.points)
        self.reads = (ind.input,)
        self.fail_reason = Reason(OPERATORS[ind.op].failure)
        # (threshold, table axis or None) per level; outcomes are immutable, so each (level, key) builds one once.
        self._plan: list[tuple[Any, str | None]] = [(lv.threshold.values, lv.threshold.by) if isinstance(lv.threshold, ThresholdTable) else (lv.threshold, None) for lv in self.levels]
        self._outcomes: dict[tuple[int, str | None], Outcome] = {}

    def _used(self, level: Any, value: Any, by: str | None, key: str | None) -> ThresholdUsed:
        return construct(ThresholdUsed, op=self.ind.op, value=value, by=by, key=key, points=level.points, input=self.input)

    def hit(self, index: int, env: Env) -> Outcome:
        """Level `index` holds: its points, with the threshold met (the table's entry for the commune)."""
        return self._at(index, env, True)

    def failed(self, env: Env) -> Outcome:
        """No level holds: not met, showing the lowest level's threshold (the next to reach)."""
        return self._at(len(self._plan) - 1, env, False)

    def _at(self, index: int, env: Env, hit: bool) -> Outcome:
        threshold, by = self._plan[index]
        key = None
        if by is not None:
            raw = env.get(by)
            key = None if raw is None else str(raw)
            threshold = threshold.get(key) if key is not None else None
        return self._outcome(index, key, threshold, by, hit)

    def _outcome(self, index: int, key: str | None, threshold: Any, by: str | None, hit: bool) -> Outcome:
        cache_key = (index if hit else -1 - index, key)
        found = self._outcomes.get(cache_key)
        if found is None:
            level = self.levels[index]
            if hit:
                status, reason = status_for(level.points, self.ind.max_points)
                found = Outcome(level.points, status, reason, self._used(level, threshold, by, key))
            else:
                found = Outcome(0.0, Status.NOT_MET, self.fail_reason, self._used(level, threshold, by, key))
            self._outcomes[cache_key] = found
        return found

    def lower(self, ctx: "KindContext", award_not_applicable: bool) -> Lowered:
        """The input must be known; each level compares it with its threshold (unknown: the region or zone that
        the threshold's table needs is unknown)."""
        ind = self.ind
        levels = tuple(Level(lv.points, comparison_node(ind.input, ind.op, lv.threshold), Reason.MISSING_CLASSIFICATION, Shown(ind.input, ind.op, lv.threshold))
                       for lv in self.levels)
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), levels, self.fail_reason)

    gap_kind = "value"
    plan_as = "value"  # a plan reaches a level by moving the input's value to the threshold
    evidence_only = False

    @staticmethod
    def rule_text(ind: Any) -> str:
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return f"{ind.input} " + "; ".join(f"{ind.op} {describe_threshold(lv.threshold)} → {lv.points:g}" for lv in levels)

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        value = env.get(self.input)
        found = []
        for level in reversed(self.levels):
            if level.points <= points:
                continue
            threshold, _, _ = resolve_threshold(level.threshold, env)
            change = round(threshold - value, 9) if _numeric(threshold) and _numeric(value) else None  # 95 - 91.2 is 3.8, not 3.799…
            found.append(construct(GapTarget, op=self.ind.op, target=threshold, change=change, points=level.points, gain=level.points - points))
        return tuple(found)


class YesNoKind:
    """Full points when a yes/no input has the expected answer."""

    def __init__(self, ind: YesNoIndicator, ctx: "KindContext") -> None:
        self.ind = ind
        self.reads = (ind.input,)
        self.used = ThresholdUsed(op="==", value=ind.expected, points=ind.max_points, input=ind.input)
        self.met = Outcome(ind.max_points, Status.MET, Reason.MET, self.used)
        self.not_met = Outcome(0.0, Status.NOT_MET, Reason.ANSWER_NOT_EXPECTED, self.used)
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def lower(self, ctx: "KindContext", award_not_applicable: bool) -> Lowered:
        """The answer must be known; one level: the expected answer."""
        ind = self.ind
        level = Level(ind.max_points, comparison_node(ind.input, "==", ind.expected), Reason.MISSING_VALUE, Shown(ind.input, "==", ind.expected))
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), (level,), Reason.ANSWER_NOT_EXPECTED)

    gap_kind = "value"
    plan_as = "answer"  # a plan changes the answer
    evidence_only = False

    def hit(self, index: int, env: Env) -> Outcome:
        return self.met

    def failed(self, env: Env) -> Outcome:
        return self.not_met

    @staticmethod
    def rule_text(ind: Any) -> str:
        return f"{ind.input} == {'yes' if ind.expected else 'no'} → {ind.max_points:g}"

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: (construct(GapTarget, op="==", target=self.ind.expected, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))


class ConditionsKind:
    """Levels with structured conditions (comparisons, all/any of them, or an expression)."""

    def __init__(self, ind: ConditionsIndicator, ctx: "KindContext") -> None:
        self.ind = ind
        self.points = tuple(sorted((lv.points for lv in ind.levels), reverse=True))  # best first, as lowered
        self.conditions = {lv.points: lv.when for lv in ind.levels}
        reads: set[str] = set()
        for lv in ind.levels:
            reads |= _condition_reads(lv.when, ctx)
        self.reads = tuple(sorted(reads))
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def lower(self, ctx: "KindContext", award_not_applicable: bool) -> Lowered:
        """Each level's condition as a tree (all/any become and/or, comparisons with tables read the table)."""
        ind = self.ind
        levels = tuple(Level(lv.points, condition_node(lv.when, ctx.env)) for lv in sorted(ind.levels, key=lambda lv: -lv.points))
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), levels, Reason.CONDITION_NOT_MET)

    gap_kind = "condition"
    plan_as = "condition"  # a plan meets a level's condition
    evidence_only = False

    @staticmethod
    def rule_text(ind: Any) -> str:
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return "; ".join(f"{describe_condition(lv.when)} → {lv.points:g}" for lv in levels)

    def hit(self, index: int, env: Env) -> Outcome:
        points = self.points[index]
        status, reason = status_for(points, self.ind.max_points)
        return Outcome(points, status, reason)

    def failed(self, env: Env) -> Outcome:
        """Not met, with the comparisons of the lowest level still to satisfy (for the gap list)."""
        return Outcome(0.0, Status.NOT_MET, Reason.CONDITION_NOT_MET, unmet=tuple(unmet_comparisons(self.ind.levels[-1].when, env)))

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: tuple(construct(GapTarget, op=None, target=None, change=None, points=p, gain=p - points) for p in reversed(self.points) if p > points))


class AssessedKind:
    """Points awarded by the assessors on evidence; without them the indicator's data is missing."""

    def __init__(self, ind: AssessedIndicator, ctx: "KindContext") -> None:
        self.ind = ind
        self.reads = ()
        step = ind.step or ind.max_points
        self.steps = tuple(round(step * k, 6) for k in range(1, int(round(ind.max_points / step)) + 1))
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def lower(self, ctx: "KindContext", award_not_applicable: bool) -> Lowered:
        """No level: only the assessors' points (step 5) decide."""
        ind = self.ind
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), (), Reason.NOT_ASSESSED, self.steps)

    gap_kind = "evidence"
    plan_as = "evidence"  # a plan brings evidence worth more points
    evidence_only = True

    def hit(self, index: int, env: Env) -> Outcome:
        raise AssertionError("an assessed indicator has no level to hold")

    def failed(self, env: Env) -> Outcome:
        return NOT_ASSESSED

    @staticmethod
    def rule_text(ind: Any) -> str:
        return f"0–{ind.max_points:g} (thẩm định / assessed)"

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: (construct(GapTarget, op=None, target=None, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))


def _targets_memo(kind: Any, points: float, build: Callable[[], tuple[GapTarget, ...]]) -> tuple[GapTarget, ...]:
    """Targets that depend only on the points reached, built once per points value (records are immutable)."""
    return intern(kind.targets_by_points, points, build)


def unmet_comparisons(cond: Any, env: Env) -> list[str]:
    """The comparisons of a condition that do not hold yet, in words (for gap lists)."""
    if isinstance(cond, Comparison):
        value = env.get(cond.input)
        threshold, _, _ = resolve_threshold(cond.threshold, env)
        if value is None or threshold is None or not COMPARATORS[cond.op](value, threshold):
            return [f"{cond.input} {_fmt(value)} → {cond.op} {_fmt(threshold)}"]
        return []
    if isinstance(cond, (AllOf, AnyOf)):
        return [text for sub in (cond.all if isinstance(cond, AllOf) else cond.any) for text in unmet_comparisons(sub, env)]
    return [cond.expr]


def _condition_reads(cond: Any, ctx: "KindContext") -> set[str]:
    if isinstance(cond, Comparison):
        return {cond.input}
    if isinstance(cond, (AllOf, AnyOf)):
        return set().union(*(_condition_reads(c, ctx) for c in (cond.all if isinstance(cond, AllOf) else cond.any)))
    return set(parse_expression(cond.expr, ctx.env).names)


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fmt(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:g}" if _numeric(value) else str(value)


@dataclass(frozen=True)
class KindContext:
    """What a kind may need at compile time: the expression environment (names → types)."""

    env: Mapping[str, Any] = field(default_factory=dict)


KindEvaluator = ThresholdKind | YesNoKind | ConditionsKind | AssessedKind

#: What every kind class provides: its intermediate form (`lower`, which every engine compiles: per commune, NumPy,
#: durable rules), the outcomes it explains (`hit`, `failed`) and its gap targets (`targets`), its rule in words
#: (`rule_text`), and what its gaps and plans are about (`gap_kind`, `plan_as`, `evidence_only`).
KIND_PROTOCOL = ("lower", "hit", "failed", "targets", "plan_as", "rule_text", "gap_kind", "evidence_only")

#: The registry of indicator kinds: `kind:` in YAML → its class. Fill it with `register_kind` only.
KINDS: dict[str, Any] = {}


def model_kinds() -> frozenset[str]:
    """The kinds the ruleset model accepts (the tags of its indicator union)."""
    from chuanxa.criteria.model import IndicatorModel

    return frozenset(cls.model_fields["kind"].annotation.__args__[0] for cls in IndicatorModel.__args__)  # type: ignore[attr-defined]


def register_kind(name: str, cls: Any) -> None:
    """Register the class of indicator kind `name`; refused (ValueError) for a kind the ruleset model does not
    know, a name registered twice, or a class lacking part of `KIND_PROTOCOL`."""
    if name not in model_kinds():
        raise ValueError(f"unknown indicator kind {name!r}: the ruleset model knows {sorted(model_kinds())}")
    if name in KINDS:
        raise ValueError(f"indicator kind {name!r} is registered already")
    lacking = [part for part in KIND_PROTOCOL if not hasattr(cls, part)]
    if lacking:
        raise ValueError(f"indicator kind {name!r}: {cls.__name__} lacks {lacking}")
    KINDS[name] = cls


for _name, _cls in (("threshold", ThresholdKind), ("yes_no", YesNoKind), ("conditions", ConditionsKind), ("assessed", AssessedKind)):
    register_kind(_name, _cls)
if set(KINDS) != model_kinds():  # a kind added to the model without its class fails here, at import
    raise ImportError(f"indicator kinds without a class: {sorted(model_kinds() - set(KINDS))}")
