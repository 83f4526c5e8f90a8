"""`chuanxa report`: score sheets and a summary for a dossier, as XLSX, HTML or PDF."""

from __future__ import annotations

from pathlib import Path

import click

from chuanxa.api import TABLE_SUFFIXES, compiled, score_many
from chuanxa.engine.results import BatchResult
from chuanxa.messages import Lang

from .cmd_score import _report_rejected
from .common import EXIT_OK, EXIT_SOME_FAILED, as_of_option, table_options, check_output, output_format, lang_option, ruleset_option, rulesets_dir_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "html", "pdf"]), default=None, help="Mặc định theo đuôi tệp -o / Default: from the -o suffix.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Tệp báo cáo / Report file.")
@click.option("--target-share", type=float, default=None, help="Chỉ tiêu tỷ lệ xã đạt chuẩn của tỉnh, ví dụ 0.9 (90% năm 2030) / The province's target share, e.g. 0.9 (90% by 2030).")
@click.option("--title", default=None, help="Tiêu đề báo cáo / Report title.")
@ruleset_option
@as_of_option
@lang_option
@table_options
@rulesets_dir_option
def report(files: tuple[Path, ...], fmt: str | None, output: Path, target_share: float | None, title: str | None, ruleset_ref: str | None,
           as_of: str | None, lang: Lang, header_row: int | None, sheet: str | None, rulesets_dirs: tuple[Path, ...]) -> int:
    """Biểu chấm điểm từng xã và bảng tổng hợp / Score sheets per commune and a summary (XLSX, HTML, PDF)."""
    from chuanxa.reports import render_report

    fmt = output_format(output, fmt, {".html": "html", ".htm": "html", ".pdf": "pdf", ".xlsx": "xlsx"}, "xlsx")
    check_output(output, files)
    engine = compiled(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    parts = [score_many(f, engine, header_row=header_row, sheet=sheet, pause_gc=True) if f.suffix.lower() in TABLE_SUFFIXES else score_many([f], engine, pause_gc=True) for f in files]
    batch = BatchResult(results=tuple(r for p in parts for r in p.results), rejected=tuple(r for p in parts for r in p.rejected),
                        unknown_columns=tuple(c for p in parts for c in p.unknown_columns), column_hints={k: v for p in parts for k, v in p.column_hints.items()},
                        skipped_sheets=tuple(s for p in parts for s in p.skipped_sheets), notices=tuple(n for p in parts for n in p.notices))
    render_report(batch.results, fmt, output, lang, ruleset_title=engine.ruleset.ruleset.title.get(lang), target_share=target_share, title=title, rejected=batch.rejected)
    click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    _report_rejected(batch, lang)
    return EXIT_OK if not batch.rejected else EXIT_SOME_FAILED
