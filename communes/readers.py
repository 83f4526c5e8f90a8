"""Read commune data: one commune from YAML/JSON, many from CSV/XLSX (one row per commune).

Tables are read as officers lay them out (`tables`), their headers matched as officers word them (`headers`),
within limits on size (`sheets`). Unknown columns are reported, never silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from chuanxa.errors import ChuanxaError, CommuneDataError, Location, close_matches, file_problem

from .headers import COMMUNE_HEADERS, HeaderMatcher
from .headers import match_headers as _match_headers
from .model import AsOf, AssessedEntry, CommuneData, CommuneInfo
from .sheets import DEFAULT_LIMITS, Grid, ReadLimits, read_grids, table_text
from .tables import FoundTable, TableNotice, find_table
from .values import fold, is_blank, parse_number

if TYPE_CHECKING:
    from chuanxa.criteria.model import Ruleset

def read_commune_file(path: Path) -> CommuneData:
    """One commune from a YAML or JSON file (the documented commune file)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        raise CommuneDataError(key="data.table_not_commune", params={"name": path.name}, location=Location(file=str(path)))
    if suffix not in (".yaml", ".yml", ".json"):
        raise CommuneDataError(key="data.bad_format", params={"suffix": suffix}, location=Location(file=str(path)))
    from chuanxa.criteria.yamlio import load_json_text, load_yaml_text, read_text_file, strip

    text = read_text_file(path, CommuneDataError)  # type: ignore[arg-type]
    if suffix == ".json":
        raw = load_json_text(text, str(path), CommuneDataError)  # type: ignore[arg-type]
    else:

        raw = strip(load_yaml_text(text, str(path), CommuneDataError))  # type: ignore[arg-type]
    return commune_from_mapping(raw, file=str(path))


def commune_from_mapping(raw: Any, file: str | None = None, row: int | None = None, columns: Mapping[tuple[str, ...], str] | None = None) -> CommuneData:
    """Validate a mapping shaped like the commune file; errors name the field (and column when known)."""
    if not isinstance(raw, Mapping):
        raise CommuneDataError(key="yaml.not_mapping", location=Location(file=file, row=row))
    try:
        return CommuneData.model_validate(dict(raw))
    except ValidationError as exc:
        errors = [_field_error(err, raw, file, row, columns or {}) for err in exc.errors()]
        errors[0].related = list(errors)
        raise errors[0] from None


def row_record(raw: dict[str, Any]) -> CommuneData | None:
    """The record `commune_from_mapping(raw)` gives for a table row's mapping (`_row_mapping`), or None when any
    part of it is refused (the caller then validates the whole row, for its located errors).

    Built from its parts instead of validating the whole mapping again: the commune's identity is validated (it
    is resolved against the official lists, once per row), each assessed entry and date once per distinct cell
    (a table repeats a few dozen of them), and the data values are kept as read, as the model keeps them. A test
    checks the records equal the whole validation's on the example tables and generated ones."""
    if raw.keys() - _ROW_FIELDS:
        return None
    try:
        commune = CommuneInfo.model_validate(raw["commune"])
    except ValidationError:
        return None
    assessed: dict[str, AssessedEntry] = {}
    for indicator, entry in raw["assessed"].items():
        points, note = entry["points"], entry.get("note")
        if points.__class__ is str and note is None:  # a CSV cell: its text is the key
            checked = _BY_TEXT[points] if points in _BY_TEXT else _text_entry(points)
        else:
            checked = _entry(points, note) if points.__class__ is float and points == 0 else _assessed_entry(points, note)  # 0.0, -0.0: one key
        if checked is None or not isinstance(indicator, str):
            return None
        assessed[indicator] = checked
    fields = {"commune", "values", "assessed"}
    as_of = None
    if "as_of" in raw:
        ok, as_of = _as_of_cell(raw["as_of"])
        if not ok:
            return None
        fields.add("as_of")
    return CommuneData.model_construct(_fields_set=fields, commune=commune, as_of=as_of, values=dict(raw["values"]), assessed=assessed, ruleset=None)


_ROW_FIELDS = frozenset(("commune", "values", "assessed", "as_of"))


