"""Monitoring and the second engine (issue 6): updates per second through `watch`, and single-commune scoring
time on each engine with their ratio.

    python -m benchmarks.bench_durable
"""

from __future__ import annotations

import json
import statistics
import time

import chuanxa
from chuanxa.engine.durable_engine import DurableEngine
from chuanxa.monitoring.watcher import Watcher

from .generate import columns_to_communes, generate_columns


def main() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    durable = DurableEngine(engine)
    communes = columns_to_communes(engine, generate_columns(engine, 500, seed=9), range(500))
    timings = {}
    for name, evaluate in (("core", engine.evaluate), ("durable", durable.evaluate)):
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            for data in communes:
                evaluate(data)
            samples.append((time.perf_counter() - start) / len(communes))
        timings[name] = statistics.median(samples)
        print(f"single-commune scoring, {name} engine: {timings[name] * 1e6:.0f} µs")
    print(f"ratio durable / core: {timings['durable'] / timings['core']:.2f}")
    lines = []
    for i, data in enumerate(communes[:100]):
        lines.append(json.dumps({"commune": data.commune.code, "date": "2024-01-31", "commune_info": data.commune.model_dump(exclude={"code"}), "values": data.values,
                                 "assessed": {k: v.points for k, v in data.assessed.items()}}))
    for month in range(2, 12):
        for i, data in enumerate(communes[:100]):
            rate = data.values.get("full_immunisation_rate")
            lines.append(json.dumps({"commune": data.commune.code, "date": f"2024-{month:02d}-28", "values": {"full_immunisation_rate": None if rate is None else min(100.0, rate + month % 3 - 1)}}))
    for name, evaluate in (("core", engine.evaluate), ("durable", durable.evaluate)):
        watcher = Watcher(engine, evaluate)
        start = time.perf_counter()
        events = sum(len(watcher.process_line(line, n)) for n, line in enumerate(lines, start=1))
        elapsed = time.perf_counter() - start
        print(f"watch ({name} engine): {len(lines):,} updates in {elapsed:.2f} s = {len(lines) / elapsed:,.0f} updates/s, {events:,} events")


if __name__ == "__main__":
    main()
