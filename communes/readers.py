"""Read commune data: one commune from YAML/JSON, many from CSV/XLSX (one row per commune).

Table headers may be input ids or their Vietnamese or English labels, matched without regard to case or
diacritics, with or without a trailing "(unit)". Unknown columns are reported, never silently dropped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from chuanxa.errors import CommuneDataError, Location, close_matches, file_problem

from .model import CommuneData
from .values import fold, is_blank

if TYPE_CHECKING:
    from chuanxa.criteria.model import Ruleset

#: Commune fields and the header words that name them (folded: no case, no diacritics).
COMMUNE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma xa", "ma", "ma don vi", "commune code"),
    "name": ("name", "ten xa", "xa", "ten", "commune", "commune name", "ten don vi"),
    "province": ("province", "tinh", "tinh/thanh pho", "tinh thanh pho"),
    "district": ("district", "huyen", "quan/huyen", "quan huyen"),
    "former_district": ("former district", "huyen cu", "huyen (cu)", "quan/huyen cu"),
    "former_province": ("former province", "tinh cu", "tinh (cu)", "tinh truoc sap nhap"),
    "unit_type": ("unit type", "loai don vi", "loai", "xa/phuong"),
    "former": ("former communes", "xa cu", "cac xa cu", "don vi cu", "xa truoc sap nhap"),
    "sites": ("sites", "diem tram", "cac diem tram"),
    "region": ("region", "vung kinh te xa hoi", "vung kinh te - xa hoi", "vung kt-xh", "socio-economic region"),
    "terrain": ("terrain", "dia hinh"),
    "distance_km": ("distance km", "distance", "khoang cach", "khoang cach km", "khoang cach den benh vien"),
    "difficult_terrain": ("difficult terrain", "dia hinh dac biet kho khan"),
    "zone": ("zone", "vung", "vung (1/2/3)"),
    "as_of": ("as of", "nam", "nam danh gia", "ngay danh gia", "year", "assessment date"),
}
_ASSESSED = re.compile(r"^(?:assessed|diem tham dinh|diem chi tieu|chi tieu|diem ct|ct)\s*[:.#]?\s*([0-9a-z]+)$")
_ASSESSED_NOTE = re.compile(r"^(?:assessed note|ghi chu chi tieu|ghi chu ct|ghi chu|note)\s*[:.#]?\s*([0-9a-z]+)$")
_UNIT = re.compile(r"\s*\([^()]*\)\s*$")


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


def _field_error(err: Any, raw: Any, file: str | None, row: int | None, columns: Mapping[tuple[str, ...], str]) -> CommuneDataError:
    from chuanxa.criteria.loader import describe_invalid, plain_location

    loc = plain_location(err)
    commune = raw.get("commune", {}) if isinstance(raw, Mapping) else {}
    code = str(commune.get("code")) if isinstance(commune, Mapping) and commune.get("code") is not None else None
    location = Location(file=file, row=row, column=columns.get(loc), commune=code, path=loc)
    name = loc[-1] if loc else "?"
    if err["type"] == "missing":
        return CommuneDataError(key="data.missing_field", params={"field": ".".join(loc)}, location=location)
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
    return CommuneDataError(key="data.bad_field", params={"field": name, "value": shown, "expected": plain_en[:1].upper() + plain_en[1:] + ".",
                                                          "expected_vi": hint or (plain_vi[:1].upper() + plain_vi[1:] + ".")}, location=location)


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


@dataclass
class _Sheet:
    name: str | None
    header: list[str]
    rows: list[tuple[int, list[Any]]]


# Sheets that chuanxa's own data-entry template adds beside the data (lists for validation, the guide).
_TEMPLATE_SHEETS = {"danh muc", "lists", "huong dan", "guide"}


def read_table(path: Path, ruleset: "Ruleset") -> TableRead:
    """Many communes from a CSV or XLSX file. Bad rows are collected in `errors`, never raised.

    In a workbook every sheet whose header has a commune-code column is read (e.g. one sheet per assessment
    round); other non-empty sheets are listed in `skipped_sheets` so that nothing is dropped unseen."""
    sheets = _table_sheets(path)
    result = TableRead()
    data_sheets: list[tuple[_Sheet, dict[int, tuple[str, ...]]]] = []
    for sheet in sheets:
        mapping, unknown = match_headers(sheet.header, ruleset)
        if sheet.name is not None and ("commune", "code") not in mapping.values():
            if sheet.rows and fold(sheet.name) not in _TEMPLATE_SHEETS:
                result.skipped_sheets.append(sheet.name)
            continue
        data_sheets.append((sheet, mapping))
        result.unknown_columns += [name for name in unknown if name not in result.unknown_columns]
        for name in unknown:
            hints = column_hints(name, ruleset)
            if hints:
                result.column_hints[name] = hints
    if not data_sheets and result.skipped_sheets:
        raise CommuneDataError(key="data.no_data_sheet", params={"sheets": ", ".join(result.skipped_sheets)}, location=Location(file=str(path)))
    if not any(sheet.rows for sheet, _ in data_sheets):
        raise CommuneDataError(key="data.empty", location=Location(file=str(path)))
    named = len(data_sheets) > 1
    seen_codes: dict[str, str] = {}
    for sheet, mapping in data_sheets:
        sheet_name = sheet.name if named else None
        for number, cells in sheet.rows:
            raw, columns = _row_mapping(sheet.header, cells, mapping)
            where = f"{path} [{sheet_name}]" if sheet_name else str(path)
            try:
                data = commune_from_mapping(raw, file=where, row=number, columns=columns)
            except CommuneDataError as exc:
                result.errors.append((number, exc))
                continue
            place = f"{sheet_name}, {number}" if sheet_name else str(number)
            if data.commune.code in seen_codes:
                first = seen_codes[data.commune.code]
                error = CommuneDataError(key="data.bad_field", params={"field": "code", "value": data.commune.code, "expected": f"a code not used before (row {first} has it)",
                                                                       "expected_vi": f"Mã xã đã dùng ở hàng {first}."},
                                         location=Location(file=where, row=number, column=columns.get(("commune", "code")), commune=data.commune.code))
                result.errors.append((number, error))
                continue
            seen_codes[data.commune.code] = place
            result.rows.append(TableRow(number, data, columns, sheet_name))
    return result


def match_headers(header: list[str], ruleset: "Ruleset") -> tuple[dict[int, tuple[str, ...]], list[str]]:
    """Column index → where its value goes (e.g. ('values', 'latrine_rate')); and the unknown headers."""
    names: dict[str, tuple[str, ...]] = {}
    for field_name, words in COMMUNE_HEADERS.items():
        place: tuple[str, ...] = ("as_of",) if field_name == "as_of" else ("commune", field_name)
        for word in words + (field_name,):
            names[fold(word)] = place
    for input_id, spec in ruleset.inputs.items():
        for word in (input_id, spec.label.vi, spec.label.en):
            names[fold(word)] = ("values", input_id)
    indicator_ids = {ind.id for crit in ruleset.criteria for ind in crit.indicators}
    mapping: dict[int, tuple[str, ...]] = {}
    unknown: list[str] = []
    for index, text in enumerate(header):
        if is_blank(text):
            continue
        key = fold(text)
        target: tuple[str, ...] | None = names.get(key) or names.get(fold(_UNIT.sub("", str(text))))
        if target is None:
            assessed = _ASSESSED.match(key)
            note = _ASSESSED_NOTE.match(key)
            target = ("assessed", assessed.group(1), "points") if assessed else ("assessed", note.group(1), "note") if note else None
            if target is not None and target[1] not in indicator_ids:
                target = None  # an indicator the ruleset lacks: one column problem (with a hint), not every row refused
        if target is None:
            unknown.append(str(text))
        else:
            mapping[index] = target
    return mapping, unknown


def column_hints(header: str, ruleset: "Ruleset") -> list[str]:
    """Known headers (Vietnamese labels, as the template writes them) that an unknown header resembles."""
    labels = {fold(spec.label.vi): spec.label.vi for spec in ruleset.inputs.values()}
    labels.update({fold(name): name for name in ruleset.inputs})
    key = fold(_UNIT.sub("", header))
    for pattern in (_ASSESSED, _ASSESSED_NOTE):
        found = pattern.match(key)
        if found:  # e.g. "Diem tham dinh 3a": the assessed column of an indicator the ruleset does not have
            ids = [ind.id for crit in ruleset.criteria for ind in crit.indicators]
            prefix = header[: len(header) - len(found.group(1))].rstrip() if header.lower().endswith(found.group(1)) else header
            return [f"{prefix} {close}" for close in close_matches(found.group(1), ids)[:2]]
    import difflib

    return [labels[k] for k in difflib.get_close_matches(key, list(labels), n=2, cutoff=0.55)]


def _row_mapping(header: list[str], cells: list[Any], mapping: dict[int, tuple[str, ...]]) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    raw: dict[str, Any] = {"commune": {}, "values": {}, "assessed": {}}
    columns: dict[tuple[str, ...], str] = {}
    for index, target in mapping.items():
        value = cells[index] if index < len(cells) else None
        if is_blank(value):
            continue
        columns[target] = str(header[index])
        if target[0] == "assessed":
            raw["assessed"].setdefault(target[1], {})[target[2]] = value
        elif len(target) == 1:
            raw[target[0]] = value
        else:
            raw[target[0]][target[1]] = value
    for ind, entry in list(raw["assessed"].items()):
        if "points" not in entry:
            del raw["assessed"][ind]  # a note without points says nothing to score
    if isinstance(raw.get("as_of"), float) and raw["as_of"].is_integer():
        raw["as_of"] = int(raw["as_of"])
    return raw, columns


def _table_sheets(path: Path) -> list[_Sheet]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return [_Sheet(None, *_csv_cells(path))]
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_sheets(path)
        if suffix in (".yaml", ".yml", ".json"):
            raise CommuneDataError(key="data.commune_not_table", params={"name": path.name}, location=Location(file=str(path)))
    except OSError as exc:
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    raise CommuneDataError(key="data.bad_format", params={"suffix": suffix}, location=Location(file=str(path)))


def table_text(path: Path) -> str:
    """A CSV's text whatever Excel saved it as: UTF-8 (with or without BOM), "Unicode text" (UTF-16), or the
    Vietnamese Windows code page 1258 that "CSV (Comma delimited)" uses on a Vietnamese Windows."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        import unicodedata

        # cp1258 writes some Vietnamese letters as a base letter plus a combining tone mark: compose them again.
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _csv_cells(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    text = table_text(path)
    # The header row decides the separator: Excel writes ';' (with decimal commas) under Vietnamese regional
    # settings, ',' otherwise, and a tab for "Unicode text". The most frequent of them in the header wins.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda sep: (first.count(sep), sep == ","))
    lines = list(csv.reader(text.splitlines(), delimiter=delimiter))
    return _split(lines)


def _xlsx_sheets(path: Path) -> list[_Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    try:
        sheets = [_Sheet(sheet.title, *_split([[_cell_value(cell) for cell in row] for row in sheet.iter_rows()])) for sheet in book.worksheets]
    finally:
        book.close()
    return sheets


def _cell_value(cell: Any) -> Any:
    """A cell as the officer sees it: a number shown as a percentage ("95.6%", stored as 0.956) is 95.6."""
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (getattr(cell, "number_format", "") or ""):
        return round(value * 100, 9)
    return value


def _split(lines: list[list[Any]]) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    numbered = list(_non_blank(lines))
    if not numbered:
        return [], []
    (_, header), rows = numbered[0], numbered[1:]
    return [("" if h is None else str(h)) for h in header], rows


def _non_blank(lines: list[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(lines, start=1):
        if any(not is_blank(c) for c in cells):
            yield number, cells
