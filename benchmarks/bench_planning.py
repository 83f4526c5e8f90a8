"""Planning speed (issue 5): `plan` for one commune under QĐ 1300, `plan-targets` over 1,000 and 10,000 communes.

    python -m benchmarks.bench_planning
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import chuanxa
from chuanxa.planning import CostModel, plan, plan_targets

from .generate import columns_to_communes, generate_columns

ROOT = Path(__file__).parent.parent


def main() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    costs = CostModel.load(ROOT / "examples" / "costs.yaml")
    from chuanxa.communes.readers import read_commune_file

    commune = read_commune_file(ROOT / "examples" / "xa-thieu-giao.yaml")
    for label, model in (("default cost model", CostModel()), ("examples/costs.yaml", costs)):
        times = []
        for _ in range(20):
            start = time.perf_counter()
            plan(commune, engine, model)
            times.append(time.perf_counter() - start)
        print(f"plan, example commune, {label}: median {statistics.median(times) * 1000:.1f} ms")
    for n in (1_000, 10_000):
        communes = columns_to_communes(engine, generate_columns(engine, n, seed=5), range(n))
        start = time.perf_counter()
        result = plan_targets(communes, engine, target_share=0.9, costs=costs)
        elapsed = time.perf_counter() - start
        planned = result.communes - len(result.recognised_now)
        print(f"plan-targets over {n:,} communes (90% target): {elapsed:.1f} s total, {elapsed / n * 1000:.1f} ms per commune, "
              f"{elapsed / max(planned, 1) * 1000:.1f} ms per commune planned ({planned:,} not yet recognised; {len(result.chosen):,} chosen; target met: {result.target_met})")


if __name__ == "__main__":
    main()
