"""Sweeps: score one commune over a range (or a grid) of values of one or more inputs, e.g. "from which
immunisation rate on is the commune recognised?". Large sweeps run on the column-wise evaluator."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, computed_field

from chuanxa.workspace import COLUMN_WISE_FROM, CommuneLike, RulesetLike, as_commune, columnar, compiled
from chuanxa.engine.prepare import check_value, prepare
from chuanxa.engine.results import RulesetStamp, Verdict
from chuanxa.errors import CommuneDataError, Location

#: A sweep larger than this is refused: it would only print a wall of numbers, and its point records would
#: need gigabytes (1,000,000 points took 2.6 GB in a review).
MAX_POINTS = 100_000


class SweepPoint(BaseModel):
    """The commune's standing with the swept inputs at `values`."""

    model_config = ConfigDict(frozen=True)

    values: dict[str, Any]
    total: float
    share: float
    verdict: Verdict
    criteria_below: tuple[str, ...]  # criteria under their floor


class Sweep(BaseModel):
    """Every point of a sweep, in the order of the ranges given (the last input varies fastest)."""

    model_config = ConfigDict(frozen=True)

    ruleset: RulesetStamp
    commune: str
    name: str
    inputs: tuple[str, ...]
    points: tuple[SweepPoint, ...]
    column_wise: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def first_recognised(self) -> SweepPoint | None:
        """The first point (in sweep order) at which the commune is recognised."""
        return next((p for p in self.points if p.verdict is Verdict.RECOGNISED), None)


def frange(start: float, stop: float, step: float) -> list[float]:
    """start, start+step, … up to and including stop (no floating-point drift: 0.1 steps stay exact to 9 places)."""
    if step <= 0:
        raise ValueError("step must be positive")
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [round(start + i * step, 9) for i in range(max(count, 0))]


def sweep(commune: CommuneLike, ranges: Mapping[str, Sequence[Any]], ruleset: RulesetLike = None, *, as_of: Any = None,
          changes: Mapping[str, Any] | None = None, column_wise: bool | None = None) -> Sweep:
    """Score `commune` at every combination of `ranges` (input id → values), after applying `changes`.

    Values are checked like data (type and bounds; an error names the input). From `COLUMN_WISE_FROM` points on
    (or with `column_wise=True`) the points are evaluated together by the column-wise evaluator; the answers
    are the same as scoring each variant on its own.

    Example:
        >>> s = sweep("examples/xa-thieu-giao.yaml", {"health_insurance_rate": frange(80, 100, 1)})  # doctest: +SKIP
        >>> s.first_recognised.values  # doctest: +SKIP
    """
    data = as_commune(commune)
    engine = compiled(ruleset if ruleset is not None else data.ruleset, as_of=as_of if as_of is not None else data.as_of)
    code = data.commune.code
    if changes:
        values = {k: v for k, v in {**data.values, **changes}.items() if v is not None}
        data = data.model_copy(update={"values": values})
    names = tuple(ranges)
    axes = [[check_value(engine, name, raw, code) for raw in ranges[name]] for name in names]
    size = math.prod(len(axis) for axis in axes) if axes else 0
    if size == 0 or size > MAX_POINTS:
        raise CommuneDataError(key="plan.sweep_size", params={"size": size, "max": MAX_POINTS}, location=Location(commune=code))
    base = prepare(engine, data)  # the commune's own data must be valid before anything is swept
    combos = list(itertools.product(*axes))
    use_columns = column_wise if column_wise is not None else size >= COLUMN_WISE_FROM
    points = _by_columns(engine, data, base, names, combos) if use_columns else _one_by_one(engine, data, names, combos)
    return Sweep(ruleset=engine.stamp, commune=code, name=data.commune.name, inputs=names, points=tuple(points), column_wise=use_columns)


def _one_by_one(engine: Any, data: Any, names: tuple[str, ...], combos: list[tuple[Any, ...]]) -> list[SweepPoint]:
    points = []
    for combo in combos:
        result = engine.evaluate(data.model_copy(update={"values": {**data.values, **dict(zip(names, combo))}}))
        points.append(SweepPoint(values=dict(zip(names, combo)), total=result.total.points, share=result.total.share, verdict=result.verdict,
                                 criteria_below=tuple(c.id for c in result.criteria if not c.floor_met)))
    return points


def _by_columns(engine: Any, data: Any, base: Any, names: tuple[str, ...], combos: list[tuple[Any, ...]]) -> list[SweepPoint]:
    from chuanxa.engine.columnar import VERDICTS

    evaluator = columnar(engine)
    n = len(combos)
    columns = {name: np.repeat(column, n) for name, column in evaluator.columns_from_prepared([base]).items()}
    for j, name in enumerate(names):
        columns[name] = np.array([evaluator._number(combo[j]) for combo in combos], dtype=float)
    table = evaluator.evaluate(columns)
    refused = np.flatnonzero(table.out_of_bounds)
    if len(refused):  # a derived value beyond its bounds: the same error as scoring that point on its own
        _one_by_one(engine, data, names, [combos[int(refused[0])]])
    criteria = [shape.criterion.id for shape in engine.shapes]
    totals, maxima, verdicts, floors = table.total.tolist(), table.total_max.tolist(), table.verdict.tolist(), table.floor_met.tolist()
    return [SweepPoint(values=dict(zip(names, combo)), total=totals[i], share=totals[i] / maxima[i] if maxima[i] else 0.0, verdict=VERDICTS[verdicts[i]],
                       criteria_below=tuple(c for c, met in zip(criteria, floors[i]) if not met)) for i, combo in enumerate(combos)]
