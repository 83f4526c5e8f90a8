"""What every indicator kind shares: the outcome record, the compile-time context and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chuanxa.criteria.expressions import parse_expression
from chuanxa.criteria.model import AllOf, AnyOf, Comparison, ThresholdTable

from ..expr_eval import COMPARATORS
from ..fast import intern
from ..results import GapTarget, Reason, Status, ThresholdUsed

Env = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one indicator scored from the data, before any assessors' decision."""

    points: float
    status: Status
    reason: Reason
    threshold: ThresholdUsed | None = None
    unmet: tuple[str, ...] = ()  # comparisons still to satisfy (conditions kind), in words


@dataclass(frozen=True, slots=True)
class KindLabel:
    """What people call a kind: a short name in each language (`chuanxa rulesets show`) and the words the score
    sheet puts on an indicator's row before its rule (the sheet's words are Vietnamese; default: the name,
    capitalised)."""

    vi: str
    en: str
    sheet: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @property
    def sheet_words(self) -> str:
        return self.sheet or self.vi[:1].upper() + self.vi[1:]


@dataclass(frozen=True, slots=True)
class SheetCells:
    """How the ruleset score sheet (`rulesets export`/`import`) lays out a kind's rule, a kind's optional `sheet`: the
    declaration's field its indicator row's comparison cell edits (`op`), the field its threshold cell edits as a
    yes/no answer (`answer`, its comparison written "="), and its levels as rows (`levels`: "thresholds" against the
    indicator's input, or "conditions"). A kind without one shows its whole rule in words on its row, and the sheet
    refuses a rule typed there (its rule is edited in YAML)."""

    op: str | None = None
    answer: str | None = None
    levels: str | None = None


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


@dataclass(frozen=True)
class KindContext:
    """What a kind may need at compile time: the expression environment (names → types)."""

    env: Mapping[str, Any] = field(default_factory=dict)



def targets_memo(kind: Any, points: float, build: Callable[[], tuple[GapTarget, ...]]) -> tuple[GapTarget, ...]:
    """Targets that depend only on the points reached, built once per points value (records are immutable)."""
    return intern(kind.targets_by_points, points, build)


def unmet_comparisons(cond: Any, env: Env) -> list[str]:
    """The comparisons of a condition that do not hold yet, in words (for gap lists)."""
    if isinstance(cond, Comparison):
        value = env.get(cond.input)
        threshold, _, _ = resolve_threshold(cond.threshold, env)
        if value is None or threshold is None or not COMPARATORS[cond.op](value, threshold):
            return [f"{cond.input} {fmt(value)} → {cond.op} {fmt(threshold)}"]
        return []
    if isinstance(cond, (AllOf, AnyOf)):
        return [text for sub in (cond.all if isinstance(cond, AllOf) else cond.any) for text in unmet_comparisons(sub, env)]
    return [cond.expr]


def condition_reads(cond: Any, ctx: "KindContext") -> set[str]:
    if isinstance(cond, Comparison):
        return {cond.input}
    if isinstance(cond, (AllOf, AnyOf)):
        return set().union(*(condition_reads(c, ctx) for c in (cond.all if isinstance(cond, AllOf) else cond.any)))
    return set(parse_expression(cond.expr, ctx.env).names)


def numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def fmt(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:g}" if numeric(value) else str(value)
