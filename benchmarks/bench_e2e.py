"""Whole-process throughput (issue 19): a user's path from a file to the answer, this build beside the previous one.

    python -m benchmarks.bench_e2e --baseline-python /tmp/chuanxa-main/.venv/bin/python   # writes the RESULTS.md section
    python -m benchmarks.bench_e2e --quick                                                  # small sizes, a smoke test
    python -m benchmarks.bench_e2e --io-only --baseline-python …                            # the table → results rows only

The previous build is any checkout with its own interpreter (e.g. `git worktree add /tmp/chuanxa-main main`, a
venv with `--system-site-packages`, `pip install --no-deps -e .`). Tables are generated into a temporary folder
(Vietnamese headers, as officers' files have them). Each command runs once as a separate process (CPU time, wall
time and peak memory from the kernel). Before a figure counts, its answers are checked: every commune's
indicator points and verdict against the per-commune engine of this build, and `plan-targets` output equal
between the two builds (and, at 1,000 communes, equal to the library's `plan_targets`). A run whose answers
differ is reported as such, without a time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chuanxa
from chuanxa.planning import CostModel, plan_targets

from .tables import RULESET, generated_communes, write_table

HERE = Path(__file__).parent
COSTS = HERE.parent / "examples" / "costs.yaml"
SECTION = "## Whole process (benchmarks.bench_e2e)"
IO_SECTION = "## Whole process, tables to results (benchmarks.bench_e2e --io-only)"
Answers = dict[str, tuple[tuple[float, ...], str]]  # commune code → (indicator points, verdict)


@dataclass
class Run:
    seconds: float  # wall
    cpu: float  # user + system of the process
    peak_mb: float
    stdout: bytes
    why: str = ""  # non-empty: answers differ or the run failed (no figure)


def run_cli(python: str, args: Sequence[str], cwd: Path) -> Run:
    """One whole process: `python -m chuanxa.cli.main ARGS`, with its wall time, CPU time and peak memory.

    GNU time reports the peak: a child forked straight from this (large) process would count this process's
    pages in its own peak, the kernel keeping the high-water mark across exec."""
    stats = cwd / "time.txt"
    timer = ["/usr/bin/time", "-f", "%M %U %S", "-o", str(stats)] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    proc = subprocess.run([*timer, python, "-m", "chuanxa.cli.main", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          env={**os.environ, "CHUANXA_LANG": "en"})
    elapsed = time.perf_counter() - start
    peak, cpu = float("nan"), float("nan")
    if timer:
        kb, user, system = stats.read_text().split()[-3:]
        peak, cpu = int(kb) / 1024, float(user) + float(system)
    why = "" if proc.returncode in (0, 1) else f"exit code {proc.returncode}"
    return Run(elapsed, cpu, peak, proc.stdout, why)


def reference(communes: Sequence[chuanxa.CommuneData]) -> Answers:
    engine = chuanxa.compiled(RULESET)
    found = {}
    for data in communes:
        result = engine.evaluate(data)
        found[data.commune.code] = (tuple(round(i.points, 6) for i in result.indicators), result.verdict.value)
    return found


def csv_answers(path: Path) -> Answers:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {r["code"]: (tuple(round(float(r[k]), 6) for k in r if k.startswith("indicator_")), r["verdict"]) for r in rows}


def json_answers(path: Path) -> Answers:
    """From a results JSON of either schema (compact communes keep every indicator's id, points and status)."""
    data = json.loads(path.read_bytes())
    return {r["commune"]["code"]: (tuple(round(i["points"], 6) for i in r["indicators"]), r["verdict"]) for r in data["results"]}


def differ(got: Answers, want: Answers) -> str:
    if got.keys() != want.keys():
        return f"{len(got)} communes answered for {len(want)}"
    bad = next((code for code in want if got[code] != want[code]), None)
    return f"commune {bad}: {got[bad]} instead of {want[bad]}" if bad else ""


LATENCY = """
import statistics, sys, time
from pathlib import Path
import chuanxa
from chuanxa.communes.readers import read_table
engine = chuanxa.compiled("{ruleset}")
rows = [row.data for row in read_table(Path(sys.argv[1]), engine.ruleset).rows][:1000]
samples = []
for _ in range(3):
    start = time.process_time()
    for data in rows:
        engine.evaluate(data)
    samples.append((time.process_time() - start) / len(rows))
print(statistics.median(samples) * 1e6)
"""


def latency_us(python: str, table: Path, cwd: Path) -> float:
    """Per-commune scoring with explanation and gaps (library, CPU time per call), in the given build."""
    out = subprocess.run([python, "-c", LATENCY.format(ruleset=RULESET), str(table)], cwd=cwd, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-python", help="interpreter of the previous build (its chuanxa installed)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--io-only", action="store_true", help="only the rows from a table to results (no plan-targets, no per-commune latency)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    big = 1_000 if args.quick else 10_000
    plan_sizes: tuple[int, ...] = () if args.io_only else (200, 400, 800) if args.quick else (1_000, 2_000, 4_000, 8_000, 10_000)
    builds = {"this build": sys.executable, **({"previous build": args.baseline_python} if args.baseline_python else {})}
    rows: list[tuple[str, dict[str, Run]]] = []
    with tempfile.TemporaryDirectory(prefix="chuanxa-e2e-") as folder:
        tmp = Path(folder)
        print(f"generating {big:,} communes…", flush=True)
        communes = generated_communes(max((big, *plan_sizes)))
        want = reference(communes[:big])
        csv_table, xlsx_table = write_table(communes[:big], tmp / f"xa-{big}.csv"), write_table(communes[:big], tmp / f"xa-{big}.xlsx")
        checks = [
            (f"{big:,}-commune CSV → summary CSV", [str(csv_table), "-o", "{out}.csv", "--summary"], ".csv", csv_answers),
            (f"{big:,}-commune CSV → full results JSON", [str(csv_table), "-o", "{out}.json"], ".json", json_answers),
            (f"{big:,}-commune XLSX → summary CSV", [str(xlsx_table), "-o", "{out}.csv", "--summary"], ".csv", csv_answers),
        ]
        for label, template, suffix, read in checks:
            runs = {}
            for build, python in builds.items():
                out = tmp / f"out-{len(rows)}-{build.split()[0]}"
                print(f"{label} ({build})…", flush=True)
                run = run_cli(python, ["batch", *[a.format(out=out) for a in template]], tmp)
                if not run.why:
                    run.why = differ(read(out.with_suffix(suffix)), want)
                runs[build] = run
            rows.append((label, runs))
        plan_rows = plan_targets_rows(builds, communes, plan_sizes, tmp) if plan_sizes else []
        latency = {build: latency_us(python, csv_table, tmp) for build, python in builds.items()} if not args.io_only else {}
    report = render(rows, plan_rows, latency, big, args.quick, IO_SECTION if args.io_only else SECTION)
    print(report)
    if not args.quick:
        write_section(args.output, report, IO_SECTION if args.io_only else SECTION)
        print(f"written to {args.output}")
    return 0


def plan_targets_rows(builds: dict[str, str], communes: Sequence[chuanxa.CommuneData], sizes: Sequence[int], tmp: Path) -> list[tuple[int, dict[str, Run]]]:
    """`plan-targets TABLE --target-share 0.9 --costs examples/costs.yaml` at each size, in every build."""
    found = []
    for n in sizes:
        table = write_table(communes[:n], tmp / f"plan-{n}.csv")
        runs = {}
        for build, python in builds.items():
            print(f"plan-targets, {n:,} communes ({build})…", flush=True)
            runs[build] = run_cli(python, ["plan-targets", str(table), "--target-share", "0.9", "--costs", str(COSTS)], tmp)
        texts = {run.stdout for run in runs.values() if not run.why}
        if len(texts) > 1 and len({plan_answers(python, table, tmp) for python in builds.values()}) > 1:  # words alone may change
            for run in runs.values():
                run.why = run.why or "plan-targets output differs between the builds"
        if n == sizes[0]:
            expected = plan_targets(communes[:n], RULESET, target_share=0.9, costs=CostModel.load(COSTS))
            out = tmp / "plan.json"
            check = run_cli(builds["this build"], ["plan-targets", str(table), "--target-share", "0.9", "--costs", str(COSTS), "-o", str(out)], tmp)
            got = json.loads(out.read_bytes()) if not check.why else {}
            if [p["commune"] for p in got.get("chosen", [])] != [p.commune for p in expected.chosen] or got.get("total_cost") != expected.total_cost:
                for run in runs.values():
                    run.why = run.why or "plan-targets chose other communes than the library"
        found.append((n, runs))
    return found


def plan_answers(python: str, table: Path, tmp: Path) -> tuple[Any, ...]:
    """What `plan-targets` decides (total cost; each chosen commune with its steps' indicator, input, value and points),
    read from its JSON, without its words: a build that words a step better (a unit spaced from its number) decides
    the same; a failed run is an answer of its own."""
    out = tmp / "plan-answers.json"
    run = run_cli(python, ["plan-targets", str(table), "--target-share", "0.9", "--costs", str(COSTS), "-o", str(out)], tmp)
    if run.why:
        return ("failed", run.why)
    data = json.loads(out.read_bytes())
    steps = lambda plan: tuple((s["indicator"], s.get("input"), json.dumps(s.get("value_after")), s["points_after"]) for s in plan.get("steps", []))  # noqa: E731
    return (data.get("total_cost"), tuple((plan["commune"], steps(plan)) for plan in data.get("chosen", [])))


def render(rows: list[tuple[str, dict[str, Run]]], plan_rows: list[tuple[int, dict[str, Run]]], latency: dict[str, float], big: int, quick: bool,
           section: str = SECTION) -> str:
    builds = list(next(iter(rows))[1]) if rows else ["this build"]
    head = "| path | " + " | ".join(f"{b}: wall s (CPU s) | {b}: peak MB" for b in builds) + (" | previous / this build (CPU) |" if len(builds) > 1 else "")
    lines = [section, "", f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one process per command, each run once; machine load "
             f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared: wall times carry that load, CPU times less so).",
             "Answers were checked before any figure counts (see the module docstring).", "", head, "|---" * (1 + 2 * len(builds) + (len(builds) > 1)) + "|"]

    def cells(runs: dict[str, Run]) -> str:
        out = []
        for b in builds:
            r = runs[b]
            out += [f"answers differ: {r.why}", ""] if r.why else [f"{r.seconds:.2f} ({r.cpu:.2f})", f"{r.peak_mb:.0f}"]
        if len(builds) > 1:
            this, previous = runs[builds[0]], runs[builds[1]]
            out.append(f"{previous.cpu / this.cpu:.2f}×" if not this.why and not previous.why else "")
        return " | ".join(out)

    for label, runs in rows:
        lines.append(f"| {label} | {cells(runs)} |")
    for n, runs in plan_rows:
        lines.append(f"| `plan-targets`, {n:,} communes, 90% target | {cells(runs)} |")
    if latency:
        per_commune = [cell for b in builds for cell in (f"{latency[b]:.0f} µs (CPU)", "")]
        if len(builds) > 1:
            per_commune.append(f"{latency[builds[1]] / latency[builds[0]]:.2f}×")
        lines.append("| per commune with explanation (library) | " + " | ".join(per_commune) + " |")
    if plan_rows:
        lines += _scaling(plan_rows, builds)
    if quick:
        lines.append("\n(quick run: small sizes, not the reported figures)")
    return "\n".join(lines) + "\n"


def _scaling(plan_rows: list[tuple[int, dict[str, Run]]], builds: list[str]) -> list[str]:
    """The scaling table of `plan-targets` and the growth for 4× the communes."""
    lines: list[str] = []
    lines += ["", "Scaling of `plan-targets` (CPU time; growth = time ratio for the size ratio):", "", "| communes | " + " | ".join(f"{b}: CPU s | {b}: growth" for b in builds) + " |",
              "|---" * (1 + 2 * len(builds)) + "|"]
    previous: tuple[int, dict[str, Run]] | None = None
    for n, runs in plan_rows:
        row = [f"{n:,}"]
        for b in builds:
            r = runs[b]
            growth = ""
            if previous is not None and not r.why and not previous[1][b].why:
                growth = f"{r.cpu / previous[1][b].cpu:.2f}× for {n / previous[0]:.2g}× the communes"
            row += [f"{r.cpu:.2f}" if not r.why else "differs", growth]
        lines.append("| " + " | ".join(row) + " |")
        previous = (n, runs)
    four = {n: runs for n, runs in plan_rows}
    small, large = plan_rows[0][0], plan_rows[0][0] * 4
    if large in four:
        for b in builds:
            if not four[small][b].why and not four[large][b].why:
                lines.append(f"\n{b}: 4× the communes ({small:,} → {large:,}) took {four[large][b].cpu / four[small][b].cpu:.2f}× the CPU time (target ≤ 4.5×).")
    return lines


def write_section(path: Path, section: str, heading: str = SECTION) -> None:
    """Replace this benchmark's section of RESULTS.md (or add it at the end), leaving the others as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if heading in text:
        before, _, rest = text.partition(heading)
        after = rest[rest.find("\n## ") + 1:] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
