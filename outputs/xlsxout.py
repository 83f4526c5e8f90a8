"""The XLSX results workbook: a summary sheet, one sheet per commune, and the rejected rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chuanxa.engine.results import BatchResult, CommuneResult, CommuneSummary, SummaryBatch
from chuanxa.messages import Lang
from chuanxa.wording import gap_text, notice_text, problem_text, reason_text, table_notice_text

from .cells import append_row, save_workbook, set_cell
from .labels import failure_word, label, status_word, verdict_word
from .table import blocks_text, provisional_notice, threshold_text, values_text

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_results_xlsx(batch: BatchResult | SummaryBatch, path: Path, lang: Lang = "vi") -> None:
    """Write `batch` to `path` (values only, frozen headers, bold headings): a summary sheet, one sheet per
    commune for full results, and the rejected rows."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp" if lang == "vi" else "Summary"
    full = batch.results if isinstance(batch, BatchResult) else ()
    _summary_sheet(summary, batch.results if isinstance(batch, BatchResult) else batch.summaries, lang)
    used = {summary.title}
    for result in full:
        sheet = book.create_sheet(_sheet_name(f"{result.commune.code} {result.commune.name}", used))
        _commune_sheet(sheet, result, lang)
    if batch.rejected or batch.unknown_columns or batch.skipped_sheets or batch.notices:
        title = ("Bị từ chối" if lang == "vi" else "Rejected") if batch.rejected else ("Ghi chú" if lang == "vi" else "Notes")
        _rejected_sheet(book.create_sheet(_sheet_name(title, used)), batch, lang)
    save_workbook(book, path)


def _summary_sheet(sheet: Any, results: Sequence[CommuneResult] | Sequence[CommuneSummary], lang: Lang) -> None:
    criteria = [c.id for c in results[0].criteria] if results else []
    headers = [label("code", lang), label("commune", lang), "Tỉnh" if lang == "vi" else "Province", "Huyện (cũ)" if lang == "vi" else "Former district",
               label("zone", lang), label("total", lang), label("max", lang), label("share", lang), label("verdict", lang), label("reasons", lang)]
    headers += [f"{label('criterion', lang)} {c}" for c in criteria] + [label("provisional", lang)]
    _header(sheet, headers)
    for r in results:
        if isinstance(r, CommuneResult):
            reasons = "; ".join(reason_text(x, r).get(lang) for x in r.reasons)
        else:
            reasons = "; ".join(failure_word(code.value, lang) for code in r.reason_codes)
        append_row(sheet, [r.commune.code, r.commune.name, r.commune.province, r.commune.district, r.zone, r.total.points, r.total.max,
                      round(r.total.share, 4), verdict_word(r.verdict.value, lang), reasons] + [c.points for c in r.criteria] + [r.provisional_count])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = "0.0%"  # the share shows as 97.5%, stays a number
    _widths(sheet, [10, 24, 14, 14, 6, 10, 8, 8, 18, 60] + [10] * len(criteria) + [10])
    warnings = sorted({r.ruleset.warning.get(lang) for r in results if r.ruleset.warning is not None})
    for warning in warnings:  # e.g. qd4667: not for certification, said under the table
        append_row(sheet, [warning])


