"""The API docs page at /api/docs: Swagger UI served by the app itself (vendored in `static/swagger-ui`, with its
licence), so that it works on an intranet without internet and under the app's CSP (no inline script or style)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/api/docs"
ASSETS_PATH = "/api/docs/assets"

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""


def assets_folder() -> str:
    """The vendored Swagger UI files and the page's own start script (links in a strict editable install, followed)."""
    return str(resources.files("chuanxa.server").joinpath("static", "swagger-ui"))


def register_docs(app: FastAPI, openapi_url: str) -> None:
    """Serve the docs page and its assets (left out of the OpenAPI document)."""
    page = PAGE.format(title=app.title, assets=ASSETS_PATH, openapi=openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(page)

    app.mount(ASSETS_PATH, StaticFiles(directory=assets_folder(), follow_symlink=True), name="api-docs-assets")
