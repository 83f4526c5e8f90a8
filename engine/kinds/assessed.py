"""`assessed`: points awarded by the assessors on evidence."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import AssessedIndicator

from ..fast import construct
from ..lowering import Lowered, applies_node
from ..results import GapTarget, Reason
from ..rules_text import RuleWords
from .base import NOT_ASSESSED, Env, KindContext, KindLabel, Outcome, SheetCells, targets_memo


class AssessedKind:
    """Points awarded by the assessors on evidence; without them the indicator's data is missing."""

    model = AssessedIndicator  # its declaration: the YAML shape, the parts the load-time checks read, the template hint
    shows_threshold = False  # a report shows the threshold applied beside the values read
    label = KindLabel("thẩm định", "assessed", sheet="Đoàn thẩm định chấm")  # its name (`rulesets show`) and the score sheet's words for its rule
    sheet = SheetCells()  # its rule on the score sheet

    def __init__(self, ind: AssessedIndicator, ctx: KindContext) -> None:
        self.ind = ind
        self.reads = ()
        step = ind.step or ind.max_points
        self.steps = tuple(round(step * k, 6) for k in range(1, int(round(ind.max_points / step)) + 1))
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def lower(self, ctx: KindContext, award_not_applicable: bool) -> Lowered:
        """No level: only the assessors' points (step 5) decide."""
        ind = self.ind
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, (), (), Reason.NOT_ASSESSED, self.steps)

    gap_kind = "evidence"
    plan_as = "evidence"  # a plan brings evidence worth more points
    evidence_only = True
    records_follow_values = False

    def hit(self, index: int, env: Env) -> Outcome:
        raise AssertionError("an assessed indicator has no level to hold")

    def failed(self, env: Env) -> Outcome:
        return NOT_ASSESSED

    @staticmethod
    def rule_text(ind: Any, words: RuleWords) -> str:
        """"đoàn thẩm định chấm từ 0 đến 3 điểm theo minh chứng (bước 0,5)" (notation: "0–3 (thẩm định / assessed)")."""
        step = getattr(ind, "step", None)
        return words.phrase("assessed", max=words.number(ind.max_points)) + (words.phrase("assessed_step", step=words.number(step)) if step else "")

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return targets_memo(self, points, lambda: (construct(GapTarget, op=None, target=None, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))
