"""`chuanxa recognitions`: which communes' recognition expires soon, has expired, or was never granted."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import click
from tabulate import tabulate

from chuanxa.communes.values import parse_date
from chuanxa.messages import Lang
from chuanxa.planning.recognitions import Standing, load_histories, standings
from chuanxa.wording import standing_note_text

from chuanxa.outputs.cells import SafeCsvWriter

from .common import EXIT_OK, check_output, lang_option, rulesets_dir_option, write_text_output

_STATUS = {
    "valid": ("còn hiệu lực", "valid"), "expiring": ("sắp hết hạn", "expiring"), "expired": ("đã hết hạn", "expired"),
    "never_recognised": ("chưa được công nhận", "never recognised"),
}


@click.command()
@click.argument("history", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--within", "within_months", type=click.IntRange(0, 120), default=12, show_default=True,
              help="Liệt kê công nhận hết hạn trong số tháng này / List recognitions expiring within this many months.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Tính đến ngày (mặc định hôm nay) / Reference date (default today).")
@click.option("--all", "show_all", is_flag=True, help="Liệt kê cả xã còn hiệu lực / Also list communes whose recognition is valid.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Ghi ra tệp / Write to a file.")
@lang_option
@rulesets_dir_option
def recognitions(history: Path, within_months: int, as_of: str | None, show_all: bool, fmt: str, output: Path | None, lang: Lang,
                 rulesets_dirs: tuple[Path, ...]) -> int:
    """Xã sắp hết hạn, đã hết hạn hoặc chưa được công nhận / Communes whose recognition expires soon, expired, or never was.

    HISTORY là tệp YAML, JSON hoặc CSV ghi các quyết định công nhận (số, ngày, cơ quan ban hành, bộ tiêu chí,
    điểm) của từng xã, dùng cho trạm y tế xã và Sở Y tế theo dõi việc duy trì và công nhận lại.
    """
    check_output(output, [history])
    on = parse_date(as_of) if as_of else dt.date.today()
    rows = [s for s in standings(load_histories(history), on, within_months, rulesets_dirs) if show_all or s.status != "valid"]
    text = {"json": _json, "csv": _csv}.get(fmt, _text)(rows, lang, on, within_months)
    if output is None:
        click.echo(text)
    else:
        write_text_output(text, output, "utf-8-sig" if output.suffix.lower() == ".csv" else "utf-8")
        click.echo(("Đã ghi: " if lang == "vi" else "Written: ") + str(output))
    return EXIT_OK


def _text(rows: list[Standing], lang: Lang, on: dt.date, within: int) -> str:
    vi = lang == "vi"
    table = [[s.code, s.name, s.province or "", _STATUS[s.status][0 if vi else 1], s.decision or "", _day(s.recognised_on), _day(s.expires),
              "" if s.months_left is None else s.months_left, _notes(s, lang)] for s in rows]
    headers = (["Mã xã", "Xã", "Tỉnh", "Tình trạng", "Quyết định", "Ngày", "Hết hạn", "Còn (tháng)", "Ghi chú"] if vi else
               ["Code", "Commune", "Province", "Status", "Decision", "Date", "Expires", "Months left", "Notes"])
    head = (f"Tình trạng công nhận đến {on:%d/%m/%Y} (sắp hết hạn: trong {within} tháng)" if vi else
            f"Recognition standing on {on.isoformat()} (expiring: within {within} months)")
    return head + "\n\n" + (tabulate(table, headers=headers, tablefmt="simple") if table else ("Không có xã nào cần lưu ý." if vi else "No commune needs attention."))


def _notes(standing: Standing, lang: Lang) -> str:
    return " ".join(standing_note_text(note).get(lang) for note in standing.notes)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _json(rows: list[Standing], lang: Lang, on: dt.date, within: int) -> str:
    return json.dumps({"as_of": on.isoformat(), "within_months": within, "communes": [s.model_dump(mode="json") for s in rows]}, ensure_ascii=False, indent=2)


def _csv(rows: list[Standing], lang: Lang, on: dt.date, within: int) -> str:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(["code", "name", "province", "status", "decision", "recognised_on", "expires", "months_left", "next_maintenance", "notes"])
    for s in rows:
        writer.writerow([s.code, s.name, s.province or "", s.status, s.decision or "", _day(s.recognised_on), _day(s.expires),
                         "" if s.months_left is None else s.months_left, _day(s.next_maintenance), _notes(s, lang)])
    return buffer.getvalue()
