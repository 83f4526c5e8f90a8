"""The improvements open to a commune, indicator by indicator, with their costs.

An option takes one indicator from its current points to a higher level: a value to reach (threshold), an
answer to change (yes/no), a condition to meet, or evidence worth more points (assessed). Indicators with
missing data must get data: for them "collect the data" (scoring 0) is an option too, and doing nothing is
not, since a commune with missing data cannot be recognised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chuanxa.engine.compiled import CompiledIndicator, CompiledRuleset
from chuanxa.engine.results import CommuneResult, Status

from .costs import CostModel, Cost


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
    blocked: str | None = None  # why no option exists although one is required
    minimum_after: float = 0.0  # a knock-out's required points


@dataclass
class Choices:
    per_indicator: list[IndicatorChoices] = field(default_factory=list)


def list_options(engine: CompiledRuleset, result: CommuneResult, env: Mapping[str, Any], costs: CostModel) -> list[IndicatorChoices]:
    """Every indicator's improvement options for the commune whose evaluation is `result`."""
    found = []
    for compiled, res in zip(engine.indicators, result.indicators):
        if res.status is Status.NOT_APPLICABLE or (res.points >= res.max and res.status is not Status.MISSING_DATA):
            continue
        missing = res.status is Status.MISSING_DATA
        knockout_short = compiled.model.knockout and engine.ruleset.recognition.knockouts and (res.knockout_failed or missing)
        options = [o for o in _options(compiled, res.points, env, missing) if costs.allows(o)]
        if knockout_short:
            options = [o for o in options if o.points_after >= compiled.knockout_needs - 1e-9]
        options = [_priced(o, costs) for o in options]
        required = missing or knockout_short
        blocked = None
        if required and not options:
            blocked = costs.reason_blocked(res.id) or "no option reaches the required points"
        found.append(IndicatorChoices(res.id, res.criterion, tuple(options), required, blocked, compiled.knockout_needs if knockout_short else 0.0))
    return found


def _priced(option: Option, costs: CostModel) -> Option:
    return Option(**{**option.__dict__, "cost": costs.cost_of(option)})


def _options(compiled: CompiledIndicator, points: float, env: Mapping[str, Any], missing: bool) -> list[Option]:
    ind = compiled.model
    crit = compiled.criterion
    before = 0.0 if missing else points
    found: list[Option] = []
    if missing:
        found.append(Option(ind.id, crit, 0.0, 0.0, "collect", input=getattr(ind, "input", None)))
    if ind.kind == "assessed" or (missing and ind.kind == "conditions"):
        step = getattr(ind, "step", None) or ind.max_points
        level = before + step
        while level <= ind.max_points + 1e-9:
            found.append(Option(ind.id, crit, before, round(level, 6), "evidence", size=round(level - before, 6)))
            level += step
        return found
    if ind.kind == "conditions":
        for target in compiled.kind.targets(env, before):
            found.append(Option(ind.id, crit, before, target.points, "condition", size=1.0))
        return found
    value = env.get(ind.input)  # type: ignore[union-attr]
    for target in compiled.kind.targets(env, before):
        if target.target is None:
            continue  # the threshold for this commune is unknown (region or zone missing)
        if ind.kind == "yes_no":
            found.append(Option(ind.id, crit, before, target.points, "answer", input=ind.input, value_before=value, value_after=target.target, op="==", size=1.0))
            continue
        goal = _reachable(target.op, target.target)
        size = abs(goal - value) if value is not None else 0.0
        found.append(Option(ind.id, crit, before, target.points, "value", input=ind.input, value_before=value, value_after=goal, op=target.op, size=round(size, 6)))
    return found


def _reachable(op: str | None, threshold: Any) -> Any:
    """The nearest value that satisfies `op threshold` (strict comparisons move by one hundredth)."""
    if op == ">":
        return threshold + 0.01
    if op == "<":
        return threshold - 0.01
    return threshold
