"""The report as a workbook: a summary sheet in Vietnamese alphabetical order with a bar chart, then one
score sheet per commune. Values only (no formulas), bold frozen headers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chuanxa.engine.results import CommuneResult
from chuanxa.outputs.cells import append_row, save_workbook

from .collation import vietnamese_key
from .model import ReportData


def write_report_xlsx(data: ReportData, results: Sequence[CommuneResult], output: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    L = data.L
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DBE8F5")
    book = Workbook()
    sheet = book.active
    sheet.title = L["summary"][:31]
    append_row(sheet, [data.title])
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, [f"{L['ruleset']}: {data.ruleset_ref}", f"SHA-256: {data.sha256}"])
    counts = [f"{L['recognised_count']}: {data.summary['recognised']}/{data.summary['count']}", round(data.summary["share"], 4)]
    if data.summary["target"] is not None:
        counts += [f"{L['target']} {data.summary['target']:.0%} ({data.summary['needed']} {L['communes_word']})",
                   L["target_met"] if data.summary["target_met"] else f"{L['target_not_met']} — {L['still_needed']} {data.summary['needed'] - data.summary['recognised']}"]
    append_row(sheet, counts)
    if data.summary["provisional_notice"]:
        append_row(sheet, [data.summary["provisional_notice"]])
    ordered = sorted(results, key=lambda r: vietnamese_key(r.commune.name))
    criteria = [c.id for c in ordered[0].criteria] if ordered else []
    header = ["#", L["commune"], L["code"], L["zone"], L["total"], L["max"], L["share"], L["verdict"], L["reasons"]] + [f"{L['criterion']} {c}" for c in criteria]
    append_row(sheet, [])
    append_row(sheet, header)
    head_row = sheet.max_row
    for cell in sheet[head_row]:
        cell.font, cell.fill = bold, fill
    for index, (row, result) in enumerate(zip(data.rows, ordered), start=1):
        append_row(sheet, [index, row["name"], row["code"], result.zone, result.total.points, result.total.max, round(result.total.share, 4), row["verdict"], row["reasons"]]
                     + [round(c.points / c.max, 4) if c.max else 0 for c in result.criteria])
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=3)
    for letter, width in zip("ABCDEFGHI", (5, 26, 10, 6, 9, 8, 8, 18, 60)):
        sheet.column_dimensions[letter].width = width
    if ordered:
        chart = BarChart()
        chart.type, chart.title, chart.y_axis.title = "col", L["chart_area"], "%"
        first_col = len(header) - len(criteria) + 1
        values = Reference(sheet, min_col=first_col, max_col=len(header), min_row=head_row, max_row=head_row + len(ordered))
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=head_row + 1, max_row=head_row + len(ordered)))
        chart.height, chart.width = 9, 24
        sheet.add_chart(chart, sheet.cell(row=head_row + len(ordered) + 3, column=2).coordinate)
    used = {sheet.title}
    if data.rejected:  # communes that could not be scored are part of the count: they must show in the workbook
        bad = book.create_sheet(_name(L["rejected"].split(" (")[0], used))
        append_row(bad, [L["rejected"]])
        bad["A1"].font = bold
        for message in data.rejected:
            append_row(bad, [message])
        bad.column_dimensions["A"].width = 140
    for commune, result in zip(data.communes, ordered):
        _score_sheet(book.create_sheet(_name(f"{commune['code']} {commune['name']}", used)), commune, data, bold, fill, Alignment)
    save_workbook(book, output)


def _score_sheet(sheet: Any, c: dict[str, Any], data: ReportData, bold: Any, fill: Any, alignment: Any) -> None:
    L = data.L
    append_row(sheet, [f"{L['score_sheet']}: {c['name']} ({c['code']})"])
    sheet["A1"].font = bold
    append_row(sheet, [c["place"], f"{L['zone']} {c['zone']}", f"{L['ruleset']}: {data.ruleset_ref}"])
    if c["provisional_notice"]:
        append_row(sheet, [c["provisional_notice"]])
    append_row(sheet, [])
    append_row(sheet, [L["indicator"], L["content"], L["max"], L["points"], L["assessment"], L["evidence"]])
    head = sheet.max_row
    for cell in sheet[head]:
        cell.font, cell.fill = bold, fill
    for crit in c["criteria"]:
        append_row(sheet, [f"{L['criterion']} {crit['id']}", crit["title"], float(crit["max"]), float(crit["points"]), f"{L['floor']}: {crit['floor']}"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for ind in crit["indicators"]:
            append_row(sheet, [ind["id"], ind["title"] + (f" ({L['provisional_mark']})" if ind["provisional"] else ""), float(ind["max"]), float(ind["points"]), ind["status"], ind["evidence"]])
    append_row(sheet, [L["total"], "", float(c["max"]), float(c["total"]), c["share"]])
    append_row(sheet, [L["verdict"], c["verdict"]])
    for reason in c["reasons"]:
        append_row(sheet, ["", reason])
    if c["gaps"]:
        append_row(sheet, [])
        append_row(sheet, [L["gaps"]])
        for gap in c["gaps"]:
            append_row(sheet, ["", gap])
    sheet.freeze_panes = sheet.cell(row=head + 1, column=1)
    for letter, width in zip("ABCDEF", (12, 70, 10, 10, 16, 40)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=head + 1, max_col=2, min_col=2):
        row[0].alignment = alignment(wrap_text=True)


def _name(text: str, used: set[str]) -> str:
    import re

    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31]
    name, n = base, 2
    while name in used:
        name, n = base[:27] + f" ({n})", n + 1
    used.add(name)
    return name
