"""Assessments: saving revisions (with ETag / If-Match), reading history, workflow steps and recognitions.

Every save appends a revision; the assessment points at its current one. A write based on an older version is
still appended (kind `conflict`, never current) and reported as stale, so nothing anybody entered is lost.
Results are never stored: `results.result_of` recomputes them from a revision and its ruleset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from chuanxa.communes.model import CommuneData
from chuanxa.errors import ChuanxaError
from chuanxa.store import access, ruleset_choice, units
from chuanxa.store.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionRequired, Stale, forbidden, not_found
from chuanxa.store.models import Assessment, Commune, CommuneClass, Recognition, Revision, State, Transition, User, utcnow
from chuanxa.store.users import audit
from chuanxa.store.workflow import STEPS, allowed_actions

RECOGNITION_YEARS = 3


def etag(assessment: Assessment) -> str:
    """The strong ETag of an assessment's current version: `"<assessment id>.<revision number>"`."""
    return f'"{assessment.id}.{assessment.current}"'


def _revision_in(tag: str, assessment: Assessment) -> int | None:
    """The revision number an ETag names when it names this assessment, else None."""
    text = tag.strip().removeprefix("W/").strip('"')
    ident, _, number = text.partition(".")
    return int(number) if ident == str(assessment.id) and number.isdigit() else None


def find(session: Session, code: str, year: int, *, lock: bool = False) -> Assessment | None:
    query = select(Assessment).where(Assessment.commune_code == code, Assessment.year == year)
    if lock:
        query = query.with_for_update(of=Assessment)
    return session.scalars(query).first()


def get(session: Session, code: str, year: int) -> Assessment:
    found = find(session, code, year)
    if found is None:
        raise NotFound(key="store.no_assessment", params={"code": code, "year": year})
    return found


def revision(session: Session, assessment: Assessment, number: int | None = None) -> Revision:
    """Revision `number` of the assessment (default: the current one)."""
    wanted = assessment.current if number is None else number
    found = session.scalars(select(Revision).where(Revision.assessment_id == assessment.id, Revision.number == wanted)).first()
    if found is None:
        raise not_found("revision", wanted)
    return found


def current_revisions(session: Session, found: list[Assessment]) -> dict[int, Revision]:
    """The current revision of each assessment, in one query (for lists and summaries)."""
    if not found:
        return {}
    query = (select(Revision).join(Assessment, Assessment.id == Revision.assessment_id)
             .where(Revision.assessment_id.in_([a.id for a in found]), Revision.number == Assessment.current))
    return {rev.assessment_id: rev for rev in session.scalars(query)}


@dataclass(frozen=True)
class RevisionRef:
    """What identifies the result of an assessment's revision, without its data: ids, ruleset and date."""

    assessment_id: int
    revision_id: int
    ruleset_ref: str
    as_of: str | None
    ruleset_sha256: str | None = None  # the content hash the revision was stamped with (an overlay's, issue 18)


def current_refs(session: Session, found: list[Assessment]) -> dict[int, RevisionRef]:
    """The current revision of each assessment as a `RevisionRef` (one light query: no values, no history)."""
    refs: dict[int, RevisionRef] = {}
    ids = [a.id for a in found]
    for start in range(0, len(ids), 500):
        query = (select(Revision.assessment_id, Revision.id, Revision.ruleset_ref, Revision.as_of, Revision.ruleset_sha256).join(Assessment, Assessment.id == Revision.assessment_id)
                 .where(Revision.assessment_id.in_(ids[start:start + 500]), Revision.number == Assessment.current))
        for assessment_id, revision_id, ref, as_of, sha in session.execute(query):
            refs[assessment_id] = RevisionRef(assessment_id=assessment_id, revision_id=revision_id, ruleset_ref=ref, as_of=as_of, ruleset_sha256=sha)
    return refs


@dataclass(frozen=True)
class RevisionData:
    """The data a revision holds (what `commune_data` needs of it), read without its history columns."""

    as_of: str | None
    values: dict[str, Any]
    assessed: dict[str, Any]


def revision_data(session: Session, ids: list[int]) -> dict[int, RevisionData]:
    """The data of many revisions by id, in one query per 500."""
    found: dict[int, RevisionData] = {}
    for start in range(0, len(ids), 500):
        query = select(Revision.id, Revision.as_of, Revision.values, Revision.assessed).where(Revision.id.in_(ids[start:start + 500]))
        found |= {ident: RevisionData(as_of=as_of, values=values, assessed=assessed) for ident, as_of, values, assessed in session.execute(query)}
    return found


