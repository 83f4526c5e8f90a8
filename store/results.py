"""Results of stored assessments, recomputed from a revision's data and its ruleset (deterministic).

Nothing computed is stored. An in-process cache saves recomputing; its key holds everything a result is computed
from, so that an entry can never be stale:
- the revision's id (a revision never changes: an edit makes a new one);
- the sha256 of the ruleset's content the revision is scored with (a corrected ruleset, or another ruleset
  activated for the province, has another hash);
- the commune's identity and classification in force (`assessments.commune_info`: name, province, district,
  region, terrain, distance, zone), which can change without a new revision.

Lists and summaries need only a commune's standing (verdict, total, recognised, provisional count): `standings`
computes those for many assessments at once, with the column-wise evaluator (`chuanxa.summarise_many`, whose
summaries equal the per-commune ones), and keeps them in a cache of their own (small records, many entries).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chuanxa.communes.model import CommuneData
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.results import CommuneResult, CommuneSummary
from chuanxa.errors import ChuanxaError
from chuanxa.store import assessments, db, ruleset_choice, rulesets, units
from chuanxa.store.models import Assessment, Revision

V = TypeVar("V")
CACHE_SIZE = 4096  # full results, about 17 KB each: at most about 70 MB
STANDINGS_SIZE = 32768  # standings, well under 1 KB each: every commune of the country over several years


class _Lru(Generic[V]):
    """A thread-safe least-recently-used map of bounded size."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class Standing:
    """What a list or a summary shows of a commune's result."""

    verdict: str
    total: float
    max_points: float
    recognised: bool | None  # as the result has it (None: not decided)
    provisional_count: int
    ruleset: str  # family@version

    @classmethod
    def of(cls, result: CommuneResult | CommuneSummary) -> Standing:
        return cls(verdict=result.verdict.value, total=result.total.points, max_points=result.total.max, recognised=result.recognised,
                   provisional_count=result.provisional_count, ruleset=f"{result.ruleset.id}@{result.ruleset.version.isoformat()}")


_RESULTS: _Lru[CommuneResult] = _Lru(CACHE_SIZE)
_STANDINGS: _Lru[Standing] = _Lru(STANDINGS_SIZE)


def _key(revision_id: int, core: CompiledRuleset, info: dict[str, Any]) -> tuple[Any, ...]:
    return (revision_id, core.stamp.sha256, tuple(sorted(info.items())))


def result_of(session: Session, assessment: Assessment, rev: Revision | None = None) -> CommuneResult:
    """The result of `rev` (default: the current revision) of `assessment`."""
    rev = rev or assessments.revision(session, assessment)
    core = ruleset_choice.engine_of(session, rev.ruleset_ref, rev.ruleset_sha256, rev.as_of)  # the ruleset the revision was stamped with
    info = assessments.commune_info(assessment.commune, units.classification(session, assessment.commune_code, assessment.year))
    key = _key(rev.id, core, info)
    hit = _RESULTS.get(key)
    if hit is not None:
        return hit
    result = core.evaluate(assessments.commune_data(session, assessment.commune, assessment.year, rev, info=info))
    _RESULTS.put(key, result)
    _STANDINGS.put(key, Standing.of(result))
    return result


def standings(session: Session, found: Sequence[Assessment]) -> dict[int, Standing]:
    """The standing of the current revision of each assessment in `found` (by assessment id), computed together:
    a few queries whatever the number, and the communes not cached scored column-wise.

    The same values as `Standing.of(result_of(session, a))` for each; a revision that the ruleset can no longer
    score raises its error, as `result_of` does."""
    if not found:
        return {}
    refs = assessments.current_refs(session, list(found))
    by_year: dict[int, list[Assessment]] = {}
    for a in found:
        by_year.setdefault(a.year, []).append(a)
    infos: dict[int, dict[str, Any]] = {}
    for year, members in by_year.items():
        klasses = units.classifications(session, [a.commune_code for a in members], year)
        infos |= {a.id: assessments.commune_info(a.commune, klasses[a.commune_code]) for a in members}
    cores: dict[tuple[str, str | None, str | None], CompiledRuleset] = {}
    out: dict[int, Standing] = {}
    missing: list[tuple[Assessment, CompiledRuleset, tuple[Any, ...]]] = []
    for a in found:
        ref = refs.get(a.id)
        if ref is None:
            continue  # no current revision (cannot happen for a saved assessment)
        core = cores.get((ref.ruleset_ref, ref.ruleset_sha256, ref.as_of))
        if core is None:  # the ruleset the revision was stamped with
            core = cores[(ref.ruleset_ref, ref.ruleset_sha256, ref.as_of)] = ruleset_choice.engine_of(session, ref.ruleset_ref, ref.ruleset_sha256, ref.as_of)
        key = _key(ref.revision_id, core, infos[a.id])
        hit = _STANDINGS.get(key)
        if hit is None:
            missing.append((a, core, key))
        else:
            out[a.id] = hit
    if missing:
        out |= _compute(session, missing, refs, infos)
    return out


