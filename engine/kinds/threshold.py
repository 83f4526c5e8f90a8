"""`threshold`: the input compared with a threshold (a value, or a table by zone or region) per level."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.expressions import Name
from chuanxa.criteria.model import ThresholdIndicator, ThresholdTable
from chuanxa.criteria.operators import OPERATORS

from ..fast import construct, template_of
from ..lowering import Level, Lowered, Shown, applies_node, comparison_node
from ..results import GapTarget, Reason, Status, ThresholdUsed
from ..rules_text import RuleWords
from .base import Env, KindContext, KindLabel, Outcome, SheetCells, numeric, status_for


_TARGET = template_of(GapTarget)


class ThresholdKind:
    """`input op threshold` per level; the best level met gives its points."""

    model = ThresholdIndicator  # its declaration: the YAML shape, the parts the load-time checks read, the template hint
    shows_threshold = True  # a report shows the threshold applied beside the values read
    label = KindLabel("ngưỡng", "threshold", sheet="Theo ngưỡng")  # its name (`rulesets show`) and the score sheet's words for its rule
    sheet = SheetCells(op="op", levels="thresholds")  # its rule on the score sheet

    def __init__(self, ind: ThresholdIndicator, ctx: KindContext) -> None:
        self.ind = ind
        self.input = ind.input
        self.levels = sorted(ind.levels, key=lambda lv: -lv.points)
        self.reads = (ind.input,)
        self.fail_reason = Reason(OPERATORS[ind.op].failure)
        # (threshold, table axis or None) per level; outcomes are immutable, so each (level, key) builds one once.
        self._plan: list[tuple[Any, str | None]] = [(lv.threshold.values, lv.threshold.by) if isinstance(lv.threshold, ThresholdTable) else (lv.threshold, None) for lv in self.levels]
        self._outcomes: dict[tuple[int, str | None], Outcome] = {}
        self._plain_hits: list[Outcome | None] = [None] * len(self.levels)  # those of plain levels that hold, by level
        self._plain_failed: Outcome | None = None  # that of a plain lowest level, none holding
        # The levels lowest first, as gap targets read them: (points, threshold or table, table axis or None, whether a
        # plain threshold is a number).
        # Its gap targets follow from the points and the input's value alone when no level reads a table (see `targets`).
        self.targets_follow_value = all(by is None for _, by in self._plan)
        self._rising = tuple((lv.points, threshold, by, by is None and numeric(threshold)) for lv, (threshold, by) in reversed(list(zip(self.levels, self._plan))))

    def _used(self, level: Any, value: Any, by: str | None, key: str | None) -> ThresholdUsed:
        return construct(ThresholdUsed, op=self.ind.op, value=value, by=by, key=key, points=level.points, input=self.input)

    def hit(self, index: int, env: Env) -> Outcome:
        """Level `index` holds: its points, with the threshold met (the table's entry for the commune)."""
        found = self._plain_hits[index]  # a plain threshold: one outcome per level, looked up at once
        return found if found is not None else self._at(index, env, True)

    def failed(self, env: Env) -> Outcome:
        """No level holds: not met, showing the lowest level's threshold (the next to reach)."""
        found = self._plain_failed
        return found if found is not None else self._at(len(self._plan) - 1, env, False)

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
            if by is None:  # the only outcome of a plain level: looked up at once from now on
                if hit:
                    self._plain_hits[index] = found
                else:
                    self._plain_failed = found
        return found

    def lower(self, ctx: KindContext, award_not_applicable: bool) -> Lowered:
        """The input must be known; each level compares it with its threshold (unknown: the region or zone that
        the threshold's table needs is unknown)."""
        ind = self.ind
        levels = tuple(Level(lv.points, comparison_node(ind.input, ind.op, lv.threshold), Reason.MISSING_CLASSIFICATION, Shown(ind.input, ind.op, lv.threshold))
                       for lv in self.levels)
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), levels, self.fail_reason)

    gap_kind = "value"
    plan_as = "value"  # a plan reaches a level by moving the input's value to the threshold
    evidence_only = False
    records_follow_values = False

    @staticmethod
    def rule_text(ind: Any, words: RuleWords) -> str:
        """"Tỷ lệ tiêm chủng đầy đủ ≥ 95: 2 điểm; ≥ 90: 1 điểm" (notation: "full_immunisation_rate >= 95 → 2; >= 90 → 1")."""
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return f"{words.input(ind.input)} " + words.levels([f"{words.op(ind.op)} {words.value(lv.threshold)}{words.award(lv.points)}" for lv in levels])

    def targets(self, env: Env, points: float) -> tuple[GapTarget, ...]:
        value = env.get(self.input)
        number = value.__class__ is float or numeric(value)  # inputs are read as floats: the test is mostly this one check
        op = self.ind.op
        found = []
        for level_points, threshold, by, plain_number in self._rising:
            if level_points <= points:
                continue
            if by is not None:  # the table's entry for the commune, as `resolve_threshold` reads it
                key = env.get(by)
                threshold = None if key is None else threshold.get(str(key))
                plain_number = numeric(threshold)
            change = round(threshold - value, 9) if number and plain_number else None  # 95 - 91.2 is 3.8, not 3.799…
            found.append(_TARGET.new({"op": op, "target": threshold, "change": change, "points": level_points, "gain": level_points - points}))
        return tuple(found)
