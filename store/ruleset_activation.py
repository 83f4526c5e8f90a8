"""Ruleset overlays in the store (issue 18): an admin uploads an overlay, sees its test cases' outcome, the diff
against the ruleset it extends and the communes of a province-year whose verdict would change, then activates
it for a province from an effective date (and may deactivate it). Every step is in the audit log.

Activating (or deactivating) re-stamps the province's assessments it concerns: those still in the workflow (not
recognised or not recognised yet) whose `as_of` is on or after the date and whose ruleset is of the family the
overlay extends. Each gets a revision of kind `ruleset` holding the same data with the new stamp (nothing is
overwritten; the ETag moves, so an editor holding the old version gets 412). Decided assessments keep the
ruleset their decision was taken on; earlier revisions keep theirs (`ruleset_choice.engine_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanxa.authoring.case_text import outcome_lines
from chuanxa.authoring.overlay_bundle import Upload, read_overlay
from chuanxa.criteria.diff import diff_rulesets
from chuanxa.criteria.registry import as_of_date
from chuanxa.engine.results import RowProblem
from chuanxa.errors import ChuanxaError
from chuanxa.store import assessments, ruleset_choice, rulesets
from chuanxa.store.errors import Conflict, Invalid, forbidden, not_found
from chuanxa.store.models import Assessment, Commune, Province, Revision, Role, RulesetActivation, RulesetOverlay, State, User, utcnow
from chuanxa.store.results import result_of
from chuanxa.store.users import audit

#: Assessments whose decision is taken keep the ruleset it was taken on.
DECIDED = frozenset({State.RECOGNISED.value, State.NOT_RECOGNISED.value})


def may_manage(user: User) -> bool:
    """Uploading, activating and deactivating overlays: admin only."""
    return user.role == Role.ADMIN.value


def may_see_impact(user: User, province: str) -> bool:
    """A province's verdicts under an overlay: admin, and the province's own officers."""
    return user.role == Role.ADMIN.value or (user.role == Role.PROVINCE.value and user.province_code == province)


def require_manager(user: User) -> None:
    if not may_manage(user):
        raise forbidden("manage_rulesets")


# --- upload and what an overlay is ---
def upload(session: Session, user: User, uploads: list[Upload], *, note: str | None = None) -> tuple[RulesetOverlay, bool]:
    """Check and store an uploaded overlay, with its cases' outcome; `(overlay, created)` — the same upload twice
    gives the stored one (`created` False)."""
    require_manager(user)
    bundle = read_overlay(uploads)
    existing = session.scalars(select(RulesetOverlay).where(RulesetOverlay.upload_sha256 == bundle.sha256)).first()
    if existing is not None:
        return existing, False
    core = rulesets.compiled(bundle.ruleset)
    base_core = rulesets.compiled(bundle.base)
    overlay = RulesetOverlay(upload_sha256=bundle.sha256, ruleset_ref=bundle.ruleset.ref, ruleset_sha256=core.stamp.sha256, base_ref=bundle.base.ref,
                             base_sha256=base_core.stamp.sha256, files=bundle.files, cases=[_outcome_json(o) for o in bundle.outcomes],
                             note=_plain_text(note), user_id=user.id, created_at=utcnow())
    session.add(overlay)
    session.flush()
    ruleset_choice.remember(core)
    total, failed = cases_count(overlay)
    audit(session, "ruleset.upload", user=user, target=overlay.ruleset_ref,
          detail={"overlay": overlay.id, "sha256": overlay.ruleset_sha256, "upload_sha256": overlay.upload_sha256, "base": overlay.base_ref,
                  "files": sorted(overlay.files), "cases": {"total": total, "failed": failed}})
    return overlay, True


def _plain_text(text: str | None) -> str | None:
    """A note as kept: control characters out (PostgreSQL text holds no NUL), at most 2,000 characters."""
    kept = "".join(c for c in (text or "") if c in "\n\t" or c.isprintable()).strip()[:2000]
    return kept or None


def _outcome_json(outcome: Any) -> dict[str, Any]:
    return {"name": outcome.name, "file": Path(outcome.file).name, "line": outcome.line, "ruleset": outcome.ruleset, "passed": outcome.passed,
            "error": outcome.error is not None, "lines": {"vi": outcome_lines(outcome, "vi"), "en": outcome_lines(outcome, "en")}}


def cases_count(overlay: RulesetOverlay) -> tuple[int, int]:
    """(cases, failed cases) of the overlay's test run at upload."""
    return len(overlay.cases), sum(1 for c in overlay.cases if not c.get("passed"))


