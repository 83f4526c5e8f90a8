"""Column-wise evaluation: a whole table of communes at once, with NumPy arrays per input.

Compiled from the same `CompiledRuleset` as the per-commune engine and giving the same points, statuses,
reasons, criterion subtotals and verdicts (a test checks this on generated communes for every bundled
ruleset). It returns arrays, not records: `to_results` builds full `CommuneResult`s (explanations, gaps) for
the rows a caller wants to show, through the per-commune engine.

Table layout (`columns`): every entered input as float64 (missing = NaN; yes/no 1/0; text as a code of the
evaluator's `vocab`), a derived input only where it was entered directly, the commune attributes `region`,
`terrain`, `terrain_group` (codes), `distance_km`, `difficult_terrain`, `zone_given`, and `assessed:ID` for
the appraisal team's points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.checks import COMMUNE_ATTRIBUTES, expression_env
from chuanxa.criteria.expressions import parse_expression

from .columnar_expr import ArrayFn, Vocabulary, compile_array, compile_array_node
from .compiled import CompiledRuleset
from .lowering import ASSESSED_REPLACES, STATUS_OF, Lowered, reached
from .prepare import PreparedCommune, prepare
from .recognition import STATUSES, VERDICTS, Recognised
from .results import CommuneResult, Reason, Status, Verdict

REASONS: tuple[Reason, ...] = tuple(Reason)
S = {s: np.int8(i) for i, s in enumerate(STATUSES)}
R = {r: np.int8(i) for i, r in enumerate(REASONS)}
_PLAIN = {float, int, bool, type(None)}  # values NumPy turns into float64 as `_number` does
_STATUS_BY_REASON = np.array([S[STATUS_OF[r]] for r in REASONS], dtype=np.int8)  # reason code → status code (one table)
_REPLACED = np.array([s in ASSESSED_REPLACES for s in STATUSES])  # status code → whether the assessors' points replace it (step 5)


@dataclass
class ColumnarResult:
    """Arrays for n communes and k indicators (in ruleset order) and c criteria."""

    points: np.ndarray  # [n, k] float64 (a transposed view of indicator-major storage); float32 turned 0.7 into 0.69999999
    status: np.ndarray  # [n, k] int8, index into STATUSES
    reason: np.ndarray  # [n, k] int8, index into REASONS
    criterion_points: np.ndarray  # [n, c]
    criterion_max: np.ndarray  # [n, c]
    floor_met: np.ndarray  # [n, c] bool
    total: np.ndarray  # [n]
    total_max: np.ndarray  # [n]
    verdict: np.ndarray  # [n] int8, index into VERDICTS
    provisional_decides: np.ndarray  # [n] bool
    zone: np.ndarray  # [n] float (NaN unknown)
    out_of_bounds: np.ndarray  # [n] bool: a derived input left its declared bounds (the per-commune path refuses such a row)
    recognised: Recognised  # the recognition rule's whole answer (criterion-major arrays)

    def verdicts(self) -> list[Verdict]:
        return [VERDICTS[i] for i in self.verdict]


class ColumnarEvaluator:
    """Evaluate tables of communes with arrays. Build once per compiled ruleset."""

    def __init__(self, engine: CompiledRuleset) -> None:
        self.engine = engine
        rs = engine.ruleset
        self.vocab = Vocabulary()
        for region in rs.classification.regions:
            self.vocab.code(region.id)
        for terrain in rs.classification.terrains:
            self.vocab.code(terrain.id)
            self.vocab.code(terrain.group)
        for spec in rs.inputs.values():
            for choice in spec.choices or ():
                self.vocab.code(choice.id)
        env = expression_env(rs)
        self.derived = [(name, compile_array(parse_expression(str(rs.inputs[name].expr), env), self.vocab)) for name, _ in engine.derived]  # derived: expr set
        self.zoning = [(rule.zone, compile_array(parse_expression(rule.when, COMMUNE_ATTRIBUTES, "bool"), self.vocab)) for rule in rs.classification.zoning.rules]
        self.env = env
        self.forms = [self._compile(ci.lowered) for ci in engine.indicators]

    # --- building tables ---
    def columns_from_communes(self, communes: Sequence[CommuneData]) -> dict[str, np.ndarray]:
        """Columns for `communes` (checked and typed by the per-commune preparation; raises on bad data)."""
        return self.columns_from_prepared([prepare(self.engine, data) for data in communes])

    def columns_from_prepared(self, rows: Sequence[PreparedCommune]) -> dict[str, np.ndarray]:
        """Columns for communes already checked by `prepare` (so that a caller can reject bad rows one by one)."""
        n = len(rows)
        cols: dict[str, np.ndarray] = {}
        envs = [r.env for r in rows]
        for name, spec in self.engine.ruleset.inputs.items():
            if spec.derived:
                cols[name] = np.array([self._number(r.env.get(name)) if name in r.data.values else np.nan for r in rows], dtype=float)
            else:
                cols[name] = self._numbers([env.get(name) for env in envs])
        for attr in ("region", "terrain", "terrain_group", "distance_km", "difficult_terrain"):
            cols[attr] = self._numbers([env.get(attr) for env in envs])
        cols["zone_given"] = np.array([r.data.commune.zone if r.data.commune.zone is not None else np.nan for r in rows], dtype=float)
        given: dict[str, list[float]] = {}  # the appraisal's points, row by row (few per row): one pass over the rows
        for i, r in enumerate(rows):
            for ident, entry in r.assessed.items():
                points = given.get(ident)
                if points is None:
                    points = given[ident] = [np.nan] * n
                points[i] = entry.points
        for ci in self.engine.indicators:
            if ci.model.id in given:
                cols[f"assessed:{ci.model.id}"] = np.array(given[ci.model.id], dtype=float)
        cols["__n__"] = np.zeros(n)
        return cols

    def _numbers(self, values: list[Any]) -> np.ndarray:
        """`_number` of each value, as one array; numbers and None only (the usual column) are converted at once."""
        if set(map(type, values)) <= _PLAIN:
            return np.array(values, dtype=float)  # None becomes NaN, True 1.0, False 0.0: what `_number` gives
        return np.array([self._number(v) for v in values], dtype=float)

    def _number(self, value: Any) -> float:
        """A value as the float64 the arrays hold: text as its vocabulary code, a date as its day number."""
        if value is None:
            return np.nan
        if isinstance(value, str):
            return self.vocab.code(value)
        if isinstance(value, dt.date):
            return float(value.toordinal())  # dates are only compared with dates, so day numbers order them alike
        return float(value)

    # --- evaluation ---
    def evaluate(self, columns: Mapping[str, np.ndarray]) -> ColumnarResult:
        """Score every row of `columns` at once."""
        n = len(next(iter(columns.values())))
        cols = dict(columns)
        out_of_bounds = np.zeros(n, dtype=bool)
        for name, fn in self.derived:
            given = cols.get(name)
            computed = fn(cols, n)
            low, high = self.engine.derived_bounds[name]
            with np.errstate(invalid="ignore"):  # `CompiledRuleset.beyond_bounds` over a column; NaN (unknown) is not beyond
                beyond = (computed < low) | (computed > high)
            out_of_bounds |= beyond if given is None else (beyond & np.isnan(given))
            cols[name] = computed if given is None else np.where(np.isnan(given), computed, given)
        cols["zone"] = self._zone(cols, n)
        k = len(self.engine.indicators)
        # Indicator-major storage: each indicator's column is contiguous, which keeps writes and sums cache-friendly.
        points = np.zeros((k, n), dtype=np.float64)
        status = np.zeros((k, n), dtype=np.int8)
        reason = np.zeros((k, n), dtype=np.int8)
        for j, ci in enumerate(self.engine.indicators):
            self._indicator(j, ci, cols, n, points[j], status[j], reason[j])
        return self._judge(points, status, reason, cols["zone"], out_of_bounds)

    def _zone(self, cols: dict[str, np.ndarray], n: int) -> np.ndarray:
        zone = np.full(n, np.nan)
        open_ = np.ones(n, dtype=bool)
        for value, rule in self.zoning:
            holds = rule(cols, n)
            unknown = np.isnan(holds) & open_
            open_ &= ~unknown  # an undecidable rule leaves the zone unknown, as the per-commune engine does
            hit = (holds == 1.0) & open_
            zone[hit] = value
            open_ &= ~hit
        zone[open_] = self.engine.ruleset.classification.zoning.default
        given = cols.get("zone_given")
        return zone if given is None else np.where(np.isnan(given), zone, given)

    def _indicator(self, j: int, ci: Any, cols: dict[str, np.ndarray], n: int, points: np.ndarray, status: np.ndarray, reason: np.ndarray) -> None:
        """The indicator's intermediate form (`engine/lowering.py`) decided over arrays, step by step as documented
        there, into its rows of the tables (`points` starts at zero)."""
        applies, requires, levels, otherwise, na_points = self.forms[j]
        reason.fill(R[Reason.MISSING_VALUE])
        open_ = np.ones(n, dtype=bool)  # rows not decided yet
        if applies is not None:
            a = applies(cols, n)
            open_ &= ~np.isnan(a)  # unknown applicability: missing value
            not_applicable = open_ & (a == 0.0)
            np.copyto(points, na_points, where=not_applicable)
            np.copyto(reason, R[Reason.NOT_APPLICABLE], where=not_applicable)
            open_ &= ~not_applicable
        for required, code in requires:
            unknown = open_ & np.isnan(required(cols, n))
            np.copyto(reason, code, where=unknown)
            open_ &= ~unknown
        for holds_fn, level_points, unknown_code, hit_code in levels:
            holds = holds_fn(cols, n)
            unknown = open_ & np.isnan(holds)
            np.copyto(reason, unknown_code, where=unknown)
            open_ &= ~unknown
            hit = open_ & (holds == 1.0)
            np.copyto(points, level_points, where=hit)
            np.copyto(reason, hit_code, where=hit)
            open_ &= ~hit
        np.copyto(reason, otherwise, where=open_)
        np.take(_STATUS_BY_REASON, reason, out=status)
        given = cols.get(f"assessed:{ci.model.id}")
        if given is not None:
            use = ~np.isnan(given) & _REPLACED[status]
            np.copyto(points, given, where=use)
            np.copyto(status, S[Status.ASSESSED], where=use)
            np.copyto(reason, R[Reason.ASSESSED], where=use)

    def _compile(self, lowered: Lowered) -> tuple[Any, ...]:
        """The NumPy compiler of the intermediate form: each tree as a function of the columns."""
        def node(tree: Any) -> ArrayFn:
            return compile_array_node(tree, self.vocab)

        return (node(lowered.applies) if lowered.applies is not None else None,
                tuple((node(tree), R[code]) for tree, code in lowered.requires),
                tuple((node(level.when), level.points, R[level.unknown], R[reached(level.points, lowered.max_points)]) for level in lowered.levels),
                R[lowered.otherwise], lowered.max_points if lowered.award_not_applicable else 0.0)

    # --- recognition ---
    def _judge(self, points: np.ndarray, status: np.ndarray, reason: np.ndarray, zone: np.ndarray, out_of_bounds: np.ndarray) -> ColumnarResult:
        """The one recognition rule (`engine/recognition.py`) on the indicator-major arrays."""
        found = self.engine.recognition.apply(points, status)
        return ColumnarResult(points=points.T, status=status.T, reason=reason.T, criterion_points=found.criterion_points.T, criterion_max=found.criterion_max.T,
                              floor_met=found.floor_met.T, total=found.total, total_max=found.total_max, verdict=found.verdict,
                              provisional_decides=found.provisional_decides, zone=zone, out_of_bounds=out_of_bounds, recognised=found)

    def to_results(self, communes: Sequence[CommuneData], rows: Sequence[int]) -> list[CommuneResult]:
        """Full results with explanations and gaps for the chosen rows (through the per-commune engine)."""
        return [self.engine.evaluate(communes[i]) for i in rows]