def history(session: Session, assessment: Assessment) -> list[Revision]:
    """Every revision, oldest first (conflict revisions included)."""
    return list(session.scalars(select(Revision).where(Revision.assessment_id == assessment.id).order_by(Revision.number)))


def transitions(session: Session, assessment: Assessment) -> list[Transition]:
    return list(session.scalars(select(Transition).where(Transition.assessment_id == assessment.id).order_by(Transition.id)))


def commune_info(commune: Commune, klass: CommuneClass | Any | None) -> dict[str, Any]:
    """The `commune` part of a commune document: the unit and its classification in force (what, besides a
    revision's data and the ruleset, a result depends on)."""
    info: dict[str, Any] = {"code": commune.code, "name": commune.name, "province": commune.province.name, "district": commune.district}
    if klass is not None:
        info |= {"region": klass.region, "terrain": klass.terrain, "distance_km": klass.distance_km, "difficult_terrain": klass.difficult_terrain,
                 "zone": klass.zone}
    return {k: v for k, v in info.items() if v is not None}


def commune_data(session: Session, commune: Commune, year: int, rev: Revision | RevisionData | None, *, values: dict[str, Any] | None = None,
                 assessed: dict[str, Any] | None = None, as_of: str | int | None = None, info: dict[str, Any] | None = None) -> CommuneData:
    """The commune document (the CLI's commune-file contract) for a revision, or for data about to be saved.
    `info`: the commune's `commune_info` when the caller has it (else it is read)."""
    if info is None:
        info = commune_info(commune, units.classification(session, commune.code, year))
    document = {"commune": info,
                "as_of": as_of if as_of is not None else (rev.as_of if rev is not None and rev.as_of else year),
                "values": values if values is not None else (rev.values if rev else {}),
                "assessed": assessed if assessed is not None else (rev.assessed if rev else {})}
    from chuanxa.communes.readers import commune_from_mapping

    return commune_from_mapping(document)


@dataclass(frozen=True, kw_only=True)
class Saved:
    """What a save did: the assessment, the revision appended, and whether the write was stale (kept as a
    `conflict` revision, not made current)."""

    assessment: Assessment
    revision: Revision
    stale: bool
    given: str | None = None


def save(session: Session, user: User, code: str, year: int, *, values: dict[str, Any] | None = None, assessed: dict[str, Any] | None = None,
         as_of: str | int | None = None, ruleset: str | None = None, note: str | None = None, if_match: str | None = None,
         if_none_match: str | None = None, kind: str = "save", import_id: int | None = None, stamp: tuple[str, str] | None = None) -> Saved:
    """Append a revision to the assessment of commune `code` in `year` (creating it with `if_none_match="*"`).

    `values` / `assessed` replace the previous ones when given, and stay as they were when None. The user must
    be allowed to change each part that changes; the data must be readable and scorable with the ruleset.
    `if_match` (required for an existing assessment) must name the current version: otherwise the write is
    appended as a `conflict` revision and `stale` is True (the caller answers 412 and commits).
    """
    commune = units.commune(session, code)
    assessment = find(session, code, year, lock=True)
    if assessment is None:
        if if_none_match != "*" and kind != "import":
            raise PreconditionRequired(key="store.precondition_required")
        if not access.can_create(user, code, commune.province_code):
            raise forbidden("create")
        assessment = Assessment(commune_code=code, year=year, state=State.DRAFT.value, current=0)
        session.add(assessment)
        session.flush()
        previous = None
    else:
        if if_none_match == "*":
            raise Conflict(key="store.assessment_exists", params={"code": code, "year": year, "etag": etag(assessment)})
        if not if_match and kind != "import":
            raise PreconditionRequired(key="store.precondition_required")
        previous = revision(session, assessment)
    new_values = dict(values) if values is not None else dict(previous.values if previous else {})
    new_assessed = _plain_assessed(assessed) if assessed is not None else dict(previous.assessed if previous else {})
    new_as_of = str(as_of) if as_of is not None else ((previous.as_of if previous else None) or str(year))
    changes = diff(previous, new_values, new_assessed, new_as_of)
    _check_edit(user, commune, assessment.state, changes)
    # `stamp`: the caller (an import) already scored this data with that ruleset
    ruleset_ref, sha = _score_check(session, commune, year, ruleset, previous, new_values, new_assessed, new_as_of, stamp)
    based_on = assessment.current
    stale = False
    if previous is not None and if_match and if_match.strip() != "*":
        given = [_revision_in(tag, assessment) for tag in if_match.split(",")]
        if assessment.current not in given:
            stale = True
            based_on = max((g for g in given if g is not None), default=0)
    if not changes and not stale and previous is not None:
        return Saved(assessment=assessment, revision=previous, stale=False, given=if_match)  # nothing to record
    number = (session.scalar(select(func.max(Revision.number)).where(Revision.assessment_id == assessment.id)) or 0) + 1
    rev = Revision(assessment_id=assessment.id, number=number, kind="conflict" if stale else kind, based_on=based_on, as_of=new_as_of,
                   ruleset_ref=ruleset_ref, ruleset_sha256=sha, values=new_values, assessed=new_assessed, changes=changes, note=note,
                   author_id=user.id, import_id=import_id, created_at=utcnow())
    session.add(rev)
    if not stale:
        assessment.current = number
        assessment.updated_at = utcnow()
    session.flush()
    return Saved(assessment=assessment, revision=rev, stale=stale, given=if_match)