def _entry(points: Any, note: Any) -> AssessedEntry | None:
    entry = {"points": points} if note is None else {"points": points, "note": note}
    try:
        return AssessedEntry.model_validate(entry)
    except ValidationError:
        return None


_assessed_entry = lru_cache(maxsize=4096, typed=True)(_entry)  # typed: 2, 2.0 and True are different cells
_BY_TEXT: dict[str, AssessedEntry | None] = {}


def _text_entry(points: str) -> AssessedEntry | None:
    checked = _entry(points, None)
    if len(_BY_TEXT) < 4096:
        _BY_TEXT[points] = checked
    return checked


@lru_cache(maxsize=1024, typed=True)
def _as_of_cell(value: Any) -> tuple[bool, Any]:
    try:
        return True, _AS_OF.validate_python(value)
    except ValidationError:
        return False, None


_AS_OF: TypeAdapter[Any] = TypeAdapter(AsOf)


def _field_error(err: Any, raw: Any, file: str | None, row: int | None, columns: Mapping[tuple[str, ...], str]) -> CommuneDataError:
    from chuanxa.criteria.loader import describe_invalid, plain_location

    loc = plain_location(err)
    commune = raw.get("commune", {}) if isinstance(raw, Mapping) else {}
    code = str(commune.get("code")) if isinstance(commune, Mapping) and commune.get("code") is not None else None
    name = loc[-1] if loc else "?"
    field_vi, field_en = field_words(loc)
    if row is not None:  # a table row: name the column as the officer wrote it, never an internal path
        location = Location(file=file, row=row, column=columns.get(loc) or field_vi, commune=code)
    else:
        location = Location(file=file, row=row, column=columns.get(loc), commune=code, path=loc)
    if err["type"] == "missing":
        return CommuneDataError(key="data.missing_field", params={"field": field_en, "field_vi": field_vi}, location=location)
    if err["type"] == "extra_forbidden":
        allowed = _COMMUNE_FIELDS if len(loc) == 2 and loc[0] == "commune" else _TOP_FIELDS
        return CommuneDataError(key="data.unknown_field", params={"field": ".".join(loc), "allowed": ", ".join(allowed), "suggestions": close_matches(name, allowed)},
                                location=location)
    plain_vi, plain_en = describe_invalid(err)
    hint = _vi_hint(name)
    value = err.get("input")
    if name == "province" and isinstance(value, str):  # the did-you-mean of the check, in Vietnamese too
        from chuanxa.admin.units import suggestions

        close = suggestions(value)
        hint += f" Có phải là: {', '.join(close)}?" if close else ""
    shown = value if not isinstance(value, (dict, list)) else "…"
    return CommuneDataError(key="data.bad_field", params={"field": field_en, "field_vi": field_vi, "value": shown, "expected": plain_en[:1].upper() + plain_en[1:] + ".",
                                                          "expected_vi": hint or (plain_vi[:1].upper() + plain_vi[1:] + ".")}, location=location)


def field_words(loc: tuple[str, ...]) -> tuple[str, str]:
    """A commune-file field in words: ("Mã xã", "code") for ('commune', 'code'); the path for anything else."""
    from .templates import COMMUNE_COLUMNS

    name = loc[-1] if loc else "?"
    if (len(loc) == 2 and loc[0] == "commune") or loc == ("as_of",):
        for field_name, vi, en in COMMUNE_COLUMNS:
            if field_name == name:
                return vi, f"{en} ({vi})"
    return ".".join(loc), ".".join(loc)


_TOP_FIELDS = ("commune", "as_of", "values", "assessed", "ruleset")
_COMMUNE_FIELDS = ("code", "name", "unit_type", "province", "former_province", "district", "former_district", "former", "sites", "region", "terrain",
                   "distance_km", "difficult_terrain", "zone")


def _vi_hint(field_name: str) -> str:
    return {
        "zone": "Vùng phải là 1, 2 hoặc 3.",
        "distance_km": "Khoảng cách là một số km không âm.",
        "difficult_terrain": "Ghi có hoặc không.",
        "as_of": "Ghi năm (ví dụ 2024) hoặc ngày (2024-12-31 hay 31/12/2024).",
        "points": "Điểm là một số.",
        "province": "Ghi tên tỉnh, thành phố hiện nay (34) hoặc tên tỉnh cũ trước 01/7/2025 (63), ví dụ Thanh Hóa, Gia Lai, Bình Định.",
    }.get(field_name, "")




