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


from .recognition import Judgement
from .fast import construct, from_state
from .results import Gap, GapTarget, IndicatorResult, Status


def build_gaps(results: Sequence[IndicatorResult], indicators: Sequence[Any], env: Mapping[str, Any], judgement: Judgement) -> tuple[Gap, ...]:
    """Gaps of every indicator below its maximum, in priority order (`indicators`: the compiled ones)."""
    failing_criteria = {c.id for c in judgement.criteria if not c.floor_met}
    total_short = judgement.total.points < judgement.total.minimum
    gaps: list[tuple[tuple[int, float, int], Gap]] = []
    for position, (res, compiled) in enumerate(zip(results, indicators)):
        if res.status is _NA or res.points >= res.max:
            continue
        blocks = _blocks(res, failing_criteria, total_short)
        priority = 0 if "knockout" in blocks else 1 if any(b.startswith("criterion") for b in blocks) else 2 if total_short else 3
        gaps.append(((priority, res.points - res.max, position), _gap(res, compiled, env, blocks, priority)))
    gaps.sort(key=lambda item: item[0])
    return tuple(gap for _, gap in gaps)


_NA = Status.NOT_APPLICABLE
_MISSING = Status.MISSING_DATA


def _blocks(res: IndicatorResult, failing_criteria: set[str], total_short: bool) -> tuple[str, ...]:
    blocks = []
    if res.knockout_failed or (res.knockout and res.status is _MISSING):
        blocks.append("knockout")
    if res.criterion in failing_criteria:
        blocks.append(f"criterion:{res.criterion}")
    if total_short:
        blocks.append("total")
    return tuple(blocks)


def _gap(res: IndicatorResult, compiled: Any, env: Mapping[str, Any], blocks: tuple[str, ...], priority: int) -> Gap:
    state = dict(compiled.gap_static)
    input_id = state["input"]
    if res.status is _MISSING:
        state["kind"] = "missing"
        targets: tuple[GapTarget, ...] = (construct(GapTarget, op=None, target=None, change=None, points=res.max, gain=res.max - res.points),)
    else:
        targets = tuple(compiled.kind.targets(env, res.points))
    state.update(status=res.status, points=res.points, value=env.get(input_id) if input_id else None, targets=targets, blocks=blocks, priority=priority)
    return from_state(Gap, state)
