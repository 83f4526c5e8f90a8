"""`chuanxa watch`: read JSON lines of updates, write JSON lines of events."""

from __future__ import annotations

import hashlib
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import click

from chuanxa.api import compiled
from chuanxa.monitoring.journal import COMPACT_EVERY, StateStore
from chuanxa.monitoring.watcher import Watcher
from chuanxa.messages import Lang

from .common import EXIT_OK, as_of_option, check_output, lang_option, ruleset_option, rulesets_dir_option


@click.command()
@click.argument("source", default="-", type=click.Path(exists=True, allow_dash=True, dir_okay=False, path_type=Path))
@ruleset_option
@as_of_option
@click.option("--engine", type=click.Choice(["core", "durable"]), default="core", show_default=True)
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tệp trạng thái (đọc khi khởi động; mỗi cập nhật được ghi vào nhật ký FILE.journal) / State file (read at start; each update is journalled in FILE.journal).")
@click.option("--seed", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="Số liệu ban đầu (YAML/JSON/CSV/XLSX) / Initial commune data.")
@click.option("--save-every", "compact_every", type=click.IntRange(min=1), default=COMPACT_EVERY, show_default=True,
              help="Gộp nhật ký vào tệp trạng thái sau mỗi N dòng / Fold the journal into the state file every N lines.")
@lang_option
@rulesets_dir_option
def watch(source: Path, ruleset_ref: str | None, as_of: str | None, engine: str, state_file: Path | None, seed: Path | None, compact_every: int, lang: Lang,
          rulesets_dirs: tuple[Path, ...]) -> int:
    """Theo dõi cập nhật và báo sự kiện / Watch JSON-lines updates (FILE or - for stdin) and print JSON-lines events.

    With --state, a FILE read again resumes after the last line already applied; an update dated before the
    commune's state is reported as `out_of_order` and not applied. Each line is journalled before its events
    are printed, so a restart after a crash never repeats an event."""
    check_output(state_file, [source] + ([seed] if seed else []))
    core = compiled(ruleset_ref, as_of=as_of, rulesets_dirs=rulesets_dirs)
    evaluate = core.evaluate
    if engine == "durable":
        from chuanxa.engine.durable_engine import DurableEngine

        evaluate = DurableEngine(core).evaluate
    watcher = Watcher(core, evaluate)
    store = StateStore(state_file, compact_every) if state_file is not None else None
    with store if store is not None else nullcontext():
        if store is not None:
            store.restore(watcher)
        if seed is not None:
            from chuanxa.communes.readers import read_commune_file, read_table

            rows = [r.data for r in read_table(seed, core.ruleset).rows] if seed.suffix.lower() in (".csv", ".xlsx") else [read_commune_file(seed)]
            watcher.seed(rows)
        try:
            _follow(watcher, source, store)
        finally:
            if store is not None:
                store.compact(watcher)
    return EXIT_OK


def _follow(watcher: Watcher, source: Path, store: StateStore | None) -> None:
    """Apply each line of `source`, journal it, then print its events."""
    if str(source) == "-" and hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # a stray non-UTF-8 byte is one bad line, not the end of the stream
    stream = sys.stdin if str(source) == "-" else source.open(encoding="utf-8", errors="replace")
    # A file read again after a restart (the same lines, perhaps more appended) resumes after the last line the
    # state holds; a file whose first lines changed is read from the start. stdin is always new.
    key = None if stream is sys.stdin else str(source.resolve())
    digest = hashlib.sha256()
    done = _resume_after(watcher.positions.get(key), source) if key else 0
    try:
        for number, (line, whole) in enumerate(_lines(stream, digest), start=1):
            position = {"lines": number, "sha256": digest.hexdigest()}
            if key:
                watcher.positions[key] = position
            if not line.strip() or number <= done:
                continue
            events = watcher.process_line(line, number) if whole else watcher.line_too_long(number, MAX_LINE)
            if store is not None:
                store.record(line if whole else "", number, key, position, watcher)  # saved before the events are shown
            for event in events:
                click.echo(json.dumps(event, ensure_ascii=False))
    finally:
        if stream is not sys.stdin:
            stream.close()


#: The longest line read whole (an update is a few hundred characters): a longer one is an `error` event, read
#: in pieces and never held in memory at once.
MAX_LINE = 1_000_000


def _lines(stream: Any, digest: Any) -> Iterator[tuple[str, bool]]:
    """`(line, whole)` for each line of `stream`, adding every character read to `digest`; a line longer than
    `MAX_LINE` comes as its first `MAX_LINE` characters with `whole` False."""
    while line := stream.readline(MAX_LINE + 1):
        digest.update(line.encode("utf-8", "replace"))
        whole = len(line) <= MAX_LINE or line.endswith("\n")
        rest = line
        while not rest.endswith("\n") and len(rest) > MAX_LINE and (rest := stream.readline(MAX_LINE + 1)):
            digest.update(rest.encode("utf-8", "replace"))
        yield line, whole


def _resume_after(position: Any, source: Path) -> int:
    """How many lines of `source` the state already applied: its recorded count, if those lines are unchanged."""
    if not isinstance(position, dict) or not position.get("lines"):
        return 0
    digest = hashlib.sha256()
    with source.open(encoding="utf-8", errors="replace") as handle:
        for number, _ in enumerate(_lines(handle, digest), start=1):
            if number == position["lines"]:
                return number if digest.hexdigest() == position.get("sha256") else 0
    return 0
