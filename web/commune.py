"""A commune's pages: its score sheet, years and trend, revision history; data entry (save draft, submit);
appraisal (assessed points with notes, approve or return); recognition; what-if and plan from the stored data;
score sheet downloads. Saving, workflow steps and access checks are the store's; results are recomputed by
the store from the revision and its ruleset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

import chuanxa
from chuanxa.errors import ChuanxaError
from chuanxa.planning import CostModel
from chuanxa.server.auth import DB
from chuanxa.store import access, assessments, ruleset_choice, units
from chuanxa.store.errors import Forbidden, StoreError, forbidden
from chuanxa.store.models import Assessment, Commune, User
from chuanxa.store.results import result_of
from chuanxa.store.workflow import STEPS, allowed_actions

from chuanxa.outputs.labels import verdict_word

from .charts import trend_line
from .forms import Entry, check_entry, entry_sections, read_entry
from .i18n import word
from .province import state_word
from .render import lang_of, page, score_sheet
from .site import WebUser, committed, need
from .tools import whatif_answer, whatif_page
from .posted import Posted
from .uploads import read_upload

router = APIRouter()
ACTION_WORDS = {"submit": ("Gửi thẩm định", "Submit for appraisal"), "return": ("Trả lại để sửa", "Return for correction"),
                "appraise": ("Duyệt kết quả thẩm định", "Approve the appraisal"), "recognise": ("Công nhận đạt chuẩn", "Recognise"),
                "reject": ("Không công nhận", "Do not recognise"), "reopen": ("Mở lại", "Reopen")}


def action_word(action: str, lang: str) -> str:
    vi, en = ACTION_WORDS.get(action, (action, action))
    return vi if lang == "vi" else en


def _visible_commune(session: Any, user: User, code: str) -> Commune:
    commune = units.commune(session, code)
    if not access.in_view_scope(user, commune.code, commune.province_code, user.province_code):
        raise forbidden("read")
    return commune


def _readable(session: Any, user: User, commune: Commune, year: int) -> Assessment | None:
    found = assessments.find(session, commune.code, year)
    if found is not None and not access.can_read(user, commune.code, commune.province_code, found.state, user.province_code):
        raise forbidden("read")
    return found


@router.get("/communes/{code}", response_class=HTMLResponse)
def commune_page(request: Request, session: DB, user: WebUser, code: str) -> Response:
    """Score sheet of the chosen year, every year's total (chart), history of revisions and workflow steps."""
    me = need(user)
    lang = lang_of(request)
    commune = _visible_commune(session, me, code)
    every = list(session.scalars(select(Assessment).where(Assessment.commune_code == code).order_by(Assessment.year)))
    readable = [a for a in every if access.can_read(me, code, commune.province_code, a.state, me.province_code)]
    years = [a.year for a in readable]
    wanted = request.query_params.get("year", "")
    year = int(wanted) if wanted.isdigit() else (years[-1] if years else dt.date.today().year)
    current = next((a for a in readable if a.year == year), None)
    if current is None and wanted.isdigit() and any(a.year == year for a in every):
        raise forbidden("read")
    results = {a.year: result_of(session, a) for a in readable}
    chart = ""
    if results:
        first = next(iter(results.values()))
        chart = trend_line(years, [results[y].total.points for y in years], first.total.max, first.total.minimum, word("chart_trend", lang),
                           minimum_words=word("chart_minimum", lang, points=f"{first.total.minimum:g}"))
    sheet = score_sheet(results[year], lang) if current is not None else None
    history = assessments.history(session, current) if current is not None else []
    labels = _input_labels(_result_engine(session, current), lang) if current is not None else {}
    steps = assessments.transitions(session, current) if current is not None else []
    actions = _actions(me, commune, current)
    return page(request, "commune.html.j2", commune=commune, year=year, years=years, assessment=current, sheet=sheet, chart=chart, history=history, labels=labels,
                steps=steps, actions=actions, recognitions=assessments.recognitions(session, commune=code),
                results=results, state_word=lambda s: state_word(s, lang), action_word=lambda a: action_word(a, lang),
                can_values=current is not None and access.can_edit(me, "values", code, commune.province_code, current.state),
                can_assessed=current is not None and access.can_edit(me, "assessed", code, commune.province_code, current.state),
                can_create=current is None and access.can_create(me, code, commune.province_code), etag=assessments.etag(current) if current else "",
                verdict_word=lambda v: verdict_word(v, lang))


