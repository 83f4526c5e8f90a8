"""Data-entry templates for a ruleset: a commented YAML commune file, a CSV header, and an XLSX sheet with
labels, units, allowed values and Excel data validation (what they hold: `chuanxa.communes.templates`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chuanxa.communes.templates import COMMUNE_COLUMNS, allowed_text, entry_inputs, input_header, plain_number, table_headers
from chuanxa.criteria.model import Ruleset
from chuanxa.messages import Lang

from .cells import append_row, save_workbook


def yaml_template(ruleset: Ruleset, lang: Lang) -> str:
    """A commune file with every entry field, commented with labels, units and allowed values."""
    vi = lang == "vi"
    lines = [
        f"# {'Tệp số liệu một xã cho' if vi else 'One commune data file for'} {ruleset.ref} — {ruleset.ruleset.title.get(lang)}",
        f"# {'Để trống (null) nếu chưa có số liệu: chỉ tiêu sẽ được báo thiếu, không tính là 0.' if vi else 'Leave null when unknown: the indicator is reported missing, never counted as 0.'}",
        "commune:",
        "  code: \"\"            # " + ("mã xã" if vi else "commune code"),
        "  name: \"\"            # " + ("tên xã" if vi else "commune name"),
        "  province: \"\"        # " + ("tỉnh, thành phố hiện nay (34) hoặc tên tỉnh cũ" if vi else "current province (34) or a former one"),
        "  former_province: \"\" # " + ("không bắt buộc: tỉnh trước 01/7/2025 (quyết định vùng KT-XH)" if vi else "optional: province before 1 July 2025 (decides the region)"),
        "  former_district: \"\" # " + ("không bắt buộc, hồ sơ cũ" if vi else "optional, old records"),
        "  region: \"\"          # " + ("để trống để suy ra từ tỉnh cũ; " if vi else "blank: derived from the former province; ") + ", ".join(r.id for r in ruleset.classification.regions),
        "  terrain: \"\"         # " + ", ".join(t.id for t in ruleset.classification.terrains),
        "  distance_km: null   # " + ("km tới bệnh viện/TTYT/PKĐKKV gần nhất" if vi else "km to the nearest hospital, health centre or polyclinic"),
        "  difficult_terrain: false",
        "  zone: null          # " + ("1, 2, 3 nếu tỉnh đã xếp vùng (ghi đè cách tính)" if vi else "1, 2 or 3 when assigned by the province (overrides the derivation)"),
        "as_of: null          # " + ("năm hoặc ngày đánh giá" if vi else "assessment year or date"),
        "values:",
    ]
    for name, spec in entry_inputs(ruleset):
        hint = "; ".join(p for p in (spec.unit or "", allowed_text(spec, lang)) if p)
        lines.append(f"  # {spec.label.get(lang)}" + (f" [{hint}]" if hint else ""))
        if spec.help:
            lines.append(f"  #   {spec.help.get(lang)}")
        lines.append(f"  {name}: null")
    lines.append("assessed:              # " + ("điểm do đoàn thẩm định chấm theo minh chứng" if vi else "points awarded by the appraisal team on evidence"))
    for ind in ruleset.indicators:
        if ind.entered_by_assessors:
            lines.append(f"  # {ind.id}. {ind.title.get(lang)} (0–{ind.max_points:g})")
            lines.append(f"  # \"{ind.id}\": {{points: null, note: \"\"}}")
    return "\n".join(lines) + "\n"


def csv_template(ruleset: Ruleset, lang: Lang) -> str:
    import io

    from .cells import SafeCsvWriter

    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerow(table_headers(ruleset, lang))
    return buffer.getvalue()


def write_xlsx_template(ruleset: Ruleset, lang: Lang, path: Path, rows: int = 200) -> None:
    """An XLSX data-entry sheet with data validation, plus a guide sheet describing every column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu" if lang == "vi" else "Data"
    headers = table_headers(ruleset, lang)
    append_row(sheet, headers)
    for column, _ in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(str(cell.value)) + 2))
    sheet.freeze_panes = "C2"
    lists = book.create_sheet("Danh mục" if lang == "vi" else "Lists")
    _validations(sheet, lists, ruleset, lang, rows)
    entries = dict(entry_inputs(ruleset))
    for column, (name, spec) in enumerate(entries.items(), start=len(COMMUNE_COLUMNS) + 1):
        note = f"{name}\n{allowed_text(spec, lang)}" + (f"\n{spec.help.get(lang)}" if spec.help else "")
        sheet.cell(row=1, column=column).comment = Comment(note, "chuanxa")
    column = len(COMMUNE_COLUMNS) + len(entries)
    for ind in ruleset.indicators:
        if ind.entered_by_assessors:  # the kind's template hint: a points and a notes column
            column += 1
            step = getattr(ind, "step", None)
            words = (f"{ind.id}. {ind.title.get(lang)}\n" + (f"Điểm từ 0 đến {ind.max_points:g}" if lang == "vi" else f"Points from 0 to {ind.max_points:g}")
                     + (f", {'bước' if lang == 'vi' else 'in steps of'} {step:g}" if step else "") + (f"\n{ind.source}" if ind.source else ""))
            sheet.cell(row=1, column=column).comment = Comment(words, "chuanxa")
            sheet.cell(row=1, column=column).alignment = Alignment(wrap_text=True, vertical="top")
            _apply(sheet, _points_validation(get_column_letter(column), ind.max_points, step, sheet.cell(row=1, column=column).value, lang), column, rows)
            column += 1  # the note column beside it
    _guide(book.create_sheet("Hướng dẫn" if lang == "vi" else "Guide"), ruleset, lang)
    save_workbook(book, path)


