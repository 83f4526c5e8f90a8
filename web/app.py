"""Putting the web pages together: static files, the CSRF check on every form post, security headers, and the
page routers. `mount(app)` adds the pages to an application (the store's server does this); `create_app()`
builds a stand-alone application with the pages that need no store (what-if, check, plan, rulesets)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from . import csrf
from .render import environment, page

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: Nothing is fetched from outside the server: scripts, styles, images and form targets are all 'self'.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
TOOL_NAV = [("/check", "check"), ("/whatif", "whatif"), ("/plan", "plan"), ("/rulesets", "rulesets")]


def nav_items(user: Any) -> list[tuple[str, str]]:
    """The main navigation for `user` (pages their role may open)."""
    return list(TOOL_NAV)


def static_folder() -> str:
    """The folder of the vendored static files. In the README's (strict) editable install its files are links
    into the source tree, so the mounts follow links (Starlette still refuses paths that leave the folder)."""
    return str(resources.files("chuanxa.web").joinpath("static"))


def mount(app: FastAPI, *, own_csrf: bool = True) -> FastAPI:
    """Add the web pages, their static files and (unless the host checks CSRF itself) the CSRF check to `app`."""
    from .tools import router as tools_router

    environment().globals["nav_items"] = nav_items
    app.mount("/static", StaticFiles(directory=static_folder(), follow_symlink=True), name="static")
    checks = [Depends(require_csrf)] if own_csrf else []
    app.include_router(tools_router, include_in_schema=False, dependencies=checks)
    return app


class CsrfRejected(HTTPException):
    pass


async def require_csrf(request: Request) -> None:
    """Every state-changing request carries the CSRF token (a dependency, so the form is read once and shared)."""
    if request.method not in SAFE_METHODS and not await csrf.is_valid(request):
        raise CsrfRejected(status_code=403)


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def create_app() -> FastAPI:
    """The stand-alone web application (no store): what-if, check and score, plan, rulesets."""
    app = FastAPI(title="chuanxa", docs_url=None, redoc_url=None, openapi_url=None)
    mount(app)
    app.middleware("http")(_security_headers)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> HTMLResponse:
        return page(request, "index.html.j2")

    @app.exception_handler(CsrfRejected)
    async def csrf_failed(request: Request, exc: Exception) -> Response:
        return page(request, "error.html.j2", status=403, message_key="csrf_failed")

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, "error.html.j2", status=404, message_key="not_found")

    return app


__all__ = ["CSP", "create_app", "mount", "nav_items"]
