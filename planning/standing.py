"""Where a commune stands before it is planned: the few numbers the search reads of its evaluation.

The search needs each indicator's points, status and reason, each criterion's points and floor, and the total
against its minimum; not the explanations, gaps or reasons of a full `CommuneResult`. A `Standing` holds just
those, taken from a per-commune result (`of_result`, for `plan`) or from the column-wise evaluator's arrays
(`of_columns`, for many communes at once): the same numbers either way, since both engines apply the same
indicator forms and the same recognition rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from chuanxa.engine.columnar import REASONS, ColumnarResult
from chuanxa.engine.recognition import STATUSES, VERDICTS
from chuanxa.engine.results import CommuneResult, IndicatorResult, Reason, RulesetStamp, Status, Verdict


class IndicatorState(NamedTuple):
    """One indicator as the commune stands (the fields of `IndicatorResult` the planner reads)."""

    id: str
    criterion: str
    points: float
    max: float
    status: Status
    reason: Reason
    knockout_failed: bool


class CriterionState(NamedTuple):
    id: str
    points: float
    floor: float


@dataclass(frozen=True, slots=True)
class Standing:
    """A commune's evaluation as the planner reads it; `indicators` follow the ruleset's order."""

    ruleset: RulesetStamp
    points: float  # the total
    minimum: float  # the total needed
    verdict: Verdict
    criteria: tuple[CriterionState, ...]
    open: Sequence[tuple[int, IndicatorState | IndicatorResult]]  # (position in the ruleset, state) of the indicators that could gain points


def could_gain(state: Any) -> bool:
    """Whether an indicator could gain points: it applies, and it is below its maximum or lacks data."""
    return state.status is not Status.NOT_APPLICABLE and (state.points < state.max or state.status is Status.MISSING_DATA)


def of_result(result: CommuneResult) -> Standing:
    """The standing of a commune evaluated by the per-commune engine."""
    return Standing(ruleset=result.ruleset, points=result.total.points, minimum=result.total.minimum, verdict=result.verdict,
                    criteria=tuple(CriterionState(c.id, c.points, c.floor) for c in result.criteria),
                    open=[(j, res) for j, res in enumerate(result.indicators) if could_gain(res)])


def of_columns(engine: Any, found: ColumnarResult, rows: Sequence[int]) -> list[Standing]:
    """The standings of the `rows` of a column-wise evaluation (`ColumnarEvaluator.evaluate`), without a full result
    each: Python values taken out of the arrays once, row by row."""
    if not rows:
        return []
    recognised = found.recognised
    status = found.status[rows]
    points = found.points[rows]
    # `could_gain` over the arrays: only those indicators are taken out of them, one Python value each.
    na, missing = status == _CODE[Status.NOT_APPLICABLE], status == _CODE[Status.MISSING_DATA]
    where = (~na & ((points < _maxima(engine)) | missing)).tolist()
    points, status, reason = points.tolist(), status.tolist(), found.reason[rows].tolist()
    knocked = recognised.knockout_failed[:, rows].T.tolist()
    crit_points = found.criterion_points[rows].tolist()
    floors = recognised.floor.T[rows].tolist()
    total = found.total[rows].tolist()
    minimum = recognised.minimum[rows].tolist()
    verdict = found.verdict[rows].tolist()
    ids = [(ci.model.id, ci.criterion, float(ci.model.max_points)) for ci in engine.indicators]
    criteria = [c.id for c in engine.ruleset.criteria]
    out = []
    for j in range(len(rows)):
        p, s, r, k = points[j], status[j], reason[j], knocked[j]
        opened = [(i, IndicatorState(ids[i][0], ids[i][1], p[i], ids[i][2], STATUSES[s[i]], REASONS[r[i]], k[i])) for i, yes in enumerate(where[j]) if yes]
        out.append(Standing(ruleset=engine.stamp, points=total[j], minimum=minimum[j], verdict=VERDICTS[verdict[j]],
                            criteria=tuple(CriterionState(*x) for x in zip(criteria, crit_points[j], floors[j])), open=opened))
    return out


def _maxima(engine: Any) -> np.ndarray:
    return np.array([ci.model.max_points for ci in engine.indicators], dtype=float)


_CODE = {s: i for i, s in enumerate(STATUSES)}


__all__ = ["could_gain", "CriterionState", "IndicatorState", "Standing", "of_columns", "of_result"]
