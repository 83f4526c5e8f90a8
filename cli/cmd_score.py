"""`chuanxa score` and `chuanxa batch`: score communes and render the results."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from chuanxa.api import TABLE_SUFFIXES, ScoreRun, compiled, evaluator, score_many, summarise_table_columns
from chuanxa.communes.readers import read_commune_file
from chuanxa.communes.notices import TableNotice
from chuanxa.engine.results import BatchResult, CommuneResult, CommuneSummary, RowError, RowProblem, SummaryBatch, Verdict
from chuanxa.errors import ChuanxaError, CommuneDataError
from chuanxa.messages import Lang
from chuanxa.wording import problem_text, table_notice_text
from chuanxa.outputs.csvout import results_csv, summary_table_csv
from chuanxa.outputs.jsonout import DETAILS, Detail, encode_batch, encode_commune, write_stream
from chuanxa.outputs.table import batch_table, commune_table
from chuanxa.outputs.xlsxout import write_results_xlsx

from .common import EXIT_OK, EXIT_SOME_FAILED, as_of_option, table_options, check_output, format_from_suffix, output_format, lang_option, raw_csv_option, ruleset_option, rulesets_dir_option, write_text_output

FORMATS = ("table", "json", "csv", "xlsx")
#: `batch` writes every commune to its file; the screen shows this many lines of them and the counts.
SCREEN_ROWS = 200
detail_option = click.option(
    "--detail", type=click.Choice(DETAILS), default="compact", show_default=True,
    help="JSON nhiều xã: 'compact' ghi tiêu đề, nguồn, ghi chú của bộ tiêu chí một lần; 'full' lặp lại ở mỗi xã / "
         "JSON of many communes: 'compact' writes the ruleset's titles, sources and notes once; 'full' repeats them in every commune.",
)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ruleset_option
@as_of_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Định dạng kết quả (mặc định: theo đuôi tệp -o, hoặc bảng) / Output format (default: from the -o suffix, else table).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Tệp kết quả (bắt buộc với xlsx) / Output file (needed for xlsx).")
@click.option("--fail-below", is_flag=True, help="Trả mã 1 nếu có xã chưa đạt chuẩn / Exit 1 when a commune is not recognised.")
@click.option("--engine", type=click.Choice(["core", "durable"]), default="core", show_default=True, help="Bộ máy chấm điểm / Scoring engine.")
@click.option("--brief", is_flag=True, help="Chỉ hiện chỉ tiêu chưa đạt tối đa / Show only indicators short of their maximum.")
@table_options
@raw_csv_option
@detail_option
@rulesets_dir_option
def score(files: tuple[Path, ...], ruleset_ref: str | None, as_of: str | None, lang: Lang, fmt: str | None, output: Path | None,
          fail_below: bool, engine: str, brief: bool, header_row: int | None, sheet: str | None, raw_csv: bool, detail: Detail,
          rulesets_dirs: tuple[Path, ...]) -> int:
    """Chấm điểm xã từ tệp YAML/JSON (một xã) hoặc CSV/XLSX (nhiều xã) / Score communes from FILES."""
    fmt = output_format(output, fmt, {".txt": "table", ".json": "json", ".csv": "csv", ".xlsx": "xlsx"}, "table")
    check_output(output, files)
    batch = _score_files(files, ruleset_ref, as_of, engine, rulesets_dirs, header_row, sheet)
    _render(batch, fmt, output, lang, single=len(files) == 1 and files[0].suffix.lower() not in TABLE_SUFFIXES, detail=not brief,
            protect=not raw_csv, json_detail=detail)
    _report_rejected(batch, lang)
    return _exit_code(batch, fail_below)


@click.command()
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Tệp kết quả .xlsx, .csv hoặc .json / Results file.")
@ruleset_option
@as_of_option
@lang_option
@click.option("--fail-below", is_flag=True, help="Trả mã 1 nếu có xã chưa đạt chuẩn / Exit 1 when a commune is not recognised.")
@click.option("--summary", "summary_only", is_flag=True,
              help="Chỉ tổng hợp điểm và kết luận, không giải thích (nhanh cho bảng lớn) / Totals and verdicts only, no explanations (fast for large tables).")
@table_options
@raw_csv_option
@detail_option
@rulesets_dir_option
def batch(table: Path, output: Path, ruleset_ref: str | None, as_of: str | None, lang: Lang, fail_below: bool, summary_only: bool,
          header_row: int | None, sheet: str | None, raw_csv: bool, detail: Detail, rulesets_dirs: tuple[Path, ...]) -> int:
    """Chấm cả bảng xã, không dừng vì hàng lỗi / Score a whole XLSX/CSV table; bad rows are listed, never stop the rest."""
    fmt = format_from_suffix(output, {".xlsx": "xlsx", ".csv": "csv", ".json": "json"})
    check_output(output, [table])
    # A CSV holds one summary line per commune, the same from summaries as from full results (a test checks it),
    # so it takes the summary path, column-wise for large tables.
    if summary_only or fmt == "csv":
        return _summarise(table, output, fmt, ruleset_ref, as_of, rulesets_dirs, lang, fail_below, detail, not raw_csv, header_row, sheet)
    if fmt == "json":
        return _stream_json(table, output, ruleset_ref, as_of, rulesets_dirs, lang, fail_below, detail, header_row, sheet)
    result = score_many(table, ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs, header_row=header_row, sheet=sheet, pause_gc=True)
    _render(result, fmt, output, lang, single=False, detail=True, protect=not raw_csv, json_detail=detail)
    click.echo(batch_table(result, lang, limit=SCREEN_ROWS))
    click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    _report_rejected(result, lang)
    return _exit_code(result, fail_below)


def _summarise(table: Path, output: Path, fmt: str, ruleset_ref: str | None, as_of: str | None, rulesets_dirs: tuple[Path, ...], lang: Lang,
               fail_below: bool, detail: Detail, protect: bool, header_row: int | None, sheet: str | None) -> int:
    """Summaries of a table, scored column-wise. A CSV is written straight from the arrays and the screen builds
    records for its first `SCREEN_ROWS` communes only; XLSX and JSON are written from every commune's record."""
    found = summarise_table_columns(table, ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs, header_row=header_row, sheet=sheet, pause_gc=True)
    if fmt == "csv":
        write_text_output(summary_table_csv(found.table, found.found.rejected, lang, protect), output, encoding="utf-8-sig")
        shown = found.found.model_copy(update={"summaries": tuple(found.table.records(0, SCREEN_ROWS))})  # the screen's lines only
    else:
        shown = found.batch()
        _render_summaries(shown, fmt, output, lang, detail)
    click.echo(batch_table(shown, lang, limit=SCREEN_ROWS, counts=(len(found.table), found.table.recognised_count)))
    click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    _report_rejected(shown, lang)  # one ruleset for the whole table: its first communes carry its warning
    if found.found.rejected or (fail_below and found.table.recognised_count < len(found.table)):
        return EXIT_SOME_FAILED
    return EXIT_OK


