"""Officers' own workbooks: title rows, merged group headers, column numbers, worded labels, number forms,
totals, notes and signatures. Each officer-style table scores exactly like the same data in the template layout."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.cli.main import main
from chuanxa.communes.headers import HeaderMatcher
from chuanxa.communes.values import parse_number, parse_yes_no

from officer_style import LABEL_VARIANTS, Style, officer_file, template_table

RULESET = "qd1300@2023-03-20"
EXAMPLE = Path(__file__).parent.parent / "examples" / "thieu_hoa_2024.csv"


def _outcome(batch: chuanxa.BatchResult) -> list[tuple[str, float, str, tuple[float, ...]]]:
    return [(r.commune.code, r.total.points, r.verdict.value, tuple(c.points for c in r.criteria)) for r in batch.results]


@pytest.fixture(scope="module")
def reference() -> list[tuple[str, float, str, tuple[float, ...]]]:
    return _outcome(chuanxa.score_many(EXAMPLE, RULESET))


FIXTURES = {
    "report_with_title_group_header_and_column_numbers": Style(title_rows=4, group_row=True, numbering_row=True, ordinal=True, totals=True, notes=True),
    "semicolon_csv_with_thousands_dots_decimal_commas_and_ticks": Style(fmt="csv", title_rows=2, thousands=".", vi_numbers=True, percent="text", ticks=True,
                                                                         blank_every=4, totals=True),
    "percent_formatted_cells_and_non_breaking_thousands": Style(percent="format", thousands="\u00a0", labels={k: v[0] for k, v in LABEL_VARIANTS.items()}),
    "rates_typed_as_fractions_with_worded_labels": Style(percent="fraction", labels={k: v[-1] for k, v in LABEL_VARIANTS.items()}, notes=True),
    "spaces_for_thousands_and_a_blank_row_after_each_commune": Style(fmt="csv", thousands=" ", blank_every=1, ordinal=True, numbering_row=True),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_an_officer_style_table_scores_exactly_like_the_template_layout(name: str, tmp_path: Path, reference: list) -> None:
    path = officer_file(tmp_path, FIXTURES[name], name)
    batch = chuanxa.score_many(path, RULESET)
    assert not batch.rejected, [chuanxa.problem_text(e).en for r in batch.rejected for e in r.errors]
    assert _outcome(batch) == reference
    assert not batch.unknown_columns
    assert main(["batch", str(path), "-o", str(tmp_path / "out.json"), "--ruleset", RULESET]) == 0


def test_notices_say_which_row_was_the_header_and_why_other_rows_were_skipped(tmp_path: Path) -> None:
    path = officer_file(tmp_path, FIXTURES["report_with_title_group_header_and_column_numbers"])
    notices = {n.code: n for n in chuanxa.score_many(path, RULESET).notices}
    assert notices["notice.header_rows"].rows == (6, 7)  # the merged group row over the label row
    assert notices["notice.title_rows"].rows == (1, 2, 3, 4)
    assert notices["notice.numbering_row"].rows == (8,)
    assert notices["notice.totals_row"].rows == (24,) and "tổng cộng" in chuanxa.table_notice_text(notices["notice.totals_row"]).vi
    assert notices["notice.notes_row"].rows == (26,)
    assert notices["notice.after_end"].rows == (27, 28, 29)
    assert "hàng 6–7" in chuanxa.table_notice_text(notices["notice.header_rows"]).vi and "rows 6–7" in chuanxa.table_notice_text(notices["notice.header_rows"]).en


def test_a_totals_row_is_never_scored_nor_rejected_even_with_numbers_in_it(tmp_path: Path) -> None:
    path = officer_file(tmp_path, Style(totals=True))
    batch = chuanxa.score_many(path, RULESET)
    assert len(batch.results) == 15 and not batch.rejected


def test_a_row_with_a_code_and_bad_data_is_still_rejected_with_its_reasons(tmp_path: Path) -> None:
    headers, rows = template_table()
    rows[2][headers.index("Tổng số hộ gia đình (hộ)")] = "nhiều"
    path = tmp_path / "bad.csv"
    _write_csv(path, [["BẢNG TỔNG HỢP"], headers, *rows, ["", "Tổng cộng"]])
    batch = chuanxa.score_many(path, RULESET)
    assert [r.row for r in batch.rejected] == [5]
    assert "Tổng số hộ gia đình" in chuanxa.problem_text(batch.rejected[0].errors[0]).vi


def test_header_row_and_sheet_options_force_the_choice(tmp_path: Path) -> None:
    from openpyxl import Workbook

    headers, rows = template_table()
    book = Workbook()
    first = book.active
    first.title = "Đợt 1"
    for row in [["Mã xã", "Tên xã"], ["ghi chú"], headers, *rows[:5]]:
        first.append(row)
    second = book.create_sheet("Đợt 2")
    for row in [headers, *rows[5:]]:
        second.append(row)
    path = tmp_path / "rounds.xlsx"
    book.save(path)
    both = chuanxa.score_many(path, RULESET)
    assert len(both.results) == 15
    one = chuanxa.score_many(path, RULESET, sheet="dot 2")  # the name without diacritics finds it
    assert [r.commune.code for r in one.results] == [r[0] for r in rows[5:]]
    forced = chuanxa.score_many(path, RULESET, sheet="Đợt 1", header_row=3)
    assert len(forced.results) == 5
    with pytest.raises(chuanxa.CommuneDataError, match="no sheet 'Dot 9'"):
        chuanxa.score_many(path, RULESET, sheet="Dot 9")
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv"), "--sheet", "Đợt 2", "--header-row", "1", "--ruleset", RULESET]) == 0


@pytest.mark.parametrize("text, whole, expected", [
    ("9.800", True, 9800), ("12.345.678", True, 12345678), ("9 800", True, 9800), ("9\u00a0800", True, 9800), ("9,800", True, 9800),
    ("1.234,5", False, 1234.5), ("1,234.5", False, 1234.5), ("95,5", False, 95.5), ("95.5", False, 95.5), ("95,5%", False, 95.5),
    ("95.5 %", False, 95.5), ("0,977", False, 0.977), ("9.8", True, 9.8), ("0,500", True, 0.5),
])
def test_numbers_are_read_as_officers_type_them(text: str, whole: bool, expected: float) -> None:
    assert parse_number(text, whole=whole) == expected


@pytest.mark.parametrize("text", ["1.23.4", "1,2,3", "1.234.5,6,7", "12,34.5", "abc", ""])
def test_a_number_in_no_known_form_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text, expected", [("x", True), ("X", True), ("✓", True), ("Có", True), ("co", True), ("đạt", True), ("không", False),
                                            ("Ko", False), ("chưa", False), ("Không đạt", False), ("0", False)])
def test_yes_and_no_are_read_in_their_usual_forms_and_ticks(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


def test_a_count_with_thousands_dots_is_not_read_as_a_decimal(tmp_path: Path) -> None:
    headers, rows = template_table()
    column = headers.index("Dân số của xã (người)")
    rows[0][column] = "9.800"
    path = tmp_path / "dots.csv"
    _write_csv(path, [headers, *rows])
    batch = chuanxa.score_many(path, RULESET)
    first = next(r for r in batch.results if r.commune.code == rows[0][0])
    assert not batch.rejected and first.indicators[5].values.get("population", 9800) == 9800


def test_a_single_fraction_among_percentages_is_refused_with_both_readings(tmp_path: Path) -> None:
    headers, rows = template_table()
    column = headers.index("Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ (%)")
    rows[3][column] = "0.977"
    path = tmp_path / "one.csv"
    _write_csv(path, [headers, *rows])
    batch = chuanxa.score_many(path, RULESET)
    assert len(batch.results) == 14 and [r.row for r in batch.rejected] == [5]
    message = chuanxa.problem_text(batch.rejected[0].errors[0]).vi
    assert "0,977 — có phải 97,7%?" in message and "Tỷ lệ trẻ em dưới 1 tuổi" in message
    assert "did you mean 97.7%?" in chuanxa.problem_text(batch.rejected[0].errors[0]).en


def test_a_small_percentage_written_with_its_sign_is_not_in_doubt(tmp_path: Path) -> None:
    headers, rows = template_table()
    column = headers.index("Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi (%)")
    rows[3][column] = "0,8%"
    path = tmp_path / "small.csv"
    _write_csv(path, [headers, *rows])
    assert not chuanxa.score_many(path, RULESET).rejected


def test_a_whole_column_of_fractions_is_read_as_percentages_with_a_notice(tmp_path: Path, reference: list) -> None:
    path = officer_file(tmp_path, Style(percent="fraction"))
    batch = chuanxa.score_many(path, RULESET)
    assert _outcome(batch) == reference
    fractions = [n for n in batch.notices if n.code == "notice.fraction_column"]
    assert len(fractions) == 6 and any("0,977 là 97,7%" in chuanxa.table_notice_text(n).vi for n in fractions)


@pytest.mark.parametrize("written", [variant for variants in LABEL_VARIANTS.values() for variant in variants])
def test_labels_worded_differently_still_find_their_column(written: str) -> None:
    ruleset = chuanxa.load_ruleset(RULESET)
    matcher = HeaderMatcher.for_ruleset(ruleset)
    template = next(k for k, v in LABEL_VARIANTS.items() if written in v)
    assert matcher.match(written) == matcher.match(template) is not None


def test_an_unmatched_column_resembling_a_label_gets_a_did_you_mean(tmp_path: Path) -> None:
    headers, rows = template_table()
    headers[headers.index("Tổng số hộ gia đình (hộ)")] = "Tổng số hộ gia đinh trong xã"
    path = tmp_path / "near.csv"
    _write_csv(path, [headers, *rows])
    batch = chuanxa.score_many(path, RULESET)
    assert batch.column_hints["Tổng số hộ gia đinh trong xã"][0] == "Tổng số hộ gia đình"


def test_messages_name_columns_by_their_vietnamese_label_not_an_internal_path(tmp_path: Path) -> None:
    headers, rows = template_table()
    rows[1][0] = ""
    rows[1][headers.index("Tổng số hộ gia đình (hộ)")] = "?"
    path = tmp_path / "nocode.csv"
    _write_csv(path, [headers, *rows])
    errors = chuanxa.score_many(path, RULESET).rejected[0].errors
    text = " ".join(chuanxa.problem_text(e).vi for e in errors)
    assert "Mã xã" in text and "commune.code" not in text


_LABELS = st.fixed_dictionaries({k: st.sampled_from((k, *v)) for k, v in LABEL_VARIANTS.items()})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(style=st.builds(
    Style, fmt=st.sampled_from(["xlsx", "csv"]), title_rows=st.integers(0, 4), group_row=st.booleans(), numbering_row=st.booleans(),
    ordinal=st.booleans(), labels=_LABELS, thousands=st.sampled_from(["", ".", " ", "\u00a0"]), vi_numbers=st.booleans(),
    percent=st.sampled_from(["plain", "text", "format", "fraction"]), ticks=st.booleans(), blank_every=st.integers(0, 5), totals=st.booleans(),
    notes=st.booleans()))
def test_any_officer_formatting_of_a_template_table_scores_identically(style: Style, tmp_path: Path, reference: list) -> None:
    if style.fmt == "csv" and style.percent == "format":
        style = Style(**{**style.__dict__, "percent": "text"})  # a CSV has no cell formats
    path = officer_file(tmp_path, style, "prop")
    batch = chuanxa.score_many(path, RULESET)
    assert not batch.rejected, [chuanxa.problem_text(e).en for r in batch.rejected for e in r.errors][:3]
    assert _outcome(batch) == reference


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_a_section_heading_is_skipped_but_a_row_with_data_and_no_code_is_rejected(tmp_path: Path) -> None:
    headers, rows = template_table()
    nameless = list(rows[4])
    nameless[0] = ""  # data, but no commune code: a commune whose code was forgotten
    path = tmp_path / "sections.csv"
    _write_csv(path, [headers, ["", "I. Huyện Thiệu Hóa"], *rows[:4], nameless, ["", "II. Các xã khác"], *rows[5:]])
    batch = chuanxa.score_many(path, RULESET)
    skipped = {n.code: list(n.rows) for n in batch.notices}
    assert skipped["notice.no_commune_row"] == [2, 8]
    assert [r.row for r in batch.rejected] == [7] and "Mã xã" in chuanxa.problem_text(batch.rejected[0].errors[0]).vi
    assert len(batch.results) == 14