def _actions(user: User, commune: Commune, assessment: Assessment | None) -> list[str]:
    if assessment is None or not access.in_work_scope(user, commune.code, commune.province_code):
        return []
    return allowed_actions(user.role, assessment.state)


def _entry_of(assessment: Assessment | None, session: Any) -> Entry:
    if assessment is None:
        return Entry()
    rev = assessments.revision(session, assessment)
    return Entry(values=dict(rev.values), assessed={k: dict(v) for k, v in rev.assessed.items()})


@router.get("/communes/{code}/{year}/edit", response_class=HTMLResponse)
def edit_form(request: Request, session: DB, user: WebUser, code: str, year: int) -> Response:
    me = need(user)
    commune = _visible_commune(session, me, code)
    found = _readable(session, me, commune, year)
    return _edit_page(request, session, me, commune, year, found, _entry_of(found, session), {})


def _edit_page(request: Request, session: Any, user: User, commune: Commune, year: int, found: Assessment | None, entry: Entry, errors: dict[str, str],
               *, status: int = 200, notice: str | None = None) -> Response:
    lang = lang_of(request)
    state = found.state if found is not None else "draft"
    values_ok = access.can_edit(user, "values", commune.code, commune.province_code, state) if found else access.can_create(user, commune.code, commune.province_code)
    assessed_ok = access.can_edit(user, "assessed", commune.code, commune.province_code, state)
    if not (values_ok or assessed_ok):
        raise forbidden("edit_values")
    engine = _engine(session, commune, year, found)
    sections = entry_sections(engine, lang, with_assessed=assessed_ok)
    return page(request, "edit.html.j2", status=status, commune=commune, year=year, assessment=found, sections=sections, shown=entry.form_values(engine),
                errors=errors, values_ok=values_ok, assessed_ok=assessed_ok, etag=assessments.etag(found) if found else "", notice=notice,
                can_submit=values_ok and "submit" in allowed_actions(user.role, state), ruleset_ref=engine.ruleset.ref, state_word=lambda s: state_word(s, lang))


def _engine(session: Any, commune: Commune, year: int, found: Assessment | None) -> Any:
    """The ruleset data entry checks against: the one a save will be stamped with (a province's activated
    overlay included, see `chuanxa.store.ruleset_choice`)."""
    rev = assessments.revision(session, found) if found is not None else None
    return ruleset_choice.engine_for(session, commune.province_code, rev.as_of or year if rev else year, rev.ruleset_ref if rev else None,
                                     rev.ruleset_sha256 if rev else None)