def _compute(session: Session, missing: list[tuple[Assessment, CompiledRuleset, tuple[Any, ...]]], refs: dict[int, assessments.RevisionRef],
             infos: dict[int, dict[str, Any]]) -> dict[int, Standing]:
    """Score the communes not cached: one query for their revisions, then each ruleset's communes together."""
    stored = assessments.revision_data(session, [refs[a.id].revision_id for a, _, _ in missing])
    groups: dict[str, tuple[CompiledRuleset, list[tuple[Assessment, tuple[Any, ...], CommuneData]]]] = {}
    for a, core, key in missing:
        data = assessments.commune_data(session, a.commune, a.year, stored[refs[a.id].revision_id], info=infos[a.id])
        groups.setdefault(core.stamp.sha256, (core, []))[1].append((a, key, data))
    out: dict[int, Standing] = {}
    for core, members in groups.values():
        batch = rulesets.summarise([data for _, _, data in members], core)
        if len(batch.summaries) != len(members):  # a commune the ruleset cannot score: raise its error, as result_of does
            for a, _, _ in members:
                result_of(session, a, assessments.revision(session, a))
        for (a, key, _), summary in zip(members, batch.summaries):
            standing = Standing.of(summary)
            _STANDINGS.put(key, standing)
            out[a.id] = standing
    return out


def warm_up() -> None:
    """Load what a server's first requests would otherwise wait for (a second or two): the ruleset registry, the
    compiled rulesets in force this year and last year with their column-wise evaluators, the official unit list."""
    import datetime as dt

    from chuanxa.admin import admin_units
    from chuanxa.errors import ChuanxaError

    admin_units()
    for year in sorted({dt.date.today().year - 1, dt.date.today().year}):
        try:
            rulesets.warm(rulesets.compiled(None, year))
        except ChuanxaError:  # no ruleset in force that year: nothing to load
            continue


def warm_standings(sessions: sessionmaker[Session], *, limit: int = STANDINGS_SIZE // 2, chunk: int = 500,
                   stopping: Callable[[], bool] = lambda: False) -> int:
    """Compute the standings of the newest years' assessments, newest year first while a whole year fits in `limit`
    (half the cache by default), so that the first list or summary of a province is as quick as the next. Each chunk
    of `chunk` assessments is read in a short read-only transaction; a chunk the ruleset cannot score is left to the
    request that needs it (which reports its error). Returns how many assessments were warmed."""
    with db.transaction(sessions, write=False) as session:
        years = list(session.scalars(select(Assessment.year).distinct().order_by(Assessment.year.desc())))
        ids = {year: list(session.scalars(select(Assessment.id).where(Assessment.year == year).order_by(Assessment.id))) for year in years}
    warmed = 0
    for year in years:
        if warmed + len(ids[year]) > limit:
            break
        for start in range(0, len(ids[year]), chunk):
            if stopping():
                return warmed
            with db.transaction(sessions, write=False) as session:
                found = list(session.scalars(select(Assessment).where(Assessment.id.in_(ids[year][start:start + chunk]))))
                try:
                    standings(session, found)
                except ChuanxaError:
                    continue
            warmed += len(found)
    return warmed


def clear_cache() -> None:
    _RESULTS.clear()
    _STANDINGS.clear()


def cache_sizes() -> dict[str, int]:
    """How many full results and standings the caches hold (for the benchmark and the tests)."""
    return {"results": len(_RESULTS), "standings": len(_STANDINGS)}


def summary_row(session: Session, assessment: Assessment, rev: Revision | None = None, standing: Standing | None = None) -> dict[str, Any]:
    """One line of a list: code, name, province, year, state, verdict, total, recognised, ruleset. `standing`: the
    current revision's, from `standings` (else computed from `rev`)."""
    commune = assessment.commune
    if standing is None:
        standing = Standing.of(result_of(session, assessment, rev))
    return {"code": commune.code, "name": commune.name, "province": commune.province_code, "province_name": commune.province.name,
            "district": commune.district, "year": assessment.year, "state": assessment.state, "verdict": standing.verdict,
            "total": standing.total, "max_points": standing.max_points, "recognised": standing.recognised,
            "provisional_count": standing.provisional_count, "ruleset": standing.ruleset, "etag": assessments.etag(assessment)}
