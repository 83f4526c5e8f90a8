"""No cell of any workbook chuanxa writes holds a formula: text that starts with `=` (a commune's name, a
threshold such as "= có", a note) is written as text. Native charts are not cells and are allowed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chuanxa.cli.main import main
from chuanxa.outputs.cells import protect_csv_text, unprotect_csv_text

EXAMPLES = Path(__file__).parent.parent / "examples"
HOSTILE = ['=HYPERLINK("http://example.invalid","x")', "=1+1", "@SUM(1)", "+1+1", "-1+1", "#N/A"]


@pytest.fixture
def hostile_table(tmp_path: Path) -> Path:
    """The example table with names, districts and a note that a spreadsheet would run as formulas."""
    with open(EXAMPLES / "thieu_hoa_2024.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for row, text in zip(rows[1:], HOSTILE):
        row[1], row[3] = text, text
    path = tmp_path / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def _texts(path: Path) -> set[str]:
    book = load_workbook(path)
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}


COMMANDS = {
    "batch": lambda table, out: ["batch", str(table), "-o", str(out)],
    "batch_summary": lambda table, out: ["batch", str(table), "-o", str(out), "--summary"],
    "score": lambda table, out: ["score", str(table), "-o", str(out)],
    "report": lambda table, out: ["report", str(table), "-o", str(out), "--target-share", "0.9"],
    "plan_targets": lambda table, out: ["plan-targets", str(table), "--target", "12", "--format", "xlsx", "-o", str(out)],
    "merge": lambda table, out: ["merge", str(EXAMPLES / "merge_mapping.yaml"), str(table), "-o", str(out)],
    "template": lambda table, out: ["template", "-o", str(out)],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_workbook_chuanxa_writes_holds_a_formula(tmp_path: Path, hostile_table: Path, command: str) -> None:
    out = tmp_path / f"{command}.xlsx"
    assert main(COMMANDS[command](hostile_table, out)) in (0, 1)
    assert _formula_cells(out) == []
    if command in ("batch", "score", "report"):
        assert set(HOSTILE[:4]) <= _texts(out)  # the text is there, as text


def test_the_results_workbook_writes_equality_thresholds_as_text(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    assert main(["batch", str(EXAMPLES / "thieu_hoa_2024.xlsx"), "-o", str(out)]) in (0, 1)
    assert _formula_cells(out) == []
    assert any(text.startswith("== ") for text in _texts(out))


def test_the_report_workbook_keeps_its_native_chart(tmp_path: Path, hostile_table: Path) -> None:
    out = tmp_path / "report.xlsx"
    assert main(["report", str(hostile_table), "-o", str(out)]) in (0, 1)
    import zipfile

    assert any(name.startswith("xl/charts/chart") for name in zipfile.ZipFile(out).namelist())


@pytest.mark.parametrize("text", ["=1+1", "+84 912 345 678", "-x", "@home", "\tx", "\rx", "'=already", "''@x"])
def test_csv_protection_adds_one_apostrophe_and_is_reversible(text: str) -> None:
    protected = protect_csv_text(text)
    assert protected == "'" + text
    assert unprotect_csv_text(protected) == text


@pytest.mark.parametrize("text", ["Xã Thiệu Giao", "'quoted", "", "a=b"])
def test_csv_protection_leaves_ordinary_text_alone(text: str) -> None:
    assert protect_csv_text(text) == text == unprotect_csv_text(text)


@pytest.mark.parametrize("number", ["-3.5", "+2", "1e-05", "-12,5", "7", "95%", ""])
def test_csv_protection_leaves_numbers_alone(number: str) -> None:
    assert protect_csv_text(number) == number


def test_text_cells_hold_no_control_character_and_fit_excels_limit() -> None:
    from openpyxl import Workbook

    from chuanxa.outputs.cells import MAX_CELL_CHARS, append_row

    sheet = Workbook().active
    append_row(sheet, ["a\x07b", "x" * 100_000, -3.5, "=1"])
    a, b, c, d = sheet[1]
    assert (a.value, len(b.value), b.value[-1], c.value, c.data_type, d.data_type) == ("a\ufffdb", MAX_CELL_CHARS, "…", -3.5, "n", "s")
