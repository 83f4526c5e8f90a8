"""XLSX bombs: small workbooks that used to take minutes and gigabytes. Each is generated at test time and read
by `chuanxa batch` in a subprocess under a wall-time limit and an address-space limit, and its peak memory is
measured: the communes in it are scored (or the file is refused with a clear message), within bounds."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

WALL_SECONDS = 30  # generous on a loaded 2-core machine; each run takes a few seconds
PEAK_MB = 500
ADDRESS_SPACE = 3 * 1024**3  # a hard stop for a runaway child (virtual memory, well above the peak asserted)

HEADER = ["Mã xã", "Tên xã", "Tỉnh", "Vùng kinh tế - xã hội", "Địa hình", "Khoảng cách (km)", "Năm đánh giá", "Dân số của xã (người)"]
ROWS = [["16021", "Xã Thiệu Toán", "Thanh Hóa", "Bắc Trung Bộ", "đồng bằng", 5.5, 2024, 9800],
        ["16024", "Xã Thiệu Chính", "Thanh Hóa", "Bắc Trung Bộ", "đồng bằng", 7.0, 2024, 9100]]


def _table_with_styled_cell(path: Path, row: int, column: int) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    book = Workbook()
    sheet = book.active
    for line in [HEADER, *ROWS]:
        sheet.append(line)
    sheet.cell(row=row, column=column).fill = PatternFill("solid", fgColor="FFFF00")  # styled, empty
    book.save(path)
    return path


def _many_wide_styled_rows(path: Path, rows: int) -> Path:
    """A sheet declaring A1:XFD1048576 whose rows each hold one styled empty cell at XFD."""
    _table_with_styled_cell(path, 1, 1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    extra = "".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(10, 10 + rows))
    sheet = sheet.replace("</sheetData>", extra + "</sheetData>")
    sheet = sheet.replace('<dimension ref="A1:H3"/>', '<dimension ref="A1:XFD1048576"/>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _rows_without_dimension(path: Path, rows: int) -> Path:
    """No `<dimension>` (openpyxl then scans the sheet for its size) and `rows` rows of one styled empty cell at XFD."""
    import re

    _table_with_styled_cell(path, 1, 1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    head, tail = re.sub(r'<dimension ref="[^"]*"/>', "", parts.pop("xl/worksheets/sheet1.xml").decode()).split("</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w") as handle:
            handle.write(head.encode())
            for start in range(10, rows + 10, 10_000):
                handle.write("".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(start, start + 10_000)).encode())
            handle.write(("</sheetData>" + tail).encode())
    return path


def _huge_shared_string(path: Path, megabytes: int) -> Path:
    """A valid table plus one shared string of `megabytes` MB (a few hundred KB compressed)."""
    _table_with_styled_cell(path, 1, 1)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode().replace("</sheetData>", '<row r="5"><c r="B5" t="s"><v>0</v></c></row></sheetData>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts.pop("xl/sharedStrings.xml", None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/sharedStrings.xml", "w") as handle:
            handle.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(megabytes):
                handle.write(chunk)
            handle.write(b"</t></si></sst>")
    return path


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run_batch(table: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    code = ("import resource, sys; from chuanxa.cli.main import main; code = main(sys.argv[1:]);"
            "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); raise SystemExit(code)")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, "batch", str(table), "-o", str(out), "--ruleset", "qd1300@2023-03-20"],
                          capture_output=True, text=True, timeout=WALL_SECONDS, preexec_fn=_limit_child, env={**os.environ, "CHUANXA_LANG": "vi"})
    elapsed = time.monotonic() - start
    peak = next((int(line.split()[1]) / 1024 for line in done.stderr.splitlines() if line.startswith("PEAK_KB")), float("inf"))
    return done, elapsed, peak


@pytest.mark.slow
@pytest.mark.parametrize("row, column", [(1048576, 16384), (1048576, 1)], ids=["styled_empty_cell_at_XFD1048576", "styled_empty_cell_at_A1048576"])
def test_a_styled_empty_cell_far_away_costs_nothing_and_the_table_is_scored(tmp_path: Path, row: int, column: int) -> None:
    table = _table_with_styled_cell(tmp_path / "bomb.xlsx", row, column)
    assert table.stat().st_size < 10_000
    done, elapsed, peak = _run_batch(table, tmp_path / "out.json")
    assert done.returncode == 0, done.stderr  # both communes scored (incomplete: the tiny table holds few inputs)
    assert '"16021"' in (tmp_path / "out.json").read_text(encoding="utf-8") and '"16024"' in (tmp_path / "out.json").read_text(encoding="utf-8")
    assert elapsed < WALL_SECONDS and peak < PEAK_MB, (elapsed, peak)


@pytest.mark.slow
def test_many_rows_each_with_a_styled_cell_at_the_last_column_stay_bounded(tmp_path: Path) -> None:
    table = _many_wide_styled_rows(tmp_path / "wide.xlsx", 20_000)
    done, elapsed, peak = _run_batch(table, tmp_path / "out.json")
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    assert '"16021"' in (tmp_path / "out.json").read_text(encoding="utf-8")
    assert elapsed < WALL_SECONDS and peak < PEAK_MB, (elapsed, peak)


@pytest.mark.slow
def test_two_million_styled_rows_without_a_declared_size_stay_bounded(tmp_path: Path) -> None:
    table = _rows_without_dimension(tmp_path / "nodim.xlsx", 2_000_000)
    done, elapsed, peak = _run_batch(table, tmp_path / "out.json")
    assert done.returncode == 0 and '"16024"' in (tmp_path / "out.json").read_text(encoding="utf-8"), done.stderr
    assert elapsed < WALL_SECONDS and peak < PEAK_MB, (elapsed, peak)


@pytest.mark.slow
def test_a_300_mb_shared_string_is_refused_before_it_is_read(tmp_path: Path) -> None:
    table = _huge_shared_string(tmp_path / "sst.xlsx", 300)
    assert table.stat().st_size < 2_000_000
    done, elapsed, peak = _run_batch(table, tmp_path / "out.json")
    assert done.returncode == 2 and "quá lớn" in done.stderr and "sharedStrings.xml" in done.stderr, done.stderr
    assert not (tmp_path / "out.json").exists()
    assert elapsed < WALL_SECONDS and peak < PEAK_MB, (elapsed, peak)


def _ruleset():  # type: ignore[no-untyped-def]
    import chuanxa

    return chuanxa.load_ruleset("qd1300@2023-03-20")


@pytest.mark.parametrize("limits, what", [({"max_rows": 2}, "number of rows"), ({"max_columns": 5}, "number of columns"),
                                          ({"max_cell_chars": 10}, "a cell")])
def test_each_read_limit_refuses_a_table_beyond_it_with_a_located_message(tmp_path: Path, limits: dict[str, int], what: str) -> None:
    import chuanxa
    from chuanxa.communes.readers import ReadLimits, read_table

    table = _table_with_styled_cell(tmp_path / "t.xlsx", 1, 1)
    with pytest.raises(chuanxa.CommuneDataError) as caught:
        read_table(table, _ruleset(), limits=ReadLimits(**limits))
    assert what in caught.value.message("en") and "quá lớn" in caught.value.message("vi")


def test_a_csv_cell_beyond_the_cell_limit_is_refused_not_read_whole(tmp_path: Path) -> None:
    import chuanxa
    from chuanxa.communes.readers import ReadLimits, read_table

    table = tmp_path / "t.csv"
    table.write_text(",".join(HEADER) + "\n16021,\"" + "A" * 5000 + "\"\n", encoding="utf-8")
    with pytest.raises(chuanxa.CommuneDataError, match="a cell"):
        read_table(table, _ruleset(), limits=ReadLimits(max_cell_chars=1000))


def test_a_workbook_whose_parts_decompress_beyond_the_total_limit_is_refused(tmp_path: Path) -> None:
    import chuanxa
    from chuanxa.communes.readers import ReadLimits, read_table

    table = _table_with_styled_cell(tmp_path / "t.xlsx", 1, 1)
    with pytest.raises(chuanxa.CommuneDataError, match="decompressed"):
        read_table(table, _ruleset(), limits=ReadLimits(max_total_bytes=1000))
