"""chuanxa against peer rules engines, on the bundled QĐ 1300 ruleset, in one run on the same data.

    python -m benchmarks.run            # full run: 1, 10,000 and 1,000,000 communes; writes benchmarks/RESULTS.md
    python -m benchmarks.run --quick    # small sizes, for a smoke test

Every engine's answers (indicator points and statuses, and the verdict) are checked against chuanxa's
per-commune engine on a sample before any timing counts; an engine that disagrees gets no timing.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


import chuanxa
from chuanxa.engine.columnar import STATUSES, VERDICTS, ColumnarEvaluator

from .generate import columns_to_communes, generate_columns
from .peers import durable_peer, rule_engine_peer, zen_peer
from .peers.rows import aggregate, decision_rows, peer_input

RULESET = "qd1300@2023-03-20"
HERE = Path(__file__).parent


@dataclass
class EngineRun:
    name: str
    agreed: bool = False
    why: str = ""
    latency_us: float | None = None
    per_second_10k: float | None = None
    per_second_1m: float | None = None
    measured_1m: bool = False
    load_ms: float | None = None
    notes: list[str] = field(default_factory=list)


Answer = tuple[list[tuple[float, str]], str]


def reference_answers(engine: Any, communes: Sequence[chuanxa.CommuneData]) -> list[Answer]:
    out = []
    for data in communes:
        result = engine.evaluate(data)
        out.append(([(i.points, i.status.value) for i in result.indicators], result.verdict.value))
    return out


def check_agreement(answers: Sequence[Answer], reference: Sequence[Answer]) -> str:
    """'' when every answer matches the reference, else why not (the first difference)."""
    for row, (got, want) in enumerate(zip(answers, reference)):
        if [(float(p), s) for p, s in got[0]] != [(float(p), s) for p, s in want[0]]:
            first = next(j for j, (a, b) in enumerate(zip(got[0], want[0])) if (float(a[0]), a[1]) != (float(b[0]), b[1]))
            return f"commune {row}, indicator position {first}: {got[0][first]} instead of {want[0][first]}"
        if got[1] != want[1]:
            return f"commune {row}: verdict {got[1]} instead of {want[1]}"
    if len(answers) != len(reference):
        return f"{len(answers)} answers for {len(reference)} communes"
    return ""


def timed(run: EngineRun, answers: Callable[[], Sequence[Answer]], reference: Sequence[Answer], measure: Callable[[EngineRun], None]) -> None:
    """Time an engine only if its answers agree with the reference (the benchmark's rule)."""
    try:
        why = check_agreement(answers(), reference)
    except Exception as exc:  # a peer that cannot even run the sample gets no timing either
        why = f"failed: {type(exc).__name__}: {exc}"
    run.agreed, run.why = not why, why
    if why:
        print(f"  {run.name}: answers differ — no timing ({why})", flush=True)
        return
    measure(run)


def per_call(fn: Callable[[int], Any], n: int, repeat: int = 3) -> float:
    """Median seconds per call of fn(i) over n calls, repeated."""
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        samples.append((time.perf_counter() - start) / n)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    sample, big, million = (200, 2_000, 20_000) if args.quick else (1_000, 10_000, 1_000_000)

    engine = chuanxa.compiled(RULESET)
    print(f"generating {million:,} communes…", flush=True)
    columns = generate_columns(engine, million)
    communes = columns_to_communes(engine, columns, range(big))
    check = communes[:sample]
    reference = reference_answers(engine, check)
    runs: list[EngineRun] = []

    # --- chuanxa, per commune (full path: checks, scoring, explanation, gaps) ---
    run = EngineRun("chuanxa per-commune (with explanation and gaps)")
    def measure_core(r: EngineRun) -> None:
        r.latency_us = per_call(lambda i: engine.evaluate(communes[i % 50]), 2000) * 1e6
        r.per_second_10k = 1 / per_call(lambda i: engine.evaluate(communes[i]), big, repeat=1)
        r.per_second_1m = r.per_second_10k
        r.notes.append("1,000,000: extrapolated from the 10,000 run")
    timed(run, lambda: reference, reference, measure_core)
    run.load_ms = _load_ms()
    runs.append(run)

    # --- chuanxa, column-wise ---
    columnar = ColumnarEvaluator(engine)
    run = EngineRun("chuanxa column-wise (NumPy)")
    def columnar_answers() -> list[Answer]:
        table = columnar.evaluate(columnar.columns_from_communes(check))
        return [([(float(table.points[i, j]), STATUSES[table.status[i, j]].value) for j in range(table.points.shape[1])], VERDICTS[table.verdict[i]].value) for i in range(len(check))]
    def measure_columnar(r: EngineRun) -> None:
        one = {k: v[:1] for k, v in columns.items()}
        r.latency_us = per_call(lambda i: columnar.evaluate(one), 500) * 1e6
        small = {k: v[:big] for k, v in columns.items()}
        r.per_second_10k = big / per_call(lambda i: columnar.evaluate(small), 5)
        r.per_second_1m = million / per_call(lambda i: columnar.evaluate(columns), 3, repeat=3)
        r.measured_1m = True
        gc.collect()
        tracemalloc.start()
        columnar.evaluate(columns)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        data_bytes = sum(v.nbytes for v in columns.values())
        r.notes.append(f"memory for {million:,} communes: input columns {data_bytes / 2**20:.0f} MiB + evaluation peak {peak / 2**20:.0f} MiB = {(data_bytes + peak) / 2**20:.0f} MiB")
    timed(run, columnar_answers, reference, measure_columnar)
    run.load_ms = _load_ms(columnar=True)
    runs.append(run)

    # --- chuanxa on durable-rules ---
    try:
        from chuanxa.engine.durable_engine import DurableEngine

        durable = DurableEngine(engine)
        run = EngineRun("chuanxa on durable-rules")
        def measure_durable(r: EngineRun) -> None:
            r.latency_us = per_call(lambda i: durable.evaluate(communes[i % 50]), 1000) * 1e6
            n = min(big, 2_000)
            r.per_second_10k = 1 / per_call(lambda i: durable.evaluate(communes[i]), n, repeat=1)
            r.per_second_1m = r.per_second_10k
            r.notes.append(f"throughput measured on {n:,} communes; 1,000,000 extrapolated")
        timed(run, lambda: [([(i.points, i.status.value) for i in res.indicators], res.verdict.value) for res in (durable.evaluate(c) for c in check)], reference, measure_durable)
        runs.append(run)
    except chuanxa.EngineUnavailableError:
        runs.append(EngineRun("chuanxa on durable-rules", why="durable-rules not installed"))

    # --- peers ---
    inputs = [peer_input(engine, c) for c in communes]
    rows = decision_rows(engine)
    for module in (zen_peer, rule_engine_peer, durable_peer):
        run = EngineRun(module.NAME)
        start = time.perf_counter()
        try:
            peer = module.Engine(rows)
        except Exception as exc:
            run.why = f"could not be built: {exc}"
            runs.append(run)
            continue
        run.load_ms = (time.perf_counter() - start) * 1000
        def answers(peer: Any = peer) -> list[Answer]:
            return [aggregate(engine, peer.decide(env), assessed) for env, assessed in inputs[:sample]]
        def measure_peer(r: EngineRun, peer: Any = peer) -> None:
            r.latency_us = per_call(lambda i: aggregate(engine, peer.decide(inputs[i % 50][0]), inputs[i % 50][1]), 500) * 1e6
            n = min(big, 2_000)
            r.per_second_10k = 1 / per_call(lambda i: aggregate(engine, peer.decide(inputs[i][0]), inputs[i][1]), n, repeat=1)
            r.per_second_1m = r.per_second_10k
            r.notes.append(f"throughput measured on {n:,} communes; 1,000,000 extrapolated; inputs prepared by chuanxa beforehand (not timed)")
        print(f"checking {module.NAME}…", flush=True)
        timed(run, answers, reference, measure_peer)
        runs.append(run)

    report = render(runs, help_ms=_help_ms(), million=million, quick=args.quick)
    print(report)
    args.output.write_text(report, encoding="utf-8")
    print(f"written to {args.output}")
    return 0


def _load_ms(columnar: bool = False) -> float:
    """Median ms to load and compile every bundled ruleset from scratch (fresh registry, no caches)."""
    from chuanxa.criteria.registry import Registry
    from chuanxa.engine.compiled import compile_ruleset

    samples = []
    for _ in range(5):
        start = time.perf_counter()
        registry = Registry(use_env=False)
        for ref in registry.entries:
            compiled = compile_ruleset(registry.load(ref))
            if columnar:
                ColumnarEvaluator(compiled)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _help_ms() -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chuanxa.cli.main", "--help"], capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for name in ("numpy", "pydantic", "zen-engine", "rule-engine", "durable-rules"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{name} (not installed)")
    return f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()} on {platform.system()} {platform.release()}; " + ", ".join(versions)


