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
    ExprCondition,
    ThresholdIndicator,
    ThresholdTable,
    YesNoIndicator,
)

from .expr_eval import COMPARATORS, compile_expression
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


MISSING = Outcome(0.0, Status.MISSING_DATA, Reason.MISSING_VALUE)
MISSING_CLASS = Outcome(0.0, Status.MISSING_DATA, Reason.MISSING_CLASSIFICATION)
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
        self.compare = COMPARATORS[ind.op]
        self.levels = sorted(ind.levels, key=lambda lv: -lv.points)
        self.reads = (ind.input,)
        self.fail_reason = Reason(OPERATORS[ind.op].failure)
        # (threshold, table axis or None) per level; outcomes are immutable, so each (level, key) builds one once.
        self._plan: list[tuple[Any, str | None]] = [(lv.threshold.values, lv.threshold.by) if isinstance(lv.threshold, ThresholdTable) else (lv.threshold, None) for lv in self.levels]
        self._outcomes: dict[tuple[int, str | None], Outcome] = {}

    def _used(self, level: Any, value: Any, by: str | None, key: str | None) -> ThresholdUsed:
        return construct(ThresholdUsed, op=self.ind.op, value=value, by=by, key=key, points=level.points, input=self.input)

    def score(self, env: Env) -> Outcome:
        value = env.get(self.input)
        if value is None:
            return MISSING
        compare = self.compare
        for index, (threshold, by) in enumerate(self._plan):
            key = None
            if by is not None:
                raw = env.get(by)
                key = None if raw is None else str(raw)
                threshold = threshold.get(key) if key is not None else None
                if threshold is None:
                    return MISSING_CLASS
            if compare(value, threshold):
                return self._outcome(index, key, threshold, by, hit=True)
        threshold, by = self._plan[-1]
        key = None
        if by is not None:
            key = str(env.get(by))
            threshold = threshold.get(key)
        return self._outcome(len(self._plan) - 1, key, threshold, by, hit=False)

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

    @property
    def level_points(self) -> tuple[float, ...]:
        return tuple(lv.points for lv in self.levels)

    def appraisal_levels(self, before: float) -> list[float]:
        return _above(self.level_points, before)

    def unknown(self, env: Env) -> Outcome:
        """Neither holds nor fails: the value is missing, or the region or zone its threshold needs."""
        return MISSING if env.get(self.input) is None else MISSING_CLASS

    @staticmethod
    def rule_text(ind: Any) -> str:
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return f"{ind.input} " + "; ".join(f"{ind.op} {describe_threshold(lv.threshold)} → {lv.points:g}" for lv in levels)

    def durable_levels(self, durable: Any, j: int) -> list[tuple[list[Any], list[Any]]]:
        return [durable.threshold_tests(self.input, self.ind.op, level.threshold) for level in self.levels]

    def durable_failed(self, durable: Any, ci: Any, env: Env) -> Outcome:
        return Outcome(0.0, Status.NOT_MET, self.fail_reason, self.explain(env, None))

    def durable_met(self, ci: Any, env: Env, points: float) -> ThresholdUsed | None:
        return self.explain(env, points)

    def explain(self, env: Env, level_points: float | None) -> ThresholdUsed | None:
        """The threshold shown for an outcome: the level reached, or else the lowest level (the next to reach)."""
        level = next((lv for lv in self.levels if lv.points == level_points), self.levels[-1])
        threshold, by, key = resolve_threshold(level.threshold, env)
        return self._used(level, threshold, by, key)

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

    @property
    def level_points(self) -> tuple[float, ...]:
        return (self.ind.max_points,)

    def appraisal_levels(self, before: float) -> list[float]:
        return _above(self.level_points, before)

    def unknown(self, env: Env) -> Outcome:
        return MISSING

    def score(self, env: Env) -> Outcome:
        value = env.get(self.ind.input)
        if value is None:
            return MISSING
        return self.met if bool(value) == self.ind.expected else self.not_met

    @staticmethod
    def rule_text(ind: Any) -> str:
        return f"{ind.input} == {'yes' if ind.expected else 'no'} → {ind.max_points:g}"

    def durable_levels(self, durable: Any, j: int) -> list[tuple[list[Any], list[Any]]]:
        return [([durable.compare(self.ind.input, "==", self.ind.expected)], [durable.compare(self.ind.input, "==", not self.ind.expected)])]

    def durable_failed(self, durable: Any, ci: Any, env: Env) -> Outcome:
        return self.not_met

    def durable_met(self, ci: Any, env: Env, points: float) -> ThresholdUsed | None:
        return self.used

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: (construct(GapTarget, op="==", target=self.ind.expected, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))


ConditionFn = Callable[[Env], "bool | None"]