@dataclass(frozen=True, kw_only=True)
class Imported:
    """One commune's data of an import, to be saved as a revision of kind `import`."""

    code: str
    values: dict[str, Any]
    assessed: dict[str, Any]
    as_of: str
    note: str | None = None


class _StampInForce:
    """The ruleset each imported commune is stamped with: the one in force for its province on the row's date (a
    province's activated overlay, `ruleset_choice.engine_for`), from the ruleset the import checked the table with;
    looked up once per province and date."""

    def __init__(self, session: Session, checked: tuple[str, str]) -> None:
        self.session, self.checked = session, checked
        self.engines: dict[tuple[str, Any], Any] = {}

    def engine(self, commune: Commune, as_of: Any) -> Any:
        key = (commune.province_code, as_of)
        found = self.engines.get(key)
        if found is None:
            found = self.engines[key] = ruleset_choice.engine_for(self.session, commune.province_code, as_of, self.checked[0], self.checked[1])
        return found

    def __call__(self, commune: Commune, as_of: Any) -> tuple[str, str]:
        return ruleset_choice.stamp_of(self.engine(commune, as_of))


def save_imported(session: Session, user: User, year: int, items: list[Imported], *, import_id: int, stamp: tuple[str, str]) -> int:
    """Save many communes' data of `year` at once: what `save(…, kind="import", stamp=stamp)` of each in turn does
    (the same checks, an assessment created where there is none, a revision where the data change, nothing
    where they do not), in a few statements per 500 communes instead of several round trips per commune.
    Returns the number of revisions written."""
    codes = sorted({item.code for item in items})
    communes = units.communes_by_code(session, codes)
    for item in items:
        if item.code not in communes:
            raise not_found("commune", item.code)
    found: dict[str, Assessment] = {}
    for start in range(0, len(codes), units.CHUNK):
        query = select(Assessment).where(Assessment.commune_code.in_(codes[start:start + units.CHUNK]), Assessment.year == year)
        found |= {a.commune_code: a for a in session.scalars(query.with_for_update(of=Assessment))}
    # keyed by assessment id, or by commune code for the assessments this import creates
    previous: dict[int | str, Revision | RevisionData] = {ident: rev for ident, rev in current_revisions(session, list(found.values())).items()}
    numbers: dict[int | str, int] = {}
    ids = [a.id for a in found.values()]
    for start in range(0, len(ids), units.CHUNK):
        highest = select(Revision.assessment_id, func.max(Revision.number)).where(Revision.assessment_id.in_(ids[start:start + units.CHUNK]))
        numbers |= {ident: number for ident, number in session.execute(highest.group_by(Revision.assessment_id))}
    created: dict[str, int] = {}  # commune code → current revision number of the assessment to create
    rows: list[dict[str, Any]] = []
    now = utcnow()
    in_force = _StampInForce(session, stamp)
    for item in items:
        assessment, commune = found.get(item.code), communes[item.code]
        if assessment is None and item.code not in created:
            if not access.can_create(user, item.code, commune.province_code):
                raise forbidden("create")
            created[item.code] = 0
        key: int | str = assessment.id if assessment is not None else item.code
        before = previous.get(key)
        values, assessed = dict(item.values), _plain_assessed(item.assessed)
        changes = diff(before, values, assessed, item.as_of)
        _check_edit(user, commune, assessment.state if assessment is not None else State.DRAFT.value, changes)
        if not changes and before is not None:
            continue  # nothing to record
        ruleset_ref, sha = in_force(commune, item.as_of)
        if sha != stamp[1]:  # a province's activated overlay: its data must score with it too (as `save` checks)
            in_force.engine(commune, item.as_of).evaluate(commune_data(session, commune, year, None, values=values, assessed=assessed, as_of=item.as_of))
        number = numbers[key] = numbers.get(key, 0) + 1
        rows.append({"assessment_id": key, "number": number, "kind": "import", "based_on": assessment.current if assessment is not None else created[item.code],
                     "as_of": item.as_of, "ruleset_ref": ruleset_ref, "ruleset_sha256": sha, "values": values, "assessed": assessed, "changes": changes,
                     "note": item.note, "author_id": user.id, "import_id": import_id, "created_at": now})
        if assessment is not None:
            assessment.current, assessment.updated_at = number, now
        else:
            created[item.code] = number
        previous[key] = RevisionData(as_of=item.as_of, values=values, assessed=assessed)
    new_ids: dict[str, int] = {}
    if created:
        statement = insert(Assessment).returning(Assessment.id, Assessment.commune_code, sort_by_parameter_order=True)
        made = session.execute(statement, [{"commune_code": code, "year": year, "state": State.DRAFT.value, "current": number, "updated_at": now}
                                           for code, number in created.items()])
        new_ids = {code: ident for ident, code in made}
    for row in rows:
        if isinstance(row["assessment_id"], str):
            row["assessment_id"] = new_ids[row["assessment_id"]]
    if rows:
        session.execute(insert(Revision), rows)  # one INSERT … VALUES of many rows per batch, no object per revision
    session.flush()
    return len(rows)


