"""The cheapest path to recognition for one commune: `plan(commune, ruleset, costs)`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer, model_validator

from chuanxa.workspace import CommuneLike, RulesetLike, as_commune, compiled
from chuanxa.communes.model import AssessedEntry, CommuneData
from chuanxa.criteria.model import Text
from chuanxa.engine.prepare import PreparedCommune, prepare
from chuanxa.engine.results import RulesetStamp, Verdict

from .costs import CostModel
from .groups import GroupChoices, group_shared
from .optimise import Need, solve
from .options import IndicatorChoices, Option, list_options
from .standing import Standing, of_result


class PlanStep(BaseModel):
    """One action of a plan, e.g. raise hygienic latrine coverage from 88% to 90% (+1 point, cost 40): its numbers,
    ids and the ruleset's words its sentence reads (the sentence: `chuanxa.wording.step_text`, written into the JSON
    as `message` and rebuilt from the record when a plan is read back)."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    criterion: str
    kind: str  # "value", "answer", "condition", "evidence", "collect"
    input: str | None = None
    value_before: Any = None
    value_after: Any = None
    points_before: float
    points_after: float
    gain: float
    cost: float
    # The ruleset's words the sentence reads, kept with the step so that a plan read back years later (the ruleset
    # edited or gone) says what it said when it was made:
    op: str | None = None  # the level's operator (which way a value with none yet goes)
    label: Text | None = None  # the input's label
    unit: str | None = None  # the input's unit
    answer: Text | None = None  # the words of the choice an "answer" step asks for

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        if isinstance(data, dict) and "message" in data:  # read back from JSON: the sentence is rebuilt when shown
            data = {k: v for k, v in data.items() if k != "message"}
        return data