@dataclass
class TableRow:
    """One data row of a table: its spreadsheet row number, the commune and which column held each field."""

    row: int
    data: CommuneData
    columns: dict[tuple[str, ...], str]
    sheet: str | None = None  # the XLSX sheet, when the workbook has more than one data sheet


@dataclass
class TableRead:
    rows: list[TableRow] = field(default_factory=list)
    errors: list[tuple[int, CommuneDataError]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    column_hints: dict[str, list[str]] = field(default_factory=dict)  # unknown column → the known headers it resembles
    skipped_sheets: list[str] = field(default_factory=list)  # non-empty sheets without a commune-code column
    notices: list[TableNotice] = field(default_factory=list)  # header rows taken, rows skipped and why, columns read as fractions


# Sheets that chuanxa's own data-entry template adds beside the data (lists for validation, the guide).
_TEMPLATE_SHEETS = {"danh muc", "lists", "huong dan", "guide"}


def read_table(path: Path, ruleset: "Ruleset", *, header_row: int | None = None, sheet: str | None = None,
               limits: ReadLimits = DEFAULT_LIMITS) -> TableRead:
    """Many communes from a CSV or XLSX file. Bad rows are collected in `errors`, never raised.

    In a workbook every sheet with a commune-code column in its header is read (e.g. one sheet per assessment
    round); other non-empty sheets are listed in `skipped_sheets` so that nothing is dropped unseen. The
    header is found among the first rows (`header_row` forces it, `sheet` picks one sheet); `notices` say
    which rows were taken and skipped, and why."""
    tables, result = find_tables(path, sheet, header_row, ruleset, limits)
    return read_found(path, tables, result, ruleset)


def read_found(path: Path, tables: list[tuple[Grid, FoundTable]], result: TableRead, ruleset: "Ruleset") -> TableRead:
    """`read_table` once its tables are found (`find_tables`): every data row checked, into `result`."""
    for number, checked in iter_found(path, tables, result, ruleset):
        if isinstance(checked, TableRow):
            result.rows.append(checked)
        else:
            result.errors.append((number, checked))
    return result


def iter_found(path: Path, tables: list[tuple[Grid, FoundTable]], result: TableRead, ruleset: "Ruleset") -> Iterator[tuple[int, TableRow | CommuneDataError]]:
    """The data rows of found tables one at a time, each checked (a reader that scores and lets go of each
    commune holds one record at a time); the fraction rule's notices go to `result` as each table starts."""
    named = len(tables) > 1
    seen_codes: dict[str, str] = {}
    for grid, found in tables:
        sheet_name = found.sheet if named else None
        where = _where(path, sheet_name)
        ambiguous = read_fractions(grid, found, ruleset, where, result.notices)
        for number, cells in found.rows:
            yield number, check_row(number, cells, found, where, ambiguous, seen_codes, sheet_name)


def find_tables(path: Path, sheet: str | None, header_row: int | None, ruleset: "Ruleset", limits: ReadLimits = DEFAULT_LIMITS
                ) -> tuple[list[tuple[Grid, FoundTable]], TableRead]:
    """The tables of a CSV or workbook (one per data sheet), and a `TableRead` holding the notices, unknown
    columns and skipped sheets found on the way (no rows yet). Raises when no sheet holds a commune table."""
    grids = _grids(path, sheet, limits)
    matcher = HeaderMatcher.for_ruleset(ruleset)
    result = TableRead()
    tables: list[tuple[Grid, FoundTable]] = []
    for grid in grids:
        found = find_table(grid, matcher, header_row)
        if found is None:
            if header_row is not None and grid.rows:
                raise CommuneDataError(key="data.header_row_no_code", params={"row": header_row}, location=Location(file=_where(path, grid.name)))
            if grid.name is not None and grid.rows and fold(grid.name) not in _TEMPLATE_SHEETS:
                result.skipped_sheets.append(grid.name)
            continue
        tables.append((grid, found))
        result.notices += found.notices
        result.unknown_columns += [name for name in found.unknown if name not in result.unknown_columns]
        for name in found.unknown:
            hints = matcher.hints(name)
            if hints:
                result.column_hints[name] = hints
    if not tables and result.skipped_sheets:
        raise CommuneDataError(key="data.no_data_sheet", params={"sheets": ", ".join(result.skipped_sheets)}, location=Location(file=str(path)))
    if not any(found.rows for _, found in tables):
        raise CommuneDataError(key="data.empty", location=Location(file=str(path)))
    return tables, result


def check_row(number: int, cells: list[Any], found: FoundTable, where: str, ambiguous: Mapping[int, list[CommuneDataError]], seen_codes: dict[str, str],
              sheet_name: str | None) -> TableRow | CommuneDataError:
    """One data row read and checked as a commune record (fraction refusals and repeated codes included): the
    row, or its error carrying every problem as `related`. A valid row's code is added to `seen_codes`."""
    raw, columns = _row_mapping(found.header, cells, found.mapping)
    problems = list(ambiguous.get(number, ()))
    data = None if problems else row_record(raw)
    if data is None:  # a part was refused (or the row is in doubt): the whole row validated, for every located error
        try:
            data = commune_from_mapping(raw, file=where, row=number, columns=columns)
        except CommuneDataError as exc:
            return _joined(exc.related or [exc], problems)
    if problems:
        for problem in problems:
            problem.location = replace(problem.location, commune=data.commune.code)
        return _joined(problems, [])
    place = f"{sheet_name}, {number}" if sheet_name else str(number)
    if data.commune.code in seen_codes:
        first = seen_codes[data.commune.code]
        return CommuneDataError(key="data.bad_field", params={"field": "Code (Mã xã)", "field_vi": "Mã xã", "value": data.commune.code,
                                                              "expected": f"a code not used before (row {first} has it)",
                                                              "expected_vi": f"Mã xã đã dùng ở hàng {first}."},
                                location=Location(file=where, row=number, column=columns.get(("commune", "code")), commune=data.commune.code))
    seen_codes[data.commune.code] = place
    return TableRow(number, data, columns, sheet_name)


def _where(path: Path, sheet: str | None) -> str:
    return f"{path} [{sheet}]" if sheet else str(path)


def _joined(errors: Sequence[ChuanxaError], more: Sequence[ChuanxaError]) -> CommuneDataError:
    """The first error, carrying every one as `related` (the row's whole list of problems)."""
    every: list[ChuanxaError] = [*errors, *more]
    first = every[0]
    first.related = every
    return first if isinstance(first, CommuneDataError) else CommuneDataError(key=first.key, params=first.params, location=first.location, related=every)


def _grids(path: Path, sheet: str | None, limits: ReadLimits) -> list[Grid]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        raise CommuneDataError(key="data.commune_not_table", params={"name": path.name}, location=Location(file=str(path)))
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise CommuneDataError(key="data.bad_format", params={"suffix": suffix}, location=Location(file=str(path)))
    grids = read_grids(path, limits)
    if sheet is None or suffix == ".csv":
        return grids
    chosen = [g for g in grids if g.name is not None and fold(g.name) == fold(sheet)]
    if not chosen:
        raise CommuneDataError(key="data.no_such_sheet", params={"sheet": sheet, "sheets": ", ".join(str(g.name) for g in grids),
                                                                  "suggestions": close_matches(sheet, [g.name for g in grids])}, location=Location(file=str(path)))
    return chosen


def read_fractions(grid: Grid, found: FoundTable, ruleset: "Ruleset", where: str, notices: list[TableNotice]) -> dict[int, list[CommuneDataError]]:
    """The fraction rule for percentage columns (a rate typed as 0.977 rather than 97.7, without percent format).

    A column where at least two communes have a plain number and every one lies between 0 and 1 (one strictly
    inside) is read as fractions: each is multiplied by 100, with a notice. Otherwise a plain number strictly
    between 0 and 1 in a percentage column is refused with both readings ("0,977 — có phải 97,7%?"); "0,977%"
    written with its sign, or a cell formatted as a percentage, is never in doubt. Returns the refusals by row.
    Changes the cells of `found` in place."""
    refusals: dict[int, list[CommuneDataError]] = {}
    for index, place in found.mapping.items():
        spec = ruleset.inputs.get(place[1]) if place[0] == "values" else None
        if spec is None or spec.type != "percent":
            continue
        plain: list[tuple[int, list[Any], float]] = []
        parsed: dict[Any, float | None] = {}  # each distinct cell read once (equal cells read alike: 1 and 1.0 too, booleans aside)
        for number, cells in found.rows:
            value = cells[index] if index < len(cells) else None
            if isinstance(value, bool) or (grid.percent and (number, index) in grid.percent):
                continue
            got = parsed[value] if value in parsed else parsed.setdefault(value, _plain_number(value))
            if got is not None:
                plain.append((number, cells, got))
        if len(plain) >= 2 and all(0 <= v <= 1 for _, _, v in plain) and any(0 < v < 1 for _, _, v in plain):
            for _, cells, value in plain:
                cells[index] = round(value * 100, 9)
            sample = next(v for _, _, v in plain if 0 < v < 1)
            notices.append(TableNotice.of("notice.fraction_column", found.sheet, (), {"column": found.header[index], "value": _vi_number(sample),
                                                                               "percent": _vi_number(round(sample * 100, 9))}))
            continue
        for number, _, value in plain:
            if 0 < value < 1:
                refusals.setdefault(number, []).append(CommuneDataError(
                    key="data.fraction_ambiguous", params={"value": _vi_number(value), "value_en": f"{value:g}", "percent": _vi_number(round(value * 100, 9)),
                                                           "percent_en": f"{round(value * 100, 9):g}", "label_vi": spec.label.vi, "label_en": spec.label.en},
                    location=Location(file=where, row=number, column=found.header[index])))
    return refusals


def _plain_number(value: Any) -> float | None:
    """A cell of a percentage column as a plain number; None when blank, written with "%" or not a number (the
    row is then refused later with the usual message)."""
    if is_blank(value) or (isinstance(value, str) and "%" in value):
        return None
    try:
        return parse_number(value)
    except ValueError:
        return None


def _vi_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _row_mapping(header: list[str], cells: list[Any], mapping: dict[int, tuple[str, ...]]) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """A data row as the commune file's mapping ({"commune": {…}, "values": {…}, "assessed": {…}, "as_of"}), blank
    cells left out; and which column each field came from (the officer's header, for messages)."""
    commune: dict[str, Any] = {}
    values: dict[str, Any] = {}
    assessed: dict[str, dict[str, Any]] = {}
    raw: dict[str, Any] = {"commune": commune, "values": values, "assessed": assessed}
    columns: dict[tuple[str, ...], str] = {}
    width = len(cells)
    for index, target in mapping.items():
        if index >= width:
            continue
        value = cells[index]
        if value.__class__ is str:  # `is_blank`, the usual case first
            if not value or value.isspace():
                continue
        elif is_blank(value):
            continue
        columns[target] = str(header[index])
        place = target[0]
        if place == "values":
            values[target[1]] = value
        elif place == "commune":
            commune[target[1]] = value
        elif place == "assessed":
            assessed.setdefault(target[1], {})[target[2]] = value
        elif len(target) == 1:
            raw[place] = value
        else:
            raw.setdefault(place, {})[target[1]] = value
    for ind in [ind for ind, entry in assessed.items() if "points" not in entry]:
        del assessed[ind]  # a note without points says nothing to score
    if isinstance(raw.get("as_of"), float) and raw["as_of"].is_integer():
        raw["as_of"] = int(raw["as_of"])
    return raw, columns


def match_headers(header: list[str], ruleset: "Ruleset") -> tuple[dict[int, tuple[str, ...]], list[str]]:
    """Column index → where its value goes (e.g. ('values', 'latrine_rate')); and the unknown headers."""
    return _match_headers(header, HeaderMatcher.for_ruleset(ruleset))


def column_hints(header: str, ruleset: "Ruleset") -> list[str]:
    """Known headers (Vietnamese labels, as the template writes them) that an unknown header resembles."""
    return HeaderMatcher.for_ruleset(ruleset).hints(header)


__all__ = ["COMMUNE_HEADERS", "ReadLimits", "TableRead", "TableRow", "column_hints", "commune_from_mapping", "match_headers", "read_commune_file", "read_table",
           "table_text"]
