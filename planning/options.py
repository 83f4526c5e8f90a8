"""The improvements open to a commune, indicator by indicator, with their costs.

An option takes one indicator from its current points to a higher level: a value to reach (threshold), an
answer to change (yes/no), a condition to meet, or evidence worth more points (assessed). Indicators with
missing data must get data: for them "collect the data" (scoring 0) is an option too, and doing nothing is
not, since a commune with missing data cannot be recognised.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from chuanxa.criteria.operators import OPERATORS
from chuanxa.engine.compiled import CompiledIndicator, CompiledRuleset
from chuanxa.engine.expr_eval import COMPARATORS, compile_node
from chuanxa.engine.lowering import comparisons
from chuanxa.engine.results import CommuneResult, Reason, Status

from .costs import CostModel, Cost
from .standing import Standing, could_gain


@dataclass(frozen=True)
class Option:
    """One way to raise one indicator."""

    indicator: str
    criterion: str
    points_before: float
    points_after: float
    kind: str  # "value", "answer", "condition", "evidence", "collect"
    input: str | None = None
    value_before: Any = None
    value_after: Any = None
    op: str | None = None
    size: float = 0.0  # the size of the change in the input's unit (assessed: points)
    cost: Cost = (0.0, 0.0)

    @property
    def gain(self) -> float:
        return self.points_after - self.points_before


@dataclass(frozen=True)
class IndicatorChoices:
    """The options of one indicator and whether doing nothing is allowed."""

    indicator: str
    criterion: str
    options: tuple[Option, ...]
    required: bool  # missing data or a failed knock-out: one option must be taken
    blocked: str | None = None  # why no option exists although one is required: a code of `BLOCKED_CAUSES`
    minimum_after: float = 0.0  # a knock-out's required points
    note: str | None = None  # with COSTS_IMPOSSIBLE: the costs file's own note, as its author wrote it
    # The search's working form of the options, by (cap, scale) (see `optimise._frontier`): choices shared
    # between communes (`list_options`'s memo) are worked out once.
    frontiers: dict[tuple[int, int], Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @functools.cached_property
    def best_gain(self) -> float:
        """The most points one option gains (0 without options)."""
        return max((o.gain for o in self.options), default=0.0)


@dataclass
class Choices:
    per_indicator: list[IndicatorChoices] = field(default_factory=list)


def list_options(engine: CompiledRuleset, result: CommuneResult | Standing, env: Mapping[str, Any], costs: CostModel, derived: Collection[str] = (),
                 memo: dict[tuple[Any, ...], IndicatorChoices] | None = None) -> list[IndicatorChoices]:
    """Every indicator's improvement options for the commune whose evaluation is `result` (a full result or the
    planner's `Standing`); `derived` names the derived inputs computed from the commune's data (a change must keep
    them within their bounds).

    `memo` (one dict per ruleset and cost model) keeps the choices of indicators that only the appraisal can raise:
    those depend on nothing but the indicator, its points and whether it must change, so communes share them."""
    found = []
    indicators = engine.indicators
    opened = result.open if isinstance(result, Standing) else [(j, res) for j, res in enumerate(result.indicators) if could_gain(res)]
    for j, res in opened:
        compiled = indicators[j]
        missing = res.status is Status.MISSING_DATA
        # A knock-out (as the rule counts them) the rule failed, or one lacking its data, must reach what it needs.
        knockout_short = compiled.counts_as_knockout and (res.knockout_failed or missing)
        if _by_appraisal(compiled, res, env, missing):
            key = (res.id, res.points, missing, knockout_short)
            held = memo.get(key) if memo is not None else None
            if held is None:
                held = _choices(engine, compiled, res, _evidence(compiled, res, missing), env, derived, costs, missing, knockout_short)
                if memo is not None:
                    memo[key] = held
            found.append(held)
        else:
            options = _options(compiled, res, env, missing, engine.ruleset.inputs, cuts_on(engine))
            found.append(_choices(engine, compiled, res, options, env, derived, costs, missing, knockout_short))
    return found


def _choices(engine: CompiledRuleset, compiled: CompiledIndicator, res: Any, candidates: list[Option], env: Mapping[str, Any], derived: Collection[str],
             costs: CostModel, missing: bool, knockout_short: bool) -> IndicatorChoices:
    """The indicator's options as the engine scores them, allowed by the costs, enough for a knock-out, and priced."""
    valid = [o for o in (_checked(engine, compiled, o, env, derived) for o in candidates) if o is not None]
    if knockout_short:
        valid = [o for o in valid if o.points_after >= compiled.knockout_needs - 1e-9]
    options = [_priced(o, costs) for o in valid if costs.allows(o)]
    required = missing or knockout_short
    blocked = note = None
    if required and not options:
        # Why (a code, worded by `chuanxa.wording.blocker_text`): the costs file forbids every option that would do, or none does.
        refused = costs.marked_impossible(res.id) or next((r for r in map(costs.refusing, valid) if r is not None), None)
        blocked, note = ("COSTS_IMPOSSIBLE", refused.note) if refused is not None else ("NO_OPTION", None)
    return IndicatorChoices(res.id, res.criterion, tuple(options), required, blocked, compiled.knockout_needs if knockout_short else 0.0, note)