class Blocker(BaseModel):
    """Why no plan exists, as a code and its numbers (its sentence: `chuanxa.wording.blocker_text`, written into the
    JSON beside the record as `vi` and `en`, and rebuilt from the record when a plan is read back)."""

    model_config = ConfigDict(frozen=True)

    code: str  # INDICATOR_BLOCKED, CRITERION_UNREACHABLE, TOTAL_UNREACHABLE, NO_COMBINATION, SEARCH_CUT
    indicator: str | None = None
    criterion: str | None = None
    # INDICATOR_BLOCKED: why it cannot improve, COSTS_IMPOSSIBLE (then `note`: the costs file's own, as its author
    # wrote it) or NO_OPTION (`options.BLOCKED_CAUSES`). A blocker read from an older file, its sentence alone: UNRECORDED.
    cause: str | None = None
    reachable: float | None = None  # the most points the criterion (or the total) can reach
    required: float | None = None  # its floor (or the minimum total)
    note: str | None = None  # why the indicator cannot improve (the costs file's note); SEARCH_CUT: the group's indicators

    @model_validator(mode="before")
    @classmethod
    def _rendered_text_is_not_data(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("vi" in data or "en" in data):  # read back from JSON: the sentence is rebuilt when shown
            # A document written before blockers carried their record holds the sentence alone: its reason is unknown.
            data = {k: v for k, v in data.items() if k not in ("vi", "en")} or {"code": "UNRECORDED"}
        return data


class Plan(BaseModel):
    """The cheapest improvements that make a commune recognised, or why none exists. Its JSON reads back into an
    equal plan (`Plan.model_validate_json`), whose sentences `chuanxa.wording` rebuilds word for word."""

    model_config = ConfigDict(frozen=True)

    ruleset: RulesetStamp
    commune: str
    name: str
    feasible: bool
    already_recognised: bool
    steps: tuple[PlanStep, ...] = ()
    total_cost: float = 0.0
    cost_model: str  # "default" (fewest indicators, then smallest changes) or "costs"
    points_before: float
    points_after: float | None = None
    verdict_before: Verdict
    verdict_after: Verdict | None = None
    blockers: tuple[Blocker, ...] = ()

    @model_serializer(mode="wrap")
    def _with_sentences(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Every document writer (CLI, HTTP, the province targets) dumps plans: each step's `message`, and each
        # blocker's `vi` and `en` (the only fields blockers had before they were written as records), are added here,
        # at write time, from the records (`chuanxa.wording`); the records hold no sentence.
        from chuanxa.wording import blocker_text, step_text

        data = handler(self)
        if isinstance(data, dict) and isinstance(data.get("steps"), (list, tuple)):
            data["steps"] = [{**item, "message": step_text(step, self).model_dump()} for item, step in zip(data["steps"], self.steps)]
        if isinstance(data, dict) and isinstance(data.get("blockers"), (list, tuple)):
            data["blockers"] = [{**item, **blocker_text(blocker).model_dump()} for item, blocker in zip(data["blockers"], self.blockers)]
        return data


def plan(commune: CommuneLike, ruleset: RulesetLike = None, costs: CostModel | str | Path | None = None, *, as_of: Any = None) -> Plan:
    """The cheapest set of improvements that makes `commune` recognised (exact, not greedy).

    Example:
        >>> p = plan("examples/xa-thieu-giao.yaml")  # doctest: +SKIP
        >>> [step_text(s, p).en for s in p.steps]  # doctest: +SKIP
    """
    data = as_commune(commune)
    engine = compiled(ruleset, as_of=as_of if as_of is not None else data.as_of)
    model = costs if isinstance(costs, CostModel) else CostModel.load(Path(costs)) if costs else CostModel()
    model.check(engine.ruleset)
    found = search(engine, prepare(engine, data), model)
    if isinstance(found, Plan):
        return found
    after = engine.evaluate(apply_options(data, list(found.options)))
    return found.finish(after.total.points, after.verdict)


@dataclass(frozen=True)
class Search:
    """A commune's cheapest improvements, before the commune is scored again with them (`finish`)."""

    base: dict[str, Any]
    options: tuple[Option, ...]  # in ruleset order
    steps: tuple[PlanStep, ...]

    def finish(self, points_after: float, verdict_after: Verdict) -> Plan:
        """The plan, with the points and verdict the engine gives the commune after the improvements."""
        return Plan(**self.base, feasible=True, already_recognised=False, steps=self.steps, total_cost=round(sum(s.cost for s in self.steps), 6),
                    points_after=points_after, verdict_after=verdict_after)


def search(engine: Any, prepared: PreparedCommune, model: CostModel, standing: Standing | None = None, *, memo: dict[Any, Any] | None = None) -> Plan | Search:
    """The exact search for one prepared commune: its finished plan when it is recognised already or has no plan,
    else the cheapest options (`Search`), whose result the caller scores (one commune, or many at once).

    `standing` is the commune's evaluation when the caller has it (many communes: from the column-wise arrays);
    `memo` shares the options that are the same for many communes (see `list_options`)."""
    data = prepared.data
    before = standing if standing is not None else of_result(engine.evaluate_prepared(prepared))
    base: dict[str, Any] = dict(ruleset=before.ruleset, commune=data.commune.code, name=data.commune.name, cost_model="costs" if model.monetary else "default",
                points_before=before.points, verdict_before=before.verdict)
    if before.verdict is Verdict.RECOGNISED:
        return Plan(**base, feasible=True, already_recognised=True, points_after=before.points, verdict_after=before.verdict)
    choices = list_options(engine, before, prepared.env, model, derived=prepared.derived, memo=memo)
    order = _order(engine)
    # Indicators sharing an input that an option changes are planned as one group (`groups.py`; none in the bundled
    # rulesets). A group's option may lower floors (an indicator made not applicable), so the quick bounds of
    # `_blockers`, which add the indicators' best gains, only speak for the indicators planned on their own.
    items = group_shared(engine, prepared, choices, order)
    grouped = any(isinstance(i, GroupChoices) for i in items)
    blockers = _blockers([c for c in items if isinstance(c, IndicatorChoices)], before, bounds=not grouped)
    solution = None if blockers else solve(items, [c.id for c in before.criteria], _need(before), order)
    if solution is None:
        return Plan(**base, feasible=False, already_recognised=False, blockers=tuple(blockers) or _unsolved(items))
    options = tuple(sorted(solution.options, key=lambda o: order[o.indicator]))
    return Search(base, options, tuple(_step(o, engine) for o in options))


def _order(engine: Any) -> dict[str, int]:
    """Indicator id → its position in the ruleset (the search's tie-breaker), worked out once per compiled ruleset."""
    found = _ORDERS.get(id(engine))
    if found is None or found[0] is not engine:
        if len(_ORDERS) >= 64:
            _ORDERS.clear()  # one call, safe while other threads plan (a server plans in several)
        found = _ORDERS[id(engine)] = (engine, {ci.model.id: i for i, ci in enumerate(engine.indicators)})
    return found[1]


_ORDERS: dict[int, tuple[Any, dict[str, int]]] = {}  # held with its engine: an id() alone could be reused by another


def apply_options(data: CommuneData, options: list[Option]) -> CommuneData:
    """The commune as it would be after the options: new values, and the points the appraisal would give."""
    values = dict(data.values)
    assessed = dict(data.assessed)  # entries are frozen: the unchanged ones are shared, not rebuilt
    for option in options:
        if option.kind in ("value", "answer"):
            values[option.input] = option.value_after  # type: ignore[index]
        else:
            note = "kế hoạch: thu thập số liệu" if option.kind == "collect" else "kế hoạch: bổ sung minh chứng / đạt điều kiện"
            assessed[option.indicator] = AssessedEntry(points=option.points_after, note=note)
    return data.model_copy(update={"values": values, "assessed": assessed})


def _need(before: Standing) -> Need:
    signed = {c.id: c.floor - c.points for c in before.criteria}
    return Need(criteria={c: max(0.0, v) for c, v in signed.items()}, total=max(0.0, before.minimum - before.points), signed=signed,
                signed_total=before.minimum - before.points)


def _blockers(choices: list[IndicatorChoices], before: Standing, bounds: bool = True) -> list[Blocker]:
    found = [Blocker(code="INDICATOR_BLOCKED", indicator=c.indicator, cause=c.blocked, note=c.note) for c in choices if c.required and not c.options]
    if not bounds:
        return found
    best = {c.indicator: c.best_gain for c in choices}
    gains: dict[str, float] = {}  # per criterion, the sum of its indicators' best gains (in the order of `choices`)
    for c in choices:
        gains[c.criterion] = gains.get(c.criterion, 0) + best[c.indicator]
    for crit in before.criteria:
        reachable = crit.points + gains.get(crit.id, 0)
        if reachable < crit.floor - 1e-9:
            found.append(Blocker(code="CRITERION_UNREACHABLE", criterion=crit.id, reachable=reachable, required=crit.floor))
    reachable_total = before.points + sum(best.values())
    if reachable_total < before.minimum - 1e-9:
        found.append(Blocker(code="TOTAL_UNREACHABLE", reachable=reachable_total, required=before.minimum))
    return found


def _unsolved(items: list[IndicatorChoices | GroupChoices]) -> tuple[Blocker, ...]:
    """Why the search found no plan: its groups tried only their first combinations (SEARCH_CUT: a plan may exist
    among the others), else no combination of the options meets every condition."""
    cut = [Blocker(code="SEARCH_CUT", indicator=g.indicator, note=", ".join(g.members)) for g in items if isinstance(g, GroupChoices) and g.cut]
    return tuple(cut) or (Blocker(code="NO_COMBINATION"),)


def _step(option: Option, engine: Any) -> PlanStep:
    spec = engine.ruleset.inputs.get(option.input) if option.input else None
    cost = option.cost[0]  # money with a costs file; with the default model, 1 per indicator changed
    return PlanStep(indicator=option.indicator, criterion=option.criterion, kind=option.kind, input=option.input, value_before=option.value_before,
                    value_after=option.value_after, points_before=option.points_before, points_after=option.points_after, gain=round(option.gain, 6),
                    cost=round(cost, 6), op=option.op, label=spec.label if spec is not None else None, unit=spec.unit if spec is not None else None,
                    answer=_answer_words(option, spec))


def _answer_words(option: Option, spec: Any) -> Text | None:
    """The words of the choice an "answer" step asks for (a threshold on a choice input), else None."""
    if option.kind != "answer" or spec is None or not spec.choices or isinstance(option.value_after, bool):
        return None
    choice = next((c for c in spec.choices if c.id == option.value_after), None)
    return Text(vi=choice.vi, en=choice.en) if choice is not None else Text(vi=str(option.value_after), en=str(option.value_after))


__all__ = ["Blocker", "Plan", "PlanStep", "Search", "plan", "search", "apply_options"]
