"""The column-wise table reader (issue 19): the same summaries and the same rejections (messages, rows,
columns) as the row-by-row reader, on the example files, officers' layouts and generated tables with bad rows;
every data row accounted for; the row path taken where the fast path does not apply."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.api import columnar, summarise_table_columns
from chuanxa.communes.readers import read_table
from chuanxa.engine.table_columns import read_columns, table_rows
from chuanxa.outputs.csvout import summaries_csv, summary_table_csv

from officer_style import officer_file
from test_officer_tables import FIXTURES

RULESET = "qd1300@2023-03-20"
EXAMPLES = Path(__file__).parent.parent / "examples"
TABLES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".csv", ".xlsx"))


def _both(path: Path, ruleset: str = RULESET, **kwargs: object) -> tuple[chuanxa.SummaryBatch, chuanxa.SummaryBatch]:
    fast = chuanxa.summarise_many(path, ruleset, **kwargs)  # type: ignore[arg-type]
    rows = chuanxa.summarise_many(path, ruleset, column_wise=False, **kwargs)  # type: ignore[arg-type]
    return fast, rows


def _assert_same_records(path: Path, ruleset: str = RULESET, **kwargs: object) -> None:
    """The full-results path's reader (`table_rows`) gives the row reader's records, column maps and errors."""
    loaded = chuanxa.load_ruleset(ruleset, as_of=kwargs.get("as_of"))  # type: ignore[arg-type]
    slow = read_table(path, loaded)
    table, rows = table_rows(path, loaded)
    got = list(rows)
    kept = [(n, r) for n, r in got if not isinstance(r, Exception)]
    errors = [(n, e) for n, e in got if isinstance(e, Exception)]
    assert [(n, r.data, r.data.model_fields_set, r.columns) for n, r in kept] == [(r.row, r.data, r.data.model_fields_set, r.columns) for r in slow.rows]
    assert [(n, [e.to_dict("en") for e in (exc.related or [exc])]) for n, exc in errors] == [(n, [e.to_dict("en") for e in (exc.related or [exc])]) for n, exc in slow.errors]
    assert table.notices == slow.notices


def _assert_same(fast: chuanxa.SummaryBatch, rows: chuanxa.SummaryBatch) -> None:
    assert [s.commune.code for s in fast.summaries] == [s.commune.code for s in rows.summaries]
    assert fast.summaries == rows.summaries
    assert [r.model_dump() for r in fast.rejected] == [r.model_dump() for r in rows.rejected]
    assert (fast.notices, fast.unknown_columns, fast.column_hints, fast.skipped_sheets) == (rows.notices, rows.unknown_columns, rows.column_hints, rows.skipped_sheets)


@pytest.mark.parametrize("name", TABLES)
def test_every_example_table_reads_the_same_column_by_column_as_row_by_row(name: str) -> None:
    ruleset = "qd1300" if "2026" in name else RULESET
    fast, rows = _both(EXAMPLES / name, ruleset, as_of="2026-06-30" if "2026" in name else None)
    assert fast.summaries, "the example has communes"
    _assert_same(fast, rows)
    _assert_same_records(EXAMPLES / name, ruleset, as_of="2026-06-30" if "2026" in name else None)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_officers_layouts_read_the_same_column_by_column(name: str, tmp_path: Path) -> None:
    _assert_same(*_both(officer_file(tmp_path, FIXTURES[name], name)))


def test_a_workbook_with_several_data_sheets_is_read_row_by_row_and_says_so() -> None:
    path = EXAMPLES / "thieu_hoa_2024_theo_dot.xlsx"
    engine = chuanxa.compiled(RULESET)
    read = read_columns(path, columnar(engine))
    assert not read.fast
    _assert_same(*_both(path))


def test_a_single_table_is_read_column_by_column() -> None:
    read = read_columns(EXAMPLES / "thieu_hoa_2024.csv", columnar(chuanxa.compiled(RULESET)))
    assert read.fast and len(read) == 15 and not read.rejected
    assert read.rows.tolist() == list(range(2, 17))


def _example_rows() -> tuple[list[str], list[list[str]]]:
    text = (EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


HEADER, ROWS = _example_rows()


def _column(words: str) -> int:
    return next(i for i, h in enumerate(HEADER) if h.startswith(words))


#: Cell edits an officer's table may hold, each making a row bad (or, for some, still good): (column, value).
BAD_CELLS = [
    (_column("Mã xã"), ""),  # no code, but data: rejected for its missing code
    (_column("Mã xã"), "16024"),  # a code used on another row
    (_column("Tỉnh"), "Tỉnh Mẫu"),  # not a province of the official list
    (_column("Vùng kinh tế"), "Vùng trăng"),  # not a region
    (_column("Địa hình"), "sa mạc"),
    (_column("Khoảng cách"), "xa lắm"),
    (_column("Vùng"), "7"),
    (_column("Năm đánh giá"), "năm ngoái"),
    (_column("Tên xã"), "Xã\x07 chuông"),  # a control character
    (_column("Tỷ lệ dân số tham gia"), "120"),  # beyond 100%
    (_column("Tỷ lệ dân số tham gia"), "chín mươi"),
    (_column("Tỷ lệ dân số tham gia"), "0,5"),  # a fraction in a column of percentages: refused with both readings
    (_column("Tỷ lệ dân số tham gia"), "95,5"),  # good: a decimal comma
    (_column("Tổng số hộ"), "2.650"),  # good: thousands dots in a count
    (_column("Tổng số hộ"), "2650,5"),  # not a whole number
    (_column("Số hộ gia đình có nhà tiêu"), "99999"),  # more households with a latrine than households: derived rate beyond 100
    (_column("Trạm y tế có bác sĩ"), "chắc có"),
    (_column("Trạm y tế có bác sĩ"), "x"),  # good: a tick
    (_column("Điểm thẩm định") if any(h.startswith("Điểm thẩm định") for h in HEADER) else len(HEADER) - 2, "2.7"),  # off the step
    (len(HEADER) - 2, "-1"),
    (len(HEADER) - 2, ""),
]


def write_edited_table(folder: Path, edits: list[tuple[int, tuple[int, Any]]], xlsx: bool) -> Path:
    """ROWS with each (row, (column, value)) edit applied, written as a CSV or as a workbook (numbers as numbers)."""
    rows = [list(r) for r in ROWS]
    for row, (column, value) in edits:
        rows[row][column] = value
    path = folder / ("bad.xlsx" if xlsx else "bad.csv")
    if xlsx:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for cells in rows:
            sheet.append([_xlsx_cell(cell) for cell in cells])
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([HEADER, *rows])
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(BAD_CELLS)), min_size=1, max_size=8), st.booleans())
def test_generated_tables_with_bad_rows_give_the_same_rejections_in_both_readers(tmp_path: Path, edits: list, xlsx: bool) -> None:
    path = write_edited_table(tmp_path, edits, xlsx)
    fast, by_rows = _both(path)
    _assert_same(fast, by_rows)
    _assert_same_records(path)
    assert len(fast.summaries) + len(fast.rejected) == len(ROWS), "every data row is scored or rejected"
    found = summarise_table_columns(path, RULESET)
    assert summary_table_csv(found.table, found.found.rejected, "vi") == summaries_csv(by_rows.summaries, by_rows.rejected, "vi"), "the CSV from arrays"
    for rejected in fast.rejected:
        assert rejected.row is not None and all(e.location.row == rejected.row for e in rejected.errors)


def _xlsx_cell(text: str) -> object:
    """A cell as a workbook holds it: numbers as numbers; a control character cannot be stored at all."""
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return text.replace("\x07", "")


def test_a_derived_input_beyond_its_bounds_is_rejected_with_the_row_paths_message(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[3][_column("Số hộ gia đình có nhà tiêu")] = "99999"
    path = tmp_path / "over.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    fast, by_rows = _both(path)
    _assert_same(fast, by_rows)
    assert [r.row for r in fast.rejected] == [5]
    assert fast.rejected[0].errors[0].code == "data.derived_out_of_bounds"


def test_two_columns_for_one_field_take_the_row_path(tmp_path: Path) -> None:
    header = [*HEADER, HEADER[_column("Tỷ lệ dân số tham gia")]]
    rows = [[*r, ""] for r in ROWS]
    rows[0][-1] = "91"
    path = tmp_path / "twice.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    assert not read_columns(path, columnar(chuanxa.compiled(RULESET))).fast
    _assert_same(*_both(path))


def test_the_batch_screen_lists_the_first_communes_and_says_how_many_more_the_file_holds() -> None:
    from chuanxa.outputs.table import batch_table

    batch = chuanxa.summarise_many(EXAMPLES / "thieu_hoa_2024.csv", RULESET)
    text = batch_table(batch, "en", limit=5)
    assert "… and 10 more communes in the results file" in text and f"Recognised: {batch.recognised_count}/15" in text
    codes = [s.commune.code for s in batch.summaries]
    assert codes[4] in text and codes[5] not in text
    assert "xã nữa" not in batch_table(batch, "vi", limit=15)
