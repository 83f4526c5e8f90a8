"""/api/v1: communes, assessments (ETag / If-Match), revisions, workflow, recognitions, province summaries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from chuanxa.server import schemas
from chuanxa.server.auth import DB, CurrentUser
from chuanxa.server.convert import author, recognition_out, revision_out, transition_out
from chuanxa.server.problems import MEDIA_TYPE, problem_body, request_lang
from chuanxa.store import access, assessments, units
from chuanxa.store.errors import Invalid, forbidden, not_found
from chuanxa.store.models import Assessment, Commune, CommuneClass, Province, ProvinceTarget, User
from chuanxa.store.results import Standing, result_of, standings, summary_row
from chuanxa.store.workflow import allowed_actions

router = APIRouter(tags=["communes"], responses=schemas.PROBLEMS)

Year = Annotated[int, Query(ge=1990, le=2100)]
YearPath = Annotated[int, Path(ge=1990, le=2100)]
Code = Annotated[str, Path(min_length=1, max_length=16)]
Number = Annotated[int, Path(ge=1, le=2_000_000_000)]


def _readable(user: User, assessment: Assessment) -> bool:
    commune = assessment.commune
    return access.can_read(user, commune.code, commune.province_code, assessment.state, user.province_code)


def _commune_row(session: Any, commune: Commune, assessment: Assessment | None, rev: Any = None, standing: Standing | None = None) -> dict[str, Any]:
    base = {"code": commune.code, "name": commune.name, "province": commune.province_code, "province_name": commune.province.name,
            "district": commune.district, "kind": commune.kind}
    return base | summary_row(session, assessment, rev, standing) if assessment is not None else base


@router.get("/communes", response_model=list[schemas.CommuneRow], operation_id="listCommunes")  # links: server/openapi.py
def list_communes(session: DB, user: CurrentUser, year: Year | None = None, province: Annotated[str | None, Query(max_length=16)] = None,
                  state: Annotated[str | None, Query(max_length=20)] = None, verdict: Annotated[str | None, Query(max_length=20)] = None) -> list[dict[str, Any]]:
    """Communes the caller may see, with the verdict, total and workflow state of `year`'s assessment (when given).

    A commune whose assessment of the year the caller may not read (a draft of another commune) is listed
    without its figures."""
    by_code = {a.commune_code: a for a in assessments.for_year(session, year, province)} if year is not None else {}
    visible: list[tuple[Commune, Assessment | None]] = []
    for commune in units.communes(session, province):
        if not access.in_view_scope(user, commune.code, commune.province_code, user.province_code):
            continue
        assessment = by_code.get(commune.code)
        visible.append((commune, assessment if assessment is not None and _readable(user, assessment) else None))
    standing = standings(session, [a for _, a in visible if a is not None])  # all together, column-wise
    rows = []
    for commune, assessment in visible:
        row = _commune_row(session, commune, assessment, standing=standing.get(assessment.id) if assessment is not None else None)
        if state and row.get("state") != state or verdict and row.get("verdict") != verdict:
            continue
        rows.append(row)
    return rows


@router.get("/communes/{code}", response_model=schemas.CommuneOut, operation_id="getCommune")
def get_commune(session: DB, user: CurrentUser, code: Code) -> dict[str, Any]:
    """A commune, its classification by year and its assessments (the ones the caller may read) with results."""
    commune = units.commune(session, code)
    if not access.in_view_scope(user, commune.code, commune.province_code, user.province_code):
        raise not_found("commune", code)  # not "forbidden": whether it exists is not the caller's business
    classes = session.scalars(select(CommuneClass).where(CommuneClass.commune_code == code).order_by(CommuneClass.year)).all()
    found = session.scalars(select(Assessment).where(Assessment.commune_code == code).order_by(Assessment.year)).all()
    return {"code": commune.code, "name": commune.name, "province": commune.province_code, "province_name": commune.province.name,
            "district": commune.district, "kind": commune.kind,
            "classifications": [{"year": c.year, "region": c.region, "terrain": c.terrain, "distance_km": c.distance_km,
                                 "difficult_terrain": c.difficult_terrain, "zone": c.zone} for c in classes],
            "assessments": [_commune_row(session, commune, a) for a in found if _readable(user, a)]}


def _readable_assessment(session: Any, user: User, code: Code, year: YearPath) -> Assessment:
    commune = units.commune(session, code)
    if not access.in_view_scope(user, commune.code, commune.province_code, user.province_code):
        raise not_found("commune", code)
    assessment = assessments.get(session, code, year)
    if not _readable(user, assessment):
        raise forbidden("read")
    return assessment


def _assessment_document(session: Any, user: User, assessment: Assessment) -> dict[str, Any]:
    rev = assessments.revision(session, assessment)
    commune = assessment.commune
    return {"commune": {"code": commune.code, "name": commune.name, "province": commune.province_code, "province_name": commune.province.name,
                        "district": commune.district},
            "year": assessment.year, "state": assessment.state, "revision": rev.number, "etag": assessments.etag(assessment), "as_of": rev.as_of,
            "ruleset": rev.ruleset_ref, "ruleset_sha256": rev.ruleset_sha256, "values": rev.values, "assessed": rev.assessed,
            "updated_at": assessment.updated_at, "updated_by": author(rev.author),
            "actions": allowed_actions(user.role, assessment.state) if access.in_work_scope(user, commune.code, commune.province_code) else [],
            "result": result_of(session, assessment, rev).to_json_dict()}


def _with_etag(document: dict[str, Any], status: int = 200) -> JSONResponse:
    from fastapi.encoders import jsonable_encoder

    return JSONResponse(jsonable_encoder(document), status_code=status, headers={"ETag": document["etag"]})


@router.get("/communes/{code}/assessments/{year}", response_model=schemas.AssessmentOut, operation_id="getAssessment")
def get_assessment(session: DB, user: CurrentUser, code: Code, year: YearPath) -> JSONResponse:
    """The assessment of a commune in a year: values, assessed points, workflow state, and its result
    (recomputed from the data and the ruleset). The `ETag` header names this version; send it back in `If-Match`."""
    return _with_etag(_assessment_document(session, user, _readable_assessment(session, user, code, year)))


@router.put("/communes/{code}/assessments/{year}", response_model=schemas.AssessmentOut, operation_id="putAssessment",
            responses={201: {"model": schemas.AssessmentOut}})
def put_assessment(request: Request, session: DB, user: CurrentUser, code: Code, year: YearPath, body: schemas.AssessmentIn,
                   if_match: Annotated[str | None, Header(max_length=200)] = None,
                   if_none_match: Annotated[str | None, Header(max_length=200)] = None) -> JSONResponse:
    """Save a new revision. `If-Match: <ETag>` is required (`If-None-Match: *` to create the assessment). A stale
    ETag answers 412 and the write is kept in the history as a `conflict` revision: nothing is lost."""
    commune = units.commune(session, code)
    if not access.in_view_scope(user, commune.code, commune.province_code, user.province_code):
        raise not_found("commune", code)
    assessed = {k: v.model_dump() for k, v in body.assessed.items()} if body.assessed is not None else None
    saved = assessments.save(session, user, code, year, values=body.values, assessed=assessed, as_of=body.as_of, ruleset=body.ruleset, note=body.note,
                             if_match=if_match, if_none_match=if_none_match)
    if saved.stale:
        session.commit()  # keep the stale write in the history, then say it lost
        error = assessments.stale_error(saved)
        body_out = problem_body(error, 412, "Precondition failed", request_lang(request), request.url.path)
        return JSONResponse(body_out, status_code=412, media_type=MEDIA_TYPE, headers={"ETag": assessments.etag(saved.assessment)})
    created = (if_none_match or "").strip() == "*"  # only a creation takes If-None-Match: * (an existing one is a 409)
    return _with_etag(_assessment_document(session, user, saved.assessment), 201 if created else 200)


@router.get("/communes/{code}/assessments/{year}/revisions", response_model=list[schemas.RevisionOut], operation_id="listRevisions")
def list_revisions(session: DB, user: CurrentUser, code: Code, year: YearPath) -> list[dict[str, Any]]:
    """Every save, oldest first: who, when, what changed (stale writes kept as `conflict`)."""
    assessment = _readable_assessment(session, user, code, year)
    return [revision_out(rev, assessment.current) for rev in assessments.history(session, assessment)]


@router.get("/communes/{code}/assessments/{year}/revisions/{number}", response_model=schemas.RevisionDetail, operation_id="getRevision")
def get_revision(session: DB, user: CurrentUser, code: Code, year: YearPath, number: Number) -> dict[str, Any]:
    """One revision with its data, scored again (the same ruleset version it was saved with)."""
    assessment = _readable_assessment(session, user, code, year)
    rev = assessments.revision(session, assessment, number)
    return revision_out(rev, assessment.current) | {"values": rev.values, "assessed": rev.assessed,
                                                     "result": result_of(session, assessment, rev).to_json_dict()}


@router.get("/communes/{code}/assessments/{year}/transitions", response_model=list[schemas.TransitionOut], tags=["workflow"])
def list_transitions(session: DB, user: CurrentUser, code: Code, year: YearPath) -> list[schemas.TransitionOut]:
    assessment = _readable_assessment(session, user, code, year)
    return [transition_out(t) for t in assessments.transitions(session, assessment)]


@router.post("/communes/{code}/assessments/{year}/transitions", response_model=schemas.AssessmentOut, tags=["workflow"])
def take_step(session: DB, user: CurrentUser, code: Code, year: YearPath, body: schemas.TransitionIn,
              if_match: Annotated[str | None, Header(max_length=200)] = None) -> JSONResponse:
    """A workflow step: submit, return (with a comment), appraise, recognise (with the decision), reject, reopen.
    With `If-Match` the step applies only to that version (412 otherwise)."""
    assessment = _readable_assessment(session, user, code, year)
    decision = body.decision.model_dump() if body.decision else None
    assessments.transition(session, user, assessment, body.action, comment=body.comment, decision=decision, if_match=if_match)
    return _with_etag(_assessment_document(session, user, assessment))


@router.get("/recognitions", response_model=list[schemas.RecognitionOut], tags=["workflow"])
def list_recognitions(session: DB, user: CurrentUser, province: Annotated[str | None, Query(max_length=16)] = None,
                      commune: Annotated[str | None, Query(max_length=16)] = None,
                      expiring_before: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})] = None
                      ) -> list[schemas.RecognitionOut]:
    """Recognition decisions the caller may see; `expiring_before` (YYYY-MM-DD) lists those to renew."""
    try:
        before = dt.date.fromisoformat(expiring_before) if expiring_before else None
    except ValueError:
        raise Invalid(key="store.bad_request", params={"detail": f"expiring_before={expiring_before} (YYYY-MM-DD)"}) from None
    found = assessments.recognitions(session, commune=commune, province=province, expiring_before=before)
    visible = []
    for item in found:
        unit = session.get(Commune, item.commune_code)
        if unit is not None and access.in_view_scope(user, unit.code, unit.province_code, user.province_code):
            visible.append(recognition_out(item))
    return visible


@router.get("/provinces", response_model=list[schemas.ProvinceOut], tags=["provinces"])
def list_provinces(session: DB, user: CurrentUser) -> list[schemas.ProvinceOut]:
    seen: dict[str, int] = {}
    for code, province_code in session.execute(select(Commune.code, Commune.province_code)):  # plain rows: one query, no objects
        if access.in_view_scope(user, code, province_code, user.province_code):
            seen[province_code] = seen.get(province_code, 0) + 1
    return [schemas.ProvinceOut(code=p.code, name=p.name, communes=seen[p.code]) for p in session.scalars(select(Province).order_by(Province.code)) if p.code in seen]


@router.get("/provinces/{code}/summary", response_model=schemas.Summary, tags=["provinces"])
def province_summary(session: DB, user: CurrentUser, code: Code, year: Year) -> dict[str, Any]:
    """A province-year: communes by verdict and by workflow state, against the province's target (default 90% by
    2030), and the recognitions expiring within a year. Counts only what the caller may read."""
    province = session.get(Province, code)
    if province is None:
        raise not_found("province", code)
    members = [c for c in units.communes(session, code) if access.in_view_scope(user, c.code, c.province_code, user.province_code)]
    if not members:
        raise not_found("province", code)
    by_code = {a.commune_code: a for a in assessments.for_year(session, year, code)}
    readable = [by_code[c.code] for c in members if c.code in by_code and _readable(user, by_code[c.code])]
    standing = standings(session, readable)  # all together, column-wise
    rows = [summary_row(session, a, standing=standing.get(a.id)) for a in readable]
    share, target_year = units.target_of(session, code, year)
    by_verdict: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for row in rows:
        by_verdict[row["verdict"]] = by_verdict.get(row["verdict"], 0) + 1
        by_state[row["state"]] = by_state.get(row["state"], 0) + 1
    recognised = sum(1 for row in rows if row["verdict"] == "recognised")
    target_count = -(-round(share * len(members) * 1000) // 1000)  # ceil, robust to 0.9 * n rounding
    soon = dt.date(year + 1, 12, 31)
    expiring = [recognition_out(r) for r in assessments.recognitions(session, province=code, expiring_before=soon)
                if any(r.commune_code == c.code for c in members)]
    return {"province": code, "province_name": province.name, "year": year, "communes": len(members), "assessed": len(rows), "recognised": recognised,
            "by_verdict": by_verdict, "by_state": by_state, "target_share": share, "target_year": target_year, "target_count": int(target_count),
            "still_needed": max(0, int(target_count) - recognised), "mean_total": round(sum(r["total"] for r in rows) / len(rows), 2) if rows else None,
            "expiring_recognitions": expiring}


@router.put("/provinces/{code}/target", response_model=schemas.TargetIn, tags=["provinces"])
def set_target(session: DB, user: CurrentUser, code: Code, body: schemas.TargetIn) -> schemas.TargetIn:
    """Set the province's target (share of communes recognised by a year); provincial officer or admin."""
    if session.get(Province, code) is None:
        raise not_found("province", code)
    if not access.can_import(user, code):
        raise forbidden("import")
    found = session.scalars(select(ProvinceTarget).where(ProvinceTarget.province_code == code, ProvinceTarget.year == body.year)).first()
    if found is None:
        session.add(ProvinceTarget(province_code=code, year=body.year, share=body.share))
    else:
        found.share = body.share
    return body
