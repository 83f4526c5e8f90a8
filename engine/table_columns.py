"""Read a table of communes column by column into the column-wise evaluator's arrays (issue 19, item 1).

The table is found as `chuanxa.communes.readers` finds it (header and title rows, non-commune rows, the
fraction rule), then each data column is converted at once: every distinct cell text goes through the same
converter the per-commune preparation uses (`CompiledRuleset.converters`, the assessed-points model and limits),
so a column of 10,000 rates costs a few hundred conversions and one array. The communes' records (code, name,
place checked against the official lists) are checked column-wise too (`table_identities`).

A row that any of these checks doubts — a cell that does not convert, an identity that does not validate, a
repeated code, a refused fraction, a derived input beyond its bounds — is read again by the row-by-row reader
(`readers.check_row`, then `prepare`), which gives the rejection with its usual messages and locations, or
accepts the row after all. So the rejections are those of the row path by construction, every row is either
in the arrays or rejected, and a test checks both readers agree on example files and generated bad tables.
Workbooks with more than one data sheet are read by the row path altogether (`ColumnRead.fast` is False).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from chuanxa.communes.model import AssessedEntry, CommuneData, CommuneInfo
from chuanxa.communes.readers import TableRead, TableRow, check_row, find_tables, iter_found, read_fractions, read_found
from chuanxa.communes.sheets import DEFAULT_LIMITS, ReadLimits
from chuanxa.communes.tables import FoundTable
from chuanxa.communes.values import is_blank
from chuanxa.errors import ChuanxaError, CommuneDataError

from .batching import locate_error, row_error
from .columnar import ColumnarEvaluator, ColumnarResult
from .prepare import PreparedCommune, assessed_points_ok, prepare
from .results import RowError
from .summary import Identity, SummaryTable
from .table_identities import read_identities

_BAD = np.inf  # a cell that did not convert (no accepted value is infinite: every converter refuses infinities)


@dataclass
class ColumnRead:
    """A table read into arrays: `columns` in the evaluator's layout for the accepted rows (sheet row numbers in
    `rows`), their identities (the commune record, the date and the region: what a summary shows), and every other data row in `rejected` as (row, error), in row order."""

    columns: dict[str, np.ndarray]
    rows: np.ndarray
    identities: list[Identity]
    rejected: list[tuple[int, RowError]]
    table: TableRead  #: notices, unknown columns, skipped sheets (its `rows` and `errors` stay empty)
    fast: bool  #: False when the table was read row by row (a workbook with several data sheets)
    file: str = ""
    again: Callable[[int], PreparedCommune | RowError] | None = field(default=None, repr=False)  #: a row (by number) read by the row path

    def __len__(self) -> int:
        return len(self.rows)


def read_columns(path: Path, evaluator: ColumnarEvaluator, *, header_row: int | None = None, sheet: str | None = None,
                 limits: ReadLimits = DEFAULT_LIMITS) -> ColumnRead:
    """The accepted communes of a CSV or XLSX table as evaluator columns, and the rejected rows with their errors.

    Raises as `read_table` does for a file that holds no table. Derived inputs beyond their bounds are found when
    the columns are evaluated: `evaluate_read` rejects those rows (with the row path's message)."""
    core = evaluator.engine
    tables, table = find_tables(path, sheet, header_row, core.ruleset, limits)
    if len(tables) != 1 or len(set(tables[0][1].mapping.values())) != len(tables[0][1].mapping):
        return _row_by_row(path, evaluator, read_found(path, tables, table, core.ruleset))  # several data sheets, or two columns for one field
    grid, found = tables[0]
    file = str(path)
    ambiguous = read_fractions(grid, found, core.ruleset, file, table.notices)
    body = found.rows
    n = len(body)
    plan = _Plan(found)
    cells = _transposed(body, max(found.mapping, default=-1) + 1)
    doubtful = np.zeros(n, dtype=bool)
    doubtful[[i for i, (number, _) in enumerate(body) if number in ambiguous]] = True
    values: dict[str, np.ndarray] = {}
    for name, index in plan.values.items():
        values[name] = _convert(cells[index], _value_converter(core.converters[name], evaluator._number))
        doubtful |= np.isinf(values[name])
    assessed: dict[str, np.ndarray] = {}
    for ind_id, index in plan.points.items():
        limit = core.assessed_limits[ind_id]
        assessed[ind_id] = _convert(cells[index], partial(_points, limit=limit))
        doubtful |= np.isinf(assessed[ind_id])
    for index in plan.notes.values():
        doubtful |= np.isinf(_convert(cells[index], _note))
    identities, attributes = read_identities(cells, plan.commune, plan.as_of, core, evaluator, doubtful)

    seen: dict[str, str] = {}
    kept: list[int] = []
    retried: dict[int, Identity] = {}
    rejected: list[tuple[int, RowError]] = []

    def by_row(i: int, codes: dict[str, str]) -> PreparedCommune | RowError:
        """Row `i` read and prepared by the row-by-row reader: accepted, or its rejection."""
        number, row_cells = body[i]
        checked = check_row(number, row_cells, found, file, ambiguous, codes, None)
        if not isinstance(checked, TableRow):
            return row_error(checked, file, number, checked.location.commune)
        try:
            return prepare(core, checked.data)
        except ChuanxaError as exc:
            locate_error(exc, {"file": file, "columns": checked.columns}, number)
            return row_error(exc, file, number, checked.data.commune.code)

    retried_prepared: dict[int, PreparedCommune] = {}
    for i, (number, _) in enumerate(body):
        identity = identities[i]
        if identity is not None and identity.commune.code not in seen:
            seen[identity.commune.code] = str(number)
            kept.append(i)
            continue
        outcome = by_row(i, seen)
        if isinstance(outcome, RowError):
            rejected.append((number, outcome))
        else:
            retried_prepared[i] = outcome
            retried[i] = Identity.of(outcome)
            kept.append(i)
    columns = _assemble(evaluator, kept, values, assessed, attributes, retried_prepared)
    rows = np.array([body[i][0] for i in kept], dtype=np.int64)
    # A derived input beyond its bounds shows only once evaluated: such a row is read again (its code already
    # passed the check for repeats, so no codes are passed on).

    def again(number: int) -> PreparedCommune | RowError:
        return by_row(next(i for i, (n, _) in enumerate(body) if n == number), {})

    accepted = [retried[i] if i in retried else identities[i] for i in kept]
    return ColumnRead(columns, rows, [p for p in accepted if p is not None], rejected, table, True, file, again)


def _row_by_row(path: Path, evaluator: ColumnarEvaluator, read: TableRead) -> ColumnRead:
    """The row-by-row reader's answer in the same form (a workbook with several data sheets)."""
    core = evaluator.engine
    rejected = [(number, row_error(exc, str(path), number, exc.location.commune)) for number, exc in read.errors]
    kept: list[tuple[int, PreparedCommune]] = []
    for row in read.rows:
        file = f"{path} [{row.sheet}]" if row.sheet else str(path)
        try:
            kept.append((row.row, prepare(core, row.data)))
        except ChuanxaError as exc:
            locate_error(exc, {"file": file, "columns": row.columns}, row.row)
            rejected.append((row.row, row_error(exc, file, row.row, row.data.commune.code)))
    kept.sort(key=lambda pair: pair[0])
    rejected.sort(key=lambda pair: pair[0])
    table = TableRead(unknown_columns=read.unknown_columns, column_hints=read.column_hints, skipped_sheets=read.skipped_sheets, notices=read.notices)
    prepared = [p for _, p in kept]
    columns = evaluator.columns_from_prepared(prepared)
    return ColumnRead(columns, np.array([n for n, _ in kept], dtype=np.int64), [Identity.of(p) for p in prepared], rejected, table, False, str(path))


def evaluate_read(read: ColumnRead, evaluator: ColumnarEvaluator) -> tuple[ColumnarResult, list[Identity], list[tuple[int, RowError]]]:
    """Evaluate the accepted rows of `read`; rows whose derived inputs leave their bounds are rejected as the row
    path rejects them. Returns the result, the identities of its rows and every rejection in row order."""
    result = evaluator.evaluate(read.columns)
    identities, rejected = read.identities, list(read.rejected)
    if result.out_of_bounds.any():
        keep = ~result.out_of_bounds
        for position in np.flatnonzero(result.out_of_bounds):
            number = int(read.rows[position])
            outcome = read.again(number) if read.again is not None else None
            assert outcome is not None, "the row path rejects derived inputs out of bounds when it reads"
            if isinstance(outcome, RowError):
                rejected.append((number, outcome))
            else:
                keep[position] = True  # accepted by the row path after all: kept as computed
        if not keep.all():
            columns = {name: column[keep] for name, column in read.columns.items()}
            identities = [p for p, k in zip(identities, keep.tolist()) if k]
            result = evaluator.evaluate(columns)
    rejected.sort(key=lambda pair: pair[0])
    return result, identities, rejected


class _Plan:
    """Which column of the table holds what: inputs, assessed points and notes, commune fields."""

    def __init__(self, found: FoundTable) -> None:
        self.values: dict[str, int] = {}
        self.points: dict[str, int] = {}
        self.notes: dict[str, int] = {}
        self.commune: dict[str, int] = {}
        self.as_of: int | None = None
        for index, place in found.mapping.items():
            if place[0] == "values":
                self.values[place[1]] = index
            elif place[0] == "assessed":
                (self.points if place[2] == "points" else self.notes)[place[1]] = index
            elif place == ("as_of",):
                self.as_of = index
            else:
                self.commune[place[1]] = index


def _transposed(body: Sequence[tuple[int, list[Any]]], width: int) -> list[Sequence[Any]]:
    """The body's cells column by column (`width` columns; a short row's missing cells are None)."""
    if not body:
        return [() for _ in range(width)]
    padded = [cells if len(cells) >= width else cells + [None] * (width - len(cells)) for _, cells in body]
    return list(zip(*padded))[:width] if width else []  # type: ignore[return-value]


def _convert(raw: Sequence[Any], convert: Callable[[Any], float]) -> np.ndarray:
    """A column of cells as floats: blank → NaN, each distinct cell converted once; `_BAD` where it fails."""
    kinds = set(map(type, raw))
    if len(kinds - {str, type(None)}) <= 1:
        # One kind of non-text cell at most (a CSV's text, a workbook's numbers): cells are told apart by value
        # alone (1, 1.0 and True, equal as keys, never meet), so each distinct one is converted once, in C loops.
        table = {value: (np.nan if is_blank(value) else convert(value)) for value in set(raw)}
        return np.fromiter(map(table.__getitem__, raw), dtype=np.float64, count=len(raw))
    seen: dict[tuple[type, Any], float] = {}
    out = []
    for value in raw:
        key = (value.__class__, value)
        found = seen.get(key)
        if found is None:
            found = np.nan if is_blank(value) else convert(value)
            if found == found:  # NaN keys (a float NaN cell) never match: converted every time, as blanks
                seen[key] = found
        out.append(found)
    return np.array(out, dtype=np.float64)


def _value_converter(convert: Callable[[Any], Any], number: Callable[[Any], float]) -> Callable[[Any], float]:
    def run(raw: Any) -> float:
        try:
            return number(convert(raw))
        except ValueError:
            return _BAD
    return run


def _points(raw: Any, *, limit: tuple[float, float | None]) -> float:
    """Assessed points as the commune model reads them and `prepare` accepts them; `_BAD` otherwise."""
    try:
        points = AssessedEntry.model_validate({"points": raw}).points
    except ValidationError:
        return _BAD
    return points if assessed_points_ok(limit, points) else _BAD


def _note(raw: Any) -> float:
    try:
        AssessedEntry.model_validate({"points": 0, "note": raw})
    except ValidationError:
        return _BAD
    return 0.0


def _assemble(evaluator: ColumnarEvaluator, kept: list[int], values: dict[str, np.ndarray], assessed: dict[str, np.ndarray],
              attributes: dict[str, np.ndarray], retried: Mapping[int, PreparedCommune]) -> dict[str, np.ndarray]:
    """The evaluator's columns for the kept rows; rows the row path accepted after all take its values."""
    take = np.array(kept, dtype=np.intp)
    core = evaluator.engine
    columns: dict[str, np.ndarray] = {}
    for name, spec in core.ruleset.inputs.items():
        columns[name] = values[name][take] if name in values else np.full(len(take), np.nan)
    for name, column in attributes.items():
        columns[name] = column[take]
    for ind_id, column in assessed.items():
        columns[f"assessed:{ind_id}"] = column[take]
    if retried:
        positions = {i: k for k, i in enumerate(kept)}
        again = evaluator.columns_from_prepared([retried[i] for i in retried])
        slots = np.array([positions[i] for i in retried], dtype=np.intp)
        for name, column in again.items():
            if name == "__n__":
                continue
            if name not in columns:
                columns[name] = np.full(len(take), np.nan)
            columns[name][slots] = column
    columns["__n__"] = np.zeros(len(take))
    return columns
def summarise_read(read: ColumnRead, evaluator: ColumnarEvaluator) -> tuple[SummaryTable, list[tuple[int, RowError]]]:
    """The summaries of the accepted rows of `read` as arrays (each record equal to the per-commune engine's
    summary), and every rejection in row order."""
    result, identities, rejected = evaluate_read(read, evaluator)
    return SummaryTable(evaluator.engine, identities, result), rejected


def table_rows(path: Path, ruleset: Any, *, header_row: int | None = None, sheet: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
               ) -> tuple[TableRead, Iterator[tuple[int, TableRow | CommuneDataError]]]:
    """The rows of a table one at a time, as the row reader checks them (`readers.iter_found`, which builds each
    record from its parts); the `TableRead` holds the notices (complete once the rows are exhausted)."""
    tables, table = find_tables(path, sheet, header_row, ruleset, limits)
    return table, iter_found(path, tables, table, ruleset)