def overlays(session: Session) -> list[RulesetOverlay]:
    """Every stored overlay, newest first."""
    return list(session.scalars(select(RulesetOverlay).order_by(RulesetOverlay.id.desc())))


def get_overlay(session: Session, overlay_id: int) -> RulesetOverlay:
    found = session.get(RulesetOverlay, overlay_id)
    if found is None:
        raise not_found("overlay", overlay_id)
    return found


def changes(overlay: RulesetOverlay) -> list[dict[str, Any]]:
    """What the overlay changes in the ruleset it extends (`chuanxa rulesets diff BASE OVERLAY`)."""
    ruleset = ruleset_choice.compiled_overlay(overlay).ruleset
    return [{"what": c.what, "path": c.path, "before": c.before, "after": c.after} for c in diff_rulesets(rulesets.load(overlay.base_ref), ruleset)]


def effective_of(overlay: RulesetOverlay) -> dt.date:
    """The date the overlay's own header puts it in force."""
    return ruleset_choice.compiled_overlay(overlay).ruleset.ruleset.effective


# --- what would change ---
@dataclass(frozen=True, kw_only=True)
class ImpactRow:
    code: str
    name: str
    state: str
    as_of: str
    applies: bool  # whether activating would re-stamp it (dated on/after the date, not decided, same family)
    old_ruleset: str
    new_ruleset: str
    old_verdict: str
    new_verdict: str
    old_total: float
    new_total: float

    @property
    def verdict_changes(self) -> bool:
        return self.old_verdict != self.new_verdict


@dataclass(frozen=True)
class ImpactProblem:
    """An assessment the overlay cannot score: its commune, and why (a code with its place and values; its sentence
    is `chuanxa.wording.problem_text`)."""

    code: str
    name: str
    problem: RowProblem


@dataclass(kw_only=True)
class Impact:
    """A province-year scored with its current rulesets and with the overlay."""

    overlay_id: int
    province: str
    year: int
    effective_from: dt.date | None
    rows: list[ImpactRow] = field(default_factory=list)
    problems: list[ImpactProblem] = field(default_factory=list)  # assessments the overlay cannot score, with why

    @property
    def verdict_changes(self) -> list[ImpactRow]:
        return [r for r in self.rows if r.verdict_changes]

    @property
    def total_changes(self) -> list[ImpactRow]:
        return [r for r in self.rows if r.old_total != r.new_total and not r.verdict_changes]

    def to_json(self) -> dict[str, Any]:
        def row(r: ImpactRow) -> dict[str, Any]:
            return {"code": r.code, "name": r.name, "state": r.state, "as_of": r.as_of, "applies": r.applies, "old_ruleset": r.old_ruleset,
                    "new_ruleset": r.new_ruleset, "old_verdict": r.old_verdict, "new_verdict": r.new_verdict, "old_total": r.old_total,
                    "new_total": r.new_total}

        return {"overlay": self.overlay_id, "province": self.province, "year": self.year,
                "effective_from": self.effective_from.isoformat() if self.effective_from else None, "compared": len(self.rows),
                "verdict_changes": [row(r) for r in self.verdict_changes], "total_changes": [row(r) for r in self.total_changes],
                "problems": [{"code": p.code, "name": p.name, **_words(p.problem)} for p in self.problems]}


