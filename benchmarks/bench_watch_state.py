"""`watch --state` throughput (issue 13): updates per second with the journalled state against none, on the
same stream of 3,900 lines for 300 communes (the stream that took 344 s when every line rewrote the state).

    python -m benchmarks.bench_watch_state

Target: at least 1,000 updates/s with `--state` on the 2-core reference machine. Both runs go through the
same loop as `chuanxa watch` (`cli.cmd_watch._follow`), output discarded, in one process.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import tempfile
import time
from pathlib import Path

import chuanxa
from chuanxa.cli.cmd_watch import _follow
from chuanxa.monitoring.journal import StateStore
from chuanxa.monitoring.watcher import Watcher

from .generate import columns_to_communes, generate_columns

COMMUNES = 300
LINES = 3_900


def stream(engine: chuanxa.CompiledRuleset) -> list[str]:
    """One full line per commune, then small updates of one or two values each, month by month."""
    communes = columns_to_communes(engine, generate_columns(engine, COMMUNES, seed=13), range(COMMUNES))
    rng = random.Random(13)
    lines = []
    for data in communes:
        info = data.commune.model_dump(mode="json", exclude_none=True)
        lines.append(json.dumps({"commune": info.pop("code"), "date": "2024-01-31", "commune_info": info,
                                 "values": data.model_dump(mode="json")["values"]}, ensure_ascii=False))
    numeric = [n for n, s in engine.ruleset.inputs.items() if s.type == "percent" and not s.derived]
    for index in range(LINES - COMMUNES):
        data = communes[index % COMMUNES]
        month = 2 + index // COMMUNES
        lines.append(json.dumps({"commune": data.commune.code, "date": f"2024-{min(month, 12):02d}-28",
                                 "values": {rng.choice(numeric): round(rng.uniform(40, 100), 1)}}))
    return lines


def run(lines: list[str], with_state: bool) -> float:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "updates.jsonl"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        watcher = Watcher(engine)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            if with_state:
                with StateStore(Path(tmp) / "state.json") as store:
                    store.restore(watcher)
                    _follow(watcher, source, store)
                    store.compact(watcher)
            else:
                _follow(watcher, source, None)
        return time.perf_counter() - start


def main() -> None:
    lines = stream(chuanxa.compiled("qd1300@2023-03-20"))
    plain = run(lines, with_state=False)
    state = run(lines, with_state=True)
    print(f"{len(lines)} lines, {COMMUNES} communes")
    print(f"  no state:   {plain:6.2f} s  {len(lines) / plain:8.0f} updates/s")
    print(f"  --state:    {state:6.2f} s  {len(lines) / state:8.0f} updates/s  (target ≥ 1,000/s; ratio {state / plain:.2f}× the time without state)")


if __name__ == "__main__":
    main()
