"""/api/v1/auth (tokens, browser sessions, password), /api/v1/tokens and /api/v1/users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from sqlalchemy import select

from chuanxa.server import schemas
from chuanxa.server.auth import DB, CurrentUser, end_session, sign_in, start_session
from chuanxa.server.convert import token_out, user_out
from chuanxa.store import access, users
from chuanxa.store.errors import Unauthenticated, forbidden, not_found
from chuanxa.store.models import User

router = APIRouter(tags=["auth"], responses=schemas.PROBLEMS)


@router.post("/auth/token", response_model=schemas.TokenOut)
def token(request: Request, session: DB, username: Annotated[str, Form(min_length=1, max_length=100)], password: Annotated[str, Form(min_length=1, max_length=200)]) -> schemas.TokenOut:
    """Exchange a user name and password for a bearer token (OAuth2 password form); sign-ins are rate-limited."""
    user = sign_in(request, session, username, password)
    plain, _ = users.create_token(session, user, name="password sign-in", hours=24 * 30)
    return schemas.TokenOut(access_token=plain)


@router.post("/auth/session", response_model=schemas.SessionOut)
def open_session(request: Request, response: Response, session: DB, username: Annotated[str, Form(min_length=1, max_length=100)],
                 password: Annotated[str, Form(min_length=1, max_length=200)]) -> schemas.SessionOut:
    """Sign a browser in: sets the HttpOnly, SameSite session cookie; returns the CSRF token for its forms."""
    user = sign_in(request, session, username, password)
    csrf = start_session(request, response, session, user)
    return schemas.SessionOut(user=user_out(user), csrf_token=csrf)


@router.delete("/auth/session", status_code=204)
def close_session(request: Request, response: Response, session: DB, user: CurrentUser) -> Response:
    """Sign the browser out (the session is revoked in the database, not only forgotten by the browser)."""
    end_session(request, response, session)
    response.status_code = 204
    return response


@router.get("/auth/me", response_model=schemas.UserOut)
def me(user: CurrentUser) -> schemas.UserOut:
    return user_out(user)


@router.post("/auth/password", status_code=204)
def change_password(request: Request, session: DB, user: CurrentUser, body: schemas.PasswordChange) -> Response:
    if users.authenticate(session, user.login, body.current) is None:
        raise Unauthenticated(key="store.bad_credentials")
    users.set_password(session, user, body.new)
    users.audit(session, "user.password", user=user, target=user.login)
    return Response(status_code=204)


@router.get("/tokens", response_model=list[schemas.ApiTokenOut])
def list_tokens(session: DB, user: CurrentUser) -> list[schemas.ApiTokenOut]:
    """The caller's bearer tokens for programs (never the secret itself)."""
    return [token_out(t) for t in users.tokens(session, user)]


@router.post("/tokens", response_model=schemas.ApiTokenOut, status_code=201, operation_id="createToken")
def create_token(session: DB, user: CurrentUser, body: schemas.ApiTokenIn) -> schemas.ApiTokenOut:
    """A new bearer token for a program; the secret is shown in this answer only."""
    plain, made = users.create_token(session, user, name=body.name)
    users.audit(session, "token.created", user=user, target=str(made.id))
    return token_out(made, plain)


@router.delete("/tokens/{token_id}", status_code=204, operation_id="revokeToken")
def revoke_token(session: DB, user: CurrentUser, token_id: Annotated[int, Path(ge=1, le=2_000_000_000)]) -> Response:
    users.revoke_token(session, user, token_id)
    users.audit(session, "token.revoked", user=user, target=str(token_id))
    return Response(status_code=204)


@router.get("/users", response_model=list[schemas.UserOut], tags=["users"])
def list_users(session: DB, user: CurrentUser) -> list[schemas.UserOut]:
    if not access.can_manage_users(user):
        raise forbidden("manage_users")
    return [user_out(u) for u in session.scalars(select(User).order_by(User.login))]


@router.post("/users", response_model=schemas.UserOut, status_code=201, tags=["users"], operation_id="addUser")
def add_user(session: DB, user: CurrentUser, body: schemas.UserIn) -> schemas.UserOut:
    if not access.can_manage_users(user):
        raise forbidden("manage_users")
    made = users.add_user(session, body.login, body.password, body.role, province=body.province, commune=body.commune, communes=body.communes,
                          name=body.name)
    users.audit(session, "user.added", user=user, target=made.login, detail={"role": made.role})
    return user_out(made)


@router.patch("/users/{login}", response_model=schemas.UserOut, tags=["users"], operation_id="changeUser")
def change_user(session: DB, user: CurrentUser, login: Annotated[str, Path(min_length=1, max_length=100)], body: schemas.UserPatch) -> schemas.UserOut:
    """Rename, disable or enable, reset the password of a user (which signs them out of every browser), or give
    them another role and scope (admin). The last enabled administrator stays one; a refusal changes nothing."""
    if not access.can_manage_users(user):
        raise forbidden("manage_users")
    target = session.scalars(select(User).where(User.login == login)).first()
    if target is None:
        raise not_found("user", login)
    detail: dict[str, Any] = body.model_dump(exclude={"password", "role", "province", "commune", "communes"}, exclude_none=True)
    with session.begin_nested():  # a refusal leaves nothing behind
        if body.role is not None or body.province is not None or body.commune is not None or body.communes is not None:
            # The scope sent replaces the old one as a whole; a new role alone keeps the old scope where the role uses it.
            sent = body.province is not None or body.commune is not None or body.communes is not None
            kept = users.scope_of(target)
            province, commune, communes = (body.province, body.commune, body.communes) if sent else (kept["province"], kept["commune"], kept["communes"])
            before = users.change_scope(session, target, body.role or target.role, province=province, commune=commune, communes=communes)
            detail["scope"] = {"before": before, "after": users.scope_of(target)}
        if body.name is not None:
            target.name = body.name
        if body.disabled is not None:
            users.set_disabled(session, target, body.disabled)
        if body.password is not None:
            users.set_password(session, target, body.password)
            detail["sessions_ended"] = users.end_sessions(session, target)
    users.audit(session, "user.changed", user=user, target=login, detail=detail)
    return user_out(target)