def _words(problem: RowProblem) -> dict[str, str]:
    from chuanxa.wording import problem_text

    words = problem_text(problem)
    return {"message_vi": words.vi, "message_en": words.en}


def impact(session: Session, user: User, overlay: RulesetOverlay, province: str, year: int, effective_from: dt.date | None = None) -> Impact:
    """Every assessment of the province-year scored as it is now and with the overlay: which verdicts (and totals)
    would change. `applies` says whether activating from `effective_from` would re-stamp it."""
    if session.get(Province, province) is None:
        raise not_found("province", province)
    if not may_see_impact(user, province):
        raise forbidden("read")
    core = ruleset_choice.compiled_overlay(overlay)
    new_ref = ruleset_choice.stamp_of(core)[0]
    found = assessments.for_year(session, year, province)
    current = assessments.current_revisions(session, found)
    result = Impact(overlay_id=overlay.id, province=province, year=year, effective_from=effective_from)
    for assessment in found:
        rev = current[assessment.id]
        old = result_of(session, assessment, rev)
        try:
            new = core.evaluate(assessments.commune_data(session, assessment.commune, assessment.year, rev))
        except ChuanxaError as exc:  # e.g. a value outside a bound the overlay narrowed: activating would fail on it
            result.problems.append(ImpactProblem(code=assessment.commune_code, name=assessment.commune.name, problem=RowProblem.of(exc)))
            continue
        result.rows.append(ImpactRow(code=assessment.commune_code, name=assessment.commune.name, state=assessment.state, as_of=rev.as_of or str(year),
                                     applies=_concerns(overlay, assessment, rev, effective_from), old_ruleset=f"{old.ruleset.id}@{old.ruleset.version.isoformat()}",
                                     new_ruleset=new_ref, old_verdict=old.verdict.value, new_verdict=new.verdict.value,
                                     old_total=old.total.points, new_total=new.total.points))
    return result


def _concerns(overlay: RulesetOverlay, assessment: Assessment, rev: Revision, effective_from: dt.date | None) -> bool:
    if assessment.state in DECIDED:
        return False
    if effective_from is not None and as_of_date(rev.as_of or assessment.year) < effective_from:
        return False
    stamped = ruleset_choice.family(rev.ruleset_ref)
    return stamped in (ruleset_choice.family(overlay.base_ref), ruleset_choice.family(overlay.ruleset_ref))


# --- activation ---
def activations(session: Session, province: str | None = None, *, include_ended: bool = True) -> list[RulesetActivation]:
    query = select(RulesetActivation).order_by(RulesetActivation.province_code, RulesetActivation.effective_from, RulesetActivation.id)
    if province:
        query = query.where(RulesetActivation.province_code == province)
    if not include_ended:
        query = query.where(RulesetActivation.deactivated_at.is_(None))
    return list(session.scalars(query))


def get_activation(session: Session, activation_id: int) -> RulesetActivation:
    found = session.get(RulesetActivation, activation_id)
    if found is None:
        raise not_found("activation", activation_id)
    return found