def _priced(option: Option, costs: CostModel) -> Option:
    return Option(**{**option.__dict__, "cost": costs.cost_of(option)})


def _by_appraisal(compiled: CompiledIndicator, res: Any, env: Mapping[str, Any], missing: bool) -> bool:
    """Whether only the appraisal can change the points: evidence by nature; the assessors' points, which win over
    any value; or data missing elsewhere than in the indicator's own input (its applicability, the commune's region)."""
    mode = compiled.kind.plan_as  # how the kind's points are raised: a value, an answer, a condition, evidence
    return mode == "evidence" or res.status is Status.ASSESSED or (missing and (mode == "condition" or res.reason is not Reason.MISSING_VALUE
                                                                                or (compiled.applies is not None and compiled.applies(env) is None)))


def _evidence(compiled: CompiledIndicator, res: Any, missing: bool) -> list[Option]:
    """Options of an indicator only the appraisal can raise: each higher level of the intermediate form
    (`engine/lowering.py`), and collecting the data when it is missing."""
    ind, crit = compiled.model, compiled.criterion
    before = 0.0 if missing else res.points
    found = [Option(ind.id, crit, 0.0, 0.0, "collect", input=getattr(ind, "input", None))] if missing else []
    for level in sorted({p for p in compiled.lowered.steps if p > before + 1e-9}):
        found.append(Option(ind.id, crit, before, level, "evidence", size=round(level - before, 6)))
    return found


def _options(compiled: CompiledIndicator, res: Any, env: Mapping[str, Any], missing: bool, inputs: Mapping[str, Any],
             cuts: Mapping[str, tuple[tuple[str, Any], ...]] | None = None) -> list[Option]:
    """Options of an indicator whose points a value, an answer or a condition raises. On an input other indicators
    read too (`cuts`: the comparisons they make on it), one option per points level is not enough: the nearest value
    may cost another indicator its points or make it apply, where a farther one would not. There the options are
    the nearest value of each stretch between those comparisons' thresholds that gives the indicator more points
    (and every answer, on a yes/no or choice input)."""
    ind = compiled.model
    mode = compiled.kind.plan_as
    spec = inputs.get(compiled.single_read or "") if mode == "value" else None
    crit = compiled.criterion
    before = 0.0 if missing else res.points
    found: list[Option] = []
    if missing:
        found.append(Option(ind.id, crit, 0.0, 0.0, "collect", input=getattr(ind, "input", None)))
    # Targets and reachable values come from the intermediate form (`engine/lowering.py`): its levels' points and
    # thresholds, and the operator table's nearest value that satisfies a level.
    targets = compiled.form.targets(env, before)
    if mode == "condition":
        for target in targets:
            found.append(Option(ind.id, crit, before, target.points, "condition", size=1.0))
        return found
    name: str = ind.input  # type: ignore[union-attr]  # a kind that reads one input (the others returned above)
    value = env.get(name)
    shared = (cuts or {}).get(name, ())
    if shared:
        return found + _across(compiled, before, env, name, value, inputs.get(name), shared)
    best: dict[float, Option] = {}  # points reached → the smallest change reaching them
    for target in targets:
        if target.value is None:
            continue  # the threshold for this commune is unknown (region or zone missing)
        if mode == "answer":
            found.append(Option(ind.id, crit, before, target.points, "answer", input=name, value_before=value, value_after=target.value, op="==", size=1.0))
            continue
        if spec is not None and spec.type in ANSWER_TYPES:
            # A threshold on an answer: the answers of the input's type that meet the level, given as answers.
            for goal in answers(spec, target.op, target.value):
                points = compiled.level_outcome(_With(env, name, goal)).points  # type: ignore[arg-type]
                if points > before + 1e-9 and points not in best and goal != value:
                    best[points] = Option(ind.id, crit, before, points, "answer", input=name, value_before=value, value_after=goal, op="==", size=1.0)
            continue
        for goal in _reachable(target.op, target.value, spec):
            # What the kind gives at that value: a better level may hold there too (the planner promises no less).
            points = compiled.level_outcome(_With(env, name, goal)).points  # type: ignore[arg-type]
            size = round(abs(goal - value), 6) if value is not None else 0.0
            if points > before + 1e-9 and (points not in best or size < best[points].size):
                best[points] = Option(ind.id, crit, before, points, "value", input=name, value_before=value, value_after=goal, op=target.op, size=size)
    return found + sorted(best.values(), key=lambda o: o.points_after)


