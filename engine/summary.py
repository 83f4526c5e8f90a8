"""Summaries (totals, criteria, verdict, indicator points; no explanation) from the column-wise evaluator.

`SummaryTable` holds them as the evaluator's arrays: renderers of large tables (the CSV, the screen's counts)
read those, and `records()` gives `CommuneSummary` records for the rows wanted. `CommuneResult.summary()` gives
the same record from a full result; a test checks that both agree."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .columnar import ColumnarEvaluator, ColumnarResult
from .compiled import _as_of, zone_source
from .fast import from_state
from .prepare import PreparedCommune
from .recognition import RECOGNISED_FLAG, STATUSES, VERDICTS, criterion_records, failure_codes
from .results import CommuneIdentity, CommuneSummary, FailureCode, RulesetStamp, SummaryBatch, identity_state, Total, Verdict

if TYPE_CHECKING:
    from chuanxa.communes.model import CommuneInfo

    from .compiled import CompiledRuleset



class Identity(NamedTuple):
    """Who a summarised commune is: its (resolved) record, the date or year assessed, and its region id."""

    commune: CommuneInfo
    as_of: Any
    region: str | None

    @classmethod
    def of(cls, prepared: PreparedCommune) -> Identity:
        return cls(prepared.data.commune, prepared.data.as_of, prepared.region)


@dataclass(frozen=True)
class SummaryTable:
    """The summaries of n communes scored together, as arrays (one ruleset, one row per identity)."""

    engine: CompiledRuleset
    identities: Sequence[Identity]
    result: ColumnarResult

    def __len__(self) -> int:
        return len(self.identities)

    @property
    def stamp(self) -> RulesetStamp:
        return self.engine.stamp

    @property
    def indicator_ids(self) -> list[str]:
        return [ci.model.id for ci in self.engine.indicators]

    @property
    def criterion_ids(self) -> list[str]:
        return [shape.criterion.id for shape in self.engine.shapes]

    @cached_property
    def points(self) -> np.ndarray:
        """[n, k] indicator points, rounded as the records hold them."""
        return np.round(self.result.points, 6)

    @property
    def verdicts(self) -> np.ndarray:
        """[n] index into `VERDICTS`."""
        return self.result.recognised.verdict

    @property
    def recognised_count(self) -> int:
        return int(np.count_nonzero(self.verdicts == VERDICTS.index(Verdict.RECOGNISED)))

    @property
    def missing_counts(self) -> np.ndarray:
        return self.result.recognised.criterion_missing.sum(axis=0)

    def reason_codes(self) -> list[tuple[FailureCode, ...]]:
        """Each row's failure codes (as `CommuneSummary.reason_codes`), one tuple shared per distinct set."""
        return _per_pattern(self.result.recognised.failures.T, lambda flags: failure_codes(flags))

    def knockouts_failed(self) -> list[tuple[str, ...]]:
        """Each row's failed knock-out indicators, one tuple shared per distinct set."""
        ids = self.indicator_ids
        return _per_pattern(self.result.recognised.knockout_failed.T, lambda flags: tuple(ids[j] for j in np.flatnonzero(flags).tolist()))

    def records(self, start: int = 0, stop: int | None = None) -> list[CommuneSummary]:
        """The `CommuneSummary` records of rows `start:stop`, each equal to the per-commune engine's."""
        engine, found, table = self.engine, self.result.recognised, self.result
        part = slice(start, stop)
        rows = self.identities[part]
        ids = self.indicator_ids
        share = engine.ruleset.recognition.min_criterion_share
        points = self.points[part]
        # Whole-table arrays as lists first (cheap in NumPy), then one Python pass per commune to build its record.
        crit_points, crit_max, crit_missing = found.criterion_points.T[part].tolist(), found.criterion_max.T[part].tolist(), found.criterion_missing.T[part].tolist()
        totals, maxima, minima = found.total[part].tolist(), found.total_max[part].tolist(), found.minimum[part].tolist()
        failures, knocked = found.failures.T[part].tolist(), found.knockout_failed.T[part]
        provisional_count, decides, verdicts = found.provisional_count[part].tolist(), found.provisional_decides[part].tolist(), found.verdict[part].tolist()
        zones, statuses = table.zone[part].tolist(), table.status[part].tolist()
        summaries: list[CommuneSummary] = []
        for n, identity in enumerate(rows):
            total_points, total_max = totals[n], maxima[n]
            total = from_state(Total, {"points": total_points, "max": total_max, "share": total_points / total_max if total_max else 0.0, "minimum": minima[n]})
            verdict = VERDICTS[verdicts[n]]
            zone = None if math.isnan(zones[n]) else int(zones[n])
            info, as_of = identity.commune, _as_of(identity.as_of)
            summaries.append(from_state(CommuneSummary, {
                "ruleset": engine.stamp,
                "commune": from_state(CommuneIdentity, identity_state(info, as_of)),
                "as_of": as_of, "zone": zone,
                "zone_source": zone_source(info.zone, zone),
                "region": identity.region, "total": total, "criteria": criterion_records(engine.shapes, crit_points[n], crit_max[n], crit_missing[n], share),
                "verdict": verdict, "recognised": RECOGNISED_FLAG[verdict], "reason_codes": failure_codes(failures[n]),
                "knockouts_failed": tuple(ids[j] for j in np.flatnonzero(knocked[n]).tolist()), "missing_count": sum(crit_missing[n]),
                "provisional_count": provisional_count[n], "provisional_decides": decides[n],
                "points": dict(zip(ids, points[n].tolist())), "statuses": dict(zip(ids, (STATUSES[i] for i in statuses[n]))),
            }))
        return summaries


@dataclass(frozen=True)
class TableSummaries:
    """A table's summaries as arrays, and what reading it found (rejected rows, notices, unknown columns) as a
    `SummaryBatch` without summaries: large tables are rendered from this without a record per commune."""

    table: SummaryTable
    found: SummaryBatch

    def batch(self) -> SummaryBatch:
        """The `SummaryBatch` with every commune's record (what `chuanxa.summarise_many` returns)."""
        return self.found.model_copy(update={"summaries": tuple(self.table.records())})


def _per_pattern(flags: np.ndarray, build: Any) -> list[Any]:
    """`build(row)` for each row of a boolean [n, m] array, built once per distinct row and shared."""
    if flags.shape[0] == 0:
        return []
    weights = 1 << np.arange(flags.shape[1], dtype=np.uint64) if flags.shape[1] <= 64 else None
    if weights is None:
        return [build(row) for row in flags]
    keys = (flags.astype(np.uint64) * weights).sum(axis=1) if flags.shape[1] else np.zeros(flags.shape[0], dtype=np.uint64)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    built = [build(flags[i]) for i in first.tolist()]
    return [built[k] for k in inverse.tolist()]


def summarise_prepared(evaluator: ColumnarEvaluator, rows: Sequence[PreparedCommune]) -> list[CommuneSummary]:
    """Summaries of `rows` (checked by `prepare`) evaluated column-wise in one pass."""
    if not rows:
        return []
    table = evaluator.evaluate(evaluator.columns_from_prepared(rows))
    return summaries_from_table(evaluator, [Identity.of(p) for p in rows], table)


def summaries_from_table(evaluator: ColumnarEvaluator, rows: Sequence[Identity], table: ColumnarResult) -> list[CommuneSummary]:
    """One summary record per row of `table`: the recognition rule's arrays (`table.recognised`) read back."""
    return SummaryTable(evaluator.engine, rows, table).records()


__all__ = ["Identity", "SummaryTable", "TableSummaries", "summarise_prepared", "summaries_from_table"]
