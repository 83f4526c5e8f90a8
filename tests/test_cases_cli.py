"""`chuanxa rulesets test` and the cases beside a ruleset, as a person correcting a ruleset uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from chuanxa.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "rulesets"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
    return (result.return_value if isinstance(result.return_value, int) else result.exit_code), result.output


def test_the_bundled_cases_pass() -> None:
    code, out = run("rulesets", "test", "--lang", "en")
    assert code == 0 and "65 case(s): 65 passed, 0 failed." in out


def test_a_case_changed_to_a_wrong_expectation_fails_with_a_clear_difference_and_exit_1(tmp_path: Path) -> None:
    text = (FIXTURES / "mini_2020-01-01.cases.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "mini_2020-01-01.cases.yaml"
    wrong.write_text(text.replace("expect: {indicators: {\"1\": {points: 2, status: met}}, verdict: recognised}",
                                  "expect: {indicators: {\"1\": {points: 1.5, status: met}}, verdict: recognised}"), encoding="utf-8")
    code, out = run("rulesets", "test", str(wrong), "--rulesets", str(FIXTURES), "--quiet")
    assert code == 1
    assert "KHÔNG ĐẠT  mini_2020-01-01.cases.yaml:8  exactly_at_threshold_passes" in out
    assert "chỉ tiêu 1 — điểm: mong đợi 1.5, thực tế 2" in out and "13 ca: 12 đạt, 1 không đạt." in out
    code, out = run("rulesets", "test", str(wrong), "--rulesets", str(FIXTURES), "--lang", "en")
    assert "indicator 1 — points: expected 1.5, got 2" in out


def test_a_short_case_gives_only_the_inputs_that_matter(tmp_path: Path) -> None:
    cases = tmp_path / "short.cases.yaml"
    cases.write_text("ruleset: mini@2020-01-01\ncases:\n  - name: just_the_rate\n    values: {immunisation_rate: 95}\n"
                     "    expect: {indicators: {'1': {points: 2, status: met}}, verdict: incomplete}\n", encoding="utf-8")
    code, out = run("rulesets", "test", str(cases), "--rulesets", str(FIXTURES))
    assert code == 0 and "1 ca: 1 đạt, 0 không đạt." in out


def test_an_unknown_indicator_or_key_in_a_cases_file_is_located(tmp_path: Path) -> None:
    cases = tmp_path / "bad.cases.yaml"
    cases.write_text("ruleset: mini@2020-01-01\ncases:\n  - name: typo\n    expect: {indicators: {'9': {points: 2}}}\n"
                     "  - name: key\n    expect: {verdic: recognised}\n", encoding="utf-8")
    code, out = run("rulesets", "test", str(cases), "--rulesets", str(FIXTURES), "--lang", "en")
    assert code == 1
    assert "line 6, cases[1].expect.verdic: The key 'verdic' is not allowed here. Did you mean: verdict?" in out


def test_validate_runs_the_cases_beside_a_ruleset_and_fails_when_one_fails(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "mini_2020-01-01.yaml", tmp_path)
    good = (FIXTURES / "mini_2020-01-01.cases.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini_2020-01-01.cases.yaml").write_text(good, encoding="utf-8")
    code, out = run("rulesets", "validate", str(tmp_path))
    assert code == 0 and "13 ca: 13 đạt" in out
    (tmp_path / "mini_2020-01-01.cases.yaml").write_text(good.replace("total: 8, verdict: recognised}", "total: 9, verdict: recognised}", 1), encoding="utf-8")
    code, out = run("rulesets", "validate", str(tmp_path), "--lang", "en")
    assert code == 1 and "total: expected 9, got 8" in out


def test_cases_in_a_workbook_run_like_yaml_ones(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ca kiểm thử của bộ mini"])
    sheet.append(["Tên ca", "Vùng KT-XH", "Địa hình", "Khoảng cách (km)", "Tỷ lệ tiêm chủng", "Điểm thẩm định 5",
                  "Mong đợi điểm 1", "Mong đợi trạng thái 1", "Mong đợi kết luận", "Mong đợi vùng"])
    sheet.append(["dung_nguong_95", "dong_bang_song_hong", "dong_bang", 4, 95, 2, 2, "đạt", None, 2])
    sheet.append(["duoi_nguong_sai_mong_doi", "dong_bang_song_hong", "dong_bang", 2, 94.9, 2, 2, "đạt", "chưa đủ số liệu", 1])
    book.save(tmp_path / "mini_2020-01-01.cases.xlsx")
    code, out = run("rulesets", "test", str(tmp_path), "--rulesets", str(FIXTURES), "--lang", "en")
    assert code == 1
    assert "PASS   mini_2020-01-01.cases.xlsx:3  dung_nguong_95" in out
    assert "FAIL   mini_2020-01-01.cases.xlsx:4  duoi_nguong_sai_mong_doi\n    indicator 1 — points: expected 2, got 1" in out
