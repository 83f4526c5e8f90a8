"""Summaries (totals, criteria, verdict, indicator points; no explanation) from the column-wise evaluator.

`CommuneResult.summary()` gives the same record from a full result; a test checks that both agree."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .columnar import ColumnarEvaluator, ColumnarResult
from .compiled import _as_of
from .fast import from_state
from .prepare import PreparedCommune
from .recognition import STATUSES, VERDICTS, criterion_records, failure_codes
from .results import CommuneIdentity, CommuneSummary, identity_state, Total, Verdict
_RECOGNISED = {Verdict.RECOGNISED: True, Verdict.NOT_RECOGNISED: False, Verdict.INCOMPLETE: None}


def summarise_prepared(evaluator: ColumnarEvaluator, rows: Sequence[PreparedCommune]) -> list[CommuneSummary]:
    """Summaries of `rows` (checked by `prepare`) evaluated column-wise in one pass."""
    if not rows:
        return []
    table = evaluator.evaluate(evaluator.columns_from_prepared(rows))
    return summaries_from_table(evaluator, rows, table)


def summaries_from_table(evaluator: ColumnarEvaluator, rows: Sequence[PreparedCommune], table: ColumnarResult) -> list[CommuneSummary]:
    """One summary per row of `table`: the recognition rule's arrays (`table.recognised`) read back as records."""
    engine = evaluator.engine
    found = table.recognised
    ids = [ci.model.id for ci in engine.indicators]
    share = engine.ruleset.recognition.min_criterion_share
    points = np.round(table.points, 6)
    # Whole-table arrays as lists first (cheap in NumPy), then one Python pass per commune to build its record.
    crit_points, crit_max, crit_missing = found.criterion_points.T.tolist(), found.criterion_max.T.tolist(), found.criterion_missing.T.tolist()
    totals, maxima, minima = found.total.tolist(), found.total_max.tolist(), found.minimum.tolist()
    failures, knocked = found.failures.T.tolist(), found.knockout_failed.T
    provisional_count, decides, verdicts = found.provisional_count.tolist(), found.provisional_decides.tolist(), found.verdict.tolist()
    summaries: list[CommuneSummary] = []
    for n, prepared in enumerate(rows):
        total_points, total_max = totals[n], maxima[n]
        total = from_state(Total, {"points": total_points, "max": total_max, "share": total_points / total_max if total_max else 0.0, "minimum": minima[n]})
        verdict = VERDICTS[verdicts[n]]
        zone_value = float(table.zone[n])
        zone = None if math.isnan(zone_value) else int(zone_value)
        data = prepared.data
        info = data.commune
        summaries.append(from_state(CommuneSummary, {
            "ruleset": engine.stamp,
            "commune": from_state(CommuneIdentity, identity_state(info, _as_of(data.as_of))),
            "as_of": _as_of(data.as_of), "zone": zone,
            "zone_source": "given" if info.zone is not None else ("derived" if zone is not None else "unknown"),
            "region": prepared.region, "total": total, "criteria": criterion_records(engine.shapes, crit_points[n], crit_max[n], crit_missing[n], share),
            "verdict": verdict, "recognised": _RECOGNISED[verdict], "reason_codes": failure_codes(failures[n]),
            "knockouts_failed": tuple(ids[j] for j in np.flatnonzero(knocked[n]).tolist()), "missing_count": sum(crit_missing[n]),
            "provisional_count": provisional_count[n], "provisional_decides": decides[n],
            "points": dict(zip(ids, points[n].tolist())), "statuses": dict(zip(ids, (STATUSES[i] for i in table.status[n].tolist()))),
        }))
    return summaries


__all__ = ["summarise_prepared", "summaries_from_table"]
