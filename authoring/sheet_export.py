"""A ruleset as the score sheet officers know (`chuanxa rulesets export`): criterion, indicator number,
wording, maximum points, levels with their thresholds in words, zone and region tables as columns, source,
provisional mark and note — formatted for printing, with a hidden sheet naming the ruleset and its hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

import chuanxa
from chuanxa.criteria.loader import content_hash
from chuanxa.criteria.model import Comparison, ConditionLevel, Criterion, IndicatorModel, Ruleset, ThresholdTable

from .sheet_layout import (FORMAT, FORMAT_VERSION, INFO_SHEET, META_SHEET, OPS_WORDS, SHEET, Column, cell_number, columns,
                           indicator_words, input_words, level_rows, level_words, sheet_cells, yes_no_word)
from chuanxa.outputs.cells import save_workbook, set_cell as put

HEADING_ROW = 4  # rows 1–3: the ruleset's title, legal basis and the provisional notice


@dataclass
class SheetRow:
    """One row of the sheet as chuanxa writes it: `kind` is criterion, indicator or level."""

    kind: str
    criterion: str
    indicator: str | None = None
    level: int | None = None
    cells: dict[str, Any] = field(default_factory=dict)


def sheet_rows(ruleset: Ruleset) -> list[SheetRow]:
    """Every row of the score sheet, in order; import compares an edited sheet against these."""
    rows: list[SheetRow] = []
    for crit in ruleset.criteria:
        rows.append(_criterion_row(crit))
        for ind in crit.indicators:
            rows.append(_indicator_row(ruleset, crit, ind))
            if level_rows(ind):  # the levels the sheet knows; another kind's are edited in YAML (its rule in words on its row)
                rows.extend(_level_row(ruleset, crit, ind, index, level) for index, level in enumerate(getattr(ind, "levels", ())))
    return rows


def _criterion_row(crit: Criterion) -> SheetRow:
    cells = {"criterion": crit.id, "title_vi": crit.title.vi, "title_en": crit.title.en, "max": cell_number(crit.max_points), "source": crit.source, "note": crit.note}
    return SheetRow("criterion", crit.id, cells=cells)


def _indicator_row(ruleset: Ruleset, crit: Criterion, ind: IndicatorModel) -> SheetRow:
    cells: dict[str, Any] = {"indicator": ind.id, "title_vi": ind.title.vi, "title_en": ind.title.en, "max": cell_number(ind.max_points),
                             "words": indicator_words(ruleset, ind), "input": input_words(ruleset, getattr(ind, "input", None)),
                             "knockout": "x" if ind.knockout else None, "source": ind.source, "provisional": "x" if ind.provisional else None, "note": ind.note}
    rule = sheet_cells(ind)  # the rule cells of the indicator row, as its kind lays them out
    if rule is not None and rule.op is not None:
        cells["op"] = OPS_WORDS[getattr(ind, rule.op)]
    if rule is not None and rule.answer is not None:
        cells["op"] = "="
        cells["threshold"] = yes_no_word(getattr(ind, rule.answer))
    return SheetRow("indicator", crit.id, ind.id, cells=cells)


def _level_row(ruleset: Ruleset, crit: Criterion, ind: IndicatorModel, index: int, level: Any) -> SheetRow:
    cells: dict[str, Any] = {"points": cell_number(level.points), "words": level_words(ruleset, ind, level)}
    if level.label is not None:
        cells["title_vi"], cells["title_en"] = level.label.vi, level.label.en
    if isinstance(level, ConditionLevel):
        if isinstance(level.when, Comparison):
            cells["op"] = OPS_WORDS[level.when.op]
            cells["input"] = input_words(ruleset, level.when.input)
            cells.update(threshold_cells(level.when.threshold))
    else:
        cells.update(threshold_cells(level.threshold))
    return SheetRow("level", crit.id, ind.id, index, cells)


def threshold_cells(threshold: Any) -> dict[str, Any]:
    """A threshold's cells: one `threshold` cell, or one cell per zone or region of a table."""
    if isinstance(threshold, ThresholdTable):
        return {f"{threshold.by}:{key}": cell_number(value) for key, value in threshold.values.items()}
    if isinstance(threshold, bool):
        return {"threshold": yes_no_word(threshold)}
    return {"threshold": cell_number(threshold) if isinstance(threshold, (int, float)) else threshold}


