"""Results of stored assessments, recomputed from a revision's data and its ruleset (deterministic).

A small in-process cache keyed by (revision id, ruleset sha256) saves recomputing: a revision never changes,
and a corrected ruleset has a new hash, so a cached result cannot go stale.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from sqlalchemy.orm import Session

from chuanxa.engine.results import CommuneResult
from chuanxa.store import assessments, ruleset_choice
from chuanxa.store.models import Assessment, Revision

_CACHE: OrderedDict[tuple[int, str], CommuneResult] = OrderedDict()
_LOCK = Lock()
CACHE_SIZE = 4096


def result_of(session: Session, assessment: Assessment, rev: Revision | None = None) -> CommuneResult:
    """The result of `rev` (default: the current revision) of `assessment`."""
    rev = rev or assessments.revision(session, assessment)
    core = ruleset_choice.engine_of(session, rev.ruleset_ref, rev.ruleset_sha256, rev.as_of)  # the ruleset the revision was stamped with
    key = (rev.id, core.stamp.sha256)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    data = assessments.commune_data(session, assessment.commune, assessment.year, rev)
    result = core.evaluate(data)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def summary_row(session: Session, assessment: Assessment, rev: Revision | None = None) -> dict[str, Any]:
    """One line of a list: code, name, province, year, state, verdict, total, recognised, ruleset."""
    commune = assessment.commune
    result = result_of(session, assessment, rev)
    return {"code": commune.code, "name": commune.name, "province": commune.province_code, "province_name": commune.province.name,
            "district": commune.district, "year": assessment.year, "state": assessment.state, "verdict": result.verdict.value,
            "total": result.total.points, "max_points": result.total.max, "recognised": result.recognised,
            "provisional_count": result.provisional_count, "ruleset": f"{result.ruleset.id}@{result.ruleset.version.isoformat()}",
            "etag": assessments.etag(assessment)}
