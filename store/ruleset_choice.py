"""Which ruleset scores a stored assessment, once provinces can activate corrected rulesets (issue 18).

- A save records (stamps) the ruleset in force for the commune's province on the revision's `as_of`: the overlay
  of an active activation of that province whose `effective_from` is on or before that date (the latest such
  date wins), when the overlay extends the family the revision would otherwise use; else the registry's ruleset
  as before (`engine_for`).
- A revision's result is computed with the ruleset its stamp names (`engine_of`): the registry's when the hash
  matches, else the stored overlay with that hash. So the results of earlier revisions keep their ruleset.

Compiled overlays are kept in process by content hash: a stored overlay never changes, so nothing can go stale.
"""

from __future__ import annotations

import datetime as dt
from threading import Lock
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanxa.criteria.registry import RulesetRef, as_of_date
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.errors import RulesetNotFoundError
from chuanxa.store import rulesets
from chuanxa.store.models import RulesetActivation, RulesetOverlay

_COMPILED: dict[str, CompiledRuleset] = {}  # overlay ruleset sha256 → compiled
_LOCK = Lock()
_SESSION_KEY = "chuanxa.activations"


def stamp_of(core: CompiledRuleset) -> tuple[str, str]:
    """`(family@version, sha256)` of a compiled ruleset: what a revision records."""
    return f"{core.stamp.id}@{core.stamp.version.isoformat()}", core.stamp.sha256


def family(ref: str) -> str:
    return RulesetRef.parse(ref).family


def compiled_overlay(overlay: RulesetOverlay) -> CompiledRuleset:
    """The compiled ruleset of a stored overlay (resolved from its files once per process)."""
    with _LOCK:
        hit = _COMPILED.get(overlay.ruleset_sha256)
    if hit is not None:
        return hit
    from chuanxa.authoring.overlay_bundle import resolve_files

    ruleset, _ = resolve_files(overlay.files)
    core = rulesets.compiled(ruleset)
    with _LOCK:
        _COMPILED[core.stamp.sha256] = core
    return core


def remember(core: CompiledRuleset) -> None:
    """Keep a just-uploaded overlay's compiled form (saves resolving its files again)."""
    with _LOCK:
        _COMPILED[core.stamp.sha256] = core


def overlay_by_sha(session: Session, sha: str | None) -> RulesetOverlay | None:
    if not sha:
        return None
    return session.scalars(select(RulesetOverlay).where(RulesetOverlay.ruleset_sha256 == sha).order_by(RulesetOverlay.id)).first()


def engine_of(session: Session, ref: str | None, sha: str | None, as_of: Any) -> CompiledRuleset:
    """The ruleset a revision's stamp names: a stored overlay by its hash, else the registry's `ref` on `as_of`
    (also when a bundled ruleset's content has changed since the revision was saved, as before overlays)."""
    if sha:
        with _LOCK:
            hit = _COMPILED.get(sha)
        if hit is not None:
            return hit
    try:
        core: CompiledRuleset | None = rulesets.compiled(ref, as_of)
    except RulesetNotFoundError:
        core = None
    if core is not None and core.stamp.sha256 == sha:
        return core
    overlay = overlay_by_sha(session, sha)
    if overlay is not None:
        return compiled_overlay(overlay)
    if core is None:
        return rulesets.compiled(ref, as_of)  # raises the registry's "not found" error
    return core


def engine_for(session: Session, province: str, as_of: Any, ref: str | None = None, sha: str | None = None) -> CompiledRuleset:
    """The ruleset a save of a commune of `province` dated `as_of` is stamped with. `ref`/`sha`: the ruleset asked
    for or used so far (None: the national one in force on `as_of`)."""
    base = _registry_engine(session, ref, sha, as_of)
    active = in_force(session, province, as_of_date(as_of))
    if active is not None and family(active.overlay.base_ref) == base.stamp.id:
        return compiled_overlay(active.overlay)
    return base


def _registry_engine(session: Session, ref: str | None, sha: str | None, as_of: Any) -> CompiledRuleset:
    """The registry's ruleset for `ref` on `as_of`; a stored overlay's ref stands for the family it extends."""
    if ref is not None:
        try:
            RulesetRef.parse(ref)
            return rulesets.compiled(ref, as_of)
        except RulesetNotFoundError:
            overlay = overlay_by_sha(session, sha) or session.scalars(
                select(RulesetOverlay).where(RulesetOverlay.ruleset_ref == ref).order_by(RulesetOverlay.id.desc())).first()
            if overlay is None:
                raise
            return rulesets.compiled(family(overlay.base_ref), as_of)
    return rulesets.compiled(None, as_of)


def active_activations(session: Session) -> list[RulesetActivation]:
    """Every activation not deactivated, read once per session (a session is one request or one command)."""
    cached = session.info.get(_SESSION_KEY)
    if cached is None:
        cached = list(session.scalars(select(RulesetActivation).where(RulesetActivation.deactivated_at.is_(None)).order_by(RulesetActivation.id)))
        session.info[_SESSION_KEY] = cached
    return cached  # type: ignore[no-any-return]


def forget(session: Session) -> None:
    """Drop the session's list of activations (after one was added or ended)."""
    session.info.pop(_SESSION_KEY, None)


def in_force(session: Session, province: str, day: dt.date) -> RulesetActivation | None:
    """The activation of `province` in force for an assessment dated `day`: the latest `effective_from` on or
    before it (the later activation when two share a date)."""
    found = [a for a in active_activations(session) if a.province_code == province and a.effective_from <= day]
    return max(found, key=lambda a: (a.effective_from, a.id)) if found else None
