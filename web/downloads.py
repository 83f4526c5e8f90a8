"""Score sheets and province-year summaries as PDF and XLSX, drawn by the reports package from results the
store recomputes. A file is rendered into a private temporary folder and sent; nothing is kept."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from chuanxa.reports.render import render_report
from chuanxa.server.auth import DB
from chuanxa.store import access, assessments, units
from chuanxa.store.errors import forbidden, not_found
from chuanxa.store.results import result_of

from .render import lang_of
from .site import WebUser, need

router = APIRouter()
MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _send(results: list[Any], fmt: str, name: str, lang: Any, **options: Any) -> Response:
    with tempfile.TemporaryDirectory(prefix="chuanxa-web-report-") as folder:
        path = render_report(results, fmt, Path(folder) / f"report.{fmt}", lang, **options)
        content = path.read_bytes()
    return Response(content, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/communes/{code}/{year}/report.{fmt}")
def commune_report(request: Request, session: DB, user: WebUser, code: str, year: int, fmt: str) -> Response:
    me = need(user)
    if fmt not in MEDIA:
        raise not_found("report", fmt)
    commune = units.commune(session, code)
    found = assessments.find(session, code, year)
    if found is None:
        raise not_found("commune", f"{code}/{year}")
    if not access.can_read(me, code, commune.province_code, found.state, me.province_code):
        raise forbidden("read")
    return _send([result_of(session, found)], fmt, f"bieu-cham-diem-{code}-{year}", lang_of(request))


@router.get("/province/{code}/{year}/report.{fmt}")
def province_report(request: Request, session: DB, user: WebUser, code: str, year: int, fmt: str) -> Response:
    """Every commune of the province-year the user may read, with the summary against the province's target."""
    me = need(user)
    if fmt not in MEDIA:
        raise not_found("report", fmt)
    share, _ = units.target_of(session, code, year)
    results = [result_of(session, a) for a in assessments.for_year(session, year, code)
               if access.can_read(me, a.commune_code, a.commune.province_code, a.state, me.province_code)]
    if not results:
        raise not_found("province", f"{code}/{year}")
    return _send(results, fmt, f"tong-hop-{code}-{year}", lang_of(request), target_share=share)


__all__ = ["router"]
