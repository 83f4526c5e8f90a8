"""The fixed cost of a `chuanxa` process (issue 19): what every command pays before its first commune, this build
beside the previous one.

    python -m benchmarks.bench_startup --baseline-python /work/venvs/integ2/bin/python
    python -m benchmarks.bench_startup --baseline-python … --repeat 9 --bytecode   # as an installed wheel runs

Each command runs as its own process on a 10-commune table (so the communes cost next to nothing), `--repeat` times,
the two builds alternating; the figure is the smallest CPU time (user + system) of the runs, the least disturbed
by other load on the machine. Both builds must give the same exit code and the same output files.

By default the processes inherit `PYTHONDONTWRITEBYTECODE` as it is set: an editable checkout whose bytecode is
never cached compiles chuanxa's sources in every process (about 0.1 s). `--bytecode` gives each build a bytecode
cache (warmed by one run first), as a wheel installed by pip has.

In this process the ruleset's load is also timed stage by stage (bundled rulesets read, validated, compiled).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .tables import generated_communes, write_table

HERE = Path(__file__).parent
EXAMPLES = HERE.parent / "examples"

#: name → arguments after `python -m chuanxa.cli.main` ({table} and {out} are filled in).
COMMANDS: dict[str, list[str]] = {
    "chuanxa --help": ["--help"],
    "score one commune (table on screen)": ["score", str(EXAMPLES / "xa-thieu-giao.yaml")],
    "batch 10 communes → summary CSV": ["batch", "{table}", "-o", "{out}/summary.csv", "--summary"],
    "batch 10 communes → full results JSON": ["batch", "{table}", "-o", "{out}/results.json"],
    "plan-targets 10 communes, 90%": ["plan-targets", "{table}", "--target-share", "0.9", "--costs", str(EXAMPLES / "costs.yaml"), "-o", "{out}/plan.json"],
}


def cpu_of(python: str, args: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """CPU seconds (user + system) of one whole process, and its exit code."""
    before = os.times()
    proc = subprocess.run([python, "-m", "chuanxa.cli.main", *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system), proc.returncode


def compare(builds: dict[str, str], repeat: int, bytecode: bool, folder: Path) -> list[tuple[str, dict[str, float]]]:
    """Smallest CPU seconds per command and build; a command whose builds disagree (exit code, output) has none."""
    table = write_table(generated_communes(10), folder / "xa-10.csv")
    rows = []
    for name, template in COMMANDS.items():
        runs: dict[str, tuple[dict[str, str], list[str]]] = {}
        outputs: dict[str, tuple[int, dict[str, bytes]]] = {}
        for build, python in builds.items():
            env = {**os.environ, "CHUANXA_LANG": "en"}
            if bytecode:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = str(folder / f"pycache-{build}")
            out = folder / f"out-{build}-{len(rows)}"
            out.mkdir()
            runs[build] = env, [a.format(table=table, out=out) for a in template]
            _, code = cpu_of(python, runs[build][1], env, folder)  # warms the disk cache (and the bytecode cache)
            outputs[build] = code, {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        if not _same(outputs):
            rows.append((name, {}))
            continue
        best = {build: float("inf") for build in builds}
        for _ in range(repeat):
            for build, python in builds.items():
                best[build] = min(best[build], cpu_of(python, runs[build][1], runs[build][0], folder)[0])
        rows.append((name, best))
    return rows


def _same(outputs: dict[str, tuple[int, dict[str, bytes]]]) -> bool:
    """The builds ended with the same exit code and wrote the same files with the same answers: the same bytes, or
    JSON documents one of which holds the other's every value, its words apart (a build may add fields, as
    docs/results-json.md allows, and word a sentence better)."""
    (code, files), *others = outputs.values()
    return all(found_code == code and found.keys() == files.keys() and all(_same_answers(files[name], found[name], name) for name in files)
               for found_code, found in others)


_WORDS = frozenset(("message", "message_vi", "message_en", "vi", "en", "detail", "detail_vi", "detail_en"))


def _same_answers(a: bytes, b: bytes, name: str) -> bool:
    if a == b:
        return True
    if not name.endswith(".json"):
        return False
    first, second = json.loads(a), json.loads(b)
    return _holds(first, second) or _holds(second, first)


def _holds(bigger: object, smaller: object) -> bool:
    """Every value of `smaller` is in `bigger` at its place (dict keys may be added; lists keep their length)."""
    if isinstance(smaller, dict):
        return isinstance(bigger, dict) and all(key in bigger and (key in _WORDS or _holds(bigger[key], value)) for key, value in smaller.items())
    if isinstance(smaller, list):
        return isinstance(bigger, list) and len(bigger) == len(smaller) and all(map(_holds, bigger, smaller))
    return bigger == smaller


def load_stages() -> list[tuple[str, float]]:
    """Milliseconds (CPU) of each stage of loading the default ruleset in a fresh workspace of this process."""
    import chuanxa
    from chuanxa.criteria import yamlio
    from chuanxa.criteria.registry import Registry
    from chuanxa.engine.compiled import compile_ruleset

    stages: list[tuple[str, float]] = []

    def timed(name: str, work: Callable[[], object], times: int = 5) -> object:
        best, result = float("inf"), None
        for _ in range(times):
            start = time.process_time()
            result = work()
            best = min(best, time.process_time() - start)
        stages.append((name, best * 1000))
        return result

    chuanxa.load_ruleset()  # imports done
    registry = timed("registry: every bundled ruleset file read and parsed", Registry)
    fast = yamlio._FastLoader
    try:
        yamlio._FastLoader = None
        timed("  … the same with PyYAML's pure-Python parser only (the previous build)", Registry)
    finally:
        yamlio._FastLoader = fast
    assert isinstance(registry, Registry)
    ruleset = timed("ruleset resolved (`extends`) and validated", lambda: Registry().load(None))
    timed("ruleset compiled", lambda: compile_ruleset(ruleset))  # type: ignore[arg-type]
    return stages


def render(rows: list[tuple[str, dict[str, float]]], stages: list[tuple[str, float]], repeat: int, bytecode: bool) -> str:
    lines = [f"Smallest CPU time of {repeat} runs per command (user + system, whole process; "
             f"{'with a bytecode cache, as an installed wheel' if bytecode else 'bytecode as PYTHONDONTWRITEBYTECODE is set'}):", "",
             "| command | this build CPU s | previous build CPU s | previous / this |", "|---|---|---|---|"]
    for name, best in rows:
        if not best:
            lines.append(f"| {name} | answers differ between the builds: no figure | | |")
            continue
        this, previous = best["this"], best.get("previous", float("nan"))
        lines.append(f"| {name} | {this:.2f} | {previous:.2f} | {previous / this:.2f}× |")
    lines += ["", "Loading the default ruleset in this process (CPU ms, best of 5):", ""]
    lines += [f"- {name}: {ms:.1f} ms" for name, ms in stages]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-python", help="the previous build's interpreter (a venv with that checkout installed)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bytecode", action="store_true", help="let each build cache its bytecode (as an installed wheel)")
    args = parser.parse_args(argv)
    builds = {"this": sys.executable}
    if args.baseline_python:
        builds["previous"] = args.baseline_python
    folder = Path(tempfile.mkdtemp(prefix="chuanxa-startup-"))
    try:
        rows = compare(builds, args.repeat, args.bytecode, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(render(rows, load_stages(), args.repeat, args.bytecode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
