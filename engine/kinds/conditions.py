"""`conditions`: levels of structured conditions (comparisons, all/any of them, or an expression)."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import AllOf, AnyOf, Comparison, ConditionsIndicator

from ..fast import construct
from ..lowering import Level, Lowered, applies_node, condition_node
from ..results import GapTarget, Reason, Status
from ..rules_text import RuleWords
from .base import Env, KindContext, KindLabel, Outcome, SheetCells, condition_reads, status_for, targets_memo, unmet_comparisons


class ConditionsKind:
    """Levels with structured conditions (comparisons, all/any of them, or an expression)."""

    model = ConditionsIndicator  # its declaration: the YAML shape, the parts the load-time checks read, the template hint
    shows_threshold = False  # a report shows the threshold applied beside the values read
    label = KindLabel("điều kiện", "conditions", sheet="Theo điều kiện")  # its name (`rulesets show`) and the score sheet's words for its rule
    sheet = SheetCells(levels="conditions")  # its rule on the score sheet

    def __init__(self, ind: ConditionsIndicator, ctx: KindContext) -> None:
        self.ind = ind
        self.points = tuple(sorted((lv.points for lv in ind.levels), reverse=True))  # best first, as lowered
        self.conditions = {lv.points: lv.when for lv in ind.levels}
        reads: set[str] = set()
        for lv in ind.levels:
            reads |= condition_reads(lv.when, ctx)
        self.reads = tuple(sorted(reads))
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}
        self.hits = tuple(Outcome(points, *status_for(points, ind.max_points)) for points in self.points)  # outcomes are immutable: one per level

    def lower(self, ctx: KindContext, award_not_applicable: bool) -> Lowered:
        """Each level's condition as a tree (all/any become and/or, comparisons with tables read the table)."""
        ind = self.ind
        levels = tuple(Level(lv.points, condition_node(lv.when, ctx.env)) for lv in sorted(ind.levels, key=lambda lv: -lv.points))
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), levels, Reason.CONDITION_NOT_MET)

    gap_kind = "condition"
    plan_as = "condition"  # a plan meets a level's condition
    evidence_only = False
    records_follow_values = True

    @staticmethod
    def rule_text(ind: Any, words: RuleWords) -> str:
        """Each level's condition and points, best first: "(a = có và b ≥ 80): 2 điểm; …"."""
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return words.levels([f"{condition_text(lv.when, words)}{words.award(lv.points)}" for lv in levels])

    def hit(self, index: int, env: Env) -> Outcome:
        return self.hits[index]

    def failed(self, env: Env) -> Outcome:
        """Not met, with the comparisons of the lowest level still to satisfy (for the gap list)."""
        return Outcome(0.0, Status.NOT_MET, Reason.CONDITION_NOT_MET, unmet=tuple(unmet_comparisons(self.ind.levels[-1].when, env)))

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return targets_memo(self, points, lambda: tuple(construct(GapTarget, op=None, target=None, change=None, points=p, gain=p - points) for p in reversed(self.points) if p > points))


def condition_text(cond: Any, words: RuleWords) -> str:
    """A structured condition (a comparison, all or any of some, an expression) in `words`."""
    if isinstance(cond, Comparison):
        return f"{words.input(cond.input)} {words.op(cond.op)} {words.value(cond.threshold)}"
    if isinstance(cond, AllOf):
        return words.all_of([condition_text(c, words) for c in cond.all])
    if isinstance(cond, AnyOf):
        return words.any_of([condition_text(c, words) for c in cond.any])
    return words.expression(cond.expr)