def _across(compiled: CompiledIndicator, before: float, env: Mapping[str, Any], name: str, value: Any, spec: Any,
            cuts: tuple[tuple[str, Any], ...]) -> list[Option]:
    """The options of a value or answer indicator on an input other indicators read (see `_options`): for each
    points level, the nearest value in each stretch the comparisons `cuts` cut the input's range into (nearest: on
    a threshold or just beside it, by the operator table's `reachable`); every answer of a yes/no or choice input."""
    ind, crit = compiled.model, compiled.criterion
    thresholds = [(op, threshold(env)) for op, threshold in cuts]
    thresholds = [(op, t) for op, t in thresholds if t is not None]
    mode = compiled.kind.plan_as
    if mode == "answer" or (spec is not None and spec.type in ANSWER_TYPES):
        goals: list[Any] = [True, False] if spec is None or spec.type == "yes_no" else [c.id for c in spec.choices or ()]
        step_kind, op = "answer", "=="
    else:
        if spec is None:
            return []
        found_goals: set[float] = set()
        for op_, t in thresholds:
            if isinstance(t, bool) or not isinstance(t, (int, float)):
                continue
            for side in (op_, OPERATORS[op_].negation):
                found_goals.update(_reachable(side, t, spec))
        for target in compiled.form.targets(env, before):
            if target.value is not None and not isinstance(target.value, bool) and isinstance(target.value, (int, float)):
                found_goals.update(_reachable(target.op, target.value, spec))
        goals = sorted(found_goals, key=lambda g: (abs(g - value) if value is not None else 0.0, g))
        step_kind, op = "value", None
    seen: set[tuple[Any, ...]] = set()
    out: list[Option] = []
    for goal in goals:
        if goal == value:
            continue
        points = compiled.level_outcome(_With(env, name, goal)).points  # type: ignore[arg-type]
        stretch = (points, *(_holds(o, goal, t) for o, t in thresholds))
        if points <= before + 1e-9 or stretch in seen:
            continue
        seen.add(stretch)
        size = 1.0 if step_kind == "answer" else round(abs(goal - value), 6) if value is not None else 0.0
        out.append(Option(ind.id, crit, before, points, step_kind, input=name, value_before=value, value_after=goal, op=op or _level_op(compiled, env, before, points),
                          size=size))
    return sorted(out, key=lambda o: (o.points_after, o.size))


def _holds(op: str, value: Any, threshold: Any) -> bool | None:
    try:
        return bool(COMPARATORS[op](value, threshold))
    except TypeError:
        return None


def _level_op(compiled: CompiledIndicator, env: Mapping[str, Any], before: float, points: float) -> str | None:
    """The operator of the level giving `points` (which way the step's sentence says the value goes)."""
    targets = compiled.form.targets(env, before)
    return next((t.op for t in targets if t.points == points), next((t.op for t in targets), None))


_CUTS: dict[int, tuple[Any, dict[str, tuple[tuple[str, Any], ...]]]] = {}