@router.post("/communes/{code}/{year}/edit", response_class=HTMLResponse)
def edit_save(request: Request, session: DB, user: WebUser, code: str, year: int, form: Posted) -> Response:
    """Save a new revision (draft), or save and submit; errors are shown in place and nothing typed is lost."""
    me = need(user)
    lang = lang_of(request)
    commune = _visible_commune(session, me, code)
    found = _readable(session, me, commune, year)
    entry = read_entry(form)
    state = found.state if found is not None else "draft"
    values_ok = access.can_edit(me, "values", code, commune.province_code, state) if found else access.can_create(me, code, commune.province_code)
    assessed_ok = access.can_edit(me, "assessed", code, commune.province_code, state)
    previous = _entry_of(found, session)
    if not values_ok:
        entry.values = previous.values  # a part the user may not change is kept as it was, never cleared
    if not assessed_ok:
        entry.assessed = previous.assessed
    engine = _engine(session, commune, year, found)
    info = assessments.commune_data(session, commune, year, None).commune
    data, errors = check_entry(engine, info, entry, lang, as_of=year)
    if errors:
        return _edit_page(request, session, me, commune, year, found, entry, errors, status=422)
    typed = {k: _kept_or_typed(engine, k, v, previous.values) for k, v in entry.values.items()}
    saved = assessments.save(session, me, code, year, values=typed if values_ok else None, assessed=_stored_assessed(entry) if assessed_ok else None,
                             ruleset=engine.ruleset.ref, note=str(form.get("note") or "") or None,
                             if_match=str(form.get("etag") or "") or None, if_none_match="*" if found is None else None)
    if saved.stale:
        notice = ("Có người khác vừa lưu phiếu này. Bản của bạn đã được giữ trong lịch sử (phiên bản {n}); dưới đây là bản hiện hành."
                  if lang == "vi" else "Someone else saved this assessment meanwhile. Your version is kept in the history (revision {n}); the current one is shown below.")
        return committed(session, _edit_page(request, session, me, commune, year, saved.assessment, _entry_of(saved.assessment, session), {}, status=409,
                                             notice=notice.format(n=saved.revision.number)))
    if form.get("action") == "submit":
        assessments.transition(session, me, saved.assessment, "submit", if_match=assessments.etag(saved.assessment))
    return committed(session, RedirectResponse(f"/communes/{code}?year={year}", status_code=303))


def _stored(engine: Any, name: str, raw: str) -> Any:
    """A value as the store keeps it: typed (number, yes/no) as the ruleset declares, dates as ISO text."""
    converter = engine.converters.get(name)
    value = converter(raw) if converter is not None else raw
    return value.isoformat() if isinstance(value, dt.date) else value


def _kept_or_typed(engine: Any, name: str, raw: str, before: dict[str, Any]) -> Any:
    """The stored value when the typed one means the same (so re-saving a form records no change), else the typed value."""
    new = _stored(engine, name, raw)
    if name in before:
        try:
            if _stored(engine, name, before[name]) == new:
                return before[name]
        except (ValueError, TypeError):
            pass
    return new


def _stored_assessed(entry: Entry) -> dict[str, Any]:
    from chuanxa.communes.values import parse_number

    return {k: {"points": parse_number(v["points"]), "note": v.get("note")} for k, v in entry.assessed.items()}


@router.post("/communes/{code}/{year}/workflow", response_class=HTMLResponse)
def workflow_step(request: Request, session: DB, user: WebUser, code: str, year: int, form: Posted) -> Response:
    """Take a workflow step (submit, return with a comment, approve, recognise with the decision, …)."""
    me = need(user)
    lang = lang_of(request)
    commune = _visible_commune(session, me, code)
    found = _readable(session, me, commune, year)
    action = str(form.get("action") or "")
    if found is None or action not in STEPS:
        return page(request, "error.html.j2", status=404, message_key="not_found")
    decision = {k: str(form.get(k) or "").strip() or None for k in ("number", "decided_on", "body")} if action == "recognise" else None
    try:
        assessments.transition(session, me, found, action, comment=str(form.get("comment") or "").strip() or None, decision=decision,
                               if_match=str(form.get("etag") or "") or None)
    except (StoreError, ValueError) as exc:
        message = exc.message(lang) if isinstance(exc, ChuanxaError) else ("Ngày không hợp lệ (YYYY-MM-DD)." if lang == "vi" else "Not a valid date (YYYY-MM-DD).")
        if isinstance(exc, Forbidden):
            raise  # the store's handler audits the denial
        return page(request, "error.html.j2", status=exc.status if isinstance(exc, StoreError) else 422, message=message)
    return committed(session, RedirectResponse(f"/communes/{code}?year={year}", status_code=303))