def _stream_json(table: Path, output: Path, ruleset_ref: str | None, as_of: str | None, rulesets_dirs: tuple[Path, ...], lang: Lang,
                 fail_below: bool, detail: Detail, header_row: int | None = None, sheet: str | None = None) -> int:
    """Full results to JSON, each encoded as soon as it is scored and then let go (only its summary line is
    kept for the screen): memory stays flat however large the table."""
    run = ScoreRun(table, ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs, header_row=header_row, sheet=sheet, pause_gc=True)
    kept: list[CommuneSummary] = []

    def results() -> Iterator[CommuneResult]:
        for result in run:
            kept.append(result.summary())
            yield result

    from chuanxa.fileio import atomic_output

    with atomic_output(output) as temp, open(temp, "wb", buffering=1 << 20) as handle:  # written as scored; whole or not at all
        write_stream(handle.write, results(), run.envelope, detail)
    envelope = run.envelope()
    seen = SummaryBatch(summaries=tuple(kept), rejected=envelope.rejected, unknown_columns=envelope.unknown_columns,
                        column_hints=envelope.column_hints, skipped_sheets=envelope.skipped_sheets, notices=envelope.notices)
    click.echo(batch_table(seen, lang, limit=SCREEN_ROWS))
    click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    _report_rejected(seen, lang)
    return _exit_code(seen, fail_below)


def _score_files(files: tuple[Path, ...], ruleset_ref: str | None, as_of: str | None, engine: str, rulesets_dirs: tuple[Path, ...],
                 header_row: int | None = None, sheet: str | None = None) -> BatchResult:
    results: list[CommuneResult] = []
    rejected: list[RowError] = []
    unknown: list[str] = []
    skipped: list[str] = []
    hints: dict[str, tuple[str, ...]] = {}
    notices: list[TableNotice] = []
    for file in files:
        if file.suffix.lower() in TABLE_SUFFIXES:
            part = score_many(file, ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs, engine=engine, header_row=header_row, sheet=sheet, pause_gc=True)  # type: ignore[arg-type]
            results += part.results
            rejected += part.rejected
            unknown += part.unknown_columns
            skipped += part.skipped_sheets
            hints.update(part.column_hints)
            notices += part.notices
            continue
        try:
            data = read_commune_file(file)
        except ChuanxaError as exc:
            rejected.append(_rejected(file, exc))
            continue
        # A ruleset problem is a usage error for the whole run (exit 2), not a rejected commune.
        core = compiled(ruleset_ref or data.ruleset, as_of=as_of if as_of is not None else data.as_of, rulesets_dirs=rulesets_dirs)
        try:
            results.append(evaluator(core, engine)(data))  # type: ignore[arg-type]
        except CommuneDataError as exc:
            rejected.append(_rejected(file, exc))
    return BatchResult(results=tuple(results), rejected=tuple(rejected), unknown_columns=tuple(unknown), skipped_sheets=tuple(skipped), column_hints=hints,
                       notices=tuple(notices))