def _plain_assessed(assessed: dict[str, Any]) -> dict[str, Any]:
    """Assessed points as `{id: {"points": p, "note": n}}` (a bare number is the points)."""
    plain: dict[str, Any] = {}
    for key, entry in assessed.items():
        plain[str(key)] = {"points": entry, "note": None} if not isinstance(entry, dict) else {"points": entry.get("points"), "note": entry.get("note")}
    return plain


def diff(previous: Revision | RevisionData | None, values: dict[str, Any], assessed: dict[str, Any], as_of: str) -> list[dict[str, Any]]:
    """What changed from `previous`: `[{"part", "key", "before", "after"}]`, in a stable order."""
    changes: list[dict[str, Any]] = []
    old_values = previous.values if previous else {}
    old_assessed = previous.assessed if previous else {}
    for part, old, new in (("values", old_values, values), ("assessed", old_assessed, assessed)):
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                changes.append({"part": part, "key": key, "before": old.get(key), "after": new.get(key)})
    if previous is not None and previous.as_of != as_of:
        changes.append({"part": "as_of", "key": "as_of", "before": previous.as_of, "after": as_of})
    return changes


def _check_edit(user: User, commune: Commune, state: str, changes: list[dict[str, Any]]) -> None:
    """The user may change every part that changes (and, even for a save that changes nothing, some part)."""
    if not access.in_work_scope(user, commune.code, commune.province_code):
        raise forbidden("edit_values")
    if not any(access.can_edit(user, part, commune.code, commune.province_code, state) for part in ("values", "assessed")):
        raise _locked("values", state)
    for part in sorted({c["part"] for c in changes}):
        needed = "assessed" if part == "assessed" else "values"
        if not access.can_edit(user, needed, commune.code, commune.province_code, state):
            if not access.in_work_scope(user, commune.code, commune.province_code):
                raise forbidden("edit_assessed" if needed == "assessed" else "edit_values")
            raise _locked(needed, state)


def _locked(part: str, state: str) -> ChuanxaError:
    return Forbidden(key="store.locked", params={"part": part, "state": state})