class ConditionsKind:
    """Levels with structured conditions (comparisons, all/any of them, or an expression)."""

    def __init__(self, ind: ConditionsIndicator, ctx: "KindContext") -> None:
        self.ind = ind
        self.levels = [(lv.points, self._compile(lv.when, ctx)) for lv in sorted(ind.levels, key=lambda lv: -lv.points)]
        self.conditions = {lv.points: lv.when for lv in ind.levels}
        reads: set[str] = set()
        for lv in ind.levels:
            reads |= _condition_reads(lv.when, ctx)
        self.reads = tuple(sorted(reads))
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def _compile(self, cond: Any, ctx: "KindContext") -> ConditionFn:
        if isinstance(cond, Comparison):
            compare = COMPARATORS[cond.op]

            def run(env: Env) -> bool | None:
                value = env.get(cond.input)
                threshold, _, _ = resolve_threshold(cond.threshold, env)
                return None if value is None or threshold is None else compare(value, threshold)
            return run
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self._compile(c, ctx) for c in (cond.all if isinstance(cond, AllOf) else cond.any)]
            decided, otherwise = (False, True) if isinstance(cond, AllOf) else (True, False)

            def combine(env: Env) -> bool | None:
                unknown = False
                for part in parts:
                    result = part(env)
                    if result is None:
                        unknown = True
                    elif result is decided:
                        return decided
                return None if unknown else otherwise
            return combine
        assert isinstance(cond, ExprCondition)
        return compile_expression(parse_expression(cond.expr, ctx.env, "bool"))

    def lower(self, ctx: "KindContext", award_not_applicable: bool) -> Lowered:
        """Each level's condition as a tree (all/any become and/or, comparisons with tables read the table)."""
        ind = self.ind
        levels = tuple(Level(lv.points, condition_node(lv.when, ctx.env)) for lv in sorted(ind.levels, key=lambda lv: -lv.points))
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), levels, Reason.CONDITION_NOT_MET)

    gap_kind = "condition"
    plan_as = "condition"  # a plan meets a level's condition
    evidence_only = False

    @property
    def level_points(self) -> tuple[float, ...]:
        return tuple(points for points, _ in self.levels)

    def appraisal_levels(self, before: float) -> list[float]:
        return _above(self.level_points, before)

    def unknown(self, env: Env) -> Outcome:
        return MISSING

    @staticmethod
    def rule_text(ind: Any) -> str:
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return "; ".join(f"{describe_condition(lv.when)} → {lv.points:g}" for lv in levels)

    def durable_levels(self, durable: Any, j: int) -> list[tuple[list[Any], list[Any]]]:
        return [durable.condition_tests(level.when, j, k) for k, level in enumerate(sorted(self.ind.levels, key=lambda lv: -lv.points))]

    def durable_failed(self, durable: Any, ci: Any, env: Env) -> Outcome:
        return Outcome(0.0, Status.NOT_MET, Reason.CONDITION_NOT_MET, unmet=tuple(unmet_comparisons(self.ind.levels[-1].when, env)))

    def durable_met(self, ci: Any, env: Env, points: float) -> ThresholdUsed | None:
        return None

    def score(self, env: Env) -> Outcome:
        for points, condition in self.levels:
            result = condition(env)
            if result is None:
                return MISSING
            if result:
                status, reason = status_for(points, self.ind.max_points)
                return Outcome(points, status, reason)
        return Outcome(0.0, Status.NOT_MET, Reason.CONDITION_NOT_MET, unmet=tuple(unmet_comparisons(self.ind.levels[-1].when, env)))

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: tuple(construct(GapTarget, op=None, target=None, change=None, points=p, gain=p - points) for p, _ in reversed(self.levels) if p > points))


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
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), (), Reason.NOT_ASSESSED)

    gap_kind = "evidence"
    plan_as = "evidence"  # a plan brings evidence worth more points
    evidence_only = True
    level_points: tuple[float, ...] = ()  # decided by the assessors only

    def appraisal_levels(self, before: float) -> list[float]:
        """The points the appraisal may give above `before`: the indicator's steps (its whole maximum without one)."""
        return _above(self.steps, before)

    def unknown(self, env: Env) -> Outcome:
        return NOT_ASSESSED

    def score(self, env: Env) -> Outcome:
        return NOT_ASSESSED

    @staticmethod
    def rule_text(ind: Any) -> str:
        return f"0–{ind.max_points:g} (thẩm định / assessed)"

    def durable_levels(self, durable: Any, j: int) -> list[tuple[list[Any], list[Any]]]:
        return []

    def durable_failed(self, durable: Any, ci: Any, env: Env) -> Outcome:
        return NOT_ASSESSED

    def durable_met(self, ci: Any, env: Env, points: float) -> ThresholdUsed | None:
        return None

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return _targets_memo(self, points, lambda: (construct(GapTarget, op=None, target=None, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))


def _above(levels: Any, before: float) -> list[float]:
    """`levels` above `before`, in increasing order, once each."""
    return sorted({level for level in levels if level > before + 1e-9})


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

#: What every kind class provides: its intermediate form (`lower`), scoring one commune (`score`, `targets`), its
#: durable-rules form (`durable_levels`, `durable_met`, `durable_failed`), its rule in words (`rule_text`), and
#: what its gaps and plans are about (`gap_kind`, `evidence_only`).
KIND_PROTOCOL = ("lower", "score", "targets", "unknown", "level_points", "appraisal_levels", "plan_as", "durable_levels", "durable_met",
                 "durable_failed", "rule_text", "gap_kind", "evidence_only")

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