def _rejected(file: Path, exc: ChuanxaError) -> RowError:
    for item in exc.related or [exc]:
        if item.location.file is None:
            item.location = replace(item.location, file=str(file))
    return RowError(source=str(file), commune=exc.location.commune, errors=tuple(RowProblem.of(e) for e in (exc.related or [exc])))


def _render_summaries(batch: SummaryBatch, fmt: str, output: Path, lang: Lang, detail: Detail = "compact") -> None:
    """Summaries to XLSX or JSON (a CSV is written from the arrays: `_summarise`)."""
    if fmt == "xlsx":
        write_results_xlsx(batch, output, lang)
    else:
        write_text_output(encode_batch(batch, detail), output)


def _render(batch: BatchResult, fmt: str, output: Path | None, lang: Lang, single: bool, detail: bool, protect: bool = True,
            json_detail: Detail = "compact") -> None:
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx cần -o TỆP.xlsx / --format xlsx needs -o FILE.xlsx")
        write_results_xlsx(batch, output, lang)
        return
    if fmt == "json" and not (single and batch.results):
        write_text_output(encode_batch(batch, json_detail), output)  # one commune per line, at array speed
        return
    text: str | bytes
    if fmt == "json":
        text = encode_commune(batch.results[0])  # the bytes POST /api/v1/score answers
    elif fmt == "csv":
        text = results_csv(batch.results, batch.rejected, lang, protect)
    elif single and batch.results:
        text = commune_table(batch.results[0], lang, detail=detail)
    elif single:
        return  # the only file was rejected: its errors follow on stderr
    else:
        text = "\n\n".join([*(commune_table(r, lang, detail=False, max_gaps=5) for r in batch.results), batch_table(batch, lang)]) if len(batch.results) <= 3 else batch_table(batch, lang)
    if output is not None and fmt == "csv":
        write_text_output(text, output, encoding="utf-8-sig")  # the BOM makes Excel read Vietnamese correctly
    else:
        write_text_output(text, output)


def _report_rejected(batch: BatchResult | SummaryBatch, lang: Lang) -> None:
    items = batch.results if isinstance(batch, BatchResult) else batch.summaries
    warnings = {item.ruleset.warning.get(lang) for item in items if item.ruleset.warning is not None}
    for warning in sorted(warnings):  # e.g. qd4667 chosen by an old as_of: never silently
        click.secho(f"{item_ref(items, warning, lang)}: {warning}", fg="yellow", err=True)
    for notice in batch.notices:
        click.secho(("Ghi chú: " if lang == "vi" else "Note: ") + table_notice_text(notice).get(lang), err=True)
    if batch.unknown_columns:
        click.secho(("Cột không dùng đến: " if lang == "vi" else "Columns not used: ") + ", ".join(batch.unknown_columns), fg="yellow", err=True)
        for column, hints in batch.column_hints.items():
            click.secho(f"  '{column}': " + ("có phải ý bạn là " if lang == "vi" else "did you mean ") + " / ".join(f"'{h}'" for h in hints) + "?", fg="yellow", err=True)
    if batch.skipped_sheets:
        click.secho(("Trang tính không có cột mã xã, không đọc: " if lang == "vi" else "Sheets without a commune-code column, not read: ")
                    + ", ".join(batch.skipped_sheets), fg="yellow", err=True)
    for rejected in batch.rejected:
        for error in rejected.errors:
            click.secho(("Bị từ chối: " if lang == "vi" else "Rejected: ") + problem_text(error).get(lang), fg="red", err=True)


def item_ref(items: Any, warning: str, lang: Lang) -> str:
    """The rulesets (family@version) whose warning is `warning`."""
    refs = sorted({f"{i.ruleset.id}@{i.ruleset.version.isoformat()}" for i in items if i.ruleset.warning is not None and i.ruleset.warning.get(lang) == warning})
    return ", ".join(refs)


def _exit_code(batch: BatchResult | SummaryBatch, fail_below: bool) -> int:
    if batch.rejected:
        return EXIT_SOME_FAILED
    items = batch.results if isinstance(batch, BatchResult) else batch.summaries
    if fail_below and any(r.verdict is not Verdict.RECOGNISED for r in items):
        return EXIT_SOME_FAILED
    return EXIT_OK
