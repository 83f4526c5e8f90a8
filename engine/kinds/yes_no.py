"""`yes_no`: full points when a yes/no input has the expected answer."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.expressions import Name
from chuanxa.criteria.model import YesNoIndicator

from ..fast import construct
from ..lowering import Level, Lowered, Shown, applies_node, comparison_node
from ..results import GapTarget, Reason, Status, ThresholdUsed
from ..rules_text import RuleWords
from .base import Env, KindContext, KindLabel, Outcome, SheetCells, targets_memo


class YesNoKind:
    """Full points when a yes/no input has the expected answer."""

    model = YesNoIndicator  # its declaration: the YAML shape, the parts the load-time checks read, the template hint
    shows_threshold = False  # a report shows the threshold applied beside the values read
    label = KindLabel("có/không", "yes/no")  # its name (`rulesets show`) and the score sheet's words for its rule
    sheet = SheetCells(answer="expected")  # its rule on the score sheet

    def __init__(self, ind: YesNoIndicator, ctx: KindContext) -> None:
        self.ind = ind
        self.reads = (ind.input,)
        self.used = ThresholdUsed(op="==", value=ind.expected, points=ind.max_points, input=ind.input)
        self.met = Outcome(ind.max_points, Status.MET, Reason.MET, self.used)
        self.not_met = Outcome(0.0, Status.NOT_MET, Reason.ANSWER_NOT_EXPECTED, self.used)
        self.targets_by_points: dict[float, tuple[GapTarget, ...]] = {}

    def lower(self, ctx: KindContext, award_not_applicable: bool) -> Lowered:
        """The answer must be known; one level: the expected answer."""
        ind = self.ind
        level = Level(ind.max_points, comparison_node(ind.input, "==", ind.expected), Reason.MISSING_VALUE, Shown(ind.input, "==", ind.expected))
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), (level,), Reason.ANSWER_NOT_EXPECTED)

    gap_kind = "value"
    plan_as = "answer"  # a plan changes the answer
    evidence_only = False
    records_follow_values = True

    def hit(self, index: int, env: Env) -> Outcome:
        return self.met

    def failed(self, env: Env) -> Outcome:
        return self.not_met

    @staticmethod
    def rule_text(ind: Any, words: RuleWords) -> str:
        """"Trạm có bác sĩ = có: 3 điểm" (notation: "has_doctor == yes → 3")."""
        return f"{words.input(ind.input)} {words.op('==')} {words.value(ind.expected)}{words.award(ind.max_points)}"

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        return targets_memo(self, points, lambda: (construct(GapTarget, op="==", target=self.ind.expected, change=None, points=self.ind.max_points, gain=self.ind.max_points - points),))
