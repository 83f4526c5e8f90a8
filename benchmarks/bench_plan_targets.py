"""`plan-targets` at national scale (issue 19 item 3): whole-process time against the number of communes, this build
beside the previous one in the same run, and where this build's time goes.

    python -m benchmarks.bench_plan_targets --baseline-python /tmp/chuanxa-main/.venv/bin/python   # writes the RESULTS.md section
    python -m benchmarks.bench_plan_targets --quick                                                   # small sizes, a smoke test

Each size is a generated officer's table (`benchmarks.tables`, written to a temporary folder) planned with
`plan-targets TABLE --target-share 0.9 --costs examples/costs.yaml`, one process per command, run once; CPU time
(user + system) and wall time come from the kernel. Before a figure counts, the answers are checked: the printed
plan must be the same in both builds; at the first size the JSON answers (every plan, chosen or not) must be the same
bytes, and this build's chosen communes and total cost must be those of planning every commune on its own (`plan`)
and taking the cheapest. A run whose answers differ is reported as such, without a time. At 4,000 and 10,000
communes each build also reports its planning stage apart from reading (`STAGES`, run by its own interpreter).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import chuanxa
from chuanxa.planning import CostModel, plan

from .tables import RULESET, generated_communes, write_table

HERE = Path(__file__).parent
COSTS = HERE.parent / "examples" / "costs.yaml"
SECTION = "## plan-targets at national scale (benchmarks.bench_plan_targets)"
ARGS = ["--target-share", "0.9", "--costs", str(COSTS)]


@dataclass
class Run:
    wall: float
    cpu: float
    stdout: bytes
    why: str = ""  # non-empty: the answers differ or the run failed (no figure)


def run_cli(python: str, args: Sequence[str], cwd: Path) -> Run:
    """One whole process, `python -m chuanxa.cli.main ARGS`, with its wall and CPU time (from `wait4`)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([python, "-m", "chuanxa.cli.main", *args], cwd=cwd, stdout=out, stderr=subprocess.DEVNULL,
                                env={**os.environ, "CHUANXA_LANG": "en"})
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    return Run(wall, usage.ru_utime + usage.ru_stime, stdout, "" if proc.returncode in (0, 1) else f"exit code {proc.returncode}")


def plain_choice(communes: Sequence[chuanxa.CommuneData], count: int, share: float = 0.9) -> tuple[list[str], float]:
    """The communes and cost plan-targets must give for `communes` of a table of `count` rows: every commune planned
    alone (`plan`), the cheapest taken first until the share of `count` is recognised."""
    import math

    model = CostModel.load(COSTS)
    engine = chuanxa.compiled(RULESET)
    plans = [plan(c, engine, model) for c in communes]
    need = max(0, math.ceil(round(share * count, 9)) - sum(p.already_recognised for p in plans))
    feasible = sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune))[:need]
    return [p.commune for p in feasible], round(sum(p.total_cost for p in feasible), 6)


#: The planning stage apart from reading, run by each build's interpreter: only library calls both builds have. Prints
#: CPU seconds (in the process, after the imports) to read and check the table, and to plan and choose as the CLI
#: does (no cache: one process plans once).
STAGES = """
import json, sys, time
from pathlib import Path
import chuanxa
from chuanxa.communes.readers import read_table
from chuanxa.planning import CostModel, plan_targets
engine = chuanxa.compiled(None)
model = CostModel.load(sys.argv[2])
start = time.process_time()
rows = [row.data for row in read_table(Path(sys.argv[1]), engine.ruleset).rows]
read = time.process_time() - start
start = time.process_time()
plan_targets(rows, engine, target_share=0.9, costs=model, cache=None)
print(json.dumps({"read": read, "plan": time.process_time() - start}))
"""