def cuts_on(engine: CompiledRuleset) -> dict[str, tuple[tuple[str, Any], ...]]:
    """Input → the comparisons `input op threshold` (operator, the threshold as a function of a commune's values) that
    the indicators' levels, requirements and applicability make on it, for the inputs more than one indicator reads
    (none in the bundled rulesets); worked out once per compiled ruleset."""
    held = _CUTS.get(id(engine))
    if held is not None and held[0] is engine:
        return held[1]
    readers: dict[str, set[str]] = {}
    found: dict[str, dict[tuple[str, Any], None]] = {}
    for compiled in engine.indicators:
        lowered = compiled.lowered
        for name in {*compiled.reads, *compiled.applies_reads}:
            readers.setdefault(name, set()).add(compiled.model.id)
        nodes = [level.when for level in lowered.levels] + [node for node, _ in lowered.requires] + ([lowered.applies] if lowered.applies is not None else [])
        for node in nodes:
            for name, op, threshold in comparisons(node):
                if op in OPERATORS:
                    found.setdefault(name, {})[(op, threshold)] = None
    shared = {name: tuple((op, compile_node(threshold)) for op, threshold in found.get(name, {})) for name, ids in readers.items() if len(ids) > 1}
    if len(_CUTS) >= 64:
        _CUTS.clear()
    _CUTS[id(engine)] = (engine, shared)
    return shared


class _With:
    """`env` with one value changed, for an indicator's `level_outcome` (which only calls `get`): no copy of the whole mapping."""

    __slots__ = ("env", "name", "value")

    def __init__(self, env: Mapping[str, Any], name: str, value: Any) -> None:
        self.env, self.name, self.value = env, name, value

    def get(self, key: str, default: Any = None) -> Any:
        return self.value if key == self.name else self.env.get(key, default)


def _checked(engine: CompiledRuleset, compiled: CompiledIndicator, option: Option, env: Mapping[str, Any], derived: Collection[str]) -> Option | None:
    """A value or answer option as the engine scores it: with the points the indicator really gets at the new value
    (its applicability included), or None when the change gains nothing or would make the data invalid (a
    derived input beyond its bounds: raising households with a latrine past the number of households is no plan)."""
    if option.kind not in ("value", "answer"):
        return option
    fed = engine.feeds.get(option.input, frozenset()).intersection(derived)  # type: ignore[arg-type]
    if not fed and option.input not in compiled.applies_reads:
        return option  # nothing else moves with the value: the kind's own score (in `_options`) is the engine's
    trial = {k: v for k, v in env.items() if k not in fed}
    trial[option.input] = option.value_after  # type: ignore[index]
    engine.derive(trial)
    if any(engine.beyond_bounds(name, trial.get(name)) for name in fed):
        return None
    outcome = compiled.outcome(trial)
    if outcome.status is Status.MISSING_DATA or outcome.points <= option.points_before + 1e-9:
        return None
    return option if outcome.points == option.points_after else Option(**{**option.__dict__, "points_after": outcome.points})


BLOCKED_CAUSES = ("COSTS_IMPOSSIBLE", "NO_OPTION")  # why a required indicator has no option (`IndicatorChoices.blocked`)

ANSWER_TYPES = frozenset(("yes_no", "choice"))  # input types whose values are answers, not numbers


def answers(spec: Any, op: str | None, threshold: Any) -> list[Any]:
    """The answers of a yes/no or choice input (the boolean's two, or the listed choices in their order) that satisfy
    `op threshold` by the engines' own comparison; empty when none does or the level has no comparison."""
    if op is None or threshold is None:
        return []
    values: tuple[Any, ...] = (True, False) if spec.type == "yes_no" else tuple(c.id for c in spec.choices or ())
    compare = COMPARATORS[op]
    return [v for v in values if compare(v, threshold)]


def _reachable(op: str | None, threshold: Any, spec: Any) -> list[float]:
    """The values nearest to `threshold` that satisfy `op threshold` within the input's bounds (the operator table
    says which; counts move by whole numbers, other inputs by a hundredth). Empty when no allowed value does."""
    if op is None or spec is None:
        return []
    unit = 1.0 if spec.type == "count" else 0.01
    low, high = spec.bounds()
    goals = [OPERATORS[op].reachable(threshold, unit)]
    if OPERATORS[op].direction is None and goals[0] != threshold:
        goals.append(round(threshold - unit, 9))  # "not equal": either side of the threshold
    return [float(g) for g in goals if g is not None and (low is None or g >= low - 1e-9) and (high is None or g <= high + 1e-9)]
