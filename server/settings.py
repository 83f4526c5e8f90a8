"""Server settings: limits, cookie names, sign-in rate limits (defaults suit a provincial intranet)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Settings:
    max_json_bytes: int = 1_000_000  # a commune document or a save is a few KB; a province's JSON well under 1 MB
    max_upload_bytes: int = 20_000_000  # a province workbook
    session_cookie: str = "chuanxa_session"
    csrf_header: str = "X-CSRF-Token"
    csrf_field: str = "csrf_token"
    cookie_secure: bool = False  # True behind HTTPS
    session_hours: float = 12.0
    signin_attempts: int = 5  # failed sign-ins allowed per login and per address …
    signin_window_seconds: int = 300  # … within this window, then 429 until it passes
    docs: bool = True  # the OpenAPI docs page at /api/docs
    warm_up: bool = False  # once started, compute in the background what the first requests would wait for (`chuanxa serve`)
