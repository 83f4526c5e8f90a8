"""Overlays as uploaded files (the store's activation reads them here), `rulesets diff` on notes, and a cases
workbook read through the hardened, limited reader (hostile workbooks included)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from chuanxa.authoring.overlay_bundle import Upload, read_overlay, resolve_files, safe_name
from chuanxa.cli.main import cli
from chuanxa.criteria.diff import diff_rulesets
from chuanxa.criteria.registry import Registry
from chuanxa.errors import ChuanxaError, RulesetError

FIXTURES = Path(__file__).parent / "fixtures"
OVERLAY = FIXTURES / "overlays" / "qd1300_tinh_thu_2023-03-20.yaml"
CASES = FIXTURES / "overlays" / "qd1300_tinh_thu_2023-03-20.cases.yaml"
MINI = FIXTURES / "rulesets"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
    return (result.return_value if isinstance(result.return_value, int) else result.exit_code), result.output


def test_a_changed_note_is_a_change_in_the_diff(tmp_path: Path) -> None:
    (tmp_path / "mini_ghi_chu.yaml").write_text(
        "ruleset: {id: mini_ghi_chu, version: 2020-01-01, extends: mini@2020-01-01, title: {vi: Ghi chú, en: Note}, "
        "legal_basis: {vi: Thử, en: Test}, issued: 2020-01-01, effective: 2020-01-01}\n"
        "criteria:\n  - id: 1\n    note: Ghi chú mới của tiêu chí.\n    indicators:\n      - id: 1\n        note: Ghi chú mới của chỉ tiêu.\n",
        encoding="utf-8")
    registry = Registry([MINI, tmp_path], use_env=False)
    changes = diff_rulesets(registry.load("mini@2020-01-01"), registry.load("mini_ghi_chu@2020-01-01"))
    assert [(c.path, c.after) for c in changes] == [("criterion 1.note", "Ghi chú mới của tiêu chí."), ("indicator 1.note", "Ghi chú mới của chỉ tiêu.")]


@pytest.mark.parametrize(("given", "kept"), [("Bảng điểm tỉnh.XLSX", "Bang_diem_tinh.xlsx"), ("../../etc/passwd.yaml", "passwd.yaml"),
                                             ("C:\\Users\\cb\\Đồng Nai.cases.yaml", "Dong_Nai.cases.yaml"), ("noi dung", "noi_dung")])
def test_an_uploaded_file_is_kept_under_its_last_name_in_plain_letters(given: str, kept: str) -> None:
    assert safe_name(given) == kept


def test_an_overlay_upload_resolves_runs_its_cases_and_comes_back_from_its_stored_files() -> None:
    bundle = read_overlay([Upload(OVERLAY.name, OVERLAY.read_bytes()), Upload(CASES.name, CASES.read_bytes())])
    assert (bundle.ruleset.ref, bundle.base.ref) == ("qd1300_tinh_thu@2023-03-20", "qd1300@2023-03-20")
    assert [o.name for o in bundle.outcomes if o.passed] == ["bhyt_96_du_diem", "bhyt_95_5_chi_2_diem"]
    ruleset, base = resolve_files(bundle.files)
    assert ruleset == bundle.ruleset and base.ref == "qd1300@2023-03-20"
    assert bundle.sha256 == read_overlay([Upload(CASES.name, CASES.read_bytes()), Upload(OVERLAY.name, OVERLAY.read_bytes())]).sha256


@pytest.mark.parametrize(("files", "key"), [
    ([], "overlay.no_files"),
    ([("a.yaml", b"x: 1\n")] * 11, "overlay.too_many_files"),
    ([("a.exe", b"MZ")], "overlay.bad_file_name"),
    ([("a.yaml", b"a: 1\n"), ("dir/a.YAML", b"a: 1\n")], "overlay.duplicate_file"),
    ([("a.yaml", b"\xff\xfe\x00" + b"x" * 10)], "yaml.encoding"),
    ([("a.yaml", b"ruleset: !!python/name:os.system\n")], "yaml.syntax"),
    ([("a.yaml", b"x" * (2 * 1024 * 1024 + 1))], "overlay.file_too_large"),
])
def test_a_wrong_upload_is_a_clear_error(files: list[tuple[str, bytes]], key: str) -> None:
    with pytest.raises(ChuanxaError) as caught:
        read_overlay([Upload(name, data) for name, data in files])
    assert key in {caught.value.key, *(e.key for e in caught.value.related)}, caught.value.message("en")


def test_uploaded_cases_that_name_a_commune_file_are_refused_before_anything_reads_it() -> None:
    cases = b"base: ../../../../etc/passwd\ncases:\n  - {name: a, expect: {total: 1}}\n"
    with pytest.raises(RulesetError) as caught:
        read_overlay([Upload(OVERLAY.name, OVERLAY.read_bytes()), Upload("x.cases.yaml", cases)])
    assert caught.value.key == "overlay.case_names_file" and "x.cases.yaml" in caught.value.message("vi")


def _case_book(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ca kiểm thử của bộ mini"])
    sheet.append(["Tên ca", "Vùng KT-XH", "Địa hình", "Khoảng cách (km)", "Tỷ lệ tiêm chủng", "Điểm thẩm định 5", "Mong đợi điểm 1", "Mong đợi vùng"])
    sheet.append(["dung_nguong_95", "dong_bang_song_hong", "dong_bang", 4, 95, 2, 2, 2])
    sheet.cell(row=5, column=1).number_format = "0.00"  # a styled empty cell: style 1 exists for the rows below
    book.save(path)
    return path


def _declared_huge(path: Path, rows: int) -> Path:
    """The workbook with its sheet declaring A1:XFD1048576 and `rows` rows each holding one styled empty cell at XFD
    (a workbook read whole, as openpyxl reads one by default, takes minutes and gigabytes)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    extra = "".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(10, 10 + rows))
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet.replace("</sheetData>", extra + "</sheetData>", 1))
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_a_hostile_cases_workbook_is_read_within_limits_and_its_cases_still_run(tmp_path: Path) -> None:
    shutil.copy(MINI / "mini_2020-01-01.yaml", tmp_path)
    book = _declared_huge(_case_book(tmp_path / "mini_2020-01-01.cases.xlsx"), 50_000)
    code, out = _run("rulesets", "test", str(book), "--rulesets", str(tmp_path), "--lang", "en")
    assert code == 0 and "PASS   mini_2020-01-01.cases.xlsx:3  dung_nguong_95" in out and "1 case(s): 1 passed" in out


def test_a_cases_workbook_that_decompresses_beyond_the_limits_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    shutil.copy(MINI / "mini_2020-01-01.yaml", tmp_path)
    book = tmp_path / "mini_2020-01-01.cases.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        for _ in range(70):
            part.write(b" " * 2**20)  # 70 MB of blanks in the shared-string table (its limit is 64 MB)
    code, out = _run("rulesets", "test", str(book), "--rulesets", str(tmp_path), "--lang", "en")
    assert code == 1 and "too large to read safely" in out and "sharedStrings.xml" in out
