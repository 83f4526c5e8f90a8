"""The province overview (every commune with its verdict, points, workflow state and trend; filters; counts
against the target with a chart; recognitions expiring soon) and province targets (which communes to bring
to standard at least cost or within a budget).

The rows, the summary, the trend's figures, the targets' plan and the access rules are the store's
(`chuanxa.server.routes_store`, whose functions the API serves too, and `chuanxa.store.province_plan`, which the
API's targets use); this module only filters, orders and draws them. Its pages are plain functions, run in the
thread pool: a province's figures take a while to compute the first time, and must not hold up other users.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import chuanxa
from chuanxa.communes.values import fold
from chuanxa.errors import ChuanxaError
from chuanxa.planning import CostModel
from chuanxa.reports.collation import vietnamese_key
from chuanxa.server import routes_store
from chuanxa.server.auth import DB
from chuanxa.store import assessments, province_plan, units

from .charts import target_bar
from .i18n import word
from .render import lang_of, page
from .site import WebUser, need
from .posted import Posted
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


def _trend(session: Any, user: Any, province: str, years: list[int], year: int, rows: list[dict[str, Any]]) -> dict[str, list[float | None]]:
    """Each commune's total by year (None where there is no readable assessment): the shown year's from `rows`, the
    others' from the store's list of the province's communes in that year (what the user may read)."""
    by_year = {year: rows} | {other: routes_store.list_communes(session, user, year=other, province=province) for other in years if other != year}
    totals: dict[str, dict[int, float]] = {}
    for when, listed in by_year.items():
        for row in listed:
            if row.get("total") is not None:
                totals.setdefault(row["code"], {})[when] = row["total"]
    return {code: [found.get(y) for y in years] for code, found in totals.items()}


def _trend_words(values: list[float | None]) -> str:
    shown = [f"{v:g}" for v in values if v is not None]
    if len(shown) < 2:
        return " → ".join(shown)
    first, last = next(v for v in values if v is not None), next(v for v in reversed(values) if v is not None)
    arrow = "↑" if last > first else "↓" if last < first else "="
    return " → ".join(shown) + f" {arrow}"


@router.get("/province", response_class=HTMLResponse)
def overview(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    lang = lang_of(request)
    q = request.query_params
    provinces = routes_store.list_provinces(session, me)
    if not provinces:
        return page(request, "error.html.j2", status=403, message=word("none", lang))
    codes = [p.code for p in provinces]
    asked, own = q.get("province") or "", me.province_code or ""
    code: str = asked if asked in codes else own if own in codes else codes[0]
    years = assessments.years(session, code)
    year = int(q["year"]) if q.get("year", "").isdigit() and int(q["year"]) in years else (years[-1] if years else dt.date.today().year)
    rows = routes_store.list_communes(session, me, year=year, province=code)
    classes = units.classifications(session, [row["code"] for row in rows], year)  # as scoring has them: the one in force in `year`
    engine = chuanxa.compiled(None, as_of=year)
    for row in rows:  # a stored region is as the table wrote it ("Bắc Trung Bộ" or "bac_trung_bo"): filter and show by its id
        raw = getattr(classes.get(row["code"]), "region", None)
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
def targets_form(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    provinces = routes_store.list_provinces(session, me)
    code = me.province_code or (provinces[0].code if provinces else "")
    return page(request, "targets.html.j2", provinces=provinces, code=code, plan=None, error=None, share="90", budget="", year="", costs_name="",
                years=assessments.years(session, code) if code else [], asked_year="")


@router.post("/targets", response_class=HTMLResponse)
def targets_run(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    """Which communes to bring to standard: the province's assessments of a year (the latest unless one is chosen), planned
    by the store as the API plans them (`chuanxa.store.province_plan`), priced by an optional costs file."""
    me = need(user)
    lang = lang_of(request)
    provinces = routes_store.list_provinces(session, me)
    code = str(form.get("province") or "")
    share, budget, costs = str(form.get("share") or "").strip(), str(form.get("budget") or "").strip(), form.get("costs")
    asked_year = str(form.get("year") or "")
    known = code in [p.code for p in provinces]
    years = assessments.years(session, code) if known else []
    context: dict[str, Any] = {"provinces": provinces, "code": code, "share": share, "budget": budget, "year": "", "costs_name": "", "asked_year": asked_year,
                               "years": years}
    try:
        if not known:
            raise ChuanxaError(key="store.not_found", params={"what": "province", "what_vi": "tỉnh", "ref": code})
        if not years:
            return page(request, "targets.html.j2", plan=None, error=word("none", lang), **context)
        year = int(asked_year) if asked_year.isdigit() and int(asked_year) in years else years[-1]
        model = read_upload(costs, (".yaml", ".yml"), CostModel.load) if isinstance(costs, UploadFile) and costs.filename else None
        answer = province_plan.plan_province(session, me, code, year, share=float(share.replace(",", ".")) / 100 if share else None,
                                             budget=float(budget.replace(",", ".")) if budget else None, costs=model,
                                             default_share=units.target_of(session, code, year)[0])
    except ValueError:
        return page(request, "targets.html.j2", status=422, plan=None, error="Chỉ tiêu và ngân sách phải là số." if lang == "vi" else "Target and budget must be numbers.", **context)
    except ChuanxaError as exc:
        return page(request, "targets.html.j2", status=422, plan=None, error=exc.message(lang), **context)
    return page(request, "targets.html.j2", plan=answer.plan, error=None,
                **(context | {"year": year, "costs_name": Path(getattr(costs, "filename", "") or "").name if model else ""}))

__all__ = ["router", "state_word"]
