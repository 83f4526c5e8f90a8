"""Import (upload a workbook, see the dry run with rejected rows in place, confirm) and users (admin: add,
scope, disable, reset). The store plans and commits imports and keeps users; this module shows and asks.

Between the dry run and the confirmation the upload waits in a private folder under a name made of the
user's id and the file's SHA-256 (never a name the request gives); confirming plans it again inside the
committing transaction, so what is committed is what the data say at that moment.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from chuanxa.errors import ChuanxaError
from chuanxa.server import routes_store
from chuanxa.server.auth import DB
from chuanxa.store import access, importer, users
from chuanxa.store.errors import StoreError, forbidden
from chuanxa.store.models import Commune, Province, Role, User

from .render import lang_of, page
from .site import ROLE_WORDS, WebUser, committed, need
from .uploads import MAX_BYTES

router = APIRouter()
SUFFIXES = (".csv", ".xlsx", ".xlsm")
WAITING = Path(tempfile.gettempdir()) / "chuanxa-web-imports"


def _may_import(user: User) -> None:
    if user.role not in (Role.ADMIN.value, Role.PROVINCE.value):
        raise forbidden("import")


def _waiting(user: User, sha: str, suffix: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha) or suffix not in SUFFIXES:
        raise StoreError(key="store.bad_request", params={"detail": "import reference"})
    return WAITING / f"{user.id}-{sha}{suffix}"


@router.get("/import", response_class=HTMLResponse)
async def import_form(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    _may_import(me)
    return page(request, "import.html.j2", plan=None, error=None, year="", token=None)


@router.post("/import", response_class=HTMLResponse)
async def import_dry_run(request: Request, session: DB, user: WebUser) -> Response:
    """The dry run: what each row would create or change, and each rejected row with its reasons."""
    me = need(user)
    _may_import(me)
    lang = lang_of(request)
    form = await request.form()
    upload, year_text = form.get("file"), str(form.get("year") or "").strip()
    if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
        return page(request, "import.html.j2", status=422, plan=None, error="Năm đánh giá phải là một năm, ví dụ 2025." if lang == "vi" else "The year must be a year, e.g. 2025.",
                    year=year_text, token=None)
    suffix = Path(upload.filename or "").suffix.lower() if isinstance(upload, UploadFile) else ""
    if not isinstance(upload, UploadFile) or suffix not in SUFFIXES:
        return page(request, "import.html.j2", status=422, plan=None, error=ChuanxaError(key="data.bad_format", params={"suffix": suffix or "?"}).message(lang),
                    year=year_text, token=None)
    content = await upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return page(request, "import.html.j2", status=413, plan=None, error=ChuanxaError(key="upload.too_large", params={"limit": MAX_BYTES // 2**20}).message(lang),
                    year=year_text, token=None)
    sha = hashlib.sha256(content).hexdigest()
    WAITING.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _waiting(me, sha, suffix)
    path.write_bytes(content)
    name = Path(upload.filename or "upload").name
    try:
        plan = importer.plan_import(session, me, path, int(year_text), filename=name)
    except ChuanxaError as exc:
        path.unlink(missing_ok=True)
        return page(request, "import.html.j2", status=422, plan=None, error=exc.message(lang), year=year_text, token=None)
    return page(request, "import.html.j2", plan=plan, error=None, year=year_text, token={"sha": sha, "suffix": suffix, "name": name}, lines=_in_file_order(plan))


@router.post("/import/confirm", response_class=HTMLResponse)
async def import_confirm(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    _may_import(me)
    form = await request.form()
    path = _waiting(me, str(form.get("sha") or ""), str(form.get("suffix") or ""))
    year = int(str(form.get("year") or "0"))
    if not path.exists():
        return page(request, "import.html.j2", status=410, plan=None, error="Tệp đã hết hạn, hãy tải lên lại." if lang_of(request) == "vi" else "The upload expired; upload it again.",
                    year=str(year), token=None)
    plan = importer.plan_import(session, me, path, year, filename=str(form.get("name") or "upload")[:200])
    run = importer.commit_import(session, me, plan)
    response = committed(session, page(request, "import.html.j2", plan=plan, error=None, year=str(year), token=None, committed=run.id, lines=_in_file_order(plan)))
    path.unlink(missing_ok=True)  # only once the import is committed
    return response


def _in_file_order(plan: importer.ImportPlan) -> list[tuple[str, Any]]:
    """Accepted and rejected rows together, in the file's row order: a rejected row shows where it is."""
    lines: list[tuple[int, str, Any]] = [(r.row, "row", r) for r in plan.rows] + [(r.get("row") or 0, "rejected", r) for r in plan.rejected]
    return [(kind, item) for _, kind, item in sorted(lines, key=lambda line: (line[0], line[1]))]


@router.get("/admin/users", response_class=HTMLResponse)
async def users_page(request: Request, session: DB, user: WebUser) -> Response:
    return _users(request, session, need(user), None)


def _users(request: Request, session: DB, me: User, error: str | None, status: int = 200, done: str | None = None) -> Response:
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    everyone = list(session.scalars(select(User).order_by(User.login)))
    provinces = list(session.scalars(select(Province).order_by(Province.name)))
    communes = list(session.scalars(select(Commune).order_by(Commune.name)))
    lang = lang_of(request)
    return page(request, "users.html.j2", status=status, users=everyone, provinces=provinces, communes=communes, error=error, done=done,
                roles=[(r.value, ROLE_WORDS[r.value][lang]) for r in Role])


@router.post("/admin/users", response_class=HTMLResponse)
async def user_add(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    form = await request.form()
    lang = lang_of(request)
    values = {k: str(form.get(k) or "").strip() for k in ("login", "name", "password", "role", "province", "commune")}
    try:
        added = users.add_user(session, values["login"][:100], values["password"], values["role"], province=values["province"] or None,
                               commune=values["commune"] or None, name=values["name"][:200])
    except StoreError as exc:
        return _users(request, session, me, exc.message(lang), status=exc.status)
    users.audit(session, "user.added", user=me, target=added.login, detail={"role": added.role})
    return committed(session, RedirectResponse("/admin/users", status_code=303))


@router.post("/admin/users/{login}", response_class=HTMLResponse)
async def user_change(request: Request, session: DB, user: WebUser, login: str) -> Response:
    """Disable or enable a user, or reset their password (audited)."""
    me = need(user)
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    form = await request.form()
    lang = lang_of(request)
    target = session.scalars(select(User).where(User.login == login)).first()
    if target is None:
        return _users(request, session, me, "?", status=404)
    action = str(form.get("action") or "")
    try:
        if action in ("disable", "enable"):
            target.disabled = action == "disable"
        elif action == "reset":
            users.set_password(session, target, str(form.get("password") or ""))
        else:
            return _users(request, session, me, "?", status=400)
    except StoreError as exc:
        return _users(request, session, me, exc.message(lang), status=exc.status)
    users.audit(session, "user.changed", user=me, target=login, detail={"action": action})
    return committed(session, RedirectResponse("/admin/users", status_code=303))


__all__ = ["router", "routes_store"]