def stages(python: str, table: Path) -> dict[str, float]:
    """Where a build's time goes for one table: reading, then planning and choosing (CPU s, in its own process)."""
    out = subprocess.run([python, "-c", STAGES, str(table), str(COSTS)], capture_output=True, check=True, cwd=table.parent,
                         env={**os.environ, "CHUANXA_LANG": "en"})
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-python", help="interpreter of the previous build (its chuanxa installed)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = (200, 400, 800) if args.quick else (1_000, 2_000, 4_000, 8_000, 10_000)
    builds = {"this build": sys.executable, **({"previous build": args.baseline_python} if args.baseline_python else {})}
    rows: list[tuple[int, dict[str, Run]]] = []
    with tempfile.TemporaryDirectory(prefix="chuanxa-plan-") as folder:
        tmp = Path(folder)
        print(f"generating {max(sizes):,} communes…", flush=True)
        communes = generated_communes(max(sizes))
        for n in sizes:
            table = write_table(communes[:n], tmp / f"plan-{n}.csv")
            runs = {}
            for build, python in builds.items():
                print(f"plan-targets, {n:,} communes ({build})…", flush=True)
                runs[build] = run_cli(python, ["plan-targets", str(table), *ARGS], tmp)
            if len({run.stdout for run in runs.values() if not run.why}) > 1:
                for run in runs.values():
                    run.why = run.why or "the printed plans differ between the builds"
            if n == sizes[0]:
                written = {}
                for build, python in builds.items():
                    out = tmp / f"plan-{len(written)}.json"
                    check = run_cli(python, ["plan-targets", str(table), *ARGS, "-o", str(out)], tmp)
                    written[build] = out.read_bytes() if not check.why else b""
                got = json.loads(written["this build"]) if written["this build"] else {}
                rejected = {r["commune"] for r in got.get("rejected", [])}  # rows the reader refuses (a rate of 0.3: "30%?") count, unplanned
                accepted = [c for c in communes[:n] if c.commune.code not in rejected]
                if not got or ([p["commune"] for p in got["chosen"]], got["total_cost"]) != plain_choice(accepted, n):
                    runs["this build"].why = "plan-targets chose other communes than planning each commune alone"
                if len(set(written.values())) > 1:  # every plan of the JSON answer, chosen or not, byte for byte
                    for run in runs.values():
                        run.why = run.why or "the JSON answers differ between the builds"
            rows.append((n, runs))
        split_sizes = [n for n in (4_000, 10_000) if n in sizes] or [sizes[-1]]
        split = {(n, build): stages(python, tmp / f"plan-{n}.csv") for n in split_sizes for build, python in builds.items()}
    report = render(rows, split)
    print(report)
    if not args.quick:
        write_section(args.output, report)
        print(f"written to {args.output}")
    return 0


def render(rows: list[tuple[int, dict[str, Run]]], split: dict[tuple[int, str], dict[str, float]]) -> str:
    builds = list(rows[0][1])
    load = os.getloadavg()[0]
    lines = [SECTION, "", f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one process per command, each run once; machine load {load:.1f} "
             "on 2 cores (shared: wall times carry that load, CPU times less so). `plan-targets TABLE --target-share 0.9 --costs examples/costs.yaml` "
             "on generated tables (`benchmarks.tables`); answers checked first (see the module docstring).", "",
             "| communes | " + " | ".join(f"{b}: CPU s (wall s) | {b}: growth" for b in builds) + (" | previous / this build (CPU) |" if len(builds) > 1 else ""),
             "|---|" + "---|---|" * len(builds) + ("---|" if len(builds) > 1 else "")]
    previous: dict[str, tuple[int, float]] = {}
    for n, runs in rows:
        cells = []
        for build in builds:
            run = runs[build]
            if run.why:
                cells += [f"({run.why})", ""]
                continue
            growth = ""
            if build in previous:
                m, t = previous[build]
                growth = f"{run.cpu / t:.2f}× for {n / m:g}× the communes"
            previous[build] = (n, run.cpu)
            cells += [f"{run.cpu:.2f} ({run.wall:.1f})", growth]
        ratio = [f"{runs[builds[1]].cpu / runs[builds[0]].cpu:.2f}×"] if len(builds) > 1 and not any(r.why for r in runs.values()) else ([""] if len(builds) > 1 else [])
        lines.append(f"| {n:,} | " + " | ".join(cells + ratio) + " |")
    times = {n: runs for n, runs in rows}
    for small in (n for n, _ in rows):
        if small * 4 in times:
            for build in builds:
                a, b = times[small][build], times[small * 4][build]
                if not a.why and not b.why:
                    lines += ["", f"{build}: 4× the communes ({small:,} → {small * 4:,}) took {b.cpu / a.cpu:.2f}× the CPU time (target ≤ 4.5×)."]
    lines += ["", "The planning stage apart from reading (CPU s, in one process after the imports; `plan_targets` without a cache, as the CLI):", "",
              "| communes | build | read and check the table | plan and choose |", "|---|---|---|---|"]
    lines += [f"| {n:,} | {build} | {found['read']:.2f} | {found['plan']:.2f} |" for (n, build), found in split.items()]
    return "\n".join(lines) + "\n"


def write_section(path: Path, report: str) -> None:
    """Replace this benchmark's section of RESULTS.md (or add it at the end), leaving the others as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + report + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + report
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
