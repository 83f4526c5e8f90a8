"""The one way chuanxa puts a value into a spreadsheet cell, so that text is never run as a formula.

Text a user typed (a commune's name, a note, a code) may start with `=`, `+`, `-` or `@`. Spreadsheet
programs read such a cell as a formula ("formula injection" or "CSV injection"), which can compute, call
out to the network or start programs. chuanxa writes no formula at all, so:

- XLSX: every text value is written as a string cell, whatever it starts with (and `#N/A`-like text stays
  text); characters XML cannot hold (control characters) become U+FFFD instead of ending the whole file.
  Text longer than Excel's 32,767 characters per cell is cut with "…" (Excel would otherwise damage the file).
  `save_workbook` checks every cell once more before the book is written, atomically.
- CSV: a text field starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
  `'`, as OWASP recommends; spreadsheet programs show the apostrophe-free text. Numbers (also negative ones,
  `-3.5`) are left alone. Programs that want the raw text ask for it (`protect=False`, CLI `--raw-csv`), or
  drop one leading `'` before those characters (`unprotect_csv_text`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: What XML 1.0 (so XLSX) cannot hold: the C0 control characters other than tab, line feed and carriage return.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


#: Excel's limit on the characters of one cell; a longer text makes Excel "repair" (damage) the whole file.
MAX_CELL_CHARS = 32_767


def xlsx_text(text: str) -> str:
    """`text` with the characters an XLSX file cannot hold replaced by U+FFFD (they are visible, not lost
    silently), cut with "…" at Excel's limit of 32,767 characters per cell."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def xlsx_value(value: Any) -> Any:
    """A value ready for an openpyxl cell (text cleaned of control characters; numbers, dates unchanged)."""
    return xlsx_text(value) if isinstance(value, str) else value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append(values)`, with every text value kept as text (never a formula or an error code)."""
    sheet.append([xlsx_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def set_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """`sheet.cell(row, column, value)` keeping text as text; returns the cell."""
    cell = sheet.cell(row=row, column=column, value=xlsx_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def text_only(book: Any) -> int:
    """Make every cell of `book` that openpyxl took for a formula or an error code a text cell again;
    returns how many there were (chuanxa writes no formulas, so each one is text that only looked like one)."""
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                    cell.data_type = "s"
                    changed += 1
    return changed


def save_workbook(book: Any, path: Path) -> None:
    """Save `book` to `path` with text kept as text, atomically (whole or not at all)."""
    from chuanxa.fileio import atomic_output

    import io

    text_only(book)
    # Zipped in memory first: openpyxl leaves its zip file open when a write fails, which then prints an
    # "Exception ignored" traceback; the zipped book is small beside the workbook already in memory.
    buffer = io.BytesIO()
    book.save(buffer)
    with atomic_output(Path(path)) as temp:
        temp.write_bytes(buffer.getvalue())


def _needs_protection(text: str) -> bool:
    """Whether a spreadsheet would run `text` (after any leading apostrophes, so that protecting stays reversible)."""
    bare = text.lstrip("'")
    return bool(bare) and bare.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(bare)


def protect_csv_text(text: str) -> str:
    """`text` made safe to open in a spreadsheet program: a leading apostrophe before `= + - @`, tab or CR,
    unless the whole text is a plain number (`-3.5`, `+84`, `1e-05` stay as they are). Text that already
    starts with apostrophes before such a character gets one more, so `unprotect_csv_text` undoes exactly."""
    if not text or text[0] not in _MAY_RUN:
        return text  # the common case, decided by the first character
    return "'" + text if _needs_protection(text) else text


_MAY_RUN = frozenset("".join(_FORMULA_START) + "'")


def unprotect_csv_text(text: str) -> str:
    """The text before `protect_csv_text` (for programs reading a protected CSV)."""
    return text[1:] if text.startswith("'") and _needs_protection(text[1:]) else text


def csv_row(values: Sequence[Any], protect: bool = True) -> list[Any]:
    """One CSV row with every text field protected (numbers are written as they are)."""
    if not protect:
        return list(values)
    return [protect_csv_text(v) if isinstance(v, str) else v for v in values]


class SafeCsvWriter:
    """`csv.writer` whose rows go through `csv_row` (pass `protect=False` for the raw text)."""

    def __init__(self, handle: Any, protect: bool = True) -> None:
        self._writer = csv.writer(handle)
        self._protect = protect

    def writerow(self, values: Sequence[Any]) -> None:
        self._writer.writerow(csv_row(values, self._protect))

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


__all__ = ["append_row", "set_cell", "text_only", "save_workbook", "protect_csv_text", "unprotect_csv_text", "csv_row", "SafeCsvWriter", "xlsx_text", "xlsx_value"]