def render(runs: list[EngineRun], help_ms: float, million: int, quick: bool) -> str:
    timed_runs = [r for r in runs if r.agreed]
    peers = [r for r in timed_runs if not r.name.startswith("chuanxa")]
    best_latency = min((r.latency_us for r in peers if r.latency_us), default=None)
    best_rate = max((r.per_second_1m for r in peers if r.per_second_1m), default=None)
    lines = [
        "# Benchmark: chuanxa and peer rules engines on QĐ 1300", "",
        f"Ruleset {RULESET} (47 indicators). Machine: {_machine()}.", "",
        "Ratios are against the fastest peer measured in the same run (latency: peer time / engine time; throughput: engine rate / peer rate).",
        "Answers of every engine were checked equal to chuanxa's per-commune engine (indicator points, statuses, verdict) on a sample before timing.", "",
        f"| engine | answers | 1 commune (µs/call) | × fastest peer | 10,000 (communes/s) | {million:,} (communes/s) | × fastest peer | ruleset load (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        if not r.agreed:
            lines.append(f"| {r.name} | **differ or unavailable: no timing** ({r.why}) | | | | | | |")
            continue
        lat = f"{r.latency_us:.0f}" if r.latency_us else ""
        lat_ratio = f"{best_latency / r.latency_us:.2f}×" if best_latency and r.latency_us else ""
        rate_ratio = f"{r.per_second_1m / best_rate:.1f}×" if best_rate and r.per_second_1m else ""
        big = f"{r.per_second_1m:,.0f}" + ("" if r.measured_1m else " (extrapolated)")
        load = f"{r.load_ms:.0f}" if r.load_ms is not None else ""
        lines.append(f"| {r.name} | equal | {lat} | {lat_ratio} | {r.per_second_10k:,.0f} | {big} | {rate_ratio} | {load} |")
    lines += ["", "Notes:"]
    for r in runs:
        for note in r.notes:
            lines.append(f"- {r.name}: {note}")
    columnar = next((r for r in timed_runs if r.name.startswith("chuanxa column")), None)
    core = next((r for r in timed_runs if r.name.startswith("chuanxa per")), None)
    lines += ["", "Targets:"]
    if columnar and columnar.per_second_1m:
        lines.append(f"- column-wise, {million:,} communes: {million / columnar.per_second_1m:.2f} s (target < 2 s); {columnar.per_second_1m / best_rate:.0f}× the fastest peer (target ≥ 20×)" if best_rate else "")
    if core and core.latency_us:
        lines.append(f"- per-commune with explanation: {core.latency_us:.0f} µs (target < 100 µs); {best_latency / core.latency_us:.2f}× the fastest peer per call (target ≥ 2×)" if best_latency else "")
    if core and core.load_ms is not None:
        lines.append(f"- loading and compiling all bundled rulesets: {core.load_ms:.0f} ms (target < 200 ms)")
    lines.append(f"- `chuanxa --help`: {help_ms:.0f} ms (target < 300 ms)")
    if quick:
        lines.append("\n(quick run: small sizes, not the reported figures)")
    return "\n".join(line for line in lines if line is not None) + "\n"


if __name__ == "__main__":
    sys.exit(main())
