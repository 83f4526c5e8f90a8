"""Users, bearer tokens and browser sessions, and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanxa.store.errors import Conflict, Invalid, not_found
from chuanxa.store.models import ApiToken, AuditEvent, Commune, Province, Role, User, utcnow
from chuanxa.store.security import MIN_PASSWORD_LENGTH, hash_password, new_csrf, new_token, token_digest, verify_password

SESSION_HOURS = 12


def province_key(session: Session, given: str) -> str:
    """The stored province that `given` names: its key ("thanh-hoa") or its name as an officer types it ("Thanh Hóa")."""
    from chuanxa.store.units import province_code_for

    if session.get(Province, given) is not None:
        return given
    slug = province_code_for(given)
    return slug if session.get(Province, slug) is not None else given


def add_user(session: Session, login: str, password: str, role: str, *, province: str | None = None, commune: str | None = None,
             communes: list[str] | None = None, name: str = "") -> User:
    """Create a user; the scope must suit the role (a provincial officer needs a province, and so on)."""
    if session.scalars(select(User).where(User.login == login)).first() is not None:
        raise Conflict(key="store.user_exists", params={"login": login})
    check_password(password)
    province = province_key(session, province) if province else None
    user = User(login=login, name=name, password_hash=hash_password(password), role=role, province_code=province or None, commune_code=commune or None,
                communes=sorted({c for c in communes or [] if c}))
    check_scope(session, user)
    session.add(user)
    session.flush()
    return user


def scope_of(user: User) -> dict[str, Any]:
    """A user's role and scope as plain values (what the audit log keeps before and after a change)."""
    return {"role": user.role, "province": user.province_code, "commune": user.commune_code, "communes": list(user.communes or [])}


def change_scope(session: Session, user: User, role: str, *, province: str | None = None, commune: str | None = None,
                 communes: list[str] | None = None) -> dict[str, Any]:
    """Give an existing user another role and scope, checked as when adding one; a part the role does not use is
    cleared (a provincial officer keeps no commune list). The last enabled administrator keeps the role.
    Returns the scope before the change (for the audit log)."""
    before = scope_of(user)
    if user.role == Role.ADMIN.value and role != Role.ADMIN.value:
        keep_an_admin(session, user)
    uses = _SCOPE_PARTS.get(role, ())
    with session.no_autoflush:  # checked before anything reaches the database
        user.role = role
        user.province_code = province_key(session, province) if province and "province" in uses else None
        user.commune_code = commune if commune and "commune" in uses else None
        user.communes = sorted({c for c in communes or [] if c}) if "communes" in uses else []
        check_scope(session, user)
    return before


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    """Disable (sign-ins and tokens stop working at once) or enable a user; the last enabled administrator stays."""
    if disabled and user.role == Role.ADMIN.value and not user.disabled:
        keep_an_admin(session, user)
    user.disabled = disabled


def keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last enabled administrator (nobody could manage users any more)."""
    others = session.scalars(select(User.id).where(User.role == Role.ADMIN.value, User.disabled.is_(False), User.id != user.id)).first()
    if others is None:
        raise Conflict(key="store.last_admin", params={"login": user.login})


#: Which parts of a scope each role uses (a commune user's province follows the commune).
_SCOPE_PARTS: dict[str, tuple[str, ...]] = {
    Role.ADMIN.value: (), Role.PROVINCE.value: ("province",), Role.APPRAISER.value: ("province", "communes"),
    Role.COMMUNE.value: ("commune",), Role.VIEWER.value: ("province",),
}


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(key="store.weak_password", params={"min": MIN_PASSWORD_LENGTH})


_NEEDS = {
    Role.PROVINCE.value: ("một tỉnh (--province)", "a province (--province)"),
    Role.APPRAISER.value: ("một tỉnh hoặc danh sách xã", "a province or a list of communes"),
    Role.COMMUNE.value: ("một xã (--commune)", "a commune (--commune)"),
}


def check_scope(session: Session, user: User) -> None:
    """A role's scope is present and names units that exist; a commune user's province follows the commune."""
    if user.role not in {r.value for r in Role}:
        raise Invalid(key="store.bad_request", params={"detail": f"role {user.role!r} (admin, province, appraiser, commune, viewer)"})
    if user.province_code and session.get(Province, user.province_code) is None:
        raise not_found("province", user.province_code)
    for code in [user.commune_code, *(user.communes or [])]:
        if code and session.get(Commune, code) is None:
            raise not_found("commune", code)
    missing = ((user.role == Role.PROVINCE.value and not user.province_code) or (user.role == Role.COMMUNE.value and not user.commune_code)
               or (user.role == Role.APPRAISER.value and not (user.province_code or user.communes)))
    if missing:
        vi, en = _NEEDS[user.role]
        raise Invalid(key="store.bad_scope", params={"role": user.role, "needs": en, "needs_vi": vi})
    if user.role == Role.COMMUNE.value:
        user.province_code = session.get(Commune, user.commune_code).province_code  # type: ignore[union-attr]


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The enabled user with this login and password, else None (same work either way)."""
    user = session.scalars(select(User).where(User.login == login)).first()
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and not user.disabled else None


def set_password(session: Session, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)


def end_sessions(session: Session, user: User, *, keep: ApiToken | None = None) -> int:
    """Sign the user out of every browser (after a password reset or change; `keep` is the browser that changed
    its own password). Tokens for programs are left alone. Returns how many sessions ended."""
    live = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == "session", ApiToken.revoked_at.is_(None)))
    ended = [token for token in live if keep is None or token.id != keep.id]
    for token in ended:
        token.revoked_at = utcnow()
    return len(ended)


def create_token(session: Session, user: User, *, name: str = "", kind: str = "api", hours: float | None = None) -> tuple[str, ApiToken]:
    """A new token (returned once, in clear) for `user`: "api" for programs, "session" for a browser (with a
    CSRF secret and an expiry)."""
    plain = new_token()
    expires = utcnow() + dt.timedelta(hours=hours if hours is not None else SESSION_HOURS) if (kind == "session" or hours) else None
    token = ApiToken(user_id=user.id, name=name, token_hash=token_digest(plain), kind=kind, csrf=new_csrf() if kind == "session" else None,
                     expires_at=expires)
    session.add(token)
    session.flush()
    return plain, token


def token_user(session: Session, plain: str, kind: str) -> ApiToken | None:
    """The live token (not revoked, not expired, of this kind, its user enabled) for `plain`, else None."""
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_digest(plain), ApiToken.kind == kind)).first()
    if token is None or token.revoked_at is not None or token.user.disabled:
        return None
    if token.expires_at is not None and _aware(token.expires_at) < utcnow():
        return None
    return token


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes (stored as UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and user.role != Role.ADMIN.value):
        raise not_found("token", token_id)
    token.revoked_at = token.revoked_at or utcnow()
    return token


def tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == "api").order_by(ApiToken.id)))


def audit(session: Session, action: str, *, user: User | None = None, login: str | None = None, target: str | None = None,
          detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    """Record a sign-in, denial, workflow step, import, user or token change."""
    session.add(AuditEvent(action=action, user_id=user.id if user else None, login=login or (user.login if user else None), target=target,
                           detail=detail or {}, ip=ip))
