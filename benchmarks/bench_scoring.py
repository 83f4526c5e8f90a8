"""Scoring throughput (issue 4): the example district and 10,000 generated communes, communes per second.

    python -m benchmarks.bench_scoring
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import chuanxa

from .generate import columns_to_communes, generate_columns

ROOT = Path(__file__).parent.parent


def main() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    district = ROOT / "examples" / "thieu_hoa_2024.xlsx"
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        batch = chuanxa.score_many(district, engine)
        runs.append(time.perf_counter() - start)
    print(f"example district ({len(batch.results)} communes, read from XLSX and scored): median {statistics.median(runs) * 1000:.0f} ms, "
          f"{len(batch.results) / statistics.median(runs):,.0f} communes/s")
    communes = columns_to_communes(engine, generate_columns(engine, 10_000, seed=11), range(10_000))
    start = time.perf_counter()
    batch = chuanxa.score_many(communes, engine)
    elapsed = time.perf_counter() - start
    print(f"10,000 generated communes through score_many (checked, scored, explained, gaps): {elapsed:.2f} s, {len(batch.results) / elapsed:,.0f} communes/s")
    # Summaries (no explanations): per commune against column-wise, to place chuanxa.api.COLUMN_WISE_FROM.
    print("summarise_many, per-commune vs column-wise (median of 5; both give equal summaries):")
    for n in (16, 32, 64, 128, 1_000, 10_000):
        part = communes[:n]
        assert chuanxa.summarise_many(part, engine, column_wise=True).summaries == chuanxa.summarise_many(part, engine, column_wise=False).summaries
        times = {}
        for column_wise in (False, True):
            samples = []
            for _ in range(5 if n <= 1_000 else 2):
                start = time.perf_counter()
                chuanxa.summarise_many(part, engine, column_wise=column_wise)
                samples.append(time.perf_counter() - start)
            times[column_wise] = statistics.median(samples)
        print(f"  {n:>6,} communes: per-commune {times[False] * 1000:8.1f} ms, column-wise {times[True] * 1000:8.1f} ms, ratio {times[False] / times[True]:.2f}x")


if __name__ == "__main__":
    main()
