"""The CLI as an officer uses it: exit codes, bad rows, languages, formats, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuanxa.cli.common import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from chuanxa.cli.main import cli, main

FIXTURES = Path(__file__).parent / "fixtures"
MINI = ["--rulesets", str(FIXTURES / "rulesets"), "--ruleset", "mini"]

HEADER = "Mã xã,Tên xã,Tỉnh,Vùng kinh tế - xã hội,Địa hình,Khoảng cách (km),Năm đánh giá,Ty le tiem chung,Tỷ lệ thấp còi (%),Số hộ,Số hộ có nhà tiêu hợp vệ sinh,Có bác sĩ,Điểm thẩm định 5,Cột lạ\n"
GOOD = "001,Xã An,Hà Nội,Đồng bằng sông Hồng,đồng bằng,4,2024,\"96,5\",12,500,480,có,2,x\n"
BAD = "002,Xã Bình,Hà Nội,Đồng bằng sông Hồng,đồng bằng,4,2024,abc,12,500,480,có,2,\n"
LOW = "003,Xã Cường,Hà Nội,Đồng bằng sông Hồng,đồng bằng,4,2024,70,30,500,400,không,1,\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def test_a_batch_with_one_malformed_row_scores_the_others_and_names_the_bad_one(tmp_path: Path) -> None:
    table = tmp_path / "district.csv"
    table.write_text(HEADER + GOOD + BAD + LOW, encoding="utf-8")
    out = tmp_path / "results.json"
    code, stdout, stderr = run("batch", str(table), "-o", str(out), *MINI, "--lang", "en")
    assert code == EXIT_SOME_FAILED
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["commune"]["code"] for r in data["results"]] == ["001", "003"]
    rejected = data["rejected"][0]
    assert (rejected["row"], rejected["commune"]) == (3, "002")
    location = rejected["errors"][0]["location"]
    assert location["column"] == "Ty le tiem chung" and location["indicator"] == "1"
    assert "row 3" in stderr and "abc" in stderr
    assert data["unknown_columns"] == ["Cột lạ"]


def test_a_summary_batch_gives_the_same_totals_and_still_names_the_bad_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    table = tmp_path / "district.csv"
    table.write_text(HEADER + GOOD + BAD + LOW, encoding="utf-8")
    full, summary = tmp_path / "full.csv", tmp_path / "summary.csv"
    assert run("batch", str(table), "-o", str(full), *MINI, "--lang", "en")[0] == EXIT_SOME_FAILED
    code, _, stderr = run("batch", str(table), "-o", str(summary), "--summary", *MINI, "--lang", "en")
    assert code == EXIT_SOME_FAILED and "row 3" in stderr and "abc" in stderr
    assert summary.read_text(encoding="utf-8-sig") == full.read_text(encoding="utf-8-sig")
    import chuanxa
    from chuanxa.outputs.csvout import results_csv, summaries_csv

    scored = chuanxa.score_many(table, "mini", rulesets_dirs=[FIXTURES / "rulesets"])
    summed = chuanxa.summarise_many(table, "mini", rulesets_dirs=[FIXTURES / "rulesets"], column_wise=True)
    written = full.read_text(encoding="utf-8-sig")  # newlines read back as "\n"
    assert results_csv(scored.results, scored.rejected, "en").replace("\r\n", "\n") == summaries_csv(summed.summaries, summed.rejected, "en").replace("\r\n", "\n") == written
    rejected_line = full.read_text(encoding="utf-8-sig").splitlines()[-1]
    assert rejected_line.startswith("002,") and ",rejected," in rejected_line and "abc" in rejected_line  # the CSV alone lists the bad row
    book_path = tmp_path / "summary.xlsx"
    assert run("batch", str(table), "-o", str(book_path), "--summary", *MINI)[0] == EXIT_SOME_FAILED
    book = load_workbook(book_path)
    assert book.sheetnames == ["Tổng hợp", "Bị từ chối"]
    assert [row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)] == ["Xã An", "Xã Cường"]
    reasons = book["Tổng hợp"]["J3"].value
    assert reasons and "dưới" in reasons


def test_the_xlsx_results_workbook_has_a_summary_and_a_sheet_per_commune(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    table = tmp_path / "district.csv"
    table.write_text(HEADER + GOOD + LOW, encoding="utf-8")
    out = tmp_path / "results.xlsx"
    code, _, _ = run("batch", str(table), "-o", str(out), *MINI)
    assert code == EXIT_OK
    book = load_workbook(out)
    assert book.sheetnames[0] == "Tổng hợp" and len(book.sheetnames) == 4 and book.sheetnames[-1] == "Ghi chú"
    assert "Cột lạ" in str(book["Ghi chú"]["C2"].value)  # the unknown column is recorded in the workbook too
    assert book["Tổng hợp"]["B2"].value == "Xã An" and book["Tổng hợp"]["F2"].value == 10


def test_fail_below_exits_one_when_a_commune_is_not_recognised(tmp_path: Path) -> None:
    table = tmp_path / "d.csv"
    table.write_text(HEADER + GOOD + LOW, encoding="utf-8")
    assert run("score", str(table), *MINI)[0] == EXIT_OK
    assert run("score", str(table), *MINI, "--fail-below")[0] == EXIT_SOME_FAILED


def test_score_prints_vietnamese_by_default_and_english_on_request(tmp_path: Path) -> None:
    table = tmp_path / "d.csv"
    table.write_text(HEADER + LOW, encoding="utf-8")
    _, vi, _ = run("score", str(table), *MINI)
    _, en, _ = run("score", str(table), *MINI, "--lang", "en")
    assert "CHƯA ĐẠT chuẩn" in vi and "NOT RECOGNISED" in en


def test_json_output_of_one_commune_is_the_documented_object(tmp_path: Path) -> None:
    commune = {"commune": {"code": "9", "name": "Xã Chín", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4},
               "values": {"immunisation_rate": 96, "stunting_rate": 10, "households": 10, "households_latrine": 10, "has_doctor": "yes"}, "assessed": {"5": 2}}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(commune, allow_unicode=True), encoding="utf-8")
    code, stdout, _ = run("score", str(path), *MINI, "--format", "json")
    data = json.loads(stdout)
    assert code == EXIT_OK and data["recognised"] is True and data["ruleset"]["id"] == "mini"


def test_an_unknown_ruleset_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("commune: {code: '1', name: X}\n", encoding="utf-8")
    code = main(["score", str(path), "--ruleset", "qd130"])
    assert code == EXIT_USAGE


def test_template_files_are_read_back_by_the_batch_reader(tmp_path: Path) -> None:
    csv_path = tmp_path / "t.csv"
    assert run("template", *MINI, "-o", str(csv_path))[0] == EXIT_OK
    header = csv_path.read_text(encoding="utf-8-sig").strip()
    row = "001,Xã An,Hà Nội,,,Đồng bằng sông Hồng,đồng bằng,4,không,,2024,100,96,12,500,480,có,2,ghi chú"  # Tỉnh cũ, Huyện (cũ) blank
    csv_path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    code, _, stderr = run("batch", str(csv_path), "-o", str(out), *MINI)
    assert code == EXIT_OK, stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["unknown_columns"] == [] and result["results"][0]["recognised"] is True


def test_the_xlsx_template_has_data_validation(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    assert run("template", *MINI, "-o", str(path))[0] == EXIT_OK
    sheet = load_workbook(path)["Dữ liệu"]
    kinds = {dv.type for dv in sheet.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.text(max_size=8), st.floats(allow_nan=True), st.integers(-10**6, 10**6), st.none()), min_size=8, max_size=8))
def test_no_generated_input_makes_the_cli_print_a_traceback(tmp_path: Path, capsys, cells: list) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "region", "terrain", "distance_km", "immunisation_rate", "has_doctor", "assessed 5"])
    writer.writerow(["" if c is None else c for c in cells])
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    code = main(["score", str(path), *MINI])
    captured = capsys.readouterr()
    assert code in (EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE), captured.err
    assert "Traceback" not in captured.out + captured.err and "Internal error" not in captured.err


def test_workbooks_read_every_data_sheet_and_percent_formatted_cells_as_shown(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    guide = book.active
    guide.title = "Ghi chú"
    guide.append(["Bảng số liệu đợt 1 và đợt 2"])
    guide.append(["Người lập: Trung tâm Y tế huyện"])
    for title, line in (("Đợt 1", GOOD), ("Đợt 2", LOW)):
        sheet = book.create_sheet(title)
        sheet.append(HEADER.strip().split(","))
        cells: list[object] = [c.strip('"') for c in line.strip().replace('"96,5"', "0.965").split(",")]
        sheet.append(cells)
    first = book["Đợt 1"]
    first["H2"].value = 0.965  # typed as "96.5%" in Excel: stored 0.965, shown 96.5%
    first["H2"].number_format = "0.0%"
    first["F2"].value = 4
    path = tmp_path / "rounds.xlsx"
    book.save(path)
    out = tmp_path / "out.json"
    code, _, stderr = run("batch", str(path), "-o", str(out), *MINI, "--lang", "en")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["commune"]["code"] for r in data["results"]] == ["001", "003"]
    assert data["results"][0]["indicators"][0]["values"] == {"immunisation_rate": 96.5}
    assert data["skipped_sheets"] == ["Ghi chú"] and "Ghi chú" in stderr


def _cp1258(text: str) -> bytes:
    """Text as Excel's "CSV (Comma delimited)" writes it on a Vietnamese Windows: code page 1258, where some
    letters are a precomposed vowel followed by a combining tone mark."""
    import itertools
    import unicodedata

    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, marks = unicodedata.normalize("NFD", ch)[0], unicodedata.normalize("NFD", ch)[1:]
        for keep in (c for k in range(len(marks), -1, -1) for c in itertools.combinations(range(len(marks)), k)):
            head = unicodedata.normalize("NFC", base + "".join(marks[i] for i in keep))
            rest = "".join(marks[i] for i in range(len(marks)) if i not in keep)
            try:
                out += head.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return bytes(out)


def test_csv_files_saved_by_excel_in_other_encodings_read_the_same(tmp_path: Path) -> None:
    text = HEADER + GOOD + LOW
    expected = None
    for name, data in (("utf8.csv", text.encode("utf-8")), ("cp1258.csv", _cp1258(text)), ("utf16.csv", text.encode("utf-16"))):
        path = tmp_path / name
        path.write_bytes(data)
        out = tmp_path / (name + ".json")
        assert run("batch", str(path), "-o", str(out), *MINI)[0] == EXIT_OK
        results = [(r["commune"]["name"], r["total"]["points"]) for r in json.loads(out.read_text(encoding="utf-8"))["results"]]
        assert results[0][0] == "Xã An" and results[1][0] == "Xã Cường"
        expected = expected or results
        assert results == expected, name


def test_a_misspelled_column_is_reported_with_the_label_it_resembles(tmp_path: Path) -> None:
    table = tmp_path / "district.csv"
    table.write_text(HEADER.replace("Ty le tiem chung", "Ty le tiem chug") + GOOD, encoding="utf-8")
    code, _, stderr = run("score", str(table), *MINI)
    assert code == EXIT_OK and "Ty le tiem chug" in stderr and "Tỷ lệ tiêm chủng" in stderr
    assert chuanxa_hints(table)["Ty le tiem chug"][0] == "Tỷ lệ tiêm chủng"  # the closest first


def chuanxa_hints(table: Path) -> dict:
    import chuanxa

    return dict(chuanxa.score_many(table, "mini", rulesets_dirs=[FIXTURES / "rulesets"]).column_hints)


def test_an_assessed_column_for_an_unknown_indicator_is_one_column_problem_not_every_row(tmp_path: Path) -> None:
    table = tmp_path / "district.csv"
    table.write_text(HEADER.replace("Điểm thẩm định 5", "Diem tham dinh 5a") + GOOD + LOW, encoding="utf-8")
    batch = chuanxa_batch(table)
    assert len(batch.results) == 2 and not batch.rejected
    assert "Diem tham dinh 5a" in batch.unknown_columns and batch.column_hints["Diem tham dinh 5a"] == ("Diem tham dinh 5",)


def chuanxa_batch(table: Path):  # type: ignore[no-untyped-def]
    import chuanxa

    return chuanxa.score_many(table, "mini", rulesets_dirs=[FIXTURES / "rulesets"])


def test_outputs_never_overwrite_inputs_and_follow_their_suffix(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    table = tmp_path / "district.csv"
    table.write_text(HEADER + GOOD + LOW, encoding="utf-8")
    before = table.read_bytes()
    assert main(["batch", str(table), "-o", str(table), *MINI]) == EXIT_USAGE
    assert main(["score", str(table), "-o", str(tmp_path / ".." / tmp_path.name / "district.csv"), *MINI]) == EXIT_USAGE
    assert table.read_bytes() == before, "the data file is untouched"
    assert main(["score", str(table), "--format", "csv", "-o", str(tmp_path / "x.xlsx"), *MINI]) == EXIT_USAGE
    assert main(["batch", str(table), "-o", str(tmp_path / "x.txt"), *MINI]) == EXIT_USAGE
    assert run("score", str(table), "-o", str(tmp_path / "kq.xlsx"), *MINI)[0] == EXIT_OK
    assert load_workbook(tmp_path / "kq.xlsx").sheetnames[0] == "Tổng hợp"  # the suffix chose the format
    assert run("batch", str(table), "-o", str(tmp_path / "new" / "folder" / "kq.csv"), *MINI)[0] == EXIT_OK


def test_a_rate_computed_out_of_its_bounds_rejects_the_commune_naming_its_parts(tmp_path: Path) -> None:
    table = tmp_path / "district.csv"
    table.write_text(HEADER + GOOD.replace(",500,480,", ",500,4800,") + LOW, encoding="utf-8")
    code, _, stderr = run("score", str(table), *MINI, "--lang", "en")
    assert code == EXIT_SOME_FAILED and "latrine_rate" in stderr and "households_latrine / households" in stderr and "960" in stderr


def test_watching_a_file_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["watch", str(tmp_path / "nope.jsonl")]) == EXIT_USAGE


def test_a_semicolon_csv_with_decimal_commas_reads_like_the_comma_one(tmp_path: Path) -> None:
    import csv
    import io

    plain, semi = tmp_path / "plain.csv", tmp_path / "semi.csv"
    plain.write_text(HEADER + GOOD + LOW, encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in csv.reader(io.StringIO(HEADER + GOOD + LOW)):
        writer.writerow([cell.replace(".", ",") for cell in row])
    semi.write_text(buffer.getvalue(), encoding="utf-8")
    import chuanxa

    results = [chuanxa.score_many(path, "mini", rulesets_dirs=[FIXTURES / "rulesets"]) for path in (plain, semi)]
    assert [r.summary() for r in results[0].results] == [r.summary() for r in results[1].results] and not results[1].rejected
