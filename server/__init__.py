"""The HTTP API (FastAPI): `create_app(db_url)`; see docs/server.md for how the web application plugs in."""

from chuanxa.server.app import create_app

__all__ = ["create_app"]
