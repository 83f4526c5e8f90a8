"""A ruleset compiled once into closures and lookup tables, then evaluated as a pure function per commune."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from chuanxa.communes.model import AssessedEntry, CommuneData
from chuanxa.communes.values import fold
from chuanxa.criteria.checks import COMMUNE_ATTRIBUTES, expression_env
from chuanxa.criteria.expressions import parse_expression
from chuanxa.criteria.loader import content_hash
from chuanxa.criteria.model import IndicatorModel, Recognition, Ruleset, Text

from .expr_eval import compile_expression
from .gaps import GAP_STATE, VALUED_LIMIT, blocking, build_gaps
from .kinds import KINDS, KindContext, KindEvaluator, Outcome
from .lowering import ASSESSED_REPLACES, STATUS_OF, compile_scalar
from .prepare import PreparedCommune, converter, prepare
from .recognition import RECOGNISED_FLAG, CriterionShape, RecognitionRule, counts_as_knockout, judge, knockout_need
from .fast import NO_VALUES, FrozenDict, StateTemplate, intern, set_extra, set_fields_set, set_private, set_state, template_of
from .results import (
    CommuneIdentity,
    identity_state,
    CommuneResult,
    IndicatorResult,
    Reason,
    RulesetStamp,
    Status,
)

Env = Mapping[str, Any]


class CompiledIndicator:
    """One indicator ready to score: its kind's evaluator, applicability test and fixed explanation parts."""

    def __init__(self, ind: IndicatorModel, criterion: str, ctx: KindContext, recognition: Recognition, inputs: Mapping[str, Any]) -> None:
        award_not_applicable = recognition.not_applicable == "award"
        self.model = ind
        self.criterion = criterion
        self.kind: KindEvaluator = KINDS[ind.kind](ind, ctx)
        self.lowered = self.kind.lower(ctx, award_not_applicable)  # the intermediate form every engine compiles
        self.form = compile_scalar(self.lowered)
        self.not_applicable = Outcome(ind.max_points if award_not_applicable else 0.0, Status.NOT_APPLICABLE, Reason.NOT_APPLICABLE)
        self.applies = self.form.applies
        self.decide, self.hit, self.failed, self.otherwise = self.form.decide, self.kind.hit, self.kind.failed, self.lowered.otherwise  # bound once: the per-commune hot path
        self.applies_reads = parse_expression(ind.applies_when, ctx.env, "bool").names if ind.applies_when else frozenset()
        self.id = ind.id
        self.reads = tuple(self.kind.reads)
        self.award_not_applicable = award_not_applicable
        self.knockout_needs = knockout_need(ind)
        self.counts_as_knockout = counts_as_knockout(ind, recognition)  # the rule's answer: can it fail as a knock-out here
        # The explanation record's state with every field in declaration order (pydantic serialises in the
        # state's order); per commune it is copied and only the changing fields are set.
        self.static: dict[str, Any] = _INDICATOR_STATE.state(
            id=ind.id, criterion=criterion, title=ind.title, kind=ind.kind, points=0.0, max=ind.max_points,
            status=None, reason=None, provisional=ind.provisional, knockout=ind.knockout, knockout_failed=False,
            values=None, threshold=None, source=ind.source, note=ind.note,
            data_points=None, data_status=None, assessed_note=None,
        )
        self.blocking = blocking(criterion)  # what its gap blocks, by situation
        self.max_points, self.knockout = ind.max_points, ind.knockout  # as its records hold them (read here, faster)
        self.no_gap: IndicatorResult | None = None  # a record of it found to need no gap (see `build_gaps`)
        self.single_read = self.reads[0] if len(self.reads) == 1 else None
        self.interned: dict[tuple[Any, ...], Any] = {}
        self.interned_gaps: dict[tuple[Any, ...], Any] = {}
        # An indicator whose inputs take few values (yes/no, a choice) and whose gap targets depend only on its
        # points has few distinct records too: shared like those of indicators that read no data (key: `value_key`).
        # An evidence-judged indicator's data outcome is one constant (not assessed): its records are then fixed by
        # the assessors' entry alone, looked up without building the full key.
        constant = self.kind.evidence_only and not self.reads and self.applies is None and not self.lowered.requires and not self.lowered.levels
        self.usual: Outcome | None = self.outcome({}) if constant else None
        self.by_entry: dict[Any, IndicatorResult] = {}
        self.few_values = bool(self.reads) and self.kind.records_follow_values and all(
            name in inputs and inputs[name].type in ("yes_no", "choice") and not inputs[name].expr for name in self.reads)
        self.evidence_only = self.kind.evidence_only
        # How its record is kept (`finish`): shared by the outcome (reads no data), by the outcome and the few values it
        # reads, by the outcome and the one number it reads, or else its own per commune.
        self.keep = (self._keep_fixed if not self.reads else self._keep_few if self.few_values
                     else self._keep_valued if self.single_read is not None else self._record)
        self.scored = self._scorer()
        input_id = getattr(ind, "input", None)
        spec = inputs.get(input_id) if input_id else None
        # Its gap is fixed by its points and the one number it reads when its kind says its targets follow from them.
        self.gaps_follow_value = getattr(self.kind, "targets_follow_value", False) and self.single_read is not None and input_id == self.single_read
        # The gap record's state, every field in declaration order (as for `static`).
        self.gap_static: dict[str, Any] = GAP_STATE.state(
            indicator=ind.id, criterion=criterion, title=ind.title, kind=self.kind.gap_kind,
            status=None, points=0.0, max=ind.max_points, input=input_id, unit=spec.unit if spec else None, value=None,
            targets=(), blocks=(), priority=3, provisional=ind.provisional,
            label=spec.label if spec else None, input_type=spec.type if spec else None,
        )

    def outcome(self, env: Env) -> Outcome:
        """The data's own outcome (applicability included), before any assessors' decision: the intermediate form
        decides (`engine/lowering.py`), the kind explains what it decided."""
        index, reason = self.decide(env)
        if index >= 0:
            return self.hit(index, env)
        if reason is self.otherwise:  # `explained`, inline: the per-commune hot path
            return self.failed(env)
        return self.not_applicable if reason is Reason.NOT_APPLICABLE else _UNKNOWN[reason]

    def level_outcome(self, env: Env) -> Outcome:
        """The outcome of the levels alone (applicability aside): what the planner asks of a changed value."""
        index, reason = self.form.decide_levels(env)
        return self.explained(index, reason, env)

    def explained(self, index: int, reason: Reason, env: Env) -> Outcome:
        """The outcome of a decision (the level that holds or -1, and the reason), as the kind explains it."""
        if index >= 0:
            return self.kind.hit(index, env)
        if reason is self.lowered.otherwise:
            return self.kind.failed(env)
        return self.not_applicable if reason is Reason.NOT_APPLICABLE else _UNKNOWN[reason]

    def evaluate(self, env: Env, assessed: Mapping[str, AssessedEntry]) -> IndicatorResult:
        return self.finish(self.outcome(env), env, assessed)

    def finish(self, data: Outcome, env: Env, assessed: Mapping[str, AssessedEntry]) -> IndicatorResult:
        """The indicator's result from the data's outcome (decided by this or another engine) and the assessors' points.

        An indicator that reads no data (evidence judged by the assessors) has few distinct results (its points and
        note), and so has one that reads a few yes/no or choice values: those immutable records are interned and shared
        between communes (`keep`, chosen once per indicator)."""
        entry = assessed.get(self.id) if assessed else None
        if data is self.usual:
            return self._keep_usual(data, env, entry)
        return self.keep(data, env, entry)

    def _keep_usual(self, data: Outcome, env: Env, entry: AssessedEntry | None) -> IndicatorResult:
        """The record of the one constant data outcome, fixed by the assessors' entry alone."""
        key = _ENTRY_KEY(_NO_ENTRY if entry is None else entry)
        return self.by_entry.get(key) or intern(self.by_entry, key, self._record, data, env, entry)

    def _keep_fixed(self, data: Outcome, env: Env, entry: AssessedEntry | None) -> IndicatorResult:
        """The record of an indicator that reads no data, fixed by the outcome and the assessors' entry."""
        key = (data.points, data.status, data.reason, data.threshold, None if entry is None else entry.points, None if entry is None else entry.note)
        return self.interned.get(key) or intern(self.interned, key, self._record, data, env, entry)

    def _keep_few(self, data: Outcome, env: Env, entry: AssessedEntry | None) -> IndicatorResult:
        """The record of an indicator that reads a few yes/no or choice values, fixed by the outcome and those values
        (unless the assessors decided)."""
        if entry is not None:
            return self._record(data, env, entry)
        # The threshold record is keyed by identity and kept in the entry, so that its id is never reused.
        single = self.single_read
        shared_key = (data.points, data.status, data.reason, id(data.threshold), env.get(single) if single is not None else self.value_key(env))
        found = self.interned.get(shared_key)
        if found is None:
            found = intern(self.interned, shared_key, lambda: (data.threshold, self._record(data, env, None, shared=True)))
        return found[1]  # type: ignore[no-any-return]

    def _keep_valued(self, data: Outcome, env: Env, entry: AssessedEntry | None) -> IndicatorResult:
        """The record of an indicator that reads one number (a threshold's input), shared between communes with the same
        outcome and value: reported values repeat (percentages to one decimal), and a record costs several times a look-up.
        Zero (0.0 and -0.0 are one key but print differently), values of other types and assessors' decisions get their own."""
        value = env.get(self.single_read)  # type: ignore[arg-type]
        if entry is not None or value.__class__ is not float or not value:
            return self._record(data, env, entry)
        key = (data.points, data.status, data.reason, id(data.threshold), value)
        found = self.interned.get(key)
        if found is None:  # the threshold record is keyed by identity and kept in the entry, so that its id is never reused
            found = intern(self.interned, key, lambda: (data.threshold, self._record(data, env, None, shared=True)), limit=VALUED_LIMIT)
        return found[1]  # type: ignore[no-any-return]

    def _scorer(self) -> Callable[[Env, Mapping[str, AssessedEntry]], IndicatorResult] | None:
        """`evaluate`, as the per-commune engine calls it: the decision and the record's sharing chosen once here rather
        than tested per commune (the per-commune hot path). None for an indicator whose data outcome is one constant:
        the compiled ruleset looks its records up with the others' (`CompiledRuleset.evaluate_prepared`)."""
        if self.usual is not None:
            return None
        ind_id = self.id
        decide, hit, failed, otherwise, not_applicable, keep = self.decide, self.hit, self.failed, self.otherwise, self.not_applicable, self.keep

        def scored(env: Env, assessed: Mapping[str, AssessedEntry]) -> IndicatorResult:
            index, reason = decide(env)  # `outcome`, inline
            if index >= 0:
                data = hit(index, env)
            elif reason is otherwise:
                data = failed(env)
            else:
                data = not_applicable if reason is _NA_REASON else _UNKNOWN[reason]
            return keep(data, env, assessed.get(ind_id))
        return scored

    def value_key(self, env: Env) -> Any:
        """The values this indicator reads (one value, or a tuple of them): with the outcome, they fix its records."""
        single = self.single_read
        return env.get(single) if single is not None else tuple([env.get(name) for name in self.reads])

    def _record(self, data: Outcome, env: Env, entry: AssessedEntry | None, shared: bool = False) -> IndicatorResult:
        state = self.static.copy()
        points, status = data.points, data.status
        if entry is not None and status in ASSESSED_REPLACES:
            if not self.evidence_only:
                state["data_points"], state["data_status"] = points, status
            points, status = entry.points, _ASSESSED
            state["reason"], state["assessed_note"] = _ASSESSED_REASON, entry.note
        else:
            state["reason"] = data.reason
        state["points"], state["status"], state["threshold"] = points, status, data.threshold
        single = self.single_read
        if single is not None:
            state["values"] = {single: env.get(single)}
        elif self.reads:
            state["values"] = {name: env.get(name) for name in self.reads}
        else:
            state["values"] = NO_VALUES
        if shared:
            state["values"] = FrozenDict(state["values"])  # shared between communes: read-only
        record = _new(IndicatorResult)  # engine-made values: no re-validation (see fast.py)
        set_state(record, state)
        set_fields_set(record, _INDICATOR_FIELDS)
        set_extra(record, None)
        set_private(record, None)
        return record


