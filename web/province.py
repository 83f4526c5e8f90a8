"""The province overview (every commune with its verdict, points, workflow state and trend; filters; counts
against the target with a chart; recognitions expiring soon) and province targets (which communes to bring
to standard at least cost or within a budget).

The rows, the summary and the access rules are the store's (`chuanxa.server.routes_store`, whose functions
the API serves too); this module only filters, orders and draws them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

import chuanxa
from chuanxa.communes.values import fold
from chuanxa.errors import ChuanxaError
from chuanxa.planning import CostModel
from chuanxa.reports.collation import vietnamese_key
from chuanxa.server import routes_store
from chuanxa.server.auth import DB
from chuanxa.store import access, assessments
from chuanxa.store.models import Assessment, Commune, CommuneClass
from chuanxa.store.results import standings

from .charts import target_bar
from .i18n import word
from .render import lang_of, page
from .site import WebUser, need
from .uploads import read_upload

router = APIRouter()
STATES = ("draft", "submitted", "returned", "appraised", "recognised", "not_recognised")
STATE_WORDS = {"draft": ("Nháp", "Draft"), "submitted": ("Đã gửi thẩm định", "Submitted"), "returned": ("Trả lại để sửa", "Returned for correction"),
               "appraised": ("Đã thẩm định", "Appraised"), "recognised": ("Đã công nhận", "Recognised"), "not_recognised": ("Không công nhận", "Not recognised"),
               None: ("Chưa có phiếu", "No assessment")}
VERDICTS = ("recognised", "not_recognised", "incomplete")
KINDS = {"xa": ("Xã", "Commune"), "phuong": ("Phường", "Ward"), "dac_khu": ("Đặc khu", "Special zone")}


def state_word(state: str | None, lang: str) -> str:
    vi, en = STATE_WORDS.get(state, (str(state), str(state)))
    return vi if lang == "vi" else en


def _years(session: Any, province: str) -> list[int]:
    query = select(Assessment.year).join(Commune, Commune.code == Assessment.commune_code).where(Commune.province_code == province).distinct()
    return sorted(session.scalars(query))


def _trend(session: Any, user: Any, province: str, years: list[int], year: int, rows: list[dict[str, Any]]) -> dict[str, list[float | None]]:
    """Each commune's total by year (None where there is no readable assessment); the shown year's from `rows`."""
    totals: dict[str, dict[int, float]] = {}
    for row in rows:
        if row.get("total") is not None:
            totals.setdefault(row["code"], {})[year] = row["total"]
    for other in years:
        if other == year:
            continue
        readable = [a for a in assessments.for_year(session, other, province)
                    if access.can_read(user, a.commune_code, a.commune.province_code, a.state, user.province_code)]
        found = standings(session, readable)  # all together, from the cache or column-wise
        for a in readable:
            if a.id in found:
                totals.setdefault(a.commune_code, {})[other] = found[a.id].total
    return {code: [by_year.get(y) for y in years] for code, by_year in totals.items()}


def _regions(session: Any, province: str, year: int) -> dict[str, str | None]:
    """The 1300 region of each commune of the province in `year` (one query)."""
    query = (select(CommuneClass.commune_code, CommuneClass.region).join(Commune, Commune.code == CommuneClass.commune_code)
             .where(Commune.province_code == province, CommuneClass.year == year))
    return {code: region for code, region in session.execute(query)}


def _trend_words(values: list[float | None]) -> str:
    shown = [f"{v:g}" for v in values if v is not None]
    if len(shown) < 2:
        return " → ".join(shown)
    first, last = next(v for v in values if v is not None), next(v for v in reversed(values) if v is not None)
    arrow = "↑" if last > first else "↓" if last < first else "="
    return " → ".join(shown) + f" {arrow}"


@router.get("/province", response_class=HTMLResponse)
async def overview(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    lang = lang_of(request)
    q = request.query_params
    provinces = routes_store.list_provinces(session, me)
    if not provinces:
        return page(request, "error.html.j2", status=403, message=word("none", lang))
    codes = [p.code for p in provinces]
    asked, own = q.get("province") or "", me.province_code or ""
    code: str = asked if asked in codes else own if own in codes else codes[0]
    years = _years(session, code)
    year = int(q["year"]) if q.get("year", "").isdigit() and int(q["year"]) in years else (years[-1] if years else dt.date.today().year)
    rows = routes_store.list_communes(session, me, year=year, province=code)
    regions = _regions(session, code, year)
    engine = chuanxa.compiled(None, as_of=year)
    for row in rows:  # a stored region is as the table wrote it ("Bắc Trung Bộ" or "bac_trung_bo"): filter and show by its id
        raw = regions.get(row["code"])
        row["region"] = engine.region_ids.get(fold(raw), raw) if raw else None
    trend = _trend(session, me, code, years, year, rows)
    chosen = {k: q.get(k) or "" for k in ("state", "verdict", "kind", "region", "sort")}
    shown = [r for r in rows if _matches(r, chosen)]
    shown = _sorted(shown, chosen["sort"])
    summary = routes_store.province_summary(session, me, code, year) if rows else None
    region_names = {r.id: (r.vi if lang == "vi" else r.en) for r in engine.ruleset.classification.regions}
    chart = ""
    if summary:
        chart = target_bar("Đạt chuẩn" if lang == "vi" else "Recognised", summary["recognised"], summary["communes"], summary["target_share"],
                           word("chart_target", lang))
    return page(request, "province.html.j2", provinces=provinces, code=code, years=years, year=year, rows=shown, total_rows=len(rows), trend=trend,
                trend_words={k: _trend_words(v) for k, v in trend.items()}, chosen=chosen, summary=summary, chart=chart, states=STATES, verdicts=VERDICTS,
                kinds=KINDS, region_names=region_names, names={r["code"]: r["name"] for r in rows}, state_word=lambda s: state_word(s, lang), today=dt.date.today(),
                verdict_word=lambda v: chuanxa_verdict_word(v, lang))


def chuanxa_verdict_word(verdict: str | None, lang: str) -> str:
    from chuanxa.outputs.labels import verdict_word

    return verdict_word(verdict, lang) if verdict else ("Chưa có kết quả" if lang == "vi" else "No result")  # type: ignore[arg-type]


def _matches(row: dict[str, Any], chosen: dict[str, str]) -> bool:
    if chosen["state"] and (row.get("state") or "none") != chosen["state"]:
        return False
    if chosen["verdict"] and row.get("verdict") != chosen["verdict"]:
        return False
    if chosen["kind"] and row.get("kind") != chosen["kind"]:
        return False
    return not (chosen["region"] and row.get("region") != chosen["region"])


def _sorted(rows: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    """Vietnamese alphabetical order of names by default; by total (highest first) or by state on request."""
    by_name = sorted(rows, key=lambda r: vietnamese_key(r["name"]))
    if how == "total":
        return sorted(by_name, key=lambda r: -float(r["total"]) if r.get("total") is not None else 1.0)
    if how == "state":
        return sorted(by_name, key=lambda r: STATES.index(r["state"]) if r.get("state") in STATES else len(STATES))
    return by_name


@router.get("/targets", response_class=HTMLResponse)
async def targets_form(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    provinces = routes_store.list_provinces(session, me)
    code = me.province_code or (provinces[0].code if provinces else "")
    return page(request, "targets.html.j2", provinces=provinces, code=code, plan=None, error=None, share="90", budget="", year="", costs_name="",
                years=_years(session, code) if code else [], asked_year="")


@router.post("/targets", response_class=HTMLResponse)
async def targets_run(request: Request, session: DB, user: WebUser) -> Response:
    """Which communes to bring to standard: the province's latest assessments, priced by an optional costs file."""
    me = need(user)
    form = await request.form()
    lang = lang_of(request)
    provinces = routes_store.list_provinces(session, me)
    code = str(form.get("province") or "")
    share, budget, costs = str(form.get("share") or "").strip(), str(form.get("budget") or "").strip(), form.get("costs")
    asked_year = str(form.get("year") or "")
    context: dict[str, Any] = {"provinces": provinces, "code": code, "share": share, "budget": budget, "year": "", "costs_name": "", "asked_year": asked_year,
                               "years": _years(session, code) if code in [p.code for p in provinces] else []}
    try:
        if code not in [p.code for p in provinces]:
            raise ChuanxaError(key="store.not_found", params={"what": "province", "what_vi": "tỉnh", "ref": code})
        years = _years(session, code)
        if not years:
            return page(request, "targets.html.j2", plan=None, error=word("none", lang), **context)
        year = int(asked_year) if asked_year.isdigit() and int(asked_year) in years else years[-1]  # the latest year unless one is chosen
        datas = []
        for a in assessments.for_year(session, year, code):
            if access.can_read(me, a.commune_code, a.commune.province_code, a.state, me.province_code):
                datas.append(assessments.commune_data(session, a.commune, year, assessments.revision(session, a)))
        model = await read_upload(costs, (".yaml", ".yml"), CostModel.load) if isinstance(costs, UploadFile) and costs.filename else None
        plan = chuanxa.plan_targets(datas, None, target_share=float(share.replace(",", ".")) / 100 if share else None,
                                    budget=float(budget.replace(",", ".")) if budget else None, costs=model)
    except ValueError:
        return page(request, "targets.html.j2", status=422, plan=None, error="Chỉ tiêu và ngân sách phải là số." if lang == "vi" else "Target and budget must be numbers.", **context)
    except ChuanxaError as exc:
        return page(request, "targets.html.j2", status=422, plan=None, error=exc.message(lang), **context)
    return page(request, "targets.html.j2", plan=plan, error=None, **(context | {"year": year, "costs_name": Path(getattr(costs, "filename", "") or "").name if model else ""}))


__all__ = ["router", "state_word"]
