"""Officers' language in what chuanxa writes, the bundled officer-style examples, and the defects found by the
first trial with an officer's own workbook."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

import chuanxa
from chuanxa.cli.main import main

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
RULESET = "qd1300@2023-03-20"


def _outcome(batch: chuanxa.BatchResult) -> list[tuple[str, float, str]]:
    return [(r.commune.code, r.total.points, r.verdict.value) for r in batch.results]


@pytest.mark.parametrize("name", ["thieu_hoa_2024_bao_cao.xlsx", "thieu_hoa_2024_theo_dot.xlsx"])
def test_the_bundled_officer_workbooks_score_like_the_template_layout(name: str) -> None:
    batch = chuanxa.score_many(EXAMPLES / name, RULESET)
    assert not batch.rejected and _outcome(batch) == _outcome(chuanxa.score_many(EXAMPLES / "thieu_hoa_2024.csv", RULESET))
    codes = {n.code for n in batch.notices}
    assert "notice.totals_row" in codes and "notice.title_rows" in codes


def test_the_readme_main_command_uses_an_officer_workbook() -> None:
    assert "chuanxa batch examples/thieu_hoa_2024_bao_cao.xlsx" in (ROOT / "README.md").read_text(encoding="utf-8")


def _all_rejected(tmp_path: Path) -> Path:
    table = tmp_path / "bad.csv"
    text = (EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.reader(text))
    column = rows[0].index("Tổng số hộ gia đình (hộ)")
    for row in rows[1:4]:
        row[column] = "nhiều"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows[:4])
    table.write_text(buffer.getvalue(), encoding="utf-8")
    return table


@pytest.mark.parametrize("command", [["batch"], ["batch", "--summary"], ["score"]])
def test_a_table_whose_every_row_is_rejected_writes_the_workbook_listing_them_and_exits_1(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out.xlsx"
    assert main([command[0], str(_all_rejected(tmp_path)), "-o", str(out), "--ruleset", RULESET, *command[1:]]) == 1
    book = load_workbook(out)
    rejected = book["Bị từ chối"]
    assert [row[0] for row in rejected.iter_rows(min_row=2, values_only=True) if row[0]][:3] == [2, 3, 4]
    assert book["Tổng hợp"].max_row == 1  # the header alone: nothing scored


def test_the_csv_speaks_vietnamese_by_default_and_gives_stable_ids_in_english(tmp_path: Path) -> None:
    vi, en = tmp_path / "vi.csv", tmp_path / "en.csv"
    assert main(["batch", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(vi), "--ruleset", RULESET]) == 0
    assert main(["batch", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(en), "--ruleset", RULESET, "--lang", "en"]) == 0
    vi_rows = list(csv.DictReader(io.StringIO(vi.read_text(encoding="utf-8-sig"))))
    en_rows = list(csv.DictReader(io.StringIO(en.read_text(encoding="utf-8-sig"))))
    assert {"Mã xã", "Kết luận", "Đạt chuẩn", "Lý do", "Tiêu chí 1", "Chỉ tiêu 1"} <= set(vi_rows[0])
    assert {r["Kết luận"] for r in vi_rows} <= {"ĐẠT chuẩn", "CHƯA ĐẠT chuẩn", "CHƯA ĐỦ SỐ LIỆU"} and {r["Đạt chuẩn"] for r in vi_rows} <= {"có", "không", ""}
    assert {r["verdict"] for r in en_rows} <= {"recognised", "not_recognised", "incomplete"} and "code" in en_rows[0]
    failing = next(r for r in vi_rows if r["Kết luận"] == "CHƯA ĐẠT chuẩn")
    assert "tổng điểm dưới mức tối thiểu" in failing["Lý do"] or "tiêu chí" in failing["Lý do"]


def test_shares_in_the_results_workbook_are_formatted_as_percentages(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["batch", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(out), "--ruleset", RULESET]) == 0
    sheet = load_workbook(out)["Tổng hợp"]
    assert sheet["H1"].value == "Tỷ lệ" and sheet["H2"].number_format == "0.0%" and 0 < sheet["H2"].value <= 1


def test_the_templates_assessed_columns_carry_title_maximum_and_a_stepped_validation(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    assert main(["template", "--ruleset", RULESET, "-o", str(path)]) == 0
    sheet = load_workbook(path)["Dữ liệu"]
    headers = [c.value for c in sheet[1]]
    column = next(i for i, h in enumerate(headers, start=1) if str(h).startswith("Điểm thẩm định 1 "))
    assert "Ban Chỉ đạo" in headers[column - 1] and headers[column - 1].endswith("(tối đa 3)")
    letter = sheet.cell(row=1, column=column).column_letter
    rules = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2")]
    assert rules and rules[0].formula1 == f"AND(ISNUMBER({letter}2),{letter}2>=0,{letter}2<=3.0,ABS({letter}2/0.5-ROUND({letter}2/0.5,0))<=1E-9)"
    from chuanxa.communes.readers import match_headers

    mapping, unknown = match_headers([str(h) for h in headers], chuanxa.load_ruleset(RULESET))  # the reader finds the id in the long header
    assert not unknown and mapping[column - 1] == ("assessed", "1", "points")


def test_merge_writes_the_new_communes_like_the_template(tmp_path: Path) -> None:
    out = tmp_path / "moi.csv"
    assert main(["merge", str(EXAMPLES / "merge_mapping.yaml"), str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(out), "--ruleset", RULESET]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    first = rows[0]
    assert first["Trạm y tế có bác sĩ làm việc"] in ("có", "không")
    assert first["Dân số của xã (người)"].isdigit()  # a count, not "29400.0"
    # A region derived from the place is left blank, so that it is derived again (and said so) when read back.
    assert first["Vùng kinh tế - xã hội"] == ""
    again = chuanxa.score_many(out, RULESET)
    assert not again.rejected and {r.region for r in again.results} == {"bac_trung_bo"}


def test_the_sweep_is_headed_by_the_inputs_label(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLES / "xa-thieu-giao.yaml"), "--sweep", "health_insurance_rate=90:92:1"]) == 0
    out = capsys.readouterr().out
    assert "Tỷ lệ dân số tham gia bảo hiểm y tế (%)" in out and "health_insurance_rate" not in out


def test_rulesets_show_in_vietnamese_writes_rules_in_words_and_wraps_instead_of_cutting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets", "show", RULESET, "--lang", "vi"]) in (0, None)
    out = capsys.readouterr().out
    assert "Tỷ lệ dân số tham gia bảo hiểm y tế ≥ 95: 4 điểm" in out and "health_insurance_rate" not in out
    assert "…" not in out and "Trạm y tế có bác sĩ làm việc = có: 3 điểm" in out


def test_rulesets_audit_shows_whole_notes_and_cites_documents_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets", "audit", RULESET]) in (0, None)
    out = capsys.readouterr().out
    assert "(seed" not in out and "[S]" not in out
    assert not re.search(r"\w…(\s|$)", out)  # nothing clipped ("… " quoted from a source, with a space before, is the source's own)
    assert "Kế hoạch hành động 2024 của TTYT" in out and "huyện Thiệu Hóa" in out
