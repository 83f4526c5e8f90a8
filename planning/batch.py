"""Plans for many communes at once, each the same `Plan` as `plan(commune)` gives.

What planning one commune at a time repeats is shared here: each commune is prepared once; a column-wise pass
finds the communes recognised already (nothing to plan) and gives the others' standing (`standing.of_columns`: the
points and statuses the search reads, without a per-commune evaluation); the exact search (`plan.search`) runs for
the others, the options of indicators only the appraisal can raise shared between communes; then every commune is scored after its chosen improvements in one column-wise pass, instead of one full
per-commune evaluation each (a row the arrays cannot score exactly, one whose derived input would leave its
bounds, goes through the per-commune engine as before). Plans are kept in a bounded cache keyed by the ruleset's
hash, the cost model and the commune's data, so re-planning a province after one commune changed plans that one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np

from chuanxa.communes.model import CommuneData
from chuanxa.engine.batching import paused_gc
from chuanxa.engine.columnar import VERDICTS, ColumnarEvaluator
from chuanxa.engine.prepare import PreparedCommune, prepare
from chuanxa.engine.results import Verdict

from .costs import CostModel
from .plan import Plan, Search, apply_options, search
from .standing import of_columns

#: From this many communes, the column-wise evaluator scores them before and after their plans (below it, the
#: per-commune engine is as quick and the arrays are not worth building).
COLUMNAR_FROM = 200


class PlanCache:
    """Finished plans by (ruleset hash, cost model, commune data), the oldest dropped beyond `size` entries (the
    default holds a national table of the pre-2025 communes; a plan takes about 6 KB).

    A key holds everything a plan depends on, so an entry cannot go stale: changed data is another key."""

    def __init__(self, size: int = 12_000) -> None:
        self.size = size
        self._plans: dict[bytes, Plan] = {}
        self._lock = threading.Lock()  # a server plans in several threads
        self.hits = 0

    @staticmethod
    def key(engine: Any, model_key: str, data: CommuneData) -> bytes:
        """A digest of the ruleset's identity and hash, the cost model and every field of the commune's data."""
        digest = hashlib.blake2b(f"{engine.stamp.id}@{engine.stamp.version}#{engine.stamp.sha256}\n{model_key}\n".encode(), digest_size=20)
        digest.update(data.model_dump_json().encode())
        return digest.digest()

    @staticmethod
    def model_key(model: CostModel) -> str:
        return model.file.model_dump_json() if model.file is not None else "default"

    def get(self, key: bytes) -> Plan | None:
        with self._lock:
            found = self._plans.get(key)
            if found is not None:
                self.hits += 1
            return found

    def put(self, key: bytes, value: Plan) -> None:
        with self._lock:
            if key not in self._plans and len(self._plans) >= self.size:
                del self._plans[next(iter(self._plans))]
            self._plans[key] = value

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self.hits = 0

    def __len__(self) -> int:
        return len(self._plans)


#: The process's plan cache (`plan_targets` and `plan_many` use it unless given another, or None for none).
PLAN_CACHE = PlanCache()


def plan_many(engine: Any, communes: Sequence[CommuneData], model: CostModel, *, cache: PlanCache | None = PLAN_CACHE, pause_gc: bool = False) -> list[Plan]:
    """`[plan(c, engine, model) for c in communes]`, equal plan for plan, in far less time for many communes;
    `pause_gc` as in `plan_targets` (the caller's choice)."""
    model.check(engine.ruleset)
    model_key = PlanCache.model_key(model) if cache is not None else ""
    plans: list[Plan | None] = [None] * len(communes)
    keys: list[bytes | None] = [None] * len(communes)
    todo: list[int] = []
    for i, data in enumerate(communes):
        if cache is not None:
            keys[i] = PlanCache.key(engine, model_key, data)
            plans[i] = cache.get(keys[i])  # type: ignore[arg-type]
        if plans[i] is None:
            todo.append(i)
    with paused_gc() if pause_gc else nullcontext():
        prepared = [prepare(engine, communes[i]) for i in todo]
        if len(todo) >= COLUMNAR_FROM:
            found = _many(engine, prepared, model)
        else:
            found = [_one(engine, p, model) for p in prepared]
    for i, result in zip(todo, found):
        plans[i] = result
        if cache is not None:
            cache.put(keys[i], result)  # type: ignore[arg-type]
    return plans  # type: ignore[return-value]


def _one(engine: Any, prepared: PreparedCommune, model: CostModel) -> Plan:
    """`plan` for one prepared commune (the per-commune engine scores it after the improvements)."""
    found = search(engine, prepared, model)
    if isinstance(found, Plan):
        return found
    after = engine.evaluate(apply_options(prepared.data, list(found.options)))
    return found.finish(after.total.points, after.verdict)


def _many(engine: Any, prepared: Sequence[PreparedCommune], model: CostModel) -> list[Plan]:
    columnar = ColumnarEvaluator(engine)
    columns = columnar.columns_from_prepared(prepared)
    before = columnar.evaluate(columns)
    plans: list[Plan | Search | None] = [None] * len(prepared)
    unrecognised = []
    for i, row in enumerate(prepared):
        if VERDICTS[before.verdict[i]] is Verdict.RECOGNISED:
            plans[i] = _recognised(engine, row, float(before.total[i]), model)
        else:
            unrecognised.append(i)
    memo: dict[Any, Any] = {}  # options shared between communes (this ruleset, this cost model)
    for i, standing in zip(unrecognised, of_columns(engine, before, unrecognised)):
        plans[i] = search(engine, prepared[i], model, standing, memo=memo)
    searched = [i for i, p in enumerate(plans) if isinstance(p, Search)]
    if searched:
        after = columnar.evaluate(_after_columns(columnar, columns, [(i, plans[i]) for i in searched]))  # type: ignore[misc]
        for j, i in enumerate(searched):
            found = plans[i]
            assert isinstance(found, Search)
            if after.out_of_bounds[j]:
                plans[i] = _one(engine, prepared[i], model)  # the per-commune engine says what is wrong, as `plan` does
            else:
                plans[i] = found.finish(float(after.total[j]), VERDICTS[after.verdict[j]])
    return plans  # type: ignore[return-value]


def _after_columns(columnar: ColumnarEvaluator, columns: dict[str, np.ndarray], rows: list[tuple[int, Search]]) -> dict[str, np.ndarray]:
    """The columns of the `rows` as they would be after their improvements (what `apply_options` does to a commune:
    a new value entered, or the points the appraisal would give)."""
    index = np.array([i for i, _ in rows], dtype=np.intp)
    n = len(rows)
    out = {name: column[index] for name, column in columns.items()}  # copies: the before columns stay as they were
    for j, (_, found) in enumerate(rows):
        for option in found.options:
            if option.kind in ("value", "answer"):
                out[option.input][j] = columnar._number(option.value_after)  # type: ignore[index]
            else:
                name = f"assessed:{option.indicator}"
                if name not in out:
                    out[name] = np.full(n, np.nan)
                out[name][j] = option.points_after
    return out


def _recognised(engine: Any, row: PreparedCommune, total: float, model: CostModel) -> Plan:
    """The plan of a commune the column-wise pass found recognised: nothing to do."""
    return Plan(ruleset=engine.stamp, commune=row.data.commune.code, name=row.data.commune.name, feasible=True, already_recognised=True,
                cost_model="costs" if model.monetary else "default", points_before=total, points_after=total,
                verdict_before=Verdict.RECOGNISED, verdict_after=Verdict.RECOGNISED)


__all__ = ["COLUMNAR_FROM", "PLAN_CACHE", "PlanCache", "plan_many"]
