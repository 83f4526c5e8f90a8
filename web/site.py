"""The web application on the store's server: `register(app)` adds the pages, and this module holds what
every stored page shares — the signed-in user, role-aware navigation, HTML error pages — and the pages for
signing in and out and changing one's password.

Sessions, CSRF and the rules of who may do what are the store's (`chuanxa.server.auth`,
`chuanxa.store.access`): a page calls them and never decides access itself. The sign-in form, posted before
there is a session, carries the web package's own CSRF token (`chuanxa.web.csrf`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from chuanxa.errors import ChuanxaError
from chuanxa.messages import render
from chuanxa.server import auth
from chuanxa.server.auth import DB
from chuanxa.store import users
from chuanxa.store.errors import StoreError, TooMany, Unauthenticated
from chuanxa.store.models import Role, User

from . import csrf
from .posted import Posted
from .render import HOOKS, compile_templates, environment, lang_of, page

router = APIRouter(include_in_schema=False)


def web_user(request: Request, user: Annotated[User | None, Depends(auth.optional_user)]) -> User | None:
    """The signed-in user (the store checks the session and, on a post, its CSRF token), kept for the templates."""
    request.state.web_user = user
    # plain copies for the templates: an error page is drawn after the request's database session rolled back
    request.state.web_csrf = auth.csrf_token(request)
    request.state.web_person = _person(user, lang_of(request)) if user is not None else None
    return user


WebUser = Annotated["User | None", Depends(web_user)]


class SignInNeeded(Exception):
    """Raised by `need` when nobody is signed in: the page answers with a redirect to the sign-in form."""


def committed(session: Any, response: Response) -> Response:
    """Commit before answering: the store's session dependency commits only after the response is sent, and the
    page a redirect leads to must already see what this request saved."""
    session.commit()
    return response


def need(user: User | None) -> User:
    if user is None:
        raise SignInNeeded()
    return user


ROLE_NAV: dict[str, list[tuple[str, str]]] = {
    Role.ADMIN.value: [("/province", "overview"), ("/import", "import"), ("/targets", "plan"), ("/whatif", "whatif"), ("/rulesets", "rulesets"),
                       ("/admin/users", "users"), ("/admin/rulesets", "ruleset_overlays")],
    Role.PROVINCE.value: [("/province", "overview"), ("/import", "import"), ("/targets", "plan"), ("/whatif", "whatif"), ("/rulesets", "rulesets")],
    Role.APPRAISER.value: [("/province", "overview"), ("/whatif", "whatif"), ("/rulesets", "rulesets")],
    Role.COMMUNE.value: [("/province", "overview"), ("/whatif", "whatif"), ("/rulesets", "rulesets")],
    Role.VIEWER.value: [("/province", "overview"), ("/rulesets", "rulesets")],
}


def nav_items(user: Any) -> list[tuple[str, str]]:
    if user is None:
        return [("/signin", "sign_in")]  # every other page of the store asks to sign in first
    return ROLE_NAV.get(user.role, [])


def _person(user: User, lang: str) -> SimpleNamespace:
    role = ROLE_WORDS.get(user.role, {}).get(lang, user.role)
    shown = f"{user.name} ({user.login})" if user.name and user.name != role else f"{user.login} ({role})"
    return SimpleNamespace(display=shown, role=user.role, login=user.login)


def _template_user(request: Request) -> Any:
    return getattr(request.state, "web_person", None)


ROLE_WORDS = {"admin": {"vi": "quản trị", "en": "admin"}, "province": {"vi": "Sở Y tế", "en": "provincial officer"},
              "appraiser": {"vi": "thẩm định", "en": "appraiser"}, "commune": {"vi": "trạm y tế xã", "en": "commune staff"},
              "viewer": {"vi": "xem", "en": "viewer"}}


def _template_nav(user: Any) -> list[tuple[str, str]]:
    return nav_items(user)


def _csrf_for_templates(request: Request) -> str:
    return getattr(request.state, "web_csrf", None) or csrf.token_for(request)


def safe_next(target: str | None) -> str:
    """Only a path on this server (never `//host` or a full address) may be the page to go to after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/province"
    return target


def signin_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, user: WebUser) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return page(request, "signin.html.j2", error=None, login="", next=safe_next(request.query_params.get("next")))


