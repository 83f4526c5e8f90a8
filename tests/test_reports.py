"""Reports: rendered by a real browser and PDF reader, read back, in Vietnamese alphabetical order."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chuanxa.cli.main import main
from chuanxa.reports import sort_vietnamese
from chuanxa.reports.render import find_browser

ROOT = Path(__file__).parent.parent
DISTRICT = ROOT / "examples" / "thieu_hoa_2024.csv"
needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed (.ci/install-report-deps.sh installs it)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def test_vietnamese_alphabetical_order() -> None:
    words = ["Đông", "Dương", "Ân", "An", "Ăn", "Bình", "Thiệu Vũ", "Thị trấn Thiệu Hóa", "Á", "A"]
    assert sort_vietnamese(words) == ["A", "Á", "An", "Ăn", "Ân", "Bình", "Dương", "Đông", "Thị trấn Thiệu Hóa", "Thiệu Vũ"]


def test_the_xlsx_report_has_a_sorted_summary_a_chart_and_score_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert main(["report", str(DISTRICT), "-o", str(out), "--target-share", "0.9"]) == 0
    book = load_workbook(out)
    summary = book["Bảng tổng hợp"]
    names = [summary.cell(row=r, column=2).value for r in range(7, 22)]
    assert names == sort_vietnamese(names) and names[0] == "Thị trấn Thiệu Hóa"
    assert summary._charts, "the summary has a chart"
    assert [summary["C3"].value, summary["D3"].value] == ["Chỉ tiêu 90% (14 xã)", "chưa đạt chỉ tiêu — còn thiếu 5"]  # 9/15 against 90% of 15
    assert "TẠM THỜI" in summary["A4"].value  # the provisional notice is on the summary too
    assert len(book.sheetnames) == 16
    giao = book["16039 Xã Thiệu Giao"]
    cells = [c for row in giao.iter_rows(values_only=True) for c in row if c is not None]
    assert 77.5 in cells and "CHƯA ĐẠT chuẩn" in cells
    assert any(isinstance(c, str) and "TẠM THỜI" in c for c in cells)
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells), "values only, no formulas"


def test_the_html_report_holds_every_commune_in_order(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(DISTRICT), "-o", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count('class="commune"') == 15 and "<svg" in html and "@page" in html
    assert html.index("Thị trấn Thiệu Hóa") < html.index("Xã Minh Tâm") < html.index("Xã Thiệu Vũ")


@needs_browser
@needs_poppler
@pytest.mark.slow
def test_the_pdf_report_is_printed_by_chromium_with_vietnamese_text_and_fonts(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert main(["report", str(ROOT / "examples" / "xa-thieu-giao.yaml"), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Biểu chấm điểm: Xã Thiệu Giao" in text
    assert "77.5/98" in text and "CHƯA ĐẠT chuẩn" in text
    for words in ("Tỷ lệ trẻ em dưới 5 tuổi", "thấp còi", "Chăm sóc sức khỏe bà mẹ - trẻ em", "Đánh giá", "Ứng dụng công nghệ thông tin"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded
    page = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out), str(page)], check=True)
    assert list(tmp_path.glob("page*.png"))


def test_a_missing_pdf_renderer_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CHUANXA_BROWSER", "")
    monkeypatch.setattr("chuanxa.reports.render.find_browser", lambda: None)
    assert main(["report", str(DISTRICT), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err


def test_the_xlsx_report_lists_the_rejected_rows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    lines = DISTRICT.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = next(i for i, name in enumerate(header) if "tiêm chủng" in name.lower())
    cells = lines[2].split(",")
    cells[column] = "chín mươi"
    lines[2] = ",".join(cells)
    table = tmp_path / "district.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["report", str(table), "-o", str(out)]) == 1
    book = load_workbook(out)
    assert "Các hàng bị từ chối" in book.sheetnames
    assert "chín mươi" in str(book["Các hàng bị từ chối"]["A2"].value)
