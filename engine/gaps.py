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
from .fast import Template, construct, intern
from .results import Gap, GapTarget, IndicatorResult, Status

#: What an indicator's gap blocks, and its priority, by its situation (see `situation`): a knock-out it fails (4),
#: its criterion below the floor (2), the total below the minimum (1).
Blocking = tuple[tuple[tuple[str, ...], int], ...]


def blocking(criterion: str) -> Blocking:
    """The blocks and priority of a gap in each of the 8 situations of an indicator of `criterion` (made once per
    indicator, so that a commune's gaps only pick theirs)."""
    table = []
    for situation in range(8):
        knocked, below_floor, total_short = situation & 4, situation & 2, situation & 1
        criterion_block = (f"criterion:{criterion}",) if below_floor else ()
        tail = ("total",) if total_short else ()
        if knocked:
            table.append((("knockout", *criterion_block, *tail), 0))
        else:
            table.append((criterion_block + tail, 1 if criterion_block else 2 if total_short else 3))
    return tuple(table)


def build_gaps(results: Sequence[IndicatorResult], indicators: Sequence[Any], env: Mapping[str, Any], judgement: Judgement) -> tuple[Gap, ...]:
    """Gaps of every indicator below its maximum, in priority order (`indicators`: the compiled ones)."""
    failing = {c.id for c in judgement.criteria if not c.floor_met}
    total_short = 1 if judgement.total_short else 0  # the rule's answers, as the criteria's `floor_met`
    ranked: list[tuple[int, float, int, Gap]] = []
    position = -1
    # What does not change between communes is read from the compiled indicator, not the record: a result record's
    # attribute costs several times a plain object's (pydantic's `__getattr__` hook), and this loop visits every indicator.
    for res, compiled in zip(results, indicators):
        position += 1
        if res is compiled.no_gap:  # the record last found without a gap (most communes share it): nothing to read
            continue
        points, top = res.points, compiled.max_points
        if points >= top:
            compiled.no_gap = res  # records are immutable: this one never has a gap (a racing thread's write is as true)
            continue
        status = res.status
        if status is _NA:
            compiled.no_gap = res
            continue
        situation = total_short
        # Only a knock-out indicator that counts as one (the rule's `counts_as_knockout`) can fail as one: failed, or
        # lacking the data that decides it.
        if compiled.counts_as_knockout and (status is _MISSING or res.knockout_failed):
            situation += 4
        if failing and compiled.criterion in failing:
            situation += 2
        blocks, priority = compiled.blocking[situation]
        if not compiled.reads:  # no input value in the record: the gap is fixed by these, so its record is shared
            key: tuple[Any, ...] = (status, points, situation)
        elif compiled.few_values:  # … or by these and the few values it reads (its targets depend only on its points)
            key = (status, points, situation, compiled.value_key(env))
        elif compiled.gaps_follow_value and (value := env.get(compiled.single_read)).__class__ is float and value:
            # … or by these and the one number it reads (repeated values share their gap; zero, whose sign prints, does not)
            key = (status, points, situation, value)
            gap = compiled.interned_gaps.get(key) or intern(compiled.interned_gaps, key, _gap, compiled, status, points, env, blocks, priority,
                                                            limit=VALUED_LIMIT)
            ranked.append((priority, points - top, position, gap))
            continue
        else:
            ranked.append((priority, points - top, position, _gap(compiled, status, points, env, blocks, priority)))
            continue
        gap = compiled.interned_gaps.get(key) or intern(compiled.interned_gaps, key, _gap, compiled, status, points, env, blocks, priority)
        ranked.append((priority, points - top, position, gap))
    ranked.sort()  # positions are unique, so the records themselves are never compared
    return tuple([item[3] for item in ranked])


#: Records kept per indicator by the number it reads (its records in `compiled.py`, its gaps here): reported values
#: repeat (percentages to one decimal), and a record costs several times a look-up; the bound keeps the memory small.
VALUED_LIMIT = 512
_NA = Status.NOT_APPLICABLE
_MISSING = Status.MISSING_DATA
# The gap records this module fills by hand, checked against the model at import (see `fast.Template`).
GAP_STATE = Template(Gap, ("indicator", "criterion", "title", "kind", "status", "points", "max", "input", "unit", "value", "targets", "blocks",
                           "priority", "provisional", "label", "input_type"))


def _gap(compiled: Any, status: Status, points: float, env: Mapping[str, Any], blocks: tuple[str, ...], priority: int) -> Gap:
    state = compiled.gap_static.copy()
    if status is _MISSING:
        top = compiled.max_points
        state["kind"] = "missing"
        state["targets"] = (construct(GapTarget, op=None, target=None, change=None, points=top, gain=top - points),)
    else:
        state["targets"] = compiled.kind.targets(env, points)
    state["status"], state["points"], state["blocks"], state["priority"] = status, points, blocks, priority
    input_id = state["input"]
    if input_id is not None:
        state["value"] = env.get(input_id)
    return GAP_STATE.new(state)  # a full copy of `gap_static`: every field, in order
