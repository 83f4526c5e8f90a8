"""Re-write a template-layout table the way province and district officers lay out their own workbooks.

Used by the officer-style fixtures and the property test: whatever the style, chuanxa must score the result
exactly like the template table.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
EXAMPLE_CSV = ROOT / "examples" / "thieu_hoa_2024.csv"

#: Header variants officers write for template labels (unit after a comma or dash, in square brackets, line breaks,
#: trailing colons, hyphen spacing, no diacritics).
LABEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Dân số của xã (người)": ("Dân số của xã, người", "Dân số của xã [người]", "Dân số của xã:", "Dan so cua xa (nguoi)"),
    "Tổng số hộ gia đình (hộ)": ("Tổng số hộ gia đình [hộ]", "Tổng số hộ gia đình, hộ", "TỔNG SỐ HỘ GIA ĐÌNH\n(hộ)"),
    "Tỷ lệ dân số tham gia bảo hiểm y tế (%)": ("Tỷ lệ dân số tham gia bảo hiểm y tế, %", "Tỷ lệ dân số tham gia\nbảo hiểm y tế (%)",
                                                "Tỷ lệ dân số tham gia bảo hiểm y tế - %", "Tỷ lệ dân số tham gia bảo hiểm y tế {%}"),
    "Vùng kinh tế - xã hội": ("Vùng kinh tế-xã hội", "Vùng kinh tế – xã hội:", "Vung kinh te - xa hoi"),
    "Mã xã": ("Mã xã:", "MÃ XÃ", "Ma xa", "Mã\nxã"),
    "Tên xã": ("Tên xã, phường, thị trấn", "Tên đơn vị", "TÊN XÃ"),
    "Khoảng cách (km)": ("Khoảng cách, km", "Khoảng cách [km]"),
    "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ (%)": ("Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ, %",),
}


@dataclass(frozen=True)
class Style:
    """How an officer's table differs from the template. Every choice keeps the data the same."""

    fmt: str = "xlsx"  # or "csv" (semicolon, decimal commas when `vi_numbers`)
    title_rows: int = 0  # "UBND …", "BẢNG TỔNG HỢP …" above the header
    group_row: bool = False  # assessed points under a merged "Điểm thẩm định" group, ids in the label row
    numbering_row: bool = False  # "(1) (2) …" under the header
    ordinal: bool = False  # an STT column first
    labels: dict[str, str] = field(default_factory=dict)  # template header → the officer's wording
    thousands: str = ""  # "." , " " or "\u00a0": counts written as text with thousands separators
    vi_numbers: bool = False  # decimals written with a comma ("95,6")
    percent: str = "plain"  # "plain" (95.6), "text" ("95,6%"), "format" (0.956 shown as 95.6%), "fraction" (0.956, whole column)
    ticks: bool = False  # yes written "x", no written "không"
    blank_every: int = 0  # a blank row after every n communes
    totals: bool = False  # a "Tổng cộng" row after the communes
    notes: bool = False  # "Ghi chú: …" and a signature block at the end


