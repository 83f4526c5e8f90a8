"""CSRF protection for form posts: a per-session random token in an HttpOnly cookie, repeated in every form
(hidden field `csrf_token`) or in the `X-CSRF-Token` header that htmx sends; compared in constant time.

Used by the stand-alone application of `chuanxa.web.app`; under the store's application, its session layer
provides the token instead (see `chuanxa.web.app.mount`).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

COOKIE = "chuanxa_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def token_for(request: Request) -> str:
    """The request's token (the cookie's, or a new one that the response must set)."""
    existing = request.cookies.get(COOKIE)
    if existing and len(existing) >= 32:
        return existing
    if not hasattr(request.state, "new_csrf"):
        request.state.new_csrf = secrets.token_urlsafe(32)
    return str(request.state.new_csrf)


async def is_valid(request: Request) -> bool:
    """Whether a state-changing request carries the token of its cookie."""
    return form_is_valid(request, await request.form() if request.headers.get(HEADER) is None else None)


def form_is_valid(request: Request, form: FormData | None) -> bool:
    """`is_valid` with the request's form already read (by a plain page, from `chuanxa.web.posted`)."""
    expected = request.cookies.get(COOKIE)
    if not expected:
        return False
    given = request.headers.get(HEADER)
    if given is None and form is not None:
        value = form.get(FIELD)
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