def activate(session: Session, user: User, overlay: RulesetOverlay, province: str, effective_from: dt.date) -> tuple[RulesetActivation, list[dict[str, Any]]]:
    """Put the overlay in force for the province's assessments dated on or after `effective_from`; re-stamp those
    it concerns. Refused while any of its test cases fails, before the overlay's own effective date, or when the
    province already has an active overlay from that same date."""
    require_manager(user)
    if session.get(Province, province) is None:
        raise not_found("province", province)
    total, failed = cases_count(overlay)
    if failed:
        raise Conflict(key="store.overlay_cases_failed", params={"failed": failed, "total": total})
    start = effective_of(overlay)
    if effective_from < start:
        raise Invalid(key="store.activation_too_early", params={"date": effective_from.isoformat(), "ref": overlay.ruleset_ref, "effective": start.isoformat()})
    for other in activations(session, province, include_ended=False):
        if other.effective_from == effective_from:
            raise Conflict(key="store.activation_exists", params={"province": province, "ref": other.overlay.ruleset_ref,
                                                                  "date": other.effective_from.isoformat(), "id": other.id})
    record = RulesetActivation(overlay_id=overlay.id, province_code=province, effective_from=effective_from, user_id=user.id, created_at=utcnow())
    session.add(record)
    session.flush()
    ruleset_choice.forget(session)
    restamped = restamp(session, user, province, f"activation {record.id}")
    audit(session, "ruleset.activate", user=user, target=province,
          detail={"activation": record.id, "overlay": overlay.id, "ruleset": overlay.ruleset_ref, "sha256": overlay.ruleset_sha256,
                  "effective_from": effective_from.isoformat(), "restamped": restamped})
    return record, restamped


def deactivate(session: Session, user: User, record: RulesetActivation) -> list[dict[str, Any]]:
    """End an activation: the assessments it concerned go back to the ruleset then in force (re-stamped)."""
    require_manager(user)
    if record.deactivated_at is not None:
        raise Conflict(key="store.activation_ended", params={"id": record.id})
    record.deactivated_at = utcnow()
    record.deactivated_by = user.id
    session.flush()
    ruleset_choice.forget(session)
    restamped = restamp(session, user, record.province_code, f"deactivation {record.id}")
    audit(session, "ruleset.deactivate", user=user, target=record.province_code,
          detail={"activation": record.id, "overlay": record.overlay_id, "ruleset": record.overlay.ruleset_ref, "restamped": restamped})
    return restamped


def restamp(session: Session, user: User, province: str, note: str) -> list[dict[str, Any]]:
    """Give each undecided assessment of the province whose ruleset in force changed (an overlay on one side) a
    revision of kind `ruleset` with the same data and the new stamp; what changed, for the audit log."""
    query = (select(Assessment).join(Commune, Commune.code == Assessment.commune_code)
             .where(Commune.province_code == province, Assessment.state.not_in(DECIDED)).order_by(Assessment.year, Assessment.commune_code))
    found = list(session.scalars(query))
    current = assessments.current_revisions(session, found)
    done: list[dict[str, Any]] = []
    for assessment in found:
        rev = current[assessment.id]
        core = ruleset_choice.engine_for(session, province, rev.as_of or str(assessment.year), rev.ruleset_ref, rev.ruleset_sha256)
        new_ref, new_sha = ruleset_choice.stamp_of(core)
        if new_sha == rev.ruleset_sha256:
            continue
        if ruleset_choice.overlay_by_sha(session, new_sha) is None and ruleset_choice.overlay_by_sha(session, rev.ruleset_sha256) is None:
            continue  # no overlay on either side: a bundled ruleset's own update is not this step's business
        before = result_of(session, assessment, rev)
        number = (session.scalar(select(func.max(Revision.number)).where(Revision.assessment_id == assessment.id)) or 0) + 1
        added = Revision(assessment_id=assessment.id, number=number, kind="ruleset", based_on=assessment.current, as_of=rev.as_of,
                         ruleset_ref=new_ref, ruleset_sha256=new_sha, values=dict(rev.values), assessed=dict(rev.assessed),
                         changes=[{"part": "ruleset", "key": "ruleset", "before": rev.ruleset_ref, "after": new_ref}], note=note,
                         author_id=user.id, created_at=utcnow())
        session.add(added)
        assessment.current = number
        assessment.updated_at = utcnow()
        session.flush()
        after = result_of(session, assessment, added)
        done.append({"code": assessment.commune_code, "year": assessment.year, "revision": number, "before": rev.ruleset_ref, "after": new_ref,
                     "verdict_before": before.verdict.value, "verdict_after": after.verdict.value, "total_before": before.total.points,
                     "total_after": after.total.points})
    return done