@router.post("/signin", response_class=HTMLResponse)
def signin_submit(request: Request, session: DB, form: Posted) -> Response:
    login, password, target = str(form.get("login") or ""), str(form.get("password") or ""), safe_next(str(form.get("next") or ""))
    lang = lang_of(request)
    if not csrf.form_is_valid(request, form):
        return page(request, "signin.html.j2", status=403, error=render("store.csrf", lang, {}), login=login, next=target)
    try:
        found = auth.sign_in(request, session, login[:100], password[:200])
    except (Unauthenticated, TooMany) as exc:
        return page(request, "signin.html.j2", status=exc.status, error=render(exc.key, lang, exc.params), login=login, next=target)
    response = RedirectResponse(target, status_code=303)
    auth.start_session(request, response, session, found)
    return committed(session, response)


@router.post("/signout")
def signout(request: Request, session: DB, user: WebUser) -> Response:
    response = RedirectResponse("/signin", status_code=303)
    if user is not None:
        auth.end_session(request, response, session)
    return committed(session, response)


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, user: WebUser) -> Response:
    need(user)
    return page(request, "password.html.j2", error=None, done=False)


@router.post("/account/password", response_class=HTMLResponse)
def password_change(request: Request, session: DB, user: WebUser, form: Posted) -> Response:
    me = need(user)
    lang = lang_of(request)
    current, new, again = (str(form.get(k) or "") for k in ("current", "new", "again"))
    if users.authenticate(session, me.login, current) is None:
        return page(request, "password.html.j2", status=422, error=render("store.bad_credentials", lang, {}), done=False)
    if new != again:
        return page(request, "password.html.j2", status=422, error="Hai lần nhập mật khẩu mới không giống nhau." if lang == "vi" else "The two new passwords differ.", done=False)
    try:
        users.set_password(session, me, new)
    except StoreError as exc:
        return page(request, "password.html.j2", status=422, error=render(exc.key, lang, exc.params), done=False)
    ended = users.end_sessions(session, me, keep=getattr(request.state, "session_token", None))  # other browsers sign in again
    users.audit(session, "user.password", user=me, target=me.login, detail={"sessions_ended": ended})
    return committed(session, page(request, "password.html.j2", error=None, done=True))


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/healthz"))


def _html_errors(app: FastAPI) -> None:
    """Pages answer errors with an HTML page in the user's language (the API keeps its problem details; a
    denial is still audited by the store's own handler, which runs first)."""
    api_chuanxa = app.exception_handlers.get(ChuanxaError)
    api_http = app.exception_handlers.get(StarletteHTTPException)

    async def on_chuanxa(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ChuanxaError)
        if not _is_page(request):
            return await api_chuanxa(request, exc)  # type: ignore[misc]
        if isinstance(exc, Unauthenticated):
            return signin_redirect(request)
        if api_chuanxa is not None and isinstance(exc, StoreError) and exc.status == 403:
            await api_chuanxa(request, exc)  # type: ignore[misc]  # the store audits the denial
        status = exc.status if isinstance(exc, StoreError) else 422
        return page(request, "error.html.j2", status=status, message=render(exc.key, lang_of(request), exc.params))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _is_page(request):
            return await api_http(request, exc)  # type: ignore[misc]
        return page(request, "error.html.j2", status=exc.status_code, message_key="not_found" if exc.status_code == 404 else "bad_request")

    async def on_signin(request: Request, exc: Exception) -> Response:
        return signin_redirect(request)

    app.add_exception_handler(ChuanxaError, on_chuanxa)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(SignInNeeded, on_signin)


def register(app: FastAPI) -> None:
    """Add the web application to the store's server (called by `chuanxa.server.create_app`)."""
    from fastapi.staticfiles import StaticFiles

    from . import admin, commune, downloads, province, rulesets_admin, tools

    app.state.chuanxa.warm_steps.append(("templates", compile_templates))
    HOOKS["user"] = _template_user
    HOOKS["csrf_token"] = _csrf_for_templates
    environment().globals["nav_items"] = _template_nav
    app.mount("/static", StaticFiles(directory=_static(), follow_symlink=True), name="static")
    signed_in = [Depends(web_user)]
    app.include_router(router)
    for module in (province, commune, downloads, admin, rulesets_admin):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(tools.router, include_in_schema=False, dependencies=signed_in + [Depends(_signed_in_only)])
    _html_errors(app)

    @app.get("/", include_in_schema=False)
    def home(request: Request, user: WebUser) -> Response:
        return RedirectResponse("/province" if user is not None else "/signin", status_code=303)


async def _signed_in_only(request: Request) -> None:
    need(getattr(request.state, "web_user", None))


def _static() -> str:
    from .app import static_folder

    return static_folder()


__all__ = ["WebUser", "committed", "need", "register", "router", "web_user"]
