"""Security headers, request size limits (plain ASGI middleware: the body is counted as it arrives) and paths that
can name nothing."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chuanxa.messages import Lang, render

#: No framing, no sniffing, no referrer leaks, and a CSP that allows only this server's own scripts and styles, on
#: every page including the API docs (Swagger UI is served by the app: `server/docs.py`).
SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}
CSP = b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", CSP))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses (413, problem details) a body above `max_json` bytes, or `max_upload` for multipart uploads,
    whether or not Content-Length tells the truth."""

    def __init__(self, app: ASGIApp, *, max_json: int, max_upload: int) -> None:
        self.app, self.max_json, self.max_upload = app, max_json, max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = self.max_upload if content_type.startswith("multipart/") or "spreadsheet" in content_type or "octet-stream" in content_type else self.max_json
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit, headers)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(send, limit, headers)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int, headers: dict[bytes, bytes]) -> None:
    lang: Lang = "en" if headers.get(b"accept-language", b"").lower().startswith(b"en") else "vi"
    params: dict[str, Any] = {"limit": limit}
    body = {"type": "https://chuanxa.invalid/problems/store.too_large", "title": "Content too large", "status": 413, "code": "store.too_large",
            "detail": render("store.too_large", lang, params), "detail_vi": render("store.too_large", "vi", params),
            "detail_en": render("store.too_large", "en", params), "errors": []}
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(data)).encode()),
                                                                      (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})


class PathValues:
    """Answers 404 (problem details) to a path holding a control character (a NUL, DEL…): no commune, user or
    ruleset is named so, and PostgreSQL cannot even compare text with a NUL (it raised an error, a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(ord(ch) < 32 or ord(ch) == 127 for ch in scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        from chuanxa.server.problems import http_problem_body

        headers = dict(scope.get("headers", []))
        lang: Lang = "en" if headers.get(b"accept-language", b"").lower().startswith(b"en") else "vi"
        data = json.dumps(http_problem_body(404, None, lang, scope.get("path", "").encode("unicode_escape").decode("ascii")), ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})
