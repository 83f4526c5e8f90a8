"""/api/v1 imports (dry run, commit), exports (template workbook), reports and the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Path as PathParam, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from chuanxa.server import schemas
from chuanxa.server.auth import DB, CurrentUser
from chuanxa.server.convert import audit_out
from chuanxa.store import access, importer
from chuanxa.store.errors import Invalid, forbidden, not_found
from chuanxa.store.models import AuditEvent, ImportRun, Province, Role

router = APIRouter(tags=["data"], responses=schemas.PROBLEMS)

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _suffix(name: str | None, head: bytes) -> str:
    """The table type: from the file name's suffix, or, for a name without one, from the content (an XLSX is a zip
    archive; anything else is read as CSV, and the reader says what is wrong with it)."""
    suffix = Path(name or "").suffix.lower()
    if not suffix:
        return ".xlsx" if head.startswith(b"PK\x03\x04") else ".csv"
    if suffix not in UPLOAD_SUFFIXES:
        raise Invalid(key="store.bad_request", params={"detail": f"file type {suffix} (expected .csv or .xlsx)"})
    return suffix


@router.post("/imports")
def import_table(session: DB, user: CurrentUser, file: Annotated[UploadFile, File(description="a CSV or XLSX table, one row per commune")],
                 year: Annotated[int, Query(ge=1990, le=2100)], dry_run: bool = True, ruleset: Annotated[str | None, Query(max_length=60)] = None,
                 create_units: bool = False) -> dict[str, Any]:
    """Import a table into `year`'s assessments. `dry_run=true` (default) shows what would be created or changed,
    per commune and per value, and the rejected rows; `dry_run=false` commits it in one transaction. The same
    file twice changes nothing the second time."""
    if user.role not in (Role.ADMIN.value, Role.PROVINCE.value):
        raise forbidden("import")
    content = file.file.read()
    suffix = _suffix(file.filename, content[:4])
    with tempfile.TemporaryDirectory(prefix="chuanxa-import-") as folder:
        path = Path(folder) / f"upload{suffix}"  # never a path the request names
        path.write_bytes(content)
        plan = importer.plan_import(session, user, path, year, ruleset=ruleset, filename=Path(file.filename or "upload").name, create_units=create_units)
    answer = plan.to_json() | {"dry_run": dry_run, "import_id": None}
    if not dry_run:
        answer["import_id"] = importer.commit_import(session, user, plan).id
    return answer


@router.get("/imports")
def list_imports(session: DB, user: CurrentUser, year: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> list[dict[str, Any]]:
    """Committed imports (admin: all; provincial officer: their own)."""
    if user.role not in (Role.ADMIN.value, Role.PROVINCE.value):
        raise forbidden("import")
    query = select(ImportRun).order_by(ImportRun.id)
    if year is not None:
        query = query.where(ImportRun.year == year)
    if user.role != Role.ADMIN.value:
        query = query.where(ImportRun.user_id == user.id)
    return [{"id": run.id, "year": run.year, "filename": run.filename, "sha256": run.sha256, "created_at": run.created_at.isoformat(),
             "counts": run.summary.get("counts", {}), "rejected": run.summary.get("rejected", [])} for run in session.scalars(query)]


@router.get("/provinces/{code}/export", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def export_province(session: DB, user: CurrentUser, code: Annotated[str, PathParam(min_length=1, max_length=16)], year: Annotated[int, Query(ge=1990, le=2100)],
                    lang: Annotated[str, Query(pattern="^(vi|en)$")] = "vi") -> Response:
    """The province-year as chuanxa's data-entry template workbook (what the caller may read), ready to re-import."""
    if session.get(Province, code) is None:
        raise not_found("province", code)
    if not access.can_export(user, code):
        raise forbidden("read")
    with tempfile.TemporaryDirectory(prefix="chuanxa-export-") as folder:
        path = Path(folder) / "export.xlsx"
        importer.export_workbook(session, user, code, year, path, lang=lang)
        data = path.read_bytes()
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="chuanxa-{code}-{year}.xlsx"'})


@router.get("/audit", response_model=list[schemas.AuditOut], tags=["users"])
def audit_log(session: DB, user: CurrentUser, action: Annotated[str | None, Query(max_length=40)] = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[schemas.AuditOut]:
    """Sign-ins, failed sign-ins, denials, workflow steps, imports, user and token changes, newest first (admin)."""
    if user.role != Role.ADMIN.value:
        raise forbidden("audit")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    return [audit_out(item) for item in session.scalars(query)]


REPORT_TYPES = {"xlsx": XLSX, "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
ReportFormat = Annotated[str, Query(pattern="^(xlsx|html|pdf)$")]


def _report(results_list: list[Any], fmt: str, lang: str, name: str, target_share: float | None = None) -> Response:
    """The CLI's `chuanxa report` document for `results_list` (PDF needs Chromium, as in the CLI)."""
    from chuanxa.reports.render import render_report

    with tempfile.TemporaryDirectory(prefix="chuanxa-report-") as folder:
        path = Path(folder) / f"report.{fmt}"
        render_report(results_list, fmt, path, "en" if lang == "en" else "vi", target_share=target_share)
        data = path.read_bytes()
    return Response(data, media_type=REPORT_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/communes/{code}/assessments/{year}/report", response_class=Response, tags=["reports"],
            responses={200: {"content": {XLSX: {}, "text/html": {}, "application/pdf": {}}}})
def commune_report(session: DB, user: CurrentUser, code: Annotated[str, PathParam(min_length=1, max_length=16)],
                   year: Annotated[int, PathParam(ge=1990, le=2100)], format: ReportFormat = "xlsx",
                   lang: Annotated[str, Query(pattern="^(vi|en)$")] = "vi") -> Response:
    """A commune's score sheet for the year (XLSX, HTML or PDF), from its current revision."""
    from chuanxa.server.routes_store import _readable_assessment
    from chuanxa.store.results import result_of

    assessment = _readable_assessment(session, user, code, year)
    return _report([result_of(session, assessment)], format, lang, f"chuanxa-{code}-{year}")


@router.get("/provinces/{code}/report", response_class=Response, tags=["reports"],
            responses={200: {"content": {XLSX: {}, "text/html": {}, "application/pdf": {}}}})
def province_report(session: DB, user: CurrentUser, code: Annotated[str, PathParam(min_length=1, max_length=16)],
                    year: Annotated[int, Query(ge=1990, le=2100)], format: ReportFormat = "xlsx",
                    lang: Annotated[str, Query(pattern="^(vi|en)$")] = "vi") -> Response:
    """A province-year summary with every readable commune's score sheet, counted against the province's target."""
    from chuanxa.store import assessments, units
    from chuanxa.store.results import result_of

    if session.get(Province, code) is None:
        raise not_found("province", code)
    readable = [a for a in assessments.for_year(session, year, code)
                if access.can_read(user, a.commune_code, a.commune.province_code, a.state, user.province_code)]
    if not readable:
        raise not_found("province", code)
    current = assessments.current_revisions(session, readable)
    return _report([result_of(session, a, current.get(a.id)) for a in readable], format, lang, f"chuanxa-{code}-{year}", units.target_of(session, code, year)[0])
