"""Regenerate the example district of chuanxa (SAMPLE DATA: the values are invented).

Names are the communes that the Thiệu Hóa district health centre (Thanh Hóa) planned to bring to the national
criteria in 2024 (shared/seeds/000), plus two; every number is made up to cover the cases a district meets:
recognised, failed by the total, failed by a criterion floor, failed by a knock-out (under the example overlay)
and incomplete data.

    python examples/make_examples.py      # writes the files below

- thieu_hoa_2024.csv, thieu_hoa_2024.xlsx: the district in the data-entry template's layout;
- thieu_hoa_2024_bao_cao.xlsx: the same data as a district officer's report: title rows, merged group headers,
  a row of column numbers, an STT column, percent-formatted rates, a totals row, notes and signatures;
- thieu_hoa_2024_theo_dot.xlsx: the same data with one sheet per assessment round, each with a totals row;
- xa-thieu-giao.yaml: one commune's file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

import chuanxa
from chuanxa.communes.templates import input_header

HERE = Path(__file__).parent
RULESET = "qd1300@2023-03-20"
#: The place columns of the example district: a pre-reform district's own layout (with its district), not the
#: data-entry template's (which has the reform's columns); the cells below are written in this order.
PLACE_HEADERS = ("Mã xã", "Tên xã", "Tỉnh", "Huyện", "Vùng kinh tế - xã hội", "Địa hình", "Khoảng cách (km)", "Địa hình đặc biệt khó khăn",
                 "Vùng", "Năm đánh giá")

GOOD = {
    "population": 9800, "households": 2650, "households_with_hygienic_latrine": 2560, "health_insurance_rate": 95.6,
    "station_staff": 6, "has_doctor": True, "ncd_management": True, "station_clean_water": True, "station_hygienic_latrine": True,
    "medical_waste_managed": True, "no_mass_food_poisoning": True, "basic_service_package_rate": 84.0, "has_inpatient_beds": False,
    "children_under_1": 128, "full_immunisation_rate": 97.7, "births": 131, "antenatal_3_visits_rate": 86.0, "children_under_5": 690,
    "stunting_rate_under5": 17.8, "ehr_coverage_rate": 96.2, "his_software": True, "e_prescription": True,
}
#: (code, name, distance_km, zone given, changes to GOOD, assessed points below maximum {indicator: points})
COMMUNES: list[tuple[str, str, float, int | None, dict[str, Any], dict[str, float]]] = [
    ("16021", "Xã Thiệu Toán", 5.5, None, {}, {"3": 1.5}),
    ("16024", "Xã Thiệu Chính", 7.0, None, {"health_insurance_rate": 92.4, "full_immunisation_rate": 94.1}, {"11": 3, "16": 1.5}),
    ("16027", "Xã Minh Tâm", 9.2, None, {"households_with_hygienic_latrine": 2420, "basic_service_package_rate": 74.5, "station_staff": 5},
     {"11": 2.5, "15": 2, "29": 1, "40": 1}),
    ("16030", "Xã Thiệu Lý", 11.0, None, {"health_insurance_rate": 88.0, "households_with_hygienic_latrine": 2300, "basic_service_package_rate": 71.0,
                                         "antenatal_3_visits_rate": 63.0, "station_staff": 5},
     {"3": 1, "11": 2, "12": 1, "15": 1.5, "24": 1, "29": 1, "37": 1, "40": 1}),
    ("16033", "Xã Thiệu Vận", 4.1, None, {"full_immunisation_rate": 95.0}, {"12": 1.5, "44": 0.5}),
    ("16036", "Xã Tân Châu", 6.3, None, {"ehr_coverage_rate": 38.0, "his_software": False, "e_prescription": False}, {}),
    ("16039", "Xã Thiệu Giao", 8.4, None, {"health_insurance_rate": 91.2, "households_with_hygienic_latrine": 2440, "full_immunisation_rate": 92.0,
                                          "basic_service_package_rate": 76.0, "antenatal_3_visits_rate": 78.5},
     {"1": 2.5, "2": 1.5, "3": 1.5, "8": 1, "11": 2.5, "15": 2, "16": 1.5, "19": 2.5, "22": 1, "24": 1.5, "26": 1.5, "28": 1, "30": 1.5,
      "37": 1, "38": 1.5, "40": 1.5, "42": 0.5}),
    ("16042", "Xã Thiệu Ngọc", 12.5, None, {"stunting_rate_under5": None, "children_under_5": None}, {"12": 1.5}),
    ("16045", "Xã Thiệu Thành", 3.6, None, {"full_immunisation_rate": 93.4}, {"14": 1.5}),
    ("16048", "Xã Thiệu Công", 13.8, None, {"full_immunisation_rate": 86.0, "antenatal_3_visits_rate": 61.0, "stunting_rate_under5": 27.4},
     {"34": 0.5}),
    ("16051", "Xã Thiệu Long", 2.4, None, {"station_staff": 5}, {"10": 1.5}),
    ("16054", "Xã Thiệu Quang", 15.6, None, {"health_insurance_rate": 86.5, "station_staff": 5, "households_with_hygienic_latrine": 2290,
                                            "basic_service_package_rate": 68.0, "ehr_coverage_rate": 64.0, "e_prescription": False},
     {"1": 2, "3": 1, "11": 2, "15": 1.5, "19": 2, "26": 1, "29": 1, "40": 1}),
    ("16057", "Xã Thiệu Nguyên", 3.2, 1, {"station_staff": 5}, {"20": 1.5}),
    ("16060", "Xã Thiệu Vũ", 6.8, None, {"has_doctor": False}, {"9": 1.5}),
    ("16063", "Thị trấn Thiệu Hóa", 1.2, None, {"population": 12400, "households": 3380, "households_with_hygienic_latrine": 3330}, {"43": 0.5}),
]
NOTES = {"1": "Quyết định kiện toàn Ban Chỉ đạo CSSKND; biên bản họp quý", "2": "Nghị quyết Đảng ủy xã năm 2024 có nội dung y tế - dân số"}


def commune_data(code: str, name: str, distance: float, zone: int | None, changes: dict[str, Any], short: dict[str, float], ruleset: chuanxa.Ruleset) -> dict[str, Any]:
    values = {**GOOD, **changes}
    values = {k: v for k, v in values.items() if v is not None}
    assessed = {}
    for ind in ruleset.indicators:
        if ind.entered_by_assessors and ind.applies_when is None:  # the kind's template hint, not its name
            points = short.get(ind.id, ind.max_points)
            assessed[ind.id] = {"points": points, "note": NOTES.get(ind.id, "Có minh chứng" if points == ind.max_points else "Minh chứng chưa đầy đủ")}
    identity = {"code": code, "name": name, "province": "Thanh Hóa", "district": "Thiệu Hóa", "region": "bac_trung_bo", "terrain": "dong_bang",
                "distance_km": distance, "difficult_terrain": False}
    if zone is not None:
        identity["zone"] = zone
    return {"commune": identity, "as_of": 2024, "values": values, "assessed": assessed}


def main(folder: Path = HERE) -> None:
    """Write the example files into `folder` (default: this one, over the committed files)."""
    ruleset = chuanxa.load_ruleset(RULESET)
    rows = [commune_data(*spec, ruleset=ruleset) for spec in COMMUNES]
    inputs = [(name, spec) for name, spec in ruleset.inputs.items() if not spec.derived]
    assessed_ids = [ind.id for ind in ruleset.indicators if ind.entered_by_assessors and ind.applies_when is None]
    headers = list(PLACE_HEADERS) + [input_header(spec, "vi") for _, spec in inputs]
    headers += [h for i in assessed_ids for h in (f"Điểm thẩm định {i}", f"Ghi chú {i}")]
    table = []
    for data in rows:
        c = data["commune"]
        cells = [c["code"], c["name"], c["province"], c["district"], "Bắc Trung Bộ", "đồng bằng", c["distance_km"], "không", c.get("zone", ""), data["as_of"]]
        cells += [_cell(data["values"].get(name)) for name, _ in inputs]
        cells += [x for i in assessed_ids for x in (data["assessed"][i]["points"], data["assessed"][i]["note"])]
        table.append(cells)
    with open(folder / "thieu_hoa_2024.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(table)
    _xlsx(headers, table, folder)
    _officer_report(headers, table, folder)
    _rounds(headers, table, folder)
    single = rows[6]
    text = "# DỮ LIỆU MẪU (số liệu giả định) — SAMPLE DATA (invented values)\n" + yaml.safe_dump(single, allow_unicode=True, sort_keys=False)
    (folder / "xa-thieu-giao.yaml").write_text(text, encoding="utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có" if value else "không"
    return "" if value is None else value


def _xlsx(headers: list[str], table: list[list[Any]], folder: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append(row)
    sheet.freeze_panes = "C2"
    book.save(folder / "thieu_hoa_2024.xlsx")


_TITLES = ["UBND HUYỆN THIỆU HÓA", "TRUNG TÂM Y TẾ", "",
           "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ BỘ TIÊU CHÍ QUỐC GIA VỀ Y TẾ XÃ NĂM 2024", "(Kèm theo Báo cáo số 25/BC-TTYT ngày 16/12/2024; số liệu mẫu)"]


def _officer_report(headers: list[str], table: list[list[Any]], folder: Path) -> None:
    """The table as a district officer lays it out: titles, group headers merged over their columns, column numbers,
    rates formatted as percentages (stored as fractions), thousands separators shown, totals, notes, signatures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    points = [i for i, h in enumerate(headers) if h.startswith("Điểm thẩm định ")]
    notes = [i for i, h in enumerate(headers) if h.startswith("Ghi chú ")]
    order = [i for i in range(len(headers)) if i not in points and i not in notes] + points + notes
    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    for text in _TITLES:
        sheet.append([text])
    top: list[Any] = ["STT"]
    low: list[Any] = [None]
    for i in order:
        if i in points or i in notes:
            top.append(("Điểm thẩm định" if i in points else "Ghi chú") if i in (points[0], notes[0]) else None)
            low.append(int(headers[i].split()[-1]))
        else:
            top.append(headers[i])
            low.append(None)
    sheet.append(top)
    sheet.append(low)
    header_row = len(_TITLES) + 1
    for column, i in enumerate(order, start=2):  # labels merged down over both header rows; groups merged across
        if i not in points and i not in notes:
            sheet.merge_cells(start_row=header_row, start_column=column, end_row=header_row + 1, end_column=column)
    sheet.merge_cells(start_row=header_row, start_column=1, end_row=header_row + 1, end_column=1)
    first_points = 2 + order.index(points[0])
    sheet.merge_cells(start_row=header_row, start_column=first_points, end_row=header_row, end_column=first_points + len(points) - 1)
    sheet.merge_cells(start_row=header_row, start_column=first_points + len(points), end_row=header_row, end_column=first_points + len(points) + len(notes) - 1)
    sheet.append([f"({n})" for n in range(1, len(order) + 2)])
    percent = {i for i, h in enumerate(headers) if h.endswith("(%)")}
    counts = {i for i, h in enumerate(headers) if h.endswith(("(người)", "(hộ)", "(trẻ)", "(ca)"))}
    for number, row in enumerate(table, start=1):
        sheet.append([number] + [row[i] / 100 if i in percent and row[i] != "" else row[i] for i in order])
        for column, i in enumerate(order, start=2):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.number_format = "0.0%" if i in percent else "#,##0" if i in counts else cell.number_format
    totals: list[Any] = ["", "Tổng cộng"] + [""] * (len(order) - 1)
    for column, i in enumerate(order, start=2):
        if i in counts:
            totals[column - 1] = sum(int(row[i]) for row in table if row[i] != "")
    sheet.append(totals)
    sheet.append([])
    sheet.append(["Ghi chú: số liệu đến 31/12/2024; điểm thẩm định theo biên bản của đoàn thẩm định huyện. DỮ LIỆU MẪU (số liệu giả định)."])
    sheet.append([])
    sheet.append(["", "", "NGƯỜI LẬP BIỂU", "", "", "", "", "", "", "GIÁM ĐỐC"])
    sheet.append(["", "", "(Ký, ghi rõ họ tên)", "", "", "", "", "", "", "(Ký tên, đóng dấu)"])
    for row in sheet.iter_rows(min_row=header_row, max_row=header_row + 2):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.freeze_panes = sheet.cell(row=header_row + 3, column=4)
    book.save(folder / "thieu_hoa_2024_bao_cao.xlsx")


def _rounds(headers: list[str], table: list[list[Any]], folder: Path) -> None:
    """One sheet per assessment round (the communes assessed in it), each ending with a totals row."""
    from openpyxl import Workbook

    book = Workbook()
    counts = {i for i, h in enumerate(headers) if h.endswith(("(người)", "(hộ)", "(trẻ)", "(ca)"))}
    for index, (title, rows) in enumerate((("Đợt 1 (tháng 6)", table[:8]), ("Đợt 2 (tháng 11)", table[8:]))):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([f"KẾT QUẢ ĐÁNH GIÁ {title.upper()} NĂM 2024 — DỮ LIỆU MẪU"])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        sheet.append(["", "Cộng"] + [sum(int(r[i]) for r in rows if r[i] != "") if i in counts else "" for i in range(2, len(headers))])
    book.save(folder / "thieu_hoa_2024_theo_dot.xlsx")


if __name__ == "__main__":
    main()
