"""`watch --state`: one watcher per state file, the journal written before events are shown (a restart after
`kill -9` never repeats an event and loses no update), no temporary files left, a damaged journal named."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import chuanxa
from chuanxa.cli.main import main
from chuanxa.monitoring.journal import StateStore
from chuanxa.monitoring.watcher import Watcher
from chuanxa.errors import StateFileError

ROOT = Path(__file__).parent.parent
UPDATES = (ROOT / "examples" / "updates.jsonl").read_text(encoding="utf-8").splitlines()
RULESET = "qd1300@2023-03-20"


def _stream(count: int) -> list[str]:
    """`count` lines over three communes whose rates swing across their thresholds, so events keep coming."""
    first = json.loads(UPDATES[0])
    lines = []
    for code in ("16039", "16042", "16045"):
        lines.append(json.dumps({**first, "commune": code, "date": "2024-01-01"}))
    for index in range(count - 3):
        code = ("16039", "16042", "16045")[index % 3]
        rate = 40 if (index // 3) % 2 else 96
        lines.append(json.dumps({"commune": code, "date": f"2024-{2 + index // 300:02d}-01", "values": {"ehr_coverage_rate": rate, "his_software": rate > 50}}))
    return lines


def test_a_second_watcher_on_the_same_state_refuses_to_start(tmp_path: Path, capsys) -> None:
    with StateStore(tmp_path / "state.json"):
        assert main(["watch", str(ROOT / "examples" / "updates.jsonl"), "--state", str(tmp_path / "state.json"), "--lang", "en"]) == 2
    assert "in use by another chuanxa watch" in capsys.readouterr().err


def test_the_journal_replays_what_the_snapshot_does_not_hold(tmp_path: Path) -> None:
    engine = chuanxa.compiled(RULESET)
    straight = Watcher(engine)
    for number, line in enumerate(UPDATES, start=1):
        straight.process_line(line, number)
    first = Watcher(engine)
    with StateStore(tmp_path / "state.json", compact_every=2) as store:
        for number, line in enumerate(UPDATES, start=1):
            first.process_line(line, number)
            store.record(line, number, None, None, first)
        # no final compaction: as after a kill, the last lines are only in the journal
    again = Watcher(engine)
    with StateStore(tmp_path / "state.json") as store:
        store.restore(again)
    assert again.summaries == straight.summaries and again.communes == straight.communes


def test_a_line_torn_by_a_kill_is_dropped_and_a_damaged_journal_is_named(tmp_path: Path) -> None:
    engine = chuanxa.compiled(RULESET)
    journal = tmp_path / "state.json.journal"
    record = json.dumps({"seq": 1, "line": 1, "text": UPDATES[0], "source": None, "position": None})
    journal.write_text(record + "\n" + record[:40], encoding="utf-8")
    watcher = Watcher(engine)
    with StateStore(tmp_path / "state.json") as store:
        store.restore(watcher)
    assert list(watcher.communes) == ["16039"] and journal.read_text(encoding="utf-8") == record + "\n"
    journal.write_text("garbage\n" + record + "\n", encoding="utf-8")
    with StateStore(tmp_path / "state.json") as store, pytest.raises(StateFileError) as broken:
        store.restore(Watcher(engine))
    assert "state.json.journal" in broken.value.message("en") and "line 1" in broken.value.message("en")


def test_a_crash_between_snapshot_and_emptying_the_journal_applies_nothing_twice(tmp_path: Path) -> None:
    engine = chuanxa.compiled(RULESET)
    watcher = Watcher(engine)
    with StateStore(tmp_path / "state.json") as store:
        for number, line in enumerate(UPDATES[:3], start=1):
            watcher.process_line(line, number)
            store.record(line, number, None, None, watcher)
        saved_journal = store.journal_path.read_bytes()
        store.compact(watcher)
    store.journal_path.write_bytes(saved_journal)  # as if killed before the journal was emptied
    again = Watcher(engine)
    with StateStore(tmp_path / "state.json") as store:
        store.restore(again)
        assert store.seq == 3
    assert again.summaries == watcher.summaries


@pytest.mark.slow
def test_kill_9_never_repeats_an_event_nor_loses_an_update(tmp_path: Path) -> None:
    """Kill the watcher at random moments, restart it on the same file each time: every line's events are
    printed at most once, and the final state is that of one uninterrupted run."""
    lines = _stream(1200)
    source = tmp_path / "updates.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-c", "import sys; from chuanxa.cli.main import main; sys.exit(main())",
               "watch", str(source), "--state", str(tmp_path / "state.json"), "--ruleset", RULESET, "--save-every", "100"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    printed: list[dict] = []
    for kill_after in (100, 500, 900, 1300, 1700):  # events seen so far: each kill lands mid-stream
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert child.stdout is not None
        for raw in child.stdout:
            printed.append(json.loads(raw))
            if len(printed) >= kill_after:
                break
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        printed += [json.loads(line) for line in out.decode().splitlines() if line.endswith("}")]
    done = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    printed += [json.loads(line) for line in done.stdout.decode().splitlines()]
    keys = [(e["line"], e["event"], e.get("criterion"), e.get("indicator")) for e in printed]
    assert len(keys) == len(set(keys)), "an event was printed twice"
    straight = Watcher(chuanxa.compiled(RULESET))
    expected = [(n, e["event"], e.get("criterion"), e.get("indicator")) for n, line in enumerate(lines, start=1) for e in straight.process_line(line, n)]
    assert set(keys) <= set(expected)
    assert len(keys) >= len(expected) - 5 * 4  # at most one line's events lost per kill
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert {code: entry["summary"] for code, entry in state["communes"].items()} == straight.summaries
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.journal", "updates.jsonl"]
