"""The engines of two builds side by side, in one run: per commune with explanation, column-wise, `plan`.

    python -m benchmarks.bench_engines                 # this tree against its merge base with main
    python -m benchmarks.bench_engines --baseline REV  # against any git revision

Each build is laid out as an importable `chuanxa` package in a temporary folder (the package-dir mapping of
pyproject.toml, by symbolic links) and measured in its own process by the same probe, the builds taking turns
(`--rounds` each: old, new, old, new…, so that a change in the machine's load falls on both), with the answers
of both checked equal on the example commune. Figures are CPU time (process time: on a shared machine, time
spent waiting for a core is not the engine's): per build, the median over rounds of each round's median, and
the best round; ratios within one run mean the most.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent

PROBE = r'''
import json, statistics, sys, time
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]  # the build on sys.path, not the editable install
site, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, site)
sys.path.insert(1, root)
import chuanxa
assert chuanxa.__file__.startswith(site), chuanxa.__file__
from benchmarks.generate import columns_to_communes, generate_columns
from chuanxa.communes.readers import read_commune_file
from chuanxa.engine.columnar import ColumnarEvaluator
from chuanxa.planning import CostModel, plan

engine = chuanxa.compiled("qd1300@2023-03-20")
example = read_commune_file(__import__("pathlib").Path(root) / "examples" / "xa-thieu-giao.yaml")
out = {"example": [engine.evaluate(example).total.points, engine.evaluate(example).verdict.value]}
communes = columns_to_communes(engine, generate_columns(engine, 2000, seed=3), range(2000))
for c in communes[:50]:
    engine.evaluate(c)
runs = []
for _ in range(5):
    start = time.process_time()
    for c in communes:
        engine.evaluate(c)
    runs.append((time.process_time() - start) / len(communes) * 1e6)
out["per_commune_us"] = statistics.median(runs)
evaluator = ColumnarEvaluator(engine)
columns = generate_columns(engine, 200_000, seed=5)
evaluator.evaluate({k: v[:1000] for k, v in columns.items()})
runs = []
for _ in range(3):
    start = time.process_time()
    evaluator.evaluate(columns)
    runs.append(time.process_time() - start)
out["column_wise_per_s"] = 200_000 / statistics.median(runs)
model = CostModel()
plan(example, engine, model)
runs = []
for _ in range(40):
    start = time.process_time()
    plan(example, engine, model)
    runs.append(time.process_time() - start)
out["plan_ms"] = statistics.median(runs) * 1000
print(json.dumps(out))
'''


def layout(source: Path, target: Path) -> Path:
    """`source` (a source tree) as an importable `chuanxa` package under `target`, following pyproject's package-dir."""
    mapping = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    package = target / "chuanxa"
    package.mkdir(parents=True)
    for item in (source / mapping["chuanxa"]).iterdir():
        (package / item.name).symlink_to(item.resolve())
    for name, folder in mapping.items():
        if name != "chuanxa":
            (package / name.split(".", 1)[1]).symlink_to((source / folder).resolve())
    return target


def measure(site: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(site), str(ROOT)], capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=None, help="git revision (default: the merge base with main)")
    parser.add_argument("--rounds", type=int, default=3, help="probes per build, taking turns (default 3)")
    args = parser.parse_args()
    baseline = args.baseline or subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        old_src = Path(tmp) / "old-src"
        old_src.mkdir()
        archive = subprocess.run(["git", "archive", baseline], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
        sites = {"old": layout(old_src, Path(tmp) / "old"), "new": layout(ROOT, Path(tmp) / "new")}
        runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for build in ("old", "new"):
                runs[build].append(measure(sites[build]))
    old_runs, new_runs = runs["old"], runs["new"]
    assert all(r["example"] == old_runs[0]["example"] for r in old_runs + new_runs), [r["example"] for r in old_runs + new_runs]
    rows = [("per commune with explanation (µs, 2,000 generated communes)", "per_commune_us", "{:.1f}", min),
            ("column-wise (communes/s, 200,000 generated communes)", "column_wise_per_s", "{:,.0f}", max),
            ("plan, example commune, default costs (ms)", "plan_ms", "{:.2f}", min)]
    print(f"baseline {baseline[:10]} against this tree (same run, same probe, {args.rounds} rounds each, taking turns)")
    print("| measure | baseline | this tree | ratio | best round: baseline | this tree | ratio |\n|---|---|---|---|---|---|---|")
    for label, key, fmt, best in rows:
        old, new = statistics.median(r[key] for r in old_runs), statistics.median(r[key] for r in new_runs)
        old_best, new_best = best(r[key] for r in old_runs), best(r[key] for r in new_runs)
        print(f"| {label} | {fmt.format(old)} | {fmt.format(new)} | {new / old:.2f} | {fmt.format(old_best)} | {fmt.format(new_best)} | {new_best / old_best:.2f} |")


if __name__ == "__main__":
    main()
