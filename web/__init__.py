"""The web application: server-rendered pages for commune and province health staff (Vietnamese first).

`register(app)` adds the pages to the store's server (`chuanxa serve`); `chuanxa.web.app.create_app()` is a
stand-alone application of the pages that need no store (what-if, check and score, plan, rulesets).
"""

from __future__ import annotations

from typing import Any


def register(app: Any) -> None:
    """Add the web application to the store's FastAPI server (needs `chuanxa[server]`)."""
    from .site import register as add_pages

    add_pages(app)


__all__ = ["register"]
