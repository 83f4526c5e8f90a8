"""Live monitoring: a replayed stream gives the expected events; a restored watcher carries on the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import chuanxa
from chuanxa.cli.main import main
from chuanxa.monitoring.watcher import Watcher

UPDATES = (Path(__file__).parent.parent / "examples" / "updates.jsonl").read_text(encoding="utf-8").splitlines()
EXPECTED = [
    ("commune_added", None), ("verdict_changed", None), ("criterion_below_floor", "10"),
    ("verdict_changed", None), ("criterion_above_floor", "10"), ("error", None), ("error", None), ("error", None),
]


def _events(watcher: Watcher, lines: list[str], start: int = 1) -> list[dict]:
    return [e for n, line in enumerate(lines, start=start) for e in watcher.process_line(line, n)]


def test_a_commune_loses_and_regains_the_standard_and_bad_lines_become_error_events() -> None:
    events = _events(Watcher(chuanxa.compiled("qd1300@2023-03-20")), UPDATES)
    assert [(e["event"], e.get("criterion")) for e in events] == EXPECTED
    lost, regained = events[1], events[3]
    assert (lost["before"], lost["after"]) == ("recognised", "not_recognised")
    assert (regained["before"], regained["after"]) == ("not_recognised", "recognised")
    assert [e["line"] for e in events if e["event"] == "error"] == [4, 5, 6]
    assert all(set(e["message"]) == {"vi", "en"} for e in events)


def test_a_saved_and_restored_watcher_continues_with_the_same_events(tmp_path: Path) -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    straight = _events(Watcher(engine), UPDATES)
    first = Watcher(engine)
    head = _events(first, UPDATES[:2])
    first.save(tmp_path / "state.json")
    second = Watcher(engine)
    second.load(tmp_path / "state.json")
    tail = _events(second, UPDATES[2:], start=3)
    assert head + tail == straight


def test_knockouts_failing_and_clearing_are_reported(tmp_path: Path) -> None:
    from chuanxa.criteria.registry import Registry

    ruleset = Registry([Path(__file__).parent.parent / "examples" / "overlays"], use_env=False).load("qd1300_example_knockouts")
    watcher = Watcher(chuanxa.compiled(ruleset))
    _events(watcher, UPDATES[:1])
    failed = watcher.process({"commune": "16039", "values": {"has_doctor": False}})
    cleared = watcher.process({"commune": "16039", "values": {"has_doctor": True}})
    assert ("knockout_failed", "7") in [(e["event"], e.get("indicator")) for e in failed]
    assert ("knockout_cleared", "7") in [(e["event"], e.get("indicator")) for e in cleared]


def test_the_durable_engine_gives_the_same_events() -> None:
    pytest.importorskip("durable.lang")
    from chuanxa.engine.durable_engine import DurableEngine

    engine = chuanxa.compiled("qd1300@2023-03-20")
    assert _events(Watcher(engine, DurableEngine(engine).evaluate), UPDATES) == _events(Watcher(engine), UPDATES)


def test_the_watch_command_writes_json_lines_and_keeps_its_state(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state.json"
    updates = tmp_path / "u.jsonl"
    updates.write_text("\n".join(UPDATES[:2]) + "\n", encoding="utf-8")
    assert main(["watch", str(updates), "--state", str(state), "--ruleset", "qd1300@2023-03-20"]) == 0
    first = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    updates.write_text("\n".join(UPDATES[2:3]) + "\n", encoding="utf-8")
    assert main(["watch", str(updates), "--state", str(state), "--ruleset", "qd1300@2023-03-20"]) == 0
    second = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert first == ["commune_added", "verdict_changed", "criterion_below_floor"]
    assert second == ["verdict_changed", "criterion_above_floor"]


def test_a_restart_on_the_same_file_resumes_after_the_lines_already_applied(tmp_path: Path, capsys) -> None:
    state, updates = tmp_path / "state.json", tmp_path / "u.jsonl"
    updates.write_text("\n".join(UPDATES[:2]) + "\n", encoding="utf-8")
    args = ["watch", str(updates), "--state", str(state), "--ruleset", "qd1300@2023-03-20"]
    assert main(args) == 0
    assert [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()] == ["commune_added", "verdict_changed", "criterion_below_floor"]
    assert main(args) == 0
    assert capsys.readouterr().out == ""  # nothing replayed, nothing repeated
    updates.write_text("\n".join(UPDATES[:3]) + "\n", encoding="utf-8")  # the month's report appended
    assert main(args) == 0
    assert [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()] == ["verdict_changed", "criterion_above_floor"]


def test_an_update_older_than_the_state_is_reported_and_not_applied() -> None:
    watcher = Watcher(chuanxa.compiled("qd1300@2023-03-20"))
    _events(watcher, UPDATES[:3])
    late = json.loads(UPDATES[1])  # the July report arriving after August's
    events = watcher.process(late, 9)
    assert [e["event"] for e in events] == ["out_of_order"] and events[0]["state_date"] == "2024-08-31"
    assert watcher.summaries["16039"]["verdict"] == "recognised"


def test_every_watch_event_reads_its_sentence_from_the_catalogue_in_both_languages() -> None:
    from chuanxa.monitoring import events

    before = {"verdict": "recognised", "total": 80.0, "floors": {"1": True, "2": False}, "criteria": {"1": 9.0, "2": 3.0},
              "knockouts_failed": ["7"], "provisional_decides": False}
    after = {"verdict": "not_recognised", "total": 72.5, "floors": {"1": False, "2": True}, "criteria": {"1": 4.0, "2": 6.0},
             "knockouts_failed": ["12"], "provisional_decides": True}
    found = events.changes(before, after) + events.changes(None, after) + [events.out_of_order("001", "2024-01-01", 3, "2024-06-01")]
    assert sorted(e["event"] for e in found) == sorted(["verdict_changed", "criterion_below_floor", "criterion_above_floor", "knockout_failed",
                                                       "knockout_cleared", "provisional_decides", "commune_added", "out_of_order"])
    for event in found:
        vi, en = event["message"]["vi"], event["message"]["en"]
        assert vi != en and "{" not in vi + en, event  # every placeholder filled, each language its own words
    changed = found[0]
    assert changed["message"] == {"vi": "Kết luận thay đổi: đạt chuẩn → chưa đạt chuẩn (72.5 điểm).",
                                  "en": "Verdict changed: recognised → not recognised (72.5 points)."}
