"""Who is asking: bearer tokens for programs, session cookies (HttpOnly, SameSite) with CSRF for browsers;
and the FastAPI dependencies that give routes the database session and the signed-in user.

For the web package: `current_user` / `optional_user` as dependencies, `csrf_token(request)` to put into forms,
`posted_csrf` (checked automatically for every unsafe request authenticated by the cookie: a form field
`csrf_token` or a header `X-CSRF-Token`), `start_session` / `end_session` to sign a browser in and out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from chuanxa.server.context import AppContext
from chuanxa.store import users
from chuanxa.store.errors import Forbidden, TooMany, Unauthenticated
from chuanxa.store.models import User
from chuanxa.store.security import same_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: POST routes that only compute (stateless scoring, planning over stored data): they must not take SQLite's write
#: lock, or every such request would queue behind the others. Route paths as declared (with their {parameters}).
READ_ONLY_POSTS = frozenset({"/api/v1/score", "/api/v1/simulate", "/api/v1/plan", "/api/v1/provinces/{code}/targets",
                             "/communes/{code}/{year}/whatif"})


def context(request: Request) -> AppContext:
    return request.app.state.chuanxa  # type: ignore[no-any-return]


def db_session(request: Request) -> Iterator[Session]:
    """One database transaction per request: committed when the route returns, rolled back on an error. `DB` gives
    it the "function" scope, so the commit happens before the response is sent: a client that has its answer reads
    what it wrote (with the default "request" scope the commit would follow the response)."""
    ctx = context(request)
    with ctx.sessions() as session, session.begin():
        route = getattr(request.scope.get("route"), "path", request.url.path)
        if request.method not in SAFE_METHODS and route not in READ_ONLY_POSTS:
            session.connection(execution_options={"chuanxa_write": True})
        yield session


DB = Annotated[Session, Depends(db_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def posted_csrf(request: Request) -> str | None:
    """The CSRF secret an unsafe request carries: header `X-CSRF-Token`, or form field `csrf_token` (starlette
    caches the parsed form, so the route's own Form(...) parameters still work). No database work here: this runs
    on the event loop."""
    if request.method in SAFE_METHODS:
        return None
    ctx = context(request)
    given = request.headers.get(ctx.settings.csrf_header)
    if not given and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(ctx.settings.csrf_field)
        given = value if isinstance(value, str) else None
    return given


def _authenticate(request: Request, session: Session, csrf: str | None) -> User | None:
    ctx = context(request)
    plain = _bearer(request)
    if plain is not None:
        token = users.token_user(session, plain, "api")
        if token is None:
            raise Unauthenticated(key="store.unauthenticated")
        request.state.auth = "bearer"
        return token.user
    cookie = request.cookies.get(ctx.settings.session_cookie)
    if not cookie:
        return None
    token = users.token_user(session, cookie, "session")
    if token is None:
        return None
    request.state.auth, request.state.session_token = "cookie", token
    if request.method not in SAFE_METHODS and not same_secret(csrf, token.csrf):
        raise Forbidden(key="store.csrf")
    return token.user


def optional_user(request: Request, session: DB, csrf: Annotated[str | None, Depends(posted_csrf)]) -> User | None:
    """The signed-in user, or None (an invalid bearer token is still refused with 401). A plain function, so that
    FastAPI runs it in its thread pool: database work never blocks the event loop."""
    user = _authenticate(request, session, csrf)
    request.state.actor = (user.id, user.login) if user is not None else None  # plain values, for the denial audit
    return user


def current_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in user; 401 otherwise."""
    if user is None:
        raise Unauthenticated(key="store.unauthenticated")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def computing_user(request: Request, csrf: Annotated[str | None, Depends(posted_csrf)]) -> User:
    """`current_user` for routes that need nothing else of the database (stateless scoring, rulesets): checked in a
    short read-only transaction of its own, in one trip to the thread pool instead of four (the session's opening
    and closing, `optional_user`, `current_user`), which cost as much as scoring a commune."""
    with context(request).sessions() as session, session.begin():
        user = _authenticate(request, session, csrf)
    request.state.actor = (user.id, user.login) if user is not None else None
    if user is None:
        raise Unauthenticated(key="store.unauthenticated")
    return user


ComputingUser = Annotated[User, Depends(computing_user)]


def csrf_token(request: Request) -> str | None:
    """The CSRF secret of the browser session of this request (for hidden form fields), if signed in by cookie."""
    token = getattr(request.state, "session_token", None)
    return token.csrf if token is not None else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def sign_in(request: Request, session: Session, login: str, password: str) -> User:
    """Check a login and password, rate-limited per login and per address; audited either way."""
    ctx = context(request)
    address = client_address(request)
    keys = (f"login:{login.lower()}", f"ip:{address}")
    wait = ctx.limiter.blocked_for(*keys)
    if wait:
        _audit_after(request, "signin.blocked", login, address)
        raise TooMany(key="store.rate_limited", params={"seconds": wait})
    user = users.authenticate(session, login, password)
    if user is None:
        ctx.limiter.failed(*keys)
        _audit_after(request, "signin.failed", login, address)
        raise Unauthenticated(key="store.bad_credentials")
    ctx.limiter.succeeded(keys[0])
    users.audit(session, "signin.ok", user=user, ip=address)
    return user


def _audit_after(request: Request, action: str, login: str, address: str) -> None:
    """Leave an audit event for the error handler: the request's transaction is rolled back with the error that
    follows, so the handler writes it in a transaction of its own (after the request's one has ended)."""
    request.state.audit_after_error = (action, login[:100].replace("\x00", ""), address)  # PostgreSQL text holds no NUL


def start_session(request: Request, response: Response, session: Session, user: User) -> str:
    """Open a browser session: sets the HttpOnly, SameSite=Lax session cookie; returns the CSRF secret."""
    ctx = context(request)
    plain, token = users.create_token(session, user, kind="session", hours=ctx.settings.session_hours)
    response.set_cookie(ctx.settings.session_cookie, plain, httponly=True, samesite="lax", secure=ctx.settings.cookie_secure, path="/",
                        max_age=int(ctx.settings.session_hours * 3600))
    request.state.session_token = token
    return token.csrf or ""


def end_session(request: Request, response: Response, session: Session) -> None:
    ctx = context(request)
    cookie = request.cookies.get(ctx.settings.session_cookie)
    if cookie:
        token = users.token_user(session, cookie, "session")
        if token is not None:
            users.revoke_token(session, token.user, token.id)
    response.delete_cookie(ctx.settings.session_cookie, path="/")