# Outcomes of data that cannot decide (the same for every indicator): status from the reason, no points.
_UNKNOWN = {reason: Outcome(0.0, STATUS_OF[reason], reason) for reason in Reason if STATUS_OF[reason] is Status.MISSING_DATA}
_ASSESSED, _ASSESSED_REASON, _NA_REASON = Status.ASSESSED, Reason.ASSESSED, Reason.NOT_APPLICABLE
_new = object.__new__
_ENTRY_KEY = operator.attrgetter("points", "note")  # what fixes the record of an evidence-judged indicator
_NO_ENTRY = SimpleNamespace(points=None, note=None)  # no assessors' entry, for `_ENTRY_KEY`
_INDICATOR_FIELDS = set(IndicatorResult.model_fields)
# The records this module fills by hand, checked against their models at import (see `StateTemplate`).
_INDICATOR_STATE = StateTemplate(IndicatorResult, ("id", "criterion", "title", "kind", "points", "max", "status", "reason", "provisional", "knockout",
                                                   "knockout_failed", "values", "threshold", "source", "note", "data_points", "data_status", "assessed_note"))


class CompiledRuleset:
    """A validated ruleset compiled for evaluation. Build it with `compile_ruleset`."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.stamp = RulesetStamp.of(ruleset, content_hash(ruleset))
        env = expression_env(ruleset)
        ctx = KindContext(env=env)
        self.indicators = tuple(CompiledIndicator(ind, crit.id, ctx, ruleset.recognition, ruleset.inputs) for crit in ruleset.criteria for ind in crit.indicators)
        fixed = tuple(ci for ci in self.indicators if ci.usual is not None)  # see `evaluate_prepared`
        self.fixed, self.fixed_ids, self.fixed_tables, self.no_entries = fixed, tuple(ci.id for ci in fixed), tuple(ci.by_entry for ci in fixed), (_NO_ENTRY,) * len(fixed)
        self.scorers = tuple(None if ci.usual is not None else ci.scored for ci in self.indicators)
        self.indicator_models = {ci.model.id: ci.model for ci in self.indicators}
        positions = {ci.model.id: i for i, ci in enumerate(self.indicators)}
        self.shapes = tuple(CriterionShape(crit, tuple(positions[ind.id] for ind in crit.indicators)) for crit in ruleset.criteria)
        self.recognition = RecognitionRule([ci.model for ci in self.indicators], self.shapes, ruleset.recognition)
        self.derived = _derived_in_order(ruleset, env)
        self.zoning = tuple((rule.zone, compile_expression(parse_expression(rule.when, COMMUNE_ATTRIBUTES, "bool"))) for rule in ruleset.classification.zoning.rules)
        self.region_ids = _name_table((r.id, r.vi, r.en) for r in ruleset.classification.regions)
        self.terrain_ids = _name_table((t.id, t.vi, t.en) for t in ruleset.classification.terrains)
        self.terrain_groups = {t.id: t.group for t in ruleset.classification.terrains}
        self.region_names = {r.id: Text(vi=r.vi, en=r.en) for r in ruleset.classification.regions}
        self.readers = _readers(self.indicators, ruleset, env)
        # input id → the derived inputs computed from it, directly or not (a planned change must keep them in bounds)
        self.feeds: dict[str, frozenset[str]] = _feeds(ruleset, env)
        self.converters = {name: converter(spec) for name, spec in ruleset.inputs.items()}
        # (low, high, whole) of the inputs read as numbers (percent, number, count): a float within them (and whole, for
        # a count) is its own value, as is a boolean for a yes/no input; `prepare` keeps those without calling the
        # converter (most values of a table are such).
        self.number_bounds = {name: (*_number_bounds(spec), spec.type == "count") for name, spec in ruleset.inputs.items()
                              if spec.type in ("percent", "number", "count")}
        self.yes_no_inputs = frozenset(name for name, spec in ruleset.inputs.items() if spec.type == "yes_no")
        # A derived value must lie within its declared bounds too (99999 latrines for 2650 households is a typo).
        self.derived_bounds = {name: tuple(-math.inf if b is None and i == 0 else math.inf if b is None else b for i, b in enumerate(ruleset.inputs[name].bounds()))
                               for name, _ in self.derived}
        # Assessors' points must lie in [0, max] and on the indicator's step, when it has one.
        self.assessed_limits = {ind.id: (ind.max_points, getattr(ind, "step", None)) for ind in self.indicator_models.values()}
        self.assessed_accepted: set[tuple[str, float]] = set()  # (indicator, points) pairs already found valid

    # --- preparation helpers used by `prepare` ---
    def derive(self, env: dict[str, Any]) -> list[str]:
        """Compute derived inputs (in dependency order) unless the commune gave them directly; the names computed."""
        computed = []
        for name, fn in self.derived:
            if env.get(name) is None:
                env[name] = fn(env)
                if env[name] is not None:
                    computed.append(name)
        return computed

    def beyond_bounds(self, name: str, value: Any) -> bool:
        """Whether `value`, computed for the derived input `name`, leaves its declared bounds: the row is refused (`prepare`)
        and a plan may not go there (`planning/options.py`); the column-wise evaluator marks such rows alike (`out_of_bounds`)."""
        low, high = self.derived_bounds[name]
        return isinstance(value, float) and not low <= value <= high

    def zone_of(self, given: int | None, env: Env) -> tuple[int | None, str]:
        """The zone stated by the province, else the first zoning rule that holds, else the default (unknown when a
        rule before the one that holds cannot be decided); and where it came from (`zone_source`)."""
        if given is not None:
            return given, zone_source(given, given)
        for zone, rule in self.zoning:
            holds = rule(env)
            if holds is None:
                return None, zone_source(None, None)
            if holds:
                return zone, zone_source(None, zone)
        default = self.ruleset.classification.zoning.default
        return default, zone_source(None, default)

    def first_reader(self, input_id: str) -> str | None:
        readers = self.readers.get(input_id)
        return readers[0] if readers else None

    # --- evaluation ---
    def evaluate(self, data: CommuneData) -> CommuneResult:
        """Score one commune (raises `CommuneDataError` when its data cannot be read)."""
        return self.evaluate_prepared(prepare(self, data))

    def evaluate_prepared(self, prepared: PreparedCommune) -> CommuneResult:
        env = prepared.env
        assessed = prepared.assessed
        # The indicators whose data outcome is one constant (about two thirds of a national ruleset: evidence judged by
        # the assessors) have records fixed by the assessors' entry alone: all looked up at once, by C-level maps.
        entries = list(map(assessed.get, self.fixed_ids, self.no_entries))
        found: list[Any] = list(map(dict.get, self.fixed_tables, map(_ENTRY_KEY, entries)))
        if not all(found):  # a record not made yet (records are objects, always true)
            for i, record in enumerate(found):
                if record is None:
                    ci, entry = self.fixed[i], entries[i]
                    found[i] = ci._keep_usual(ci.usual, env, None if entry is _NO_ENTRY else entry)  # type: ignore[arg-type]
        take = iter(found).__next__
        return self.assemble(prepared, [take() if scored is None else scored(env, assessed) for scored in self.scorers])

    def assemble(self, prepared: PreparedCommune, results: list[IndicatorResult]) -> CommuneResult:
        """Criteria, verdict, gaps and the commune's result from its indicator results."""
        env = prepared.env
        judgement = judge(results, self.recognition)
        gaps = build_gaps(results, self.indicators, env, judgement)
        data = prepared.data
        as_of = _as_of(data.as_of)
        region = prepared.region
        # Both states name every field in declaration order (`identity_state` does so for the identity).
        return _RESULT.new({
            "ruleset": self.stamp, "commune": _IDENTITY.new(identity_state(data.commune, as_of)), "as_of": as_of, "zone": prepared.zone,
            "zone_source": prepared.zone_source, "region": region, "total": judgement.total, "criteria": judgement.criteria,
            "indicators": tuple(results), "verdict": judgement.verdict, "recognised": RECOGNISED_FLAG[judgement.verdict], "reasons": judgement.reasons,
            "gaps": gaps, "provisional_count": judgement.provisional_count, "provisional_decides": judgement.provisional_decides,
            "knockouts_failed": judgement.knockouts_failed, "missing_count": judgement.missing_count,
            "region_name": self.region_names.get(region) if region else None,
        })


