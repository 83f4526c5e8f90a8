"""The plain-sheet XML reader gives exactly the cells openpyxl's parser gives, and declines what it does not take."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from chuanxa.communes.xlsx_fast import plain_rows

EXAMPLES = Path(__file__).parent.parent / "examples"


def _both(path: Path) -> list[tuple[Any, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    pairs = []
    try:
        for sheet in book.worksheets:
            with sheet._get_source() as source:
                fast = plain_rows(source.read(), sheet._shared_strings, book._date_formats)
            with sheet._get_source() as source:
                parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch, date_formats=book._date_formats,
                                         timedelta_formats=book._timedelta_formats)
                slow = [(number, cells) for number, cells in parser.parse()]
            pairs.append((None if fast is None else list(fast), slow))
    finally:
        book.close()
    return pairs


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.xlsx")))
def test_the_example_workbooks_read_the_same_as_openpyxl_reads_them(name: str) -> None:
    for fast, slow in _both(EXAMPLES / name):
        assert fast is not None, "the examples are plain sheets"
        assert [(n, [c for c in cells]) for n, cells in fast] == [(n, [c for c in cells]) for n, cells in slow if cells] or fast == slow


def test_shared_strings_styles_formulas_and_escapes_as_excel_writes_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã xã", "Tỷ lệ & <ghi chú>", "Công thức", "Có/không", None, "Số"])
    sheet.append(["16021", 0.956, "=1+1", True, None, 12])
    sheet.append([16024, "a \"quoted\" 'text'", "=A2", False, "", 1.5e-7])
    sheet["B2"].number_format = "0.0%"
    sheet.row_dimensions[10].height = 30  # a styled empty row
    path = tmp_path / "excel.xlsx"
    book.save(path)  # openpyxl's normal writer: shared strings, styles, formulas
    for fast, slow in _both(path):
        assert fast is not None and fast == [(n, cells) for n, cells in slow]


def test_a_sheet_with_dates_is_left_to_openpyxl(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Mã xã", "Ngày đánh giá"])
    book.active.append(["16021", dt.date(2024, 12, 31)])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    assert all(fast is None for fast, _ in _both(path))


def test_a_sheet_of_more_rows_than_any_commune_table_is_left_to_openpyxl_streaming() -> None:
    from chuanxa.communes.xlsx_fast import MAX_FAST_ROWS

    rows = "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(1, MAX_FAST_ROWS + 2))
    assert plain_rows(f"<worksheet><sheetData>{rows}</sheetData></worksheet>".encode(), [], set()) is None
    few = "".join(f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c></row>' for n in range(1, 4))
    assert [cells[0]["value"] for _, cells in plain_rows(f"<worksheet><sheetData>{few}</sheetData></worksheet>".encode(), [], set()) or []] == [1, 2, 3]
