"""`chuanxa progress`: recognised communes per province (and per former district of old records) against the
national target of the year (90% by 2030, 95% by 2035)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from tabulate import tabulate

from chuanxa.api import summarise_many
from chuanxa.messages import Lang
from chuanxa.planning.provinces import AreaProgress, progress_by_area

from .common import EXIT_OK, EXIT_SOME_FAILED, as_of_option, check_output, lang_option, ruleset_option, rulesets_dir_option, write_text_output


@click.command()
@click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2025, 2100), default=None, help="Năm chỉ tiêu (mặc định năm nay) / Target year (default this year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@ruleset_option
@as_of_option
@lang_option
@rulesets_dir_option
def progress(tables: tuple[Path, ...], year: int | None, fmt: str, output: Path | None, ruleset_ref: str | None, as_of: str | None, lang: Lang,
             rulesets_dirs: tuple[Path, ...]) -> int:
    """Tiến độ đạt chỉ tiêu theo tỉnh / Progress of each province towards the national target.

    Cho Sở Y tế: số xã đạt chuẩn của từng tỉnh so với chỉ tiêu (90% năm 2030, 95% năm 2035, NQ 262/2025/QH15);
    hồ sơ cũ có ghi huyện được tách thêm theo huyện cũ.
    """
    check_output(output, list(tables))
    year = year or dt.date.today().year
    summaries, rejected = [], 0
    for table in tables:
        batch = summarise_many(table, ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
        summaries += list(batch.summaries)
        rejected += len(batch.rejected)
    rows = progress_by_area(summaries, year)
    if fmt == "json":
        write_text_output(json.dumps({"year": year, "areas": [r.model_dump(mode="json") for r in rows], "rejected": rejected}, ensure_ascii=False, indent=2), output)
    else:
        write_text_output(_text(rows, lang, year, rejected), output)
    return EXIT_OK if not rejected else EXIT_SOME_FAILED


def _text(rows: list[AreaProgress], lang: Lang, year: int, rejected: int) -> str:
    vi = lang == "vi"
    table = [[r.province or "?", f"  {r.former_district}" if r.former_district else "", r.communes, r.recognised, f"{r.share:.0%}", f"{r.target_share:.0%}",
              r.target_count, r.still_needed] for r in rows]
    headers = (["Tỉnh", "Huyện cũ", "Số xã", "Đạt chuẩn", "Tỷ lệ", "Chỉ tiêu", "Cần đạt", "Còn thiếu"] if vi else
               ["Province", "Former district", "Communes", "Recognised", "Share", "Target", "Needed", "Still needed"])
    goal = rows[0] if rows else None
    head = (f"Chỉ tiêu năm {goal.target_year}: {goal.target_share:.0%} số xã đạt chuẩn ({goal.source})" if vi else
            f"Target for {goal.target_year}: {goal.target_share:.0%} of communes recognised ({goal.source})") if goal else ""
    tail = ([f"{rejected} " + ("dòng bị từ chối (xem chuanxa batch)" if vi else "rows rejected (see chuanxa batch)")] if rejected else [])
    return "\n".join([head, "", tabulate(table, headers=headers, tablefmt="simple"), *tail])
