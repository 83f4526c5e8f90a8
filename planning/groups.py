"""Indicators that read one input, planned together.

The options of `options.py` are worked out indicator by indicator. That is exact while each changed input is read by
one indicator only. When a value or answer option changes an input that other indicators read too (in their levels,
their applicability, or behind a derived input), the indicators are not independent: two options may set the input
to two values, and one option may take away points another indicator had. Such indicators form a group, planned as
one item: its options are the combinations of its members' options (at most one setting each input), each scored
by the engine on the whole commune, so that a group option's points per criterion are what the commune really gets.

The bundled rulesets share no input between indicators, so their plans never form a group (`shared_inputs` is empty
and `group_shared` returns the options unchanged).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Any

from chuanxa.engine.prepare import PreparedCommune
from chuanxa.engine.results import Status
from chuanxa.errors import CommuneDataError

from .costs import Cost
from .options import IndicatorChoices, Option

_COMBINATIONS = 4096  # a group tries at most this many combinations of its members' options (the first, in ruleset order);
# one cut short says so (`GroupChoices.cut`), and a plan not found then is the blocker SEARCH_CUT, not "no combination"


@dataclass(frozen=True)
class Joint:
    """One option of a group: the options taken together, and how far each criterion and the total move towards
    (or away from) what they need: points gained less the rise of the floor or minimum (an indicator made
    applicable adds its maximum to its criterion's and the total's, and so to the points needed)."""

    options: tuple[Option, ...]
    gains: tuple[float, ...]  # per criterion of the group (`GroupChoices.criteria`), in points
    total: float
    cost: Cost


@dataclass(frozen=True)
class GroupChoices:
    """The options of indicators sharing an input, planned as one item."""

    indicator: str  # the first member in ruleset order (the search's order)
    criteria: tuple[str, ...]
    options: tuple[Joint, ...]
    required: bool  # a member must change (missing data, a failed knock-out): doing nothing is no option
    members: tuple[str, ...]
    cut: bool = False  # more than `_COMBINATIONS` combinations: only the first were tried, a cheaper one may be missed


def shared_inputs(engine: Any) -> dict[str, frozenset[str]]:
    """Input → the indicators reading it (levels, applicability, through derived inputs), for the inputs read by
    more than one; worked out once per compiled ruleset."""
    found = _SHARED.get(id(engine))
    if found is not None and found[0] is engine:
        return found[1]
    readers: dict[str, set[str]] = {}
    for compiled in engine.indicators:
        for name in {*compiled.reads, *compiled.applies_reads}:
            readers.setdefault(name, set()).add(compiled.model.id)
    for source, derived in engine.feeds.items():
        for name in derived:
            readers.setdefault(source, set()).update(readers.get(name, ()))
    shared = {name: frozenset(ids) for name, ids in readers.items() if len(ids) > 1}
    if len(_SHARED) >= 64:
        _SHARED.clear()
    _SHARED[id(engine)] = (engine, shared)
    return shared


_SHARED: dict[int, tuple[Any, dict[str, frozenset[str]]]] = {}


def group_shared(engine: Any, prepared: PreparedCommune, choices: list[IndicatorChoices],
                 order: dict[str, int]) -> list[IndicatorChoices | GroupChoices]:
    """`choices` with the indicators that share a changed input replaced by their group (unchanged when none do)."""
    shared = shared_inputs(engine)
    if not shared:
        return list(choices)
    links = [(c.indicator, shared[o.input]) for c in choices for o in c.options if o.kind in ("value", "answer") and o.input in shared]
    if not links:
        return list(choices)
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for indicator, readers in links:
        for other in readers:
            a, b = root(indicator), root(other)
            if a != b:
                parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = {}
    for name in parent.keys() | set(parent.values()):
        groups.setdefault(root(name), []).append(name)
    by_id = {c.indicator: c for c in choices}
    grouped = {m for members in groups.values() for m in members}
    found: list[IndicatorChoices | GroupChoices] = [c for c in choices if c.indicator not in grouped]
    for members in groups.values():
        found.append(_group(engine, prepared, sorted(members, key=order.__getitem__), by_id))
    return found


def _group(engine: Any, prepared: PreparedCommune, members: list[str], by_id: dict[str, IndicatorChoices]) -> GroupChoices:
    """The group of `members`: every combination of their options, scored by the engine on the whole commune."""
    data = prepared.data
    crit_of = {ci.model.id: ci.criterion for ci in engine.indicators}
    knockouts = bool(engine.ruleset.recognition.knockouts)
    criteria = tuple(dict.fromkeys(crit_of[m] for m in members))
    required = any(by_id[m].required for m in members if m in by_id)
    start = engine.evaluate_prepared(prepared)
    slack_before = _slack(start)
    lists = [tuple(by_id[m].options) if m in by_id else () for m in members]
    joints: list[Joint] = []
    scored: dict[tuple[Any, ...], Any] = {}  # what the options do to the commune → the engine's result (None: refused)
    from .plan import apply_options  # one module applies options to a commune (plan.py imports this one)

    combinations = _combinations(lists)
    for taken in itertools.islice(combinations, _COMBINATIONS):
        effect = _effect(taken)
        if effect not in scored:
            try:
                scored[effect] = engine.evaluate(apply_options(data, list(taken)))
            except CommuneDataError:
                scored[effect] = None  # a derived input beyond its bounds
        after = scored[effect]
        if after is None:
            continue
        results = {m: after.indicator(m) for m in members}
        if any(r.status is Status.MISSING_DATA or (knockouts and r.knockout_failed) for r in results.values()):
            continue  # a member still lacks data, or the rule finds a knock-out failed: the commune cannot be recognised
        slack = _slack(after)
        gains = tuple(round(slack[c] - slack_before[c], 9) for c in criteria)
        total = round(slack[None] - slack_before[None], 9)
        if not any(g > 1e-9 for g in (*gains, total)) and not required:
            continue
        options = tuple(Option(**{**o.__dict__, "points_after": results[o.indicator].points}) for o in taken)
        joints.append(Joint(options, gains, total, (round(sum(o.cost[0] for o in taken), 9), round(sum(o.cost[1] for o in taken), 9))))
    cut = next(combinations, None) is not None
    return GroupChoices(members[0], criteria, tuple(joints), required, tuple(members), cut)


def _combinations(lists: list[tuple[Option, ...]]) -> Iterator[tuple[Option, ...]]:
    """Every choice of at most one option per member (`lists`, in ruleset order) that sets each input at most once,
    doing nothing excluded, in the order of `itertools.product` over (nothing, *options) with the first member
    varying slowest. Choices setting one input twice are never made (the combination setting it once is among the
    others), so they take no place under `_COMBINATIONS`."""

    def walk(i: int, taken: tuple[Option, ...], inputs: frozenset[str]) -> Iterator[tuple[Option, ...]]:
        if i == len(lists):
            if taken:
                yield taken
            return
        yield from walk(i + 1, taken, inputs)
        for option in lists[i]:
            sets = option.input if option.kind in ("value", "answer") else None
            if sets is None:
                yield from walk(i + 1, taken + (option,), inputs)
            elif sets not in inputs:
                yield from walk(i + 1, taken + (option,), inputs | {sets})

    return walk(0, (), frozenset())


def _effect(taken: tuple[Option, ...]) -> tuple[Any, ...]:
    """What `taken` changes in the commune (as `plan.apply_options` applies it): combinations with one effect are
    scored once."""
    return tuple(sorted(((o.input, repr(o.value_after)) if o.kind in ("value", "answer") else (o.indicator, o.kind, o.points_after) for o in taken),
                        key=repr))


def _slack(result: Any) -> dict[str | None, float]:
    """Criterion id (None: the total) → its points less its floor (the total: less its minimum)."""
    found: dict[str | None, float] = {c.id: c.points - c.floor for c in result.criteria}
    found[None] = result.total.points - result.total.minimum
    return found
