"""The target plan as a workbook: the chosen communes with their costs, then each one's steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chuanxa.messages import Lang
from chuanxa.wording import step_text

from .cells import append_row, save_workbook
from .labels import label, verdict_word


def write_target_plan_xlsx(result: Any, path: Path, lang: Lang = "vi") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    vi = lang == "vi"
    book = Workbook()
    sheet = book.active
    sheet.title = "Kế hoạch" if vi else "Plan"
    append_row(sheet, [label("code", lang), label("commune", lang), label("total", lang), label("verdict", lang), "Chọn" if vi else "Chosen", "Bước" if vi else "Steps", "Chi phí" if vi else "Cost"])
    chosen = {p.commune for p in result.chosen}
    for p in list(result.chosen) + list(result.not_chosen) + list(result.infeasible):
        append_row(sheet, [p.commune, p.name, p.points_before, verdict_word(p.verdict_before.value, lang), ("có" if vi else "yes") if p.commune in chosen else "", len(p.steps), p.total_cost if p.feasible else None])
    for p in result.already:
        append_row(sheet, [p.commune, p.name, p.points_before, verdict_word(p.verdict_before.value, lang), "", 0, 0])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    steps = book.create_sheet("Các bước" if vi else "Steps")
    append_row(steps, [label("code", lang), label("indicator", lang), "Việc cần làm" if vi else "Action", "+" + label("points", lang), "Chi phí" if vi else "Cost"])
    for p in result.chosen:
        for s in p.steps:
            append_row(steps, [p.commune, s.indicator, step_text(s, p).get(lang), s.gain, s.cost])
    for cell in steps[1]:
        cell.font = Font(bold=True)
    steps.column_dimensions["C"].width = 90
    steps.freeze_panes = "A2"
    save_workbook(book, path)
