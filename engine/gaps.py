"""The gap list: for every indicator short of its maximum, what would earn more points, how far the commune
is from it, and which recognition condition it blocks.

Order ("what matters most"), deterministic:
1. `priority`: 0 a failed knock-out, 1 an indicator of a criterion below its floor, 2 any indicator while the
   total is below its minimum, 3 the rest (points that are not needed for recognition now);
2. then the points still to gain, most first (the bigger lever first);
3. then the ruleset's own order of indicators (a stable tie-breaker that officers recognise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chuanxa.criteria.model import InputDef

from .kinds import KindEvaluator
from .recognition import Judgement
from .fast import construct
from .results import Gap, GapTarget, IndicatorResult, Status


def build_gaps(results: Sequence[IndicatorResult], kinds: Sequence[KindEvaluator], env: Mapping[str, Any], judgement: Judgement, inputs: Mapping[str, InputDef]) -> tuple[Gap, ...]:
    """Gaps of every indicator below its maximum, in priority order."""
    failing_criteria = {c.id for c in judgement.criteria if not c.floor_met}
    total_short = judgement.total.points < judgement.total.minimum
    gaps: list[tuple[tuple[int, float, int], Gap]] = []
    for position, (res, kind) in enumerate(zip(results, kinds)):
        if res.status is Status.NOT_APPLICABLE or res.points >= res.max:
            continue
        blocks = _blocks(res, failing_criteria, total_short)
        priority = 0 if "knockout" in blocks else 1 if any(b.startswith("criterion") for b in blocks) else 2 if total_short else 3
        gap = _gap(res, kind, env, inputs, blocks, priority)
        gaps.append(((priority, -(res.max - res.points), position), gap))
    return tuple(gap for _, gap in sorted(gaps, key=lambda item: item[0]))


def _blocks(res: IndicatorResult, failing_criteria: set[str], total_short: bool) -> tuple[str, ...]:
    blocks = []
    if res.knockout_failed or (res.knockout and res.status is Status.MISSING_DATA):
        blocks.append("knockout")
    if res.criterion in failing_criteria:
        blocks.append(f"criterion:{res.criterion}")
    if total_short:
        blocks.append("total")
    return tuple(blocks)


def _gap(res: IndicatorResult, kind: KindEvaluator, env: Mapping[str, Any], inputs: Mapping[str, InputDef], blocks: tuple[str, ...], priority: int) -> Gap:
    input_id = getattr(kind, "ind", None) and getattr(kind.ind, "input", None)
    spec = inputs.get(input_id) if input_id else None
    value = env.get(input_id) if input_id else None
    if res.status is Status.MISSING_DATA:
        gap_kind, targets = "missing", (construct(GapTarget, op=None, target=None, change=None, points=res.max, gain=res.max - res.points),)
    else:
        gap_kind = {"assessed": "evidence", "conditions": "condition"}.get(res.kind, "value")
        targets = tuple(kind.targets(env, res.points))
    return construct(Gap,
        indicator=res.id, criterion=res.criterion, title=res.title, kind=gap_kind, status=res.status, points=res.points, max=res.max,
        input=input_id, unit=spec.unit if spec else None, value=value, targets=targets, blocks=blocks, priority=priority,
        provisional=res.provisional, label=spec.label if spec else None, input_type=spec.type if spec else None,
    )


