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
from urllib.parse import quote
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from chuanxa.errors import ChuanxaError
from chuanxa.messages import Lang
from chuanxa.server import routes_store
from chuanxa.server.auth import DB
from chuanxa.store import access, importer, users
from chuanxa.reports.collation import vietnamese_key
from chuanxa.store.errors import StoreError, forbidden, not_found
from chuanxa.store.models import AuditEvent, Commune, Province, Role, User

from .render import lang_of, page
from .site import ROLE_WORDS, WebUser, committed, need
from .posted import Posted
from .uploads import MAX_BYTES, read_bytes

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
def import_form(request: Request, session: DB, user: WebUser) -> Response:
    me = need(user)
    _may_import(me)
    return page(request, "import.html.j2", plan=None, error=None, year="", token=None)


@router.post("/import", response_class=HTMLResponse)
def import_dry_run(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    """The dry run: what each row would create or change, and each rejected row with its reasons."""
    me = need(user)
    _may_import(me)
    lang = lang_of(request)
    upload, year_text = form.get("file"), str(form.get("year") or "").strip()
    if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
        return page(request, "import.html.j2", status=422, plan=None, error="Năm đánh giá phải là một năm, ví dụ 2025." if lang == "vi" else "The year must be a year, e.g. 2025.",
                    year=year_text, token=None)
    suffix = Path(upload.filename or "").suffix.lower() if isinstance(upload, UploadFile) else ""
    if not isinstance(upload, UploadFile) or suffix not in SUFFIXES:
        return page(request, "import.html.j2", status=422, plan=None, error=ChuanxaError(key="data.bad_format", params={"suffix": suffix or "?"}).message(lang),
                    year=year_text, token=None)
    content = read_bytes(upload, MAX_BYTES + 1)
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
def import_confirm(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    me = need(user)
    _may_import(me)
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
    rejected = plan.rejected_json()  # each problem worded (`message_vi`, `message_en`)
    lines: list[tuple[int, str, Any]] = [(r.row, "row", r) for r in plan.rows] + [(r["row"] or 0, "rejected", r) for r in rejected]
    return [(kind, item) for _, kind, item in sorted(lines, key=lambda line: (line[0], line[1]))]


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, session: DB, user: WebUser) -> Response:
    return _users(request, session, need(user), None)


def _units(session: DB) -> dict[str, Any]:
    """The provinces, and the communes grouped by province (for the scope fields)."""
    provinces = list(session.scalars(select(Province).order_by(Province.name)))
    by_province: dict[str, list[Commune]] = {}
    for commune in session.scalars(select(Commune)):
        by_province.setdefault(commune.province_code, []).append(commune)
    grouped = [(p, sorted(by_province.get(p.code, []), key=lambda c: vietnamese_key(c.name))) for p in provinces]
    return {"provinces": provinces, "grouped": [(p, members) for p, members in grouped if members],
            "commune_names": {c.code: c.name for _, members in grouped for c in members}}


def _roles(lang: str) -> list[tuple[str, str]]:
    return [(r.value, ROLE_WORDS[r.value][lang]) for r in Role]


def _users(request: Request, session: DB, me: User, error: str | None, status: int = 200, entered: dict[str, Any] | None = None) -> Response:
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    everyone = list(session.scalars(select(User).order_by(User.login)))
    return page(request, "users.html.j2", status=status, users=everyone, error=error, roles=_roles(lang_of(request)),
                entered=entered or {"role": Role.COMMUNE.value, "communes": []}, **_units(session))


def _scope_form(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in ("login", "name", "password", "role", "province", "commune")}
    values["communes"] = [str(c).strip() for c in form.getlist("communes") if str(c).strip()][:5000]
    return values


@router.post("/admin/users", response_class=HTMLResponse)
def user_add(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    me = need(user)
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    values = _scope_form(form)
    parts = _ROLE_PARTS.get(values["role"], ())
    if not re.fullmatch(r"[A-Za-z0-9._@-]{1,100}", values["login"]):  # a login is part of the user's page address
        words = ("Tên đăng nhập chỉ gồm chữ không dấu, chữ số và . _ @ - (không dấu cách)." if lang_of(request) == "vi"
                 else "A login has only letters without diacritics, digits and . _ @ - (no spaces).")
        return _users(request, session, me, words, status=422, entered=values | {"password": ""})
    try:
        with session.begin_nested():  # a refusal leaves nothing behind
            added = users.add_user(session, values["login"][:100], values["password"], values["role"],
                                   province=values["province"] if "province" in parts else None,
                                   commune=values["commune"] if "commune" in parts else None,
                                   communes=values["communes"] if "communes" in parts else None, name=values["name"][:200])
    except StoreError as exc:
        return _users(request, session, me, _scope_error(exc, lang_of(request)), status=exc.status, entered=values | {"password": ""})
    users.audit(session, "user.added", user=me, target=added.login, detail={"after": users.scope_of(added)})
    return committed(session, RedirectResponse("/admin/users", status_code=303))


#: Which scope fields of the form a role uses (the others are ignored, never stored).
_ROLE_PARTS = {"admin": (), "province": ("province",), "appraiser": ("province", "communes"), "commune": ("commune",), "viewer": ("province",)}


def _target(session: DB, login: str) -> User:
    found = session.scalars(select(User).where(User.login == login)).first()
    if found is None:
        raise not_found("user", login)
    return found


@router.get("/admin/users/{login}", response_class=HTMLResponse)
def user_page(request: Request, session: DB, user: WebUser, login: str) -> Response:
    """One user: role and scope to edit, disable or enable, reset the password, and the audit log about them."""
    me = need(user)
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    done = request.query_params.get("done")
    return _user_page(request, session, _target(session, login), None, done=done if done in ("scope", "disable", "enable", "reset") else None)


def _user_page(request: Request, session: DB, target: User, error: str | None, status: int = 200, done: str | None = None,
               entered: dict[str, Any] | None = None) -> Response:
    events = list(session.scalars(select(AuditEvent).where((AuditEvent.target == target.login) | (AuditEvent.user_id == target.id))
                                  .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(30)))
    shown = entered or {"name": target.name, "role": target.role, "province": target.province_code or "", "commune": target.commune_code or "",
                        "communes": list(target.communes or [])}
    lang = lang_of(request)
    events_shown = [(e, AUDIT_WORDS.get(e.action, (e.action, e.action))[0 if lang == "vi" else 1], _detail_words(e.detail or {})) for e in events]
    return page(request, "user.html.j2", status=status, target=target, entered=shown, error=error, done=done, events=events_shown,
                roles=_roles(lang_of(request)), **_units(session))


#: Audit actions in words (the stored code is shown beside them).
AUDIT_WORDS = {"user.added": ("thêm tài khoản", "account added"), "user.changed": ("sửa tài khoản", "account changed"),
               "user.password": ("tự đổi mật khẩu", "own password changed"), "signin.ok": ("đăng nhập", "signed in"),
               "signin.failed": ("đăng nhập sai", "sign-in failed"), "signin.blocked": ("tạm khoá đăng nhập", "sign-in blocked"),
               "denied": ("bị từ chối", "refused"), "token.created": ("tạo mã truy cập", "token created"), "token.revoked": ("thu hồi mã truy cập", "token revoked")}


def _scope_error(exc: StoreError, lang: Lang) -> str:
    """A refused scope in the words of this page: the role by its name, without the command line's option names."""
    if exc.key != "store.bad_scope":
        return exc.message(lang)
    role = str(exc.params.get("role", ""))
    params = exc.params | {"role": ROLE_WORDS.get(role, {}).get(lang, role)}
    params |= {k: re.sub(r" \(--[a-z]+\)", "", str(v)) for k, v in exc.params.items() if k in ("needs", "needs_vi")}
    return StoreError(key=exc.key, params=params).message(lang)


def _detail_words(detail: dict[str, Any]) -> str:
    """An audit entry's detail on one line: a scope as "appraiser · thanh-hoa · 16024, 16030", never a password."""
    def scope(value: Any) -> str:
        if not isinstance(value, dict):
            return str(value)
        parts = [value.get("role"), value.get("province"), value.get("commune"), ", ".join(value.get("communes") or [])]
        return " · ".join(str(p) for p in parts if p)
    return "; ".join(f"{key}: {scope(value)}" for key, value in detail.items() if key != "password")


@router.post("/admin/users/{login}", response_class=HTMLResponse)
def user_change(request: Request, session: DB, user: WebUser, login: str, form: Posted) -> Response:
    """Change a user's role and scope, disable or enable them, or reset their password (each audited)."""
    me = need(user)
    if not access.can_manage_users(me):
        raise forbidden("manage_users")
    lang = lang_of(request)
    target = _target(session, login)
    action = str(form.get("action") or "")
    values = _scope_form(form)
    detail: dict[str, Any] = {"action": action}
    try:
        with session.begin_nested():  # a refusal leaves nothing behind
            if action in ("disable", "enable"):
                users.set_disabled(session, target, action == "disable")
            elif action == "reset":
                users.set_password(session, target, str(form.get("password") or ""))
                detail["sessions_ended"] = users.end_sessions(session, target, keep=getattr(request.state, "session_token", None) if target.id == me.id else None)
            elif action == "scope":
                before = users.change_scope(session, target, values["role"], province=values["province"] or None, commune=values["commune"] or None,
                                            communes=values["communes"])
                if values["name"][:200] != target.name:
                    detail["name"] = {"before": target.name, "after": values["name"][:200]}
                    target.name = values["name"][:200]
                detail |= {"before": before, "after": users.scope_of(target)}
            else:
                raise StoreError(key="store.bad_request", params={"detail": f"action {action[:40]!r}"})
    except StoreError as exc:
        return _user_page(request, session, _target(session, login), _scope_error(exc, lang), status=exc.status,
                          entered=values if action == "scope" else None)
    users.audit(session, "user.changed", user=me, target=login, detail=detail)
    back = "/admin/users" if str(form.get("back") or "") == "list" else f"/admin/users/{quote(login)}?done={action}"
    return committed(session, RedirectResponse(back, status_code=303))


__all__ = ["router", "routes_store"]