def template_table() -> tuple[list[str], list[list[str]]]:
    """The bundled example district in the template layout (headers, rows of text)."""
    with open(EXAMPLE_CSV, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


_COUNT = re.compile(r"\((người|hộ|trẻ|ca)\)$")


def restyle(headers: list[str], rows: list[list[str]], style: Style) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """The officer's grid (rows of cells) and the number formats of cells (row index, column index) → format."""
    if style.group_row:  # grouped columns are contiguous: every assessed point, then every note
        order = [i for i, h in enumerate(headers) if not h.startswith(("Điểm thẩm định ", "Ghi chú "))]
        order += [i for i, h in enumerate(headers) if h.startswith("Điểm thẩm định ")] + [i for i, h in enumerate(headers) if h.startswith("Ghi chú ")]
        headers = [headers[i] for i in order]
        rows = [[row[i] for i in order] for row in rows]
    percent_cols = {i for i, h in enumerate(headers) if h.endswith("(%)")}
    count_cols = {i for i, h in enumerate(headers) if _COUNT.search(h)}
    yes_no_cols = {i for i, h in enumerate(headers) if any(r[i] in ("có", "không") for r in rows) and i > 9}
    assessed = [i for i, h in enumerate(headers) if h.startswith("Điểm thẩm định ")]
    notes = [i for i, h in enumerate(headers) if h.startswith("Ghi chú ")]
    labels = [style.labels.get(h, h) for h in headers]
    grid: list[list[Any]] = []
    formats: dict[tuple[int, int], str] = {}
    lead = ["STT"] if style.ordinal else []
    shift = len(lead)
    for n in range(style.title_rows):
        grid.append([("UBND HUYỆN THIỆU HÓA", "TRUNG TÂM Y TẾ", "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ BỘ TIÊU CHÍ QUỐC GIA VỀ Y TẾ XÃ NĂM 2024",
                      "(Kèm theo Báo cáo số 12/BC-TTYT ngày 15/12/2024)")[n % 4]])
    if style.title_rows:
        grid.append([])
    if style.group_row:
        grouped = {**{i: "Điểm thẩm định" for i in assessed}, **{i: "Ghi chú" for i in notes}}
        group = list(lead) + [grouped.get(i, label) for i, label in enumerate(labels)]
        low: list[Any] = [""] * shift + ["" if i not in grouped else int(headers[i].split()[-1]) for i in range(len(headers))]
        for i in list(assessed[1:]) + list(notes[1:]):
            group[shift + i] = ""  # merged: the text is in the first cell of the span
        grid += [group, low]
    else:
        grid.append(lead + labels)
    if style.numbering_row:
        grid.append([f"({k})" for k in range(1, len(headers) + shift + 1)])
    for number, row in enumerate(rows, start=1):
        cells: list[Any] = [number] if style.ordinal else []
        for i, text in enumerate(row):
            cells.append(_cell(text, i in percent_cols, i in count_cols, i in yes_no_cols, style, (len(grid), shift + i), formats))
        grid.append(cells)
        if style.blank_every and number % style.blank_every == 0:
            grid.append([])
    if style.totals:
        total = [""] * (len(headers) + shift)
        total[shift + 1] = "Tổng cộng"
        for i in count_cols:
            total[shift + i] = sum(int(float(r[i])) for r in rows if r[i])
        grid.append(total)
    if style.notes:
        grid += [[], ["Ghi chú: số liệu tính đến 31/12/2024; điểm thẩm định theo biên bản của đoàn thẩm định huyện."],
                 ["", "", "", "Thiệu Hóa, ngày 15 tháng 12 năm 2024"], ["Người lập biểu", "", "", "GIÁM ĐỐC"], ["(Ký, ghi rõ họ tên)"]]
    return grid, formats


def _cell(text: str, percent: bool, count: bool, yes_no: bool, style: Style, where: tuple[int, int], formats: dict[tuple[int, int], str]) -> Any:
    if text == "":
        return None
    if yes_no and style.ticks:
        return "x" if text == "có" else "không"
    try:
        number = float(text)
    except ValueError:
        return text
    if percent:
        if style.percent == "text":
            return f"{number:g}".replace(".", ",") + "%" if style.vi_numbers else f"{number:g}%"
        if style.percent in ("format", "fraction"):
            if style.percent == "format":
                formats[where] = "0.0%"
            return round(number / 100, 12)
    if count and style.thousands and number >= 1000:
        whole = f"{int(number):,}".replace(",", style.thousands)
        return whole
    if style.vi_numbers and not number.is_integer():
        return f"{number:g}".replace(".", ",")
    return int(number) if number.is_integer() else number


def write(grid: list[list[Any]], formats: dict[tuple[int, int], str], path: Path, style: Style) -> Path:
    if style.fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows([["" if c is None else c for c in row] for row in grid])
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    for row in grid:
        sheet.append(row)
    for (r, c), fmt in formats.items():
        sheet.cell(row=r + 1, column=c + 1).number_format = fmt
    book.save(path)
    return path


def officer_file(tmp: Path, style: Style, name: str = "officer") -> Path:
    headers, rows = template_table()
    grid, formats = restyle(headers, rows, style)
    return write(grid, formats, tmp / f"{name}.{style.fmt}", style)
