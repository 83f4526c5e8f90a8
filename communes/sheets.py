"""Raw cells of a table file, read within limits: a CSV, or each sheet of a workbook streamed in read-only mode.

A hostile workbook must not exhaust time or memory: the zip parts are measured before openpyxl sees them
(declared and actual decompressed size), rows are streamed without padding to the sheet's declared size,
trailing empty rows cost nothing, and rows, columns and cell text are bounded (`ReadLimits`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chuanxa.errors import CommuneDataError, Location, file_problem

from .values import is_blank


@dataclass(frozen=True, kw_only=True)
class ReadLimits:
    """How much of a table file chuanxa reads. The defaults hold every real district or province table with
    room to spare (a national table has about 10,600 communes) and refuse what only a crafted file holds."""

    max_rows: int = 200_000  #: last sheet row read (a non-empty row below it is an error)
    max_columns: int = 2_000  #: last column read (a non-empty cell right of it is an error)
    max_cell_chars: int = 32_767  #: Excel's own limit for the text of one cell
    max_part_bytes: int = 256 * 1024 * 1024  #: decompressed size of one part of a workbook (a sheet's XML)
    max_shared_strings_bytes: int = 64 * 1024 * 1024  #: decompressed size of the shared-string table (read whole)
    max_total_bytes: int = 512 * 1024 * 1024  #: decompressed size of the whole workbook
    max_csv_bytes: int = 256 * 1024 * 1024  #: size of a CSV file
    max_blank_run: int = 5_000  #: this many empty rows in a row end a sheet (its trailing empty rows)


DEFAULT_LIMITS = ReadLimits()


@dataclass
class Grid:
    """The non-empty rows of one sheet (or a CSV) as (sheet row number, cells); `percent` holds the
    (row, column index) of cells formatted as percentages, read as the number shown."""

    name: str | None
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)
    stopped_at: int | None = None  #: the row where reading stopped after a long run of empty rows


def read_grids(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[Grid]:
    """Every sheet of a workbook, or the one table of a CSV."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return [_csv_grid(path, limits)]
        return _xlsx_grids(path, limits)
    except OSError as exc:
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None


def _too_large(path: Path, what_vi: str, what_en: str, limit: str, sheet: str | None = None, row: int | None = None) -> CommuneDataError:
    where = f"{path} [{sheet}]" if sheet else str(path)
    return CommuneDataError(key="data.too_large", params={"what_vi": what_vi, "what": what_en, "limit": limit}, location=Location(file=where, row=row))