def _validations(sheet: Any, lists: Any, ruleset: Ruleset, lang: Lang, rows: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    def add_list(column: int, values: list[str], title: str) -> None:
        list_col = lists.max_column + 1 if lists.max_row > 1 or lists.cell(1, 1).value else 1
        lists.cell(row=1, column=list_col, value=title)
        for i, value in enumerate(values, start=2):
            lists.cell(row=i, column=list_col, value=value)
        letter = get_column_letter(list_col)
        dv = DataValidation(type="list", formula1=f"='{lists.title}'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True)
        _apply(sheet, dv, column, rows)

    yes_no = ["có", "không"] if lang == "vi" else ["yes", "no"]
    fields = [c[0] for c in COMMUNE_COLUMNS]
    add_list(fields.index("region") + 1, [r.vi if lang == "vi" else r.en for r in ruleset.classification.regions], "region")
    add_list(fields.index("terrain") + 1, [t.vi if lang == "vi" else t.en for t in ruleset.classification.terrains], "terrain")
    add_list(fields.index("difficult_terrain") + 1, yes_no, "yes_no")
    _apply(sheet, DataValidation(type="whole", operator="between", formula1="1", formula2="3", allow_blank=True), fields.index("zone") + 1, rows)
    _apply(sheet, DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True), fields.index("distance_km") + 1, rows)
    for column, (name, spec) in enumerate(entry_inputs(ruleset), start=len(COMMUNE_COLUMNS) + 1):
        if spec.type == "yes_no":
            add_list(column, yes_no, name)
        elif spec.type == "choice":
            add_list(column, [c.vi if lang == "vi" else c.en for c in spec.choices or ()], name)
        elif spec.type in ("percent", "number", "count"):
            low, high = spec.bounds()
            kind = "whole" if spec.type == "count" else "decimal"
            if low is not None and high is not None:
                dv = DataValidation(type=kind, operator="between", formula1=plain_number(low), formula2=plain_number(high), allow_blank=True)
            elif low is not None:
                dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=plain_number(low), allow_blank=True)
            else:
                continue
            dv.error = f"{spec.label.get(lang)}: {allowed_text(spec, lang)}"
            dv.showErrorMessage = True
            _apply(sheet, dv, column, rows)


def _points_validation(letter: str, top: float, step: float | None, header: str, lang: Lang) -> Any:
    """Assessed points from 0 to the maximum, on the indicator's step (0.5 → 0, 0.5, 1 …): the engine's own test
    (`prepare.assessed_points_ok`: within 1e-9 of a whole number of steps) written as a formula. A product with the
    step's reciprocal, rounded for printing (0.3 → 3.33333), refused 0.3, 0.6 and 0.9 that the engine accepts."""
    from openpyxl.worksheet.datavalidation import DataValidation

    cell = f"{letter}2"
    if step:
        dv = DataValidation(type="custom", formula1=f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<={float(top)!r},ABS({cell}/{float(step)!r}-ROUND({cell}/{float(step)!r},0))<=1E-9)",
                            allow_blank=True)
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{top:g}", allow_blank=True)
    steps = (f", bước {step:g}" if lang == "vi" else f", in steps of {step:g}") if step else ""
    dv.error = f"{header}: " + (f"điểm từ 0 đến {top:g}{steps}" if lang == "vi" else f"points from 0 to {top:g}{steps}")
    return dv


def _apply(sheet: Any, dv: Any, column: int, rows: int) -> None:
    from openpyxl.utils import get_column_letter

    # Excel refuses a wrong entry at once, with a message (rather than chuanxa rejecting the row later).
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = dv.errorTitle or "chuanxa"
    if not dv.error:
        header = sheet.cell(row=1, column=column).value
        dv.error = f"{header}: " + ("chọn một giá trị trong danh sách / pick a value from the list" if dv.type == "list"
                                    else "giá trị ngoài khoảng cho phép / value out of the allowed range")
    letter = get_column_letter(column)
    sheet.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{rows + 1}")


def _guide(sheet: Any, ruleset: Ruleset, lang: Lang) -> None:
    vi = lang == "vi"
    append_row(sheet, ["Cột" if vi else "Column", "Mã" if vi else "Id", "Kiểu" if vi else "Type", "Đơn vị" if vi else "Unit", "Giá trị cho phép" if vi else "Allowed", "Giải thích" if vi else "Help"])
    for name, spec in entry_inputs(ruleset):
        append_row(sheet, [input_header(spec, lang), name, spec.type, spec.unit or "", allowed_text(spec, lang), spec.help.get(lang) if spec.help else ""])
    for width, letter in zip((50, 34, 10, 10, 20, 80), "ABCDEF"):
        sheet.column_dimensions[letter].width = width