def _score_check(session: Session, commune: Commune, year: int, ruleset: str | None, previous: Revision | None, values: dict[str, Any],
                 assessed: dict[str, Any], as_of: str, checked: tuple[str, str] | None) -> tuple[str, str]:
    """The ruleset stamp to record: the one in force for the commune's province on `as_of` (a province's activated
    overlay, see `ruleset_choice`), from the ruleset asked for or the previous revision's. Raises the commune-data
    error (with its location) when the data cannot be scored with it; `checked`: an import already scored them."""
    ref = ruleset or (previous.ruleset_ref if previous else None)
    sha = None if ruleset or previous is None else previous.ruleset_sha256
    core = ruleset_choice.engine_for(session, commune.province_code, as_of, ref, sha)
    if checked is None or checked[1] != core.stamp.sha256:
        core.evaluate(commune_data(session, commune, year, None, values=values, assessed=assessed, as_of=as_of))
    return ruleset_choice.stamp_of(core)


def transition(session: Session, user: User, assessment: Assessment, action: str, *, comment: str | None = None,
               decision: dict[str, Any] | None = None, if_match: str | None = None) -> Transition:
    """Take a workflow step. `recognise` records the decision (number, date, body, valid until) with it."""
    commune = assessment.commune
    step = STEPS.get(action)
    if step is not None and (user.role not in step.roles or not access.in_work_scope(user, commune.code, commune.province_code)):
        raise forbidden("transition")
    if step is None or assessment.state not in step.sources:
        allowed = ", ".join(allowed_actions(user.role, assessment.state)) or "—"
        raise Conflict(key="store.transition_not_allowed", params={"action": action, "state": assessment.state, "allowed": allowed})
    if if_match and assessment.current not in [_revision_in(tag, assessment) for tag in if_match.split(",")] and if_match.strip() != "*":
        raise Stale(key="store.stale", params={"code": commune.code, "year": assessment.year, "current": etag(assessment), "given": if_match, "kept": "—"})
    if step.needs_comment and not (comment or "").strip():
        raise Invalid(key="store.comment_required", params={"action": action})
    if action == "recognise":
        recognise(session, user, assessment, decision)
    record = Transition(assessment_id=assessment.id, action=action, from_state=assessment.state, to_state=step.target, revision=assessment.current,
                        comment=comment, user_id=user.id, created_at=utcnow())
    assessment.state = step.target
    assessment.updated_at = utcnow()
    session.add(record)
    audit(session, f"workflow.{action}", user=user, target=f"{commune.code}/{assessment.year}", detail={"from": record.from_state, "to": record.to_state})
    session.flush()
    return record


def recognise(session: Session, user: User, assessment: Assessment, decision: dict[str, Any] | None) -> Recognition:
    decision = decision or {}
    number, body, decided = decision.get("number"), decision.get("body"), decision.get("decided_on")
    if not (number and body and decided):
        raise Invalid(key="store.recognition_required")
    decided_on = decided if isinstance(decided, dt.date) else dt.date.fromisoformat(str(decided))
    until = decision.get("valid_until")
    valid_until = (until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))) if until else _years_after(decided_on, RECOGNITION_YEARS)
    record = Recognition(commune_code=assessment.commune_code, assessment_id=assessment.id, year=assessment.year, number=str(number),
                         decided_on=decided_on, body=str(body), valid_until=valid_until, user_id=user.id)
    session.add(record)
    return record


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def recognitions(session: Session, *, commune: str | None = None, province: str | None = None, expiring_before: dt.date | None = None) -> list[Recognition]:
    query = select(Recognition).where(Recognition.revoked.is_(False)).order_by(Recognition.valid_until, Recognition.commune_code)
    if commune:
        query = query.where(Recognition.commune_code == commune)
    if province:
        query = query.join(Commune, Commune.code == Recognition.commune_code).where(Commune.province_code == province)
    if expiring_before:
        query = query.where(Recognition.valid_until <= expiring_before)
    return list(session.scalars(query))


def for_year(session: Session, year: int, province: str | None = None) -> list[Assessment]:
    query = select(Assessment).where(Assessment.year == year).order_by(Assessment.commune_code)
    if province:
        query = query.join(Commune, Commune.code == Assessment.commune_code).where(Commune.province_code == province)
    return list(session.scalars(query))


def years(session: Session, province: str) -> list[int]:
    """The years the province's communes have assessments of, oldest first."""
    query = select(Assessment.year).join(Commune, Commune.code == Assessment.commune_code).where(Commune.province_code == province).distinct()
    return sorted(session.scalars(query))


def stale_error(saved: Saved) -> Stale:
    """The 412 error for a stale save (after the conflict revision was committed)."""
    a = saved.assessment
    return Stale(key="store.stale", params={"code": a.commune_code, "year": a.year, "current": etag(a), "given": saved.given, "kept": saved.revision.number})