def table_text(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """A CSV's text whatever Excel saved it as: UTF-8 (with or without BOM), "Unicode text" (UTF-16), or the
    Vietnamese Windows code page 1258 that "CSV (Comma delimited)" uses on a Vietnamese Windows."""
    if path.stat().st_size > limits.max_csv_bytes:
        raise _too_large(path, "tệp CSV", "the CSV file", f"{limits.max_csv_bytes // 2**20} MB")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        import unicodedata

        # cp1258 writes some Vietnamese letters as a base letter plus a combining tone mark: compose them again.
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _csv_grid(path: Path, limits: ReadLimits) -> Grid:
    text = table_text(path, limits)
    # The separator is the most frequent of ',', ';' and tab in the first lines (Excel writes ';' with decimal
    # commas under Vietnamese regional settings, a tab for "Unicode text"); title rows above a header have few.
    head = text[:20_000].split("\n")[:30]
    delimiter = max((",", ";", "\t"), key=lambda sep: (max((line.count(sep) for line in head), default=0), sep == ","))
    grid = Grid(None)
    old = csv.field_size_limit()
    csv.field_size_limit(limits.max_cell_chars)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # keeps line breaks inside quoted cells
        for number, cells in enumerate(reader, start=1):
            _keep_text(grid, number, cells, path, limits)
    except csv.Error:
        raise _too_large(path, "một ô", "a cell", f"{limits.max_cell_chars} ký tự / characters") from None
    finally:
        csv.field_size_limit(old)
    return grid


def _keep_text(grid: Grid, number: int, cells: list[str], path: Path, limits: ReadLimits) -> None:
    """`_keep` for a CSV row (every cell text, a fresh list), with whole-row string operations: a row of blank cells
    joins to blank text. A row beyond a limit goes to `_keep`, which refuses or trims it."""
    if not "".join(cells).strip():
        return
    if number > limits.max_rows or len(cells) > limits.max_columns or max(map(len, cells)) > limits.max_cell_chars:
        _keep(grid, number, cells, path, limits)
        return
    while not cells[-1].strip():
        cells.pop()
    grid.rows.append((number, cells))


def _keep(grid: Grid, number: int, cells: list[Any], path: Path, limits: ReadLimits) -> None:
    if not any(not is_blank(c) for c in cells):
        return
    if number > limits.max_rows:
        raise _too_large(path, f"số hàng (hàng {number})", f"the number of rows (row {number})", str(limits.max_rows), grid.name, number)
    if len(cells) > limits.max_columns:
        if any(not is_blank(c) for c in cells[limits.max_columns:]):
            raise _too_large(path, "số cột", "the number of columns", str(limits.max_columns), grid.name, number)
        cells = cells[: limits.max_columns]
    for value in cells:
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise _too_large(path, "một ô", "a cell", f"{limits.max_cell_chars} ký tự / characters", grid.name, number)
    while cells and is_blank(cells[-1]):
        cells = cells[:-1]
    grid.rows.append((number, list(cells)))


def check_archive(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook whose parts decompress beyond the limits, before anything parses them. Declared sizes
    are checked first; the parts openpyxl reads are then decompressed once, counting, since a header can lie."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    with archive:
        infos = archive.infolist()
        total = 0
        for info in infos:
            limit = limits.max_shared_strings_bytes if info.filename.lower().endswith("sharedstrings.xml") else limits.max_part_bytes
            if info.file_size > limit:
                raise _too_large(path, f"phần '{info.filename}' khi giải nén", f"the part '{info.filename}' when decompressed", f"{limit // 2**20} MB")
            total += info.file_size
        if total > limits.max_total_bytes:
            raise _too_large(path, "tệp khi giải nén", "the workbook when decompressed", f"{limits.max_total_bytes // 2**20} MB")
        for info in infos:
            if info.filename.lower().endswith(".xml") or info.filename.lower().endswith(".rels"):
                _measure(archive, info, path, limits)


def _measure(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: ReadLimits) -> None:
    limit = limits.max_shared_strings_bytes if info.filename.lower().endswith("sharedstrings.xml") else limits.max_part_bytes
    size = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise _too_large(path, f"phần '{info.filename}' khi giải nén", f"the part '{info.filename}' when decompressed", f"{limit // 2**20} MB")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None


def _xlsx_grids(path: Path, limits: ReadLimits) -> list[Grid]:
    import warnings

    import openpyxl

    check_archive(path, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; they hold no data
            book = _open_book(path)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise CommuneDataError(key="file.unreadable", params=file_problem(exc), location=Location(file=str(path))) from None
    try:
        return [_sheet_grid(sheet, path, limits) for sheet in book.worksheets]
    finally:
        book.close()


def _open_book(path: Path) -> Any:
    """The workbook in openpyxl's read-only mode (data only), its sheets opened without measuring them: openpyxl's
    read-only sheet otherwise parses a whole sheet to find its size when the file does not state it (seconds for
    a national table), and nothing here uses that size (`_sparse_rows` reads only the cells present)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:  # openpyxl's read-only branch, with the sheet above
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(path, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _sheet_grid(sheet: Any, path: Path, limits: ReadLimits) -> Grid:
    grid = Grid(sheet.title)
    if not hasattr(sheet, "_get_source"):
        return grid  # a chart sheet holds no cells
    last = 0  # the last row holding a value
    percent_styles: dict[int, bool] = {}  # whether a style's number format is a percentage, looked up once per style
    for number, cells in _sparse_rows(sheet):
        if number - last > limits.max_blank_run:  # trailing empty rows (styled, or a crafted last row) end the sheet
            grid.stopped_at = last + 1
            break
        kept = [cell for cell in cells if not is_blank(cell["value"]) and cell["column"] is not None]
        if not kept:
            continue
        last = number
        width = max(cell["column"] for cell in kept)
        if width > limits.max_columns:
            raise _too_large(path, "số cột", "the number of columns", str(limits.max_columns), grid.name, number)
        values: list[Any] = [None] * width
        for cell in kept:
            index = cell["column"] - 1
            value = cell["value"]
            style = cell["style_id"]
            if style and isinstance(value, (int, float)) and not isinstance(value, bool):
                if style not in percent_styles:
                    percent_styles[style] = "%" in _number_format(sheet, cell)  # the format depends on the style alone
                if percent_styles[style]:
                    grid.percent.add((number, index))
                    value = round(value * 100, 9)  # shown as "95.6%", stored as 0.956: the officer means 95.6
            values[index] = value
        _keep(grid, number, values, path, limits)
    return grid


def _sparse_rows(sheet: Any) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The rows of a read-only sheet as stored: only the cells present, nothing padded to the declared size
    (openpyxl's `iter_rows` pads every row to the widest and fills missing rows, which a crafted
    `<dimension ref="A1:XFD1048576">` turns into billions of cells). Uses openpyxl's own sheet parser."""
    from openpyxl.worksheet._reader import WorkSheetParser

    from .xlsx_fast import MAX_FAST_PART, plain_rows

    book = sheet.parent
    if _part_size(sheet) <= MAX_FAST_PART:
        with sheet._get_source() as source:
            fast = plain_rows(source.read(), sheet._shared_strings, book._date_formats)
        if fast is not None:  # a plain sheet, read from its XML text (the same cells, several times faster)
            yield from fast
            return
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        yield from parser.parse()


def _part_size(sheet: Any) -> int:
    """The decompressed size of a read-only sheet's part (checked against the limits before: `check_archive`)."""
    try:
        return int(sheet.parent._archive.getinfo(sheet._worksheet_path).file_size)
    except (AttributeError, KeyError):
        return MAX_SIZE_UNKNOWN


MAX_SIZE_UNKNOWN = 1 << 62


def _number_format(sheet: Any, cell: dict[str, Any]) -> str:
    from openpyxl.cell.read_only import ReadOnlyCell

    style = cell.get("style_id") or 0
    return str(ReadOnlyCell(sheet, cell["row"], cell["column"], cell["value"], cell.get("data_type", "n"), style).number_format or "") if style else ""