def default_overlay_header(ruleset: Ruleset) -> dict[str, Any]:
    """What the officer's overlay is called unless they say otherwise (on the information sheet or the command line)."""
    meta = ruleset.ruleset
    return {
        "id": f"{meta.id}_hieu_chinh",
        "title_vi": f"{meta.title.vi} (bản hiệu chỉnh)",
        "title_en": f"{meta.title.en} (corrected)",
        "legal_basis_vi": f"Bảng điểm hiệu chỉnh từ {ruleset.ref} — ghi số, ngày văn bản căn cứ",
        "legal_basis_en": f"Score sheet corrected from {ruleset.ref} — write the reference of the official text",
        "effective": meta.effective,
    }


INFO_FIELDS = (
    ("id", "Mã bộ tiêu chí sau hiệu chỉnh (chữ thường không dấu, số, dấu _)", "Id of the corrected ruleset"),
    ("title_vi", "Tên (tiếng Việt)", "Title (Vietnamese)"),
    ("title_en", "Tên (tiếng Anh)", "Title (English)"),
    ("legal_basis_vi", "Căn cứ (tiếng Việt)", "Legal basis (Vietnamese)"),
    ("legal_basis_en", "Căn cứ (tiếng Anh)", "Legal basis (English)"),
    ("effective", "Ngày hiệu lực", "Effective from"),
)