def _commune_sheet(sheet: Any, r: CommuneResult, lang: Lang) -> None:
    from openpyxl.styles import Font

    c = r.commune
    append_row(sheet, [f"{label('commune', lang)}: {c.name} [{c.code}]", ", ".join(p for p in (c.district, c.province) if p)])
    append_row(sheet, [f"{label('ref', lang)}: {r.ruleset.id}@{r.ruleset.version.isoformat()}", f"sha256 {r.ruleset.sha256}"])
    append_row(sheet, [f"{label('total', lang)}: {r.total.points:g}/{r.total.max:g} ({r.total.share:.1%})", f"{label('verdict', lang)}: {verdict_word(r.verdict.value, lang)}"])
    for reason in r.reasons:
        append_row(sheet, ["", reason_text(reason, r).get(lang)])
    notice = provisional_notice(r, lang)
    if notice:
        append_row(sheet, [notice])
    if r.ruleset.warning is not None:
        append_row(sheet, [r.ruleset.warning.get(lang)])
    for notice_record in c.notices:  # the place: a former province mapped, an old code, a former district
        append_row(sheet, ["", notice_text(notice_record, c, r.as_of).get(lang)])
    for row in sheet.iter_rows(min_row=1, max_row=3):
        row[0].font = Font(bold=True)
    append_row(sheet, [])
    start = sheet.max_row + 1
    _header(sheet, [label("criterion", lang), label("indicator", lang), label("title", lang), label("max", lang), label("points", lang), label("status", lang),
                    label("value", lang), label("threshold", lang), label("note", lang), label("provisional", lang), label("knockout", lang), label("source", lang)], row=start)
    for ind in r.indicators:
        values = values_text(ind, lang)
        threshold = threshold_text(ind, lang, r.region_name.get(lang) if r.region_name else None)
        append_row(sheet, [ind.criterion, ind.id, ind.title.get(lang), ind.max, ind.points, status_word(ind.status.value, lang), values, threshold,
                      ind.assessed_note or "", label("yes", lang) if ind.provisional else "", label("yes", lang) if ind.knockout else "", ind.source])
    sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
    append_row(sheet, [])
    _header(sheet, [label("criterion", lang), label("title", lang), label("points", lang), label("max", lang), label("floor", lang), ""], row=sheet.max_row + 1)
    for crit in r.criteria:
        append_row(sheet, [crit.id, crit.title.get(lang), crit.points, crit.max, crit.floor, label("met_floor" if crit.floor_met else "below_floor", lang)])
    if r.gaps:
        append_row(sheet, [])
        _header(sheet, [label("indicator", lang), label("gaps", lang), label("blocks", lang)], row=sheet.max_row + 1)
        for gap in r.gaps:
            append_row(sheet, [gap.indicator, gap_text(gap).get(lang), blocks_text(gap.blocks, lang)])
    _widths(sheet, [10, 10, 50, 8, 8, 14, 14, 18, 30, 10, 10, 40])


def _rejected_sheet(sheet: Any, batch: BatchResult | SummaryBatch, lang: Lang) -> None:
    _header(sheet, [label("row", lang), label("code", lang), label("errors", lang)])
    for rejected in batch.rejected:
        for error in rejected.errors:
            append_row(sheet, [rejected.row, rejected.commune, problem_text(error).get(lang)])
    # What was handed in but not used is recorded here too, so the workbook alone tells the whole story.
    if batch.unknown_columns:
        append_row(sheet, ["", "", ("Cột không dùng đến: " if lang == "vi" else "Columns not used: ") + ", ".join(batch.unknown_columns)])
        for column, hints in batch.column_hints.items():
            append_row(sheet, ["", "", f"'{column}': " + ("có phải ý bạn là " if lang == "vi" else "did you mean ") + " / ".join(f"'{h}'" for h in hints) + "?"])
    if batch.skipped_sheets:
        append_row(sheet, ["", "", ("Trang tính không có cột mã xã, không đọc: " if lang == "vi" else "Sheets without a commune-code column, not read: ")
                      + ", ".join(batch.skipped_sheets)])
    for notice in batch.notices:  # the header row taken and the rows skipped, with why
        append_row(sheet, [", ".join(str(n) for n in notice.rows[:1]), "", table_notice_text(notice).get(lang)])
    _widths(sheet, [8, 12, 120])


def _header(sheet: Any, names: Sequence[str], row: int | None = None) -> None:
    from openpyxl.styles import Font, PatternFill

    row = row or sheet.max_row + (0 if sheet.max_row == 1 and sheet.cell(1, 1).value is None else 1)
    for column, name in enumerate(names, start=1):
        cell = set_cell(sheet, row, column, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    if row == 1:
        sheet.freeze_panes = "A2"


def _widths(sheet: Any, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _sheet_name(text: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", text).strip()[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name
