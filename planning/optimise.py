"""The exact cheapest set of improvements: a multiple-choice knapsack with a floor per criterion.

Points are scaled to whole units (halves and quarters become integers). For each criterion below its floor a
dynamic programme finds, for every reachable gain, the cheapest choice of at most one option per indicator
(exactly one where an indicator must change); gains below the criterion's floor are dropped. A second programme
combines the criteria over the total gain, capped at what the total still needs, so that gains beyond the
need do not multiply states; a criterion whose floor is met adds its indicators to that programme directly. The
result is optimal for the additive cost, not a greedy guess.

Which choice wins is defined, not left to the programme: the least cost (money then steps with a costs file;
steps then the size of the changes without one; each rounded to 9 decimals), then, among equal costs, the
choice whose (indicator position, points after) pairs come first in ruleset order. Equal costs mean as many
steps (every option adds one step), and options are added in ruleset order, so keeping that order's first
choice at every state keeps the first overall. A criterion's gain is capped too, at the larger of its floor and
what the total needs: every gain beyond that is as good as the cap for what follows (the floor is met and the
total is capped), so the cap changes how many states are kept, never the answer; and an option that another
option of its indicator beats outright (as much capped gain for a clearly lower cost) is left out for the same
reason (`_frontier`). A test checks the answer against every combination (tests/test_planning_search.py).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .costs import Cost
from .groups import GroupChoices
from .options import IndicatorChoices, Option

_NO_CHOICE: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Need:
    """What the commune lacks: per criterion and in total, in points."""

    criteria: dict[str, float]  # criterion id → points still needed to reach its floor (≥ 0)
    total: float  # points still needed to reach the total minimum (≥ 0)
    # The same before clipping at 0 (negative: points to spare), for groups whose options may take points away
    # (`_solve_grouped`); when not given, the clipped values.
    signed: dict[str, float] | None = None
    signed_total: float | None = None


@dataclass(frozen=True)
class Solution:
    options: tuple[Option, ...]
    cost: Cost


def solve(choices: Sequence[IndicatorChoices | GroupChoices], criteria_order: Sequence[str], need: Need, order: dict[str, int]) -> Solution | None:
    """The cheapest options meeting `need`, or None when no combination does."""
    if any(isinstance(c, GroupChoices) for c in choices):
        return _solve_grouped(choices, criteria_order, need, order)
    return _solve(choices, criteria_order, need, order)  # type: ignore[arg-type]


def _solve(choices: Sequence[IndicatorChoices], criteria_order: Sequence[str], need: Need, order: dict[str, int]) -> Solution | None:
    """`solve` when every indicator is planned on its own (no input shared: the bundled rulesets)."""
    scale = _scale([o.gain for c in choices for o in c.options] + list(need.criteria.values()) + [need.total])
    per_criterion: dict[str, list[IndicatorChoices]] = {c: [] for c in criteria_order}
    for item in choices:
        per_criterion.setdefault(item.criterion, []).append(item)
    total_need = _units(need.total, scale)
    combined: dict[int, tuple[Cost, tuple[Option, ...]]] = {0: ((0.0, 0.0), _NO_CHOICE)}
    for crit in criteria_order:
        items = sorted(per_criterion.get(crit, []), key=lambda i: order[i.indicator])
        floor = _units(need.criteria.get(crit, 0.0), scale)
        if floor == 0:  # the floor is met: the criterion's options go straight into the total's programme
            combined = _add(combined, items, total_need, scale, order)
        else:
            table = _add({0: ((0.0, 0.0), _NO_CHOICE)}, items, max(floor, total_need), scale, order)
            combined = _combine(combined, {g: v for g, v in table.items() if g >= floor}, total_need, order)
        if not combined:
            return None
    best = combined.get(total_need)
    return Solution(best[1], best[0]) if best else None


def _add(table: dict[int, tuple[Cost, tuple[Option, ...]]], items: Sequence[IndicatorChoices], cap: int, scale: int,
         order: dict[str, int]) -> dict[int, tuple[Cost, tuple[Option, ...]]]:
    """The programme `table` (gain → cheapest choice) after choosing among the options of `items` (in ruleset
    order), gains capped at `cap`; empty when a required indicator has no option."""
    for item in items:
        nxt: dict[int, tuple[Cost, tuple[Option, ...]]] = {} if item.required else dict(table)
        front = item.frontiers.get((cap, scale))
        if front is None:
            front = item.frontiers[(cap, scale)] = _frontier(item.options, cap, scale)
        for gain, money, steps, option in front:
            for have, (cost, chosen) in table.items():
                key = have + gain if have + gain < cap else cap
                spent = cost[0] + money
                current = nxt.get(key)
                # `_keep`, with its two common cases first: a new gain, or a cost clearly above the one held
                if current is None:
                    nxt[key] = ((spent, cost[1] + steps), chosen + (option,))
                elif spent <= current[0][0] + _CLEAR:
                    _keep(nxt, key, (spent, cost[1] + steps), chosen + (option,), order)
        table = nxt
        if not table:
            return {}
    return table


def _solve_grouped(choices: Sequence[IndicatorChoices | GroupChoices], criteria_order: Sequence[str], need: Need, order: dict[str, int]) -> Solution | None:
    """`solve` with groups of indicators sharing an input (`groups.py`). A group's option may gain points in several
    criteria and lose some in one (or raise a floor, making an indicator applicable), so the criteria a group ties together are searched as one block over their gains
    (one per criterion, and the total), each kept exactly up to its need plus what later options may still take
    away; the blocks and the other criteria are then combined over the total gain as in `_solve`."""
    values = [o.gain for c in choices if isinstance(c, IndicatorChoices) for o in c.options]
    values += [g for c in choices if isinstance(c, GroupChoices) for j in c.options for g in (*j.gains, j.total)]
    scale = _scale(values + list(need.criteria.values()) + [need.total] + list((need.signed or {}).values()) + [need.signed_total or 0.0])
    block_of = {c: c for c in criteria_order}

    def root(c: str) -> str:
        while block_of.setdefault(c, c) != c:
            c = block_of[c]
        return c

    for item in choices:
        if isinstance(item, GroupChoices):
            for other in item.criteria[1:]:
                a, b = root(item.criteria[0]), root(other)
                if a != b:
                    block_of[b] = a
    items_of: dict[str, list[IndicatorChoices | GroupChoices]] = {}
    for item in choices:
        crit = item.criteria[0] if isinstance(item, GroupChoices) else item.criterion
        items_of.setdefault(root(crit), []).append(item)
    grouped_blocks = {root(item.criteria[0]) for item in choices if isinstance(item, GroupChoices)}
    losses = {c: 0 for c in block_of}  # per criterion: the most points the groups' options may take away
    total_loss = 0  # and from the total
    for item in choices:
        if isinstance(item, GroupChoices):
            for i, c in enumerate(item.criteria):
                losses[c] += max([0, *(-_signed_units(j.gains[i], scale) for j in item.options)])
            total_loss += max([0, *(-_signed_units(j.total, scale) for j in item.options)])
    signed = need.signed if need.signed is not None else need.criteria
    total_need = _signed_units(need.signed_total if need.signed_total is not None else need.total, scale)
    total_cap = max(0, total_need + total_loss)
    combined: dict[int, tuple[Cost, tuple[Option, ...]]] = {0: ((0.0, 0.0), _NO_CHOICE)}
    done: set[str] = set()
    for crit in criteria_order:
        block = root(crit)
        if block in done:
            continue
        done.add(block)
        items = sorted(items_of.get(block, []), key=lambda i: order[i.indicator])
        if block in grouped_blocks:
            members = [c for c in criteria_order if root(c) == block]
            table = _block(items, members, {c: _signed_units(signed.get(c, 0.0), scale) for c in members}, losses, total_cap, scale, order)
            combined = _combine_signed(combined, table, total_cap, order)
        else:
            floor = _units(need.criteria.get(crit, 0.0), scale)
            plain = [i for i in items if isinstance(i, IndicatorChoices)]
            if floor == 0:
                combined = _add(combined, plain, total_cap, scale, order)
            else:
                table = _add({0: ((0.0, 0.0), _NO_CHOICE)}, plain, max(floor, total_cap), scale, order)
                combined = _combine_signed(combined, {g: v for g, v in table.items() if g >= floor}, total_cap, order)
        if not combined:
            return None
    best: dict[int, tuple[Cost, tuple[Option, ...]]] = {}
    for gain, (cost, chosen) in combined.items():
        if gain >= total_need:
            _keep(best, 0, cost, chosen, order)
    return Solution(best[0][1], best[0][0]) if best else None


def _block(items: Sequence[IndicatorChoices | GroupChoices], criteria: list[str], floors: dict[str, int], losses: dict[str, int], total_cap: int, scale: int,
           order: dict[str, int]) -> dict[int, tuple[Cost, tuple[Option, ...]]]:
    """Criteria tied by groups, searched together: total gain → the cheapest choice meeting every criterion's floor.
    A state is the gains per criterion and in total; each is capped at its need plus the losses still possible (a
    state above the cap stays above the need whatever follows), so the search is exact."""
    where = {c: i for i, c in enumerate(criteria)}
    caps = tuple(floors[c] + losses[c] for c in criteria) + (total_cap,)
    table: dict[tuple[int, ...], tuple[Cost, tuple[Option, ...]]] = {(0,) * (len(criteria) + 1): ((0.0, 0.0), _NO_CHOICE)}
    for item in items:
        moves: list[tuple[tuple[int, ...], Cost, tuple[Option, ...]]] = []
        if isinstance(item, GroupChoices):
            for joint in item.options:
                shift = [0] * (len(criteria) + 1)
                for c, g in zip(item.criteria, joint.gains):
                    shift[where[c]] += _signed_units(g, scale)
                shift[-1] = _signed_units(joint.total, scale)
                moves.append((tuple(shift), joint.cost, joint.options))
        else:
            for option in item.options:
                units = _units(option.gain, scale)
                shift = [0] * (len(criteria) + 1)
                shift[where[item.criterion]] = shift[-1] = units
                moves.append((tuple(shift), option.cost, (option,)))
        nxt: dict[tuple[int, ...], tuple[Cost, tuple[Option, ...]]] = {} if item.required else dict(table)
        for delta, extra, taken in moves:
            for have, (cost, chosen) in table.items():
                key = tuple(min(cap, h + d) for h, d, cap in zip(have, delta, caps))
                _keep(nxt, key, (cost[0] + extra[0], cost[1] + extra[1]), chosen + taken, order)  # type: ignore[arg-type]  # keys are tuples here
        table = nxt
        if not table:
            return {}
    found: dict[int, tuple[Cost, tuple[Option, ...]]] = {}
    for state, (cost, chosen) in table.items():
        if all(state[where[c]] >= floors[c] for c in criteria):
            _keep(found, state[-1], cost, chosen, order)
    return found


def _combine_signed(left: dict[int, tuple[Cost, tuple[Option, ...]]], right: dict[int, tuple[Cost, tuple[Option, ...]]], cap: int,
                    order: dict[str, int]) -> dict[int, tuple[Cost, tuple[Option, ...]]]:
    """`_combine` where gains may be negative (a group's losses): no shortcut for an empty choice."""
    out: dict[int, tuple[Cost, tuple[Option, ...]]] = {}
    for g1, (c1, o1) in left.items():
        for g2, (c2, o2) in right.items():
            _keep(out, min(cap, g1 + g2), (c1[0] + c2[0], c1[1] + c2[1]), o1 + o2, order)
    return out


def _signed_units(points: float, scale: int) -> int:
    """Points in units, losses included: a gain rounds up (as `_units`), a loss rounds away from zero too."""
    return _units(points, scale) if points >= 0 else -_units(-points, scale)


def _frontier(options: Sequence[Option], cap: int, scale: int) -> list[tuple[int, float, float, Option]]:
    """An indicator's options as (gain in units capped at `cap`, money, steps, option), without those another
    option beats outright: as much gain or more, for a cost clearly lower (the same money and clearly fewer steps
    counts too). Such an option is in no cheapest choice (swapping it for the better one gains as much for less),
    so leaving it out changes nothing but the work."""
    found = [(min(cap, _units(o.gain, scale)), o.cost[0], o.cost[1], o) for o in options]
    if len(found) < 2:
        return found
    return [a for a in found if not any(b[0] >= a[0] and (b[1] < a[1] - _CLEAR or (b[1] == a[1] and b[2] < a[2] - _CLEAR)) for b in found)]


def _combine(left: dict[int, tuple[Cost, tuple[Option, ...]]], right: dict[int, tuple[Cost, tuple[Option, ...]]], cap: int, order: dict[str, int]) -> dict[int, tuple[Cost, tuple[Option, ...]]]:
    if len(right) == 1 and 0 in right and not right[0][1]:
        return left  # nothing chosen in this criterion (and nothing needed): the table so far, unchanged
    out: dict[int, tuple[Cost, tuple[Option, ...]]] = {}
    for g1, (c1, o1) in left.items():
        for g2, (c2, o2) in right.items():
            _keep(out, min(cap, g1 + g2), (c1[0] + c2[0], c1[1] + c2[1]), o1 + o2, order)
    return out


def _keep(table: dict[int, tuple[Cost, tuple[Option, ...]]], key: int, cost: Cost, chosen: tuple[Option, ...], order: dict[str, int]) -> None:
    """Keep the cheaper entry; ties go to the choice that is first in ruleset order (deterministic)."""
    current = table.get(key)
    if current is None:
        table[key] = (cost, chosen)
        return
    held = current[0]
    if cost == held:  # an exact tie: the signatures decide
        if _signature(chosen, order) < _signature(current[1], order):
            table[key] = (cost, chosen)
        return
    # Costs far apart compare as their rounded values would (rounding to 9 decimals moves each by < 1e-9); only
    # near ties need the rounding, and only exact ties the signatures (a sort each).
    if cost[0] < held[0] - _CLEAR:
        table[key] = (cost, chosen)
        return
    if cost[0] > held[0] + _CLEAR:
        return
    if cost[0] == held[0]:  # the same first part: the second decides, the same way
        if cost[1] < held[1] - _CLEAR:
            table[key] = (cost, chosen)
            return
        if cost[1] > held[1] + _CLEAR:
            return
    rounded, kept = (round(cost[0], 9), round(cost[1], 9)), (round(held[0], 9), round(held[1], 9))
    if rounded < kept or (rounded == kept and _signature(chosen, order) < _signature(current[1], order)):
        table[key] = (cost, chosen)


_CLEAR = 1e-6  # a difference of costs beyond rounding's reach


def _signature(chosen: tuple[Option, ...], order: dict[str, int]) -> tuple[tuple[int, float], ...]:
    return tuple(sorted((order[o.indicator], o.points_after) for o in chosen))


def _scale(values: Sequence[float]) -> int:
    """The smallest whole multiplier that makes every value an integer (points are halves, quarters, tenths…; the
    engine rounds points and floors to 6 decimals, so it is at most a million). Exact: a gain rounded up to a
    coarser unit would promise points the engine does not give (0.875 taken as 0.88, defect 5)."""
    if all((2.0 * v).is_integer() for v in values):  # the usual case, whole and half points: exact, without fractions
        return 1 if all((1.0 * v).is_integer() for v in values) else 2
    lcm = 1
    for value in values:
        lcm = math.lcm(lcm, _denominator(value))
    return min(lcm, _FINEST)


_FINEST = 1_000_000  # points on the engine's grid of 6 decimals (`engine.results.round_points`)


@functools.lru_cache(maxsize=4096)
def _denominator(value: float) -> int:
    """The denominator of `value` as a fraction on the engine's grid (0.1 + 0.2 is 3/10; points take few distinct
    values: each is worked out once)."""
    return Fraction(value).limit_denominator(_FINEST).denominator


def _units(points: float, scale: int) -> int:
    found = _UNITS.get((points, scale))
    if found is None:
        if len(_UNITS) > 65_536:
            _UNITS.clear()
        found = _UNITS[(points, scale)] = max(0, math.ceil(round(points * scale, 6)))
    return found


_UNITS: dict[tuple[float, int], int] = {}  # points take few distinct values: each is scaled once
