"""/api/docs works without internet: Swagger UI comes from the app itself (vendored, with its licence), under the
app's own CSP, and renders every operation in a real headless Chromium with no request leaving the server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_browser_support import Watcher, browser, needs_browser, serve

from chuanxa.server.middleware import CSP


@pytest.fixture(scope="module")
def docs_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from chuanxa.server import create_app
    from chuanxa.store import db

    engine = db.make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('docs')) / 'docs.db'}")
    yield create_app(engine=engine, extensions=[])
    engine.dispose()


def test_the_docs_page_and_its_assets_come_from_the_server_under_the_strict_csp(docs_app: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(docs_app) as client:
        page = client.get("/api/docs")
        assert page.status_code == 200 and page.headers["content-security-policy"] == CSP.decode()
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        assert not re.search(r"<script>|<script [^>]*>[^<]|style=|https?://", page.text)  # no inline code, nothing from outside
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/api/docs/assets/") for s in sources)
        for source in sources:
            assert client.get(source).status_code == 200, source
        licence = client.get("/api/docs/assets/LICENSE.txt")
        assert licence.status_code == 200 and "Apache License" in licence.text
        assert "/api/docs" not in client.get("/api/openapi.json").json()["paths"]


@needs_browser()
def test_chromium_renders_every_operation_of_the_docs_page_with_nothing_from_outside(docs_app: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(docs_app) as client:
        operations = {(method.upper(), path) for path, item in client.get("/api/openapi.json").json()["paths"].items() for method in item}
    with serve(docs_app) as base, browser() as chromium:
        page = chromium.new_page()
        watcher = Watcher(base)
        watcher.attach(page)
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: refused.append(str(error)))
        page.goto(f"{base}/api/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        shown = page.evaluate("""() => [...document.querySelectorAll('.opblock-summary')].map(s =>
            [s.querySelector('.opblock-summary-method').textContent, s.querySelector('.opblock-summary-path').textContent.replace(/\u200b/g, '')])""")
        assert {(method, path) for method, path in shown} == operations  # every operation (some under two tags)
        assert page.locator(".opblock-summary-path", has_text="/api/v1/communes/{code}/assessments/{year}").count() >= 2
        assert "chuanxa" in page.locator(".info .title").inner_text()
        page.locator(".opblock-summary", has_text="/api/v1/provinces/{code}/summary").first.click()
        page.wait_for_selector(".opblock.is-open .parameters", timeout=10_000)
        assert watcher.outside == []
        assert refused == []