def export_score_sheet(ruleset: Ruleset, output: Path) -> None:
    """Write `ruleset` as a score-sheet workbook at `output` (atomically)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _write_score_sheet(sheet, ruleset)
    _write_info(book.create_sheet(INFO_SHEET), ruleset)
    meta = book.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(_meta(ruleset).items(), start=1):
        put(meta, row, 1, key)
        put(meta, row, 2, value)
    meta.sheet_state = "hidden"
    save_workbook(book, output)


def _meta(ruleset: Ruleset) -> dict[str, Any]:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "ruleset": ruleset.ref, "sha256": content_hash(ruleset),
            "chuanxa": chuanxa.__version__, "exported": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {"criterion": PatternFill("solid", fgColor="DDEBF7"), "heading": PatternFill("solid", fgColor="BDD7EE"),
          "provisional": PatternFill("solid", fgColor="FFF2CC"), "read_only": PatternFill("solid", fgColor="F2F2F2")}


def _write_score_sheet(sheet: Any, ruleset: Ruleset) -> None:
    cols = columns(ruleset)
    meta = ruleset.ruleset
    put(sheet, 1, 1, f"BẢNG ĐIỂM — {meta.title.vi} ({ruleset.ref})").font = Font(bold=True, size=13)
    put(sheet, 2, 1, meta.legal_basis.vi).font = Font(italic=True)
    count = sum(1 for i in ruleset.indicators if i.provisional)
    put(sheet, 3, 1, f"{count}/{len(ruleset.indicators)} chỉ tiêu đánh dấu TẠM THỜI (chưa đối chiếu văn bản chính thức). "
                     "Sửa các ô trắng; cột xám do chuanxa tự viết. Bỏ dấu tạm thời chỉ khi đã ghi căn cứ.").font = Font(color="9C5700")
    for index, col in enumerate(cols, start=1):
        for line, text in ((HEADING_ROW, col.vi), (HEADING_ROW + 1, col.en)):
            cell = put(sheet, line, index, text)
            cell.font = Font(bold=line == HEADING_ROW, italic=line != HEADING_ROW, size=10 if line == HEADING_ROW else 8)
            cell.fill, cell.border = _FILLS["heading"], _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = col.width
    for offset, row in enumerate(sheet_rows(ruleset)):
        _write_row(sheet, HEADING_ROW + 2 + offset, cols, row)
        sheet.row_dimensions[HEADING_ROW + 2 + offset].height = _height(row, cols)
    sheet.row_dimensions[HEADING_ROW].height = 42
    # The English wording is there to edit, not to print: folded away (the "+" above column D shows it).
    english = sheet.cell(row=1, column=[c.key for c in cols].index("title_en") + 1).column_letter
    sheet.column_dimensions[english].outlineLevel = 1
    sheet.column_dimensions[english].hidden = True
    _format_for_print(sheet, cols)


def _height(row: SheetRow, cols: list[Column]) -> float:
    """A row tall enough for its longest wrapped cell (spreadsheets do not grow rows of generated files)."""
    lines = 1
    for col in cols:
        value = row.cells.get(col.key)
        if isinstance(value, str) and col.key != "title_en":
            per_line = col.width * (1.45 if not col.editable else 1.25)  # characters a wrapped line holds, roughly
            lines = max(lines, -int(-len(value) // per_line))
    return min(14.0 * lines + 2, 400.0)


def _write_row(sheet: Any, number: int, cols: list[Column], row: SheetRow) -> None:
    provisional = row.kind == "indicator" and row.cells.get("provisional")
    for index, col in enumerate(cols, start=1):
        value = row.cells.get(col.key)
        cell = put(sheet, number, index, value) if value is not None else sheet.cell(row=number, column=index)
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row.kind == "criterion":
            cell.fill, cell.font = _FILLS["criterion"], Font(bold=True)
        elif not col.editable:
            cell.fill, cell.font = _FILLS["read_only"], Font(color="595959", size=9)
        elif provisional and col.key == "provisional":
            cell.fill = _FILLS["provisional"]
        if row.kind == "indicator" and col.key in ("indicator", "title_vi"):
            cell.font = Font(bold=True)


def _format_for_print(sheet: Any, cols: list[Column]) -> None:
    last = sheet.cell(row=HEADING_ROW, column=len(cols)).column_letter
    sheet.freeze_panes = sheet.cell(row=HEADING_ROW + 2, column=3)
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW + 1}"
    sheet.print_area = f"A1:{last}{sheet.max_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "Trang &P / &N"
    sheet.oddFooter.right.text = "&A"
    marks = DataValidation(type="list", formula1='"x"', allow_blank=True, showErrorMessage=True,
                           errorTitle="Dấu", error="Đánh x cho có, để trống cho không / Write x for yes, blank for no")
    ops = DataValidation(type="list", formula1='"≥,>,≤,<,=,≠"', allow_blank=True, showErrorMessage=True,
                         errorTitle="So sánh", error="Dùng ≥ > ≤ < = ≠ / Use one of ≥ > ≤ < = ≠")
    for validation, key in ((marks, "knockout"), (marks, "provisional"), (ops, "op")):
        letter = sheet.cell(row=1, column=[c.key for c in cols].index(key) + 1).column_letter
        validation.add(f"{letter}{HEADING_ROW + 2}:{letter}{sheet.max_row + 200}")
    for validation in (marks, ops):
        sheet.add_data_validation(validation)


def _write_info(sheet: Any, ruleset: Ruleset) -> None:
    defaults = default_overlay_header(ruleset)
    put(sheet, 1, 1, "Thông tin bộ tiêu chí sau hiệu chỉnh / The corrected ruleset").font = Font(bold=True, size=13)
    put(sheet, 2, 1, f"Hiệu chỉnh từ / Corrects: {ruleset.ref}")
    for row, (key, vi, en) in enumerate(INFO_FIELDS, start=4):
        label_cell = put(sheet, row, 1, vi)
        label_cell.font, label_cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        put(sheet, row, 2, en).font = Font(italic=True, size=9)
        value = defaults[key]
        cell = put(sheet, row, 3, value.isoformat() if isinstance(value, dt.date) else value)
        cell.border, cell.alignment = _BORDER, Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 30
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width, sheet.column_dimensions["C"].width = 40, 24, 70
    sheet.page_setup.orientation, sheet.page_setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
