"""The admin's page for corrected rulesets (issue 18): upload an overlay (YAML files or the edited score sheet, with
its test cases), see its cases, its diff and the communes of a province-year whose verdict would change, activate
it for a province from a date, deactivate it. The store does the work (`chuanxa.store.ruleset_activation`); this
module reads forms and shows answers. Every form carries the CSRF secret (checked before the route runs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from chuanxa.authoring.overlay_bundle import MAX_FILES, MAX_WORKBOOK_BYTES, Upload
from chuanxa.criteria.diff import path_words, value_words
from chuanxa.errors import ChuanxaError
from chuanxa.outputs.labels import verdict_word
from chuanxa.server.auth import DB
from chuanxa.store import ruleset_activation as activation
from chuanxa.store.errors import Invalid
from chuanxa.store.models import Province, User

from .posted import Posted
from .province import state_word
from .render import lang_of, page
from .site import WebUser, committed, need
from .uploads import read_bytes

router = APIRouter()


def _admin(user: User | None) -> User:
    me = need(user)
    activation.require_manager(me)
    return me


def _list_page(request: Request, session: Any, *, error: str | None = None, status: int = 200) -> Response:
    found = activation.overlays(session)
    return page(request, "rulesets_admin.html.j2", status=status, overlays=found, counts={o.id: activation.cases_count(o) for o in found},
                activations=activation.activations(session), provinces=_provinces(session), error=error)


def _provinces(session: Any) -> list[Province]:
    return list(session.scalars(select(Province).order_by(Province.name)))


@router.get("/admin/rulesets", response_class=HTMLResponse)
def overlays_page(request: Request, session: DB, user: WebUser) -> Response:
    _admin(user)
    return _list_page(request, session)


@router.post("/admin/rulesets", response_class=HTMLResponse)
def overlay_upload(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    """Upload: the overlay is checked and its cases run; on success its page shows the outcome."""
    me = _admin(user)
    lang = lang_of(request)
    uploads = []
    for item in form.getlist("files")[: MAX_FILES + 1]:
        if isinstance(item, UploadFile) and item.filename:
            data = read_bytes(item, MAX_WORKBOOK_BYTES + 1)
            if len(data) > MAX_WORKBOOK_BYTES:
                return _list_page(request, session, status=413, error=ChuanxaError(key="upload.too_large", params={"limit": MAX_WORKBOOK_BYTES // 2**20}).message(lang))
            uploads.append(Upload(item.filename, data))
    try:
        overlay, _ = activation.upload(session, me, uploads, note=str(form.get("note") or "") or None)
    except ChuanxaError as exc:
        return _list_page(request, session, status=422, error="\n".join(e.message(lang) for e in exc.related or [exc]))
    return committed(session, RedirectResponse(f"/admin/rulesets/{overlay.id}", status_code=303))


@router.get("/admin/rulesets/{overlay_id}", response_class=HTMLResponse)
def overlay_page(request: Request, session: DB, user: WebUser, overlay_id: int) -> Response:
    """An overlay: cases, diff, activations; with `province` and `year`, the communes whose verdict would change."""
    me = _admin(user)
    return _overlay_page(request, session, me, overlay_id)


def _overlay_page(request: Request, session: Any, me: User, overlay_id: int, *, error: str | None = None, status: int = 200,
                  done: list[dict[str, Any]] | None = None) -> Response:
    lang = lang_of(request)
    overlay = activation.get_overlay(session, overlay_id)
    query = request.query_params
    province, year_text, date_text = query.get("province") or "", (query.get("year") or "").strip(), (query.get("effective_from") or "").strip()
    impact = None
    if province and year_text:
        try:
            impact = activation.impact(session, me, overlay, province, _year(year_text, lang), _date(date_text, lang) if date_text else None)
        except ChuanxaError as exc:
            error, status = exc.message(lang), getattr(exc, "status", 422)
    total, failed = activation.cases_count(overlay)
    return page(request, "ruleset_overlay.html.j2", status=status, overlay=overlay, cases_total=total, cases_failed=failed,
                changes=activation.changes(overlay), effective=activation.effective_of(overlay),
                activations=[a for a in activation.activations(session) if a.overlay_id == overlay.id], provinces=_provinces(session),
                impact=impact, chosen={"province": province, "year": year_text, "effective_from": date_text}, error=error, done=done,
                done_flips=sum(1 for r in done or [] if r["verdict_before"] != r["verdict_after"]), shown=lambda value: value_words(value, lang), where=lambda path: path_words(path, lang),
                verdict_word=lambda v: verdict_word(v, lang), state_word=lambda s: state_word(s, lang))


@router.post("/admin/rulesets/{overlay_id}/activate", response_class=HTMLResponse)
def overlay_activate(request: Request, session: DB, user: WebUser, overlay_id: int, form: Posted) -> Response:
    me = _admin(user)
    lang = lang_of(request)
    overlay = activation.get_overlay(session, overlay_id)
    try:
        _, done = activation.activate(session, me, overlay, str(form.get("province") or ""), _date(str(form.get("effective_from") or ""), lang))
    except ChuanxaError as exc:
        return _overlay_page(request, session, me, overlay_id, error=exc.message(lang), status=getattr(exc, "status", 422))
    return committed(session, _overlay_page(request, session, me, overlay_id, done=done))


@router.post("/admin/rulesets/activations/{activation_id}/deactivate", response_class=HTMLResponse)
def activation_end(request: Request, session: DB, user: WebUser, activation_id: int) -> Response:
    me = _admin(user)
    lang = lang_of(request)
    record = activation.get_activation(session, activation_id)
    try:
        activation.deactivate(session, me, record)
    except ChuanxaError as exc:
        return _overlay_page(request, session, me, record.overlay_id, error=exc.message(lang), status=getattr(exc, "status", 422))
    return committed(session, RedirectResponse(f"/admin/rulesets/{record.overlay_id}", status_code=303))




def _year(text: str, lang: str) -> int:
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise Invalid(key="store.bad_request", params={"detail": "năm phải là một năm, ví dụ 2025" if lang == "vi" else "the year must be a year, e.g. 2025"})
    return int(text)


def _date(text: str, lang: str) -> dt.date:
    from chuanxa.communes.values import parse_date

    try:
        return parse_date(text.strip())
    except (TypeError, ValueError):
        raise Invalid(key="store.bad_request", params={"detail": f"ngày '{text}' (ví dụ 01/01/2025)" if lang == "vi" else f"the date '{text}' (e.g. 2025-01-01)"}) from None