_RESULT, _IDENTITY = template_of(CommuneResult), template_of(CommuneIdentity)


def zone_source(given: int | None, zone: int | None) -> str:
    """Where a commune's zone came from: stated by the province, derived by the zoning rules, or unknown."""
    return "given" if given is not None else "derived" if zone is not None else "unknown"


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Compile a validated ruleset once; evaluate many communes with `.evaluate(data)`."""
    return CompiledRuleset(ruleset)


def _as_of(value: Any) -> Any:
    if isinstance(value, int):
        return dt.date(value, 12, 31)
    return value


def _number_bounds(spec: Any) -> tuple[float, float]:
    low, high = spec.bounds()
    return (-math.inf if low is None else low, math.inf if high is None else high)


def _name_table(rows: Any) -> dict[str, str]:
    table: dict[str, str] = {}
    for ident, vi, en in rows:
        for name in (ident, vi, en):
            table[fold(name)] = ident
    return table


def _derived_in_order(ruleset: Ruleset, env: Mapping[str, Any]) -> tuple[tuple[str, Callable[[Env], Any]], ...]:
    parsed = {name: parse_expression(spec.expr, env) for name, spec in ruleset.inputs.items() if spec.expr}
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        for dep in sorted(parsed[name].names & parsed.keys()):
            visit(dep)
        ordered.append(name)

    for name in parsed:
        visit(name)
    return tuple((name, compile_expression(parsed[name])) for name in ordered)


def _feeds(ruleset: Ruleset, env: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    sources = {name: parse_expression(spec.expr, env).names for name, spec in ruleset.inputs.items() if spec.expr}
    feeds: dict[str, set[str]] = {}
    for name in sources:
        stack, seen = list(sources[name]), set()
        while stack:
            source = stack.pop()
            if source not in seen:
                seen.add(source)
                feeds.setdefault(source, set()).add(name)
                stack.extend(sources.get(source, ()))
    return {name: frozenset(found) for name, found in feeds.items()}


def _readers(indicators: tuple[CompiledIndicator, ...], ruleset: Ruleset, env: Mapping[str, Any]) -> dict[str, list[str]]:
    """input id → the indicators that read it, directly or through derived inputs."""
    sources = {name: parse_expression(spec.expr, env).names for name, spec in ruleset.inputs.items() if spec.expr}
    readers: dict[str, list[str]] = {}

    def add(name: str, indicator: str, seen: frozenset[str] = frozenset()) -> None:
        readers.setdefault(name, [])
        if indicator not in readers[name]:
            readers[name].append(indicator)
        for dep in sources.get(name, ()):
            if dep not in seen:
                add(dep, indicator, seen | {name})

    for ci in indicators:
        for name in ci.reads:
            add(name, ci.model.id)
    return readers
