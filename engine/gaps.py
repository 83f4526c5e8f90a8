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
from .fast import construct, from_state, intern
from .results import Gap, GapTarget, IndicatorResult, Status


def build_gaps(results: Sequence[IndicatorResult], indicators: Sequence[Any], env: Mapping[str, Any], judgement: Judgement) -> tuple[Gap, ...]:
    """Gaps of every indicator below its maximum, in priority order (`indicators`: the compiled ones)."""
    failing = {c.id: (f"criterion:{c.id}",) for c in judgement.criteria if not c.floor_met}
    total_short = judgement.total.points < judgement.total.minimum
    tail = ("total",) if total_short else ()
    other = 2 if total_short else 3
    ranked: list[tuple[int, float, int, Gap]] = []
    for position, (res, compiled) in enumerate(zip(results, indicators)):
        points, status, top = res.points, res.status, res.max
        if status is _NA or points >= top:
            continue
        criterion_block = failing.get(res.criterion, ()) if failing else ()
        if res.knockout_failed or (status is _MISSING and res.knockout):
            blocks, priority = ("knockout", *criterion_block, *tail), 0
        else:
            blocks, priority = criterion_block + tail, (1 if criterion_block else other)
        if not compiled.reads:  # no input value in the record: the gap is fixed by these four, so its record is shared
            key: tuple[Any, ...] = (status, points, blocks, priority)
        elif compiled.few_values:  # … or by these and the few values it reads (its targets depend only on its points)
            key = (status, points, blocks, priority, compiled.value_key(env))
        else:
            ranked.append((priority, points - top, position, _gap(compiled, res, env, blocks, priority)))
            continue
        gap = compiled.interned_gaps.get(key) or intern(compiled.interned_gaps, key, _gap, compiled, res, env, blocks, priority)
        ranked.append((priority, points - top, position, gap))
    ranked.sort()  # positions are unique, so the records themselves are never compared
    return tuple([item[3] for item in ranked])


_NA = Status.NOT_APPLICABLE
_MISSING = Status.MISSING_DATA


def _gap(compiled: Any, res: IndicatorResult, env: Mapping[str, Any], blocks: tuple[str, ...], priority: int) -> Gap:
    state = compiled.gap_static.copy()
    points, status = res.points, res.status
    if status is _MISSING:
        state["kind"] = "missing"
        state["targets"] = (construct(GapTarget, op=None, target=None, change=None, points=res.max, gain=res.max - points),)
    else:
        state["targets"] = compiled.kind.targets(env, points)
    state["status"], state["points"], state["blocks"], state["priority"] = status, points, blocks, priority
    input_id = state["input"]
    if input_id is not None:
        state["value"] = env.get(input_id)
    return from_state(Gap, state)
