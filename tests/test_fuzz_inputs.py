"""Fuzzing the entry points with hypothesis: whatever a table, a commune file, a ruleset or a watch line
holds, chuanxa ends with exit code 0, 1 or 2, shows no traceback, stays within time and memory, and
never loses a good row of a batch because of a bad one."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import resource
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.cli.main import main
from chuanxa.monitoring.watcher import Watcher

ROOT = Path(__file__).parent.parent
with open(ROOT / "examples" / "thieu_hoa_2024.csv", encoding="utf-8-sig", newline="") as _handle:
    ROWS = list(csv.reader(_handle))
COMMUNE_YAML = (ROOT / "examples" / "xa-thieu-giao.yaml").read_text(encoding="utf-8")
OVERLAY = (ROOT / "examples" / "overlays" / "qd1300_example_knockouts.yaml").read_text(encoding="utf-8")
PEAK_MB = 1_000

#: What hostile or careless cells hold: formulas, control characters, huge and odd numbers, markup, any text.
NASTY = st.one_of(
    st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "1e400", "-1e400", "9" * 400, "nan", "inf", "0x1F", "\x00", "\x07x", "\ufeff",
                     "<img src=x>", "Tổng cộng", "", " ", "1,5,5", "12/31/2024", "có", "không", "∞", "🙂", "'", '"', "\r\n"]),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# The deadline is the time bound per example; examples are few because each runs a whole command.
FUZZ = settings(max_examples=25, deadline=20_000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _run(args: list[str]) -> tuple[int, str, float]:
    """`chuanxa ARGS` in this process: exit code, everything shown, and the process's peak memory in MB
    (the attack files of tests/hostile/ are held to 500 MB each in a child process; here the bound is on the
    whole test process, which also holds pytest and hypothesis)."""
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
        code = main(args)
    return code, shown.getvalue(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _assert_clean(code: int, shown: str, peak: float) -> None:
    assert code in (0, 1, 2), shown[-2000:]
    assert "Traceback" not in shown and "Internal error" not in shown, shown[-2000:]
    assert peak < PEAK_MB


@FUZZ
@given(damage=st.dictionaries(st.integers(1, len(ROWS) - 1), st.tuples(st.integers(1, len(ROWS[0]) - 1), NASTY), max_size=5), fmt=st.sampled_from(["json", "xlsx", "csv"]))
def test_a_batch_with_damaged_cells_scores_every_undamaged_row(damage: dict[int, tuple[int, str]], fmt: str) -> None:
    rows = [list(row) for row in ROWS]
    for index, (column, text) in damage.items():  # the code column (0) stays, so each row keeps its identity
        rows[index][column] = text
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "table.csv"
        with open(table, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        out = Path(tmp) / f"out.{fmt}"
        _assert_clean(*_run(["batch", str(table), "-o", str(out), "--lang", "en"]))
        if fmt == "json":
            scored = {r["commune"]["code"] for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
            assert {row[0] for i, row in enumerate(rows[1:], start=1) if i not in damage} <= scored


def _mutate(text: str, edits: list[tuple[int, str]]) -> str:
    for position, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + len(insert) // 2:]
    return text


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.one_of(NASTY, st.sampled_from(["&a ", "*a", "[", "]", "{", ": ", "\n  ", "\t", "!!python/object:os.system", "<<: *a"]))), max_size=6)


@FUZZ
@given(edits=EDITS)
def test_a_damaged_commune_file_is_scored_or_clearly_rejected(edits: list[tuple[int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "commune.yaml"
        path.write_text(_mutate(COMMUNE_YAML, edits), encoding="utf-8", errors="surrogatepass")
        _assert_clean(*_run(["score", str(path), "--format", "json", "--lang", "en"]))


@FUZZ
@given(edits=EDITS)
def test_a_damaged_ruleset_is_loaded_or_clearly_refused(edits: list[tuple[int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overlay.yaml"
        path.write_text(_mutate(OVERLAY, edits), encoding="utf-8", errors="surrogatepass")
        _assert_clean(*_run(["rulesets", "validate", str(path), "--lang", "en"]))


_WATCHER = Watcher(chuanxa.compiled("qd1300@2023-03-20"))
_JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), NASTY),
                        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["commune", "date", "values", "assessed", "commune_info", "code", "name", "households", "1", "points", "note"]) | st.text(max_size=8), inner, max_size=5)),
                        max_leaves=20)


@FUZZ
@given(update=_JSONISH, raw=st.booleans())
def test_any_watch_line_gives_events_and_never_raises(update: object, raw: bool) -> None:
    line = str(update) if raw else json.dumps(update, allow_nan=True)
    events = _WATCHER.process_line(line, 1)
    assert all(set(e) >= {"event", "message"} for e in events)