@router.get("/communes/{code}/{year}/revisions/{number}", response_class=HTMLResponse)
def revision_page(request: Request, session: DB, user: WebUser, code: str, year: int, number: int) -> Response:
    """Any revision, scored again with its own ruleset."""
    me = need(user)
    commune = _visible_commune(session, me, code)
    found = _readable(session, me, commune, year)
    if found is None:
        return page(request, "error.html.j2", status=404, message_key="not_found")
    rev = assessments.revision(session, found, number)
    return page(request, "revision.html.j2", commune=commune, year=year, rev=rev, sheet=score_sheet(result_of(session, found, rev), lang_of(request)))


def _stored_data(session: Any, user: User, code: str, year: int) -> tuple[Commune, Assessment, Any]:
    commune = _visible_commune(session, user, code)
    found = _readable(session, user, commune, year)
    if found is None:
        raise StoreError(key="store.no_assessment", params={"code": code, "year": year})
    return commune, found, assessments.commune_data(session, commune, year, assessments.revision(session, found))


@router.get("/communes/{code}/{year}/whatif", response_class=HTMLResponse)
def stored_whatif(request: Request, session: DB, user: WebUser, code: str, year: int) -> Response:
    me = need(user)
    _, found, data = _stored_data(session, me, code, year)
    engine = _result_engine(session, found)
    return whatif_page(request, data, engine.ruleset.ref, back=f"/communes/{code}?year={year}", engine=engine, action=f"/communes/{code}/{year}/whatif")


@router.post("/communes/{code}/{year}/whatif", response_class=HTMLResponse)
def stored_whatif_result(request: Request, session: DB, user: WebUser, code: str, year: int, form: Posted) -> Response:
    """What-if of a stored assessment: recomputed with the ruleset its result uses (nothing is saved)."""
    me = need(user)
    _, found, _ = _stored_data(session, me, code, year)
    engine = _result_engine(session, found)
    return whatif_answer(request, form, lambda _ruleset, _as_of: engine, action=f"/communes/{code}/{year}/whatif",
                         back=f"/communes/{code}?year={year}")


def _input_labels(engine: Any, lang: str) -> dict[str, str]:
    """Each input's label in the page's language (the revision history names what changed as the form does)."""
    return {name: getattr(spec.label, lang) or spec.label.vi for name, spec in engine.ruleset.inputs.items() if spec.label is not None}


def _result_engine(session: Any, found: Assessment) -> Any:
    """The ruleset the current revision's result uses (a province's activated corrected ruleset included)."""
    rev = assessments.revision(session, found)
    return ruleset_choice.engine_of(session, rev.ruleset_ref, rev.ruleset_sha256, rev.as_of)


@router.get("/communes/{code}/{year}/plan", response_class=HTMLResponse)
def stored_plan_form(request: Request, session: DB, user: WebUser, code: str, year: int) -> Response:
    me = need(user)
    commune, found, data = _stored_data(session, me, code, year)
    return page(request, "commune_plan.html.j2", commune=commune, year=year, plan=chuanxa.plan(data, _engine(session, commune, year, found).ruleset), error=None)


@router.post("/communes/{code}/{year}/plan", response_class=HTMLResponse)
def stored_plan(request: Request, session: DB, user: WebUser, code: str, year: int, form: Posted) -> Response:
    """The cheapest path to recognition of the stored data, priced by the chosen costs file."""
    me = need(user)
    commune, found, data = _stored_data(session, me, code, year)
    costs = form.get("costs")
    try:
        model = read_upload(costs, (".yaml", ".yml"), CostModel.load) if isinstance(costs, UploadFile) and costs.filename else None
    except ChuanxaError as exc:
        return page(request, "commune_plan.html.j2", status=422, commune=commune, year=year, plan=None, error=exc.message(lang_of(request)))
    return page(request, "commune_plan.html.j2", commune=commune, year=year, plan=chuanxa.plan(data, _engine(session, commune, year, found).ruleset, costs=model), error=None)


__all__ = ["router"]
