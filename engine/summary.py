"""Summaries (totals, criteria, verdict, indicator points; no explanation) from the column-wise evaluator.

`CommuneResult.summary()` gives the same record from a full result; a test checks that both agree."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .columnar import STATUSES, VERDICTS, ColumnarEvaluator, ColumnarResult
from .compiled import _as_of
from .fast import from_state
from .prepare import PreparedCommune
from .results import CommuneIdentity, CommuneSummary, identity_state, CriterionResult, FailureCode, Status, Total, Verdict, round_points

_EPS = 1e-9
_RECOGNISED = {Verdict.RECOGNISED: True, Verdict.NOT_RECOGNISED: False, Verdict.INCOMPLETE: None}


def summarise_prepared(evaluator: ColumnarEvaluator, rows: Sequence[PreparedCommune]) -> list[CommuneSummary]:
    """Summaries of `rows` (checked by `prepare`) evaluated column-wise in one pass."""
    if not rows:
        return []
    table = evaluator.evaluate(evaluator.columns_from_prepared(rows))
    return summaries_from_table(evaluator, rows, table)


def summaries_from_table(evaluator: ColumnarEvaluator, rows: Sequence[PreparedCommune], table: ColumnarResult) -> list[CommuneSummary]:
    engine = evaluator.engine
    rule = engine.ruleset.recognition
    indicators = engine.indicators
    ids = [ci.model.id for ci in indicators]
    criteria = [shape.criterion for shape in engine.shapes]
    positions = [np.array(shape.positions, dtype=np.intp) for shape in engine.shapes]
    status = table.status
    na, missing_code = STATUSES.index(Status.NOT_APPLICABLE), STATUSES.index(Status.MISSING_DATA)
    is_missing = status == missing_code
    applies = status != na
    provisional = np.array([ci.model.provisional for ci in indicators], dtype=bool)
    knockout = np.array([ci.model.knockout for ci in indicators], dtype=bool)
    # Whole-table counts first (cheap in NumPy), then one Python pass per commune to build its record.
    missing_per_criterion = np.stack([is_missing[:, p].sum(axis=1) for p in positions], axis=1) if positions else np.zeros((len(rows), 0), int)
    provisional_count = (applies & provisional).sum(axis=1)
    knockout_failed = knockout & applies & ~is_missing & (table.points < evaluator.knockout_needs - _EPS)
    points = np.round(table.points.astype(np.float64), 6)
    statuses = [STATUSES[i] for i in range(len(STATUSES))]
    share = rule.min_criterion_share
    titles = [c.title for c in criteria]
    crit_ids = [c.id for c in criteria]
    summaries: list[CommuneSummary] = []
    for n, prepared in enumerate(rows):
        crit_points, crit_max, floor_met = table.criterion_points[n].tolist(), table.criterion_max[n].tolist(), table.floor_met[n].tolist()
        missing_n = missing_per_criterion[n].tolist()
        crit_records = tuple(from_state(CriterionResult, {
            "id": crit_ids[c], "title": titles[c], "points": crit_points[c], "max": crit_max[c], "floor": round_points(share * crit_max[c]),
            "floor_met": floor_met[c], "missing": missing_n[c], "provisional": criteria[c].provisional}) for c in range(len(crit_ids)))
        total_points, total_max = float(table.total[n]), float(table.total_max[n])
        minimum = round_points(rule.min_total_share * total_max)
        total = from_state(Total, {"points": total_points, "max": total_max, "share": total_points / total_max if total_max else 0.0, "minimum": minimum})
        verdict = VERDICTS[table.verdict[n]]
        failed = tuple(ids[j] for j in np.flatnonzero(knockout_failed[n]))
        missing_total = sum(missing_n)
        codes: list[FailureCode] = []
        if rule.knockouts and failed:
            codes.append(FailureCode.KNOCKOUT_FAILED)
        if not all(floor_met):
            codes.append(FailureCode.CRITERION_BELOW_FLOOR)
        if total_points < minimum - _EPS:
            codes.append(FailureCode.TOTAL_BELOW_MINIMUM)
        if missing_total:
            codes.append(FailureCode.MISSING_DATA)
        zone_value = float(table.zone[n])
        zone = None if math.isnan(zone_value) else int(zone_value)
        data = prepared.data
        info = data.commune
        summaries.append(from_state(CommuneSummary, {
            "ruleset": engine.stamp,
            "commune": from_state(CommuneIdentity, identity_state(info, _as_of(data.as_of))),
            "as_of": _as_of(data.as_of), "zone": zone,
            "zone_source": "given" if info.zone is not None else ("derived" if zone is not None else "unknown"),
            "region": prepared.region, "total": total, "criteria": crit_records, "verdict": verdict, "recognised": _RECOGNISED[verdict],
            "reason_codes": tuple(codes), "knockouts_failed": failed, "missing_count": missing_total,
            "provisional_count": int(provisional_count[n]), "provisional_decides": bool(table.provisional_decides[n]),
            "points": dict(zip(ids, points[n].tolist())), "statuses": dict(zip(ids, (statuses[i] for i in status[n].tolist()))),
        }))
    return summaries


__all__ = ["summarise_prepared", "summaries_from_table"]
