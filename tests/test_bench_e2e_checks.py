"""The end-to-end benchmark (issue 19's checks) compares every answer with the per-commune engine before a figure
counts: here on a small generated table, through the real CLI in a process, as the benchmark runs it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from benchmarks.bench_e2e import Run, csv_answers, differ, json_answers, reference, render, run_cli
from benchmarks.tables import generated_communes, write_table


def test_the_benchmark_reads_the_cli_answers_equal_to_the_engine_and_refuses_a_time_for_a_wrong_one(tmp_path: Path) -> None:
    communes = generated_communes(24)
    want = reference(communes)
    table = write_table(communes, tmp_path / "xa.csv")
    summary = run_cli(sys.executable, ["batch", str(table), "-o", str(tmp_path / "s.csv"), "--summary"], tmp_path)
    full = run_cli(sys.executable, ["batch", str(table), "-o", str(tmp_path / "f.json")], tmp_path)
    assert not summary.why and not full.why
    assert differ(csv_answers(tmp_path / "s.csv"), want) == "" and differ(json_answers(tmp_path / "f.json"), want) == ""
    assert {verdict for _, verdict in want.values()} >= {"recognised", "not_recognised"}  # the answers compared are not all alike

    code = next(iter(want))
    points, verdict = want[code]
    wrong_verdict = {**want, code: (points, "recognised" if verdict != "recognised" else "not_recognised")}
    wrong_points = {**want, code: ((points[0] + 0.5, *points[1:]), verdict)}
    missing = {k: v for k, v in want.items() if k != code}
    for got in (wrong_verdict, wrong_points, missing):
        assert differ(got, want)
    summary.why = differ(wrong_verdict, want)
    report = render([("CSV → summary CSV", {"this build": summary}), ("CSV → full results JSON", {"this build": full})], [], {}, 24, quick=True)
    wrong_row, right_row = [line for line in report.splitlines() if line.startswith("| CSV")]
    timing = re.compile(r"\d+\.\d\d \(\d+\.\d\d\)")  # "wall (CPU)"
    assert "answers differ" in wrong_row and not timing.search(wrong_row)  # no time for a wrong answer
    assert "answers differ" not in right_row and timing.search(right_row)


def test_plan_targets_answers_are_compared_without_their_words(tmp_path: Path) -> None:
    """Two builds that word a step differently decide alike; the answers read from the JSON say so, and tell a
    different decision apart."""
    from benchmarks.bench_e2e import plan_answers

    table = write_table(generated_communes(60), tmp_path / "xa.csv")
    total, chosen = plan_answers(sys.executable, table, tmp_path)
    assert isinstance(total, (int, float)) and chosen and all(steps for _, steps in chosen)  # communes chosen, each with its steps
    assert plan_answers(sys.executable, table, tmp_path) == (total, chosen)
    fewer = write_table(generated_communes(59), tmp_path / "xa-59.csv")
    assert plan_answers(sys.executable, fewer, tmp_path) != (total, chosen)


def test_the_start_up_benchmark_takes_added_fields_and_better_words_as_the_same_answers_and_no_other_change() -> None:
    import json

    from benchmarks.bench_startup import _same

    def files(doc: object) -> dict[str, bytes]:
        return {"results.json": json.dumps(doc).encode()}

    old = {"results": [{"points": 1.5, "message": "5người"}], "notices": [{"code": "notice.header_row", "rows": [1]}]}
    new = {"results": [{"points": 1.5, "message": "5 người"}], "notices": [{"code": "notice.header_row", "rows": [1], "params": {"columns": 66}}]}
    assert _same({"this build": (0, files(new)), "previous build": (0, files(old))})
    for changed in ({**new, "results": [{"points": 2.0, "message": "5 người"}]}, {**new, "results": []}, {**new, "notices": [{"code": "x", "rows": [1]}]}):
        assert not _same({"this build": (0, files(changed)), "previous build": (0, files(old))}), changed
    assert not _same({"this build": (1, files(new)), "previous build": (0, files(old))})
    assert not _same({"this build": (0, {"s.csv": b"a,1"}), "previous build": (0, {"s.csv": b"a,2"})})
