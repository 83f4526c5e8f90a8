"""What the browser tests share: Debian's headless Chromium driven by Playwright, a server on a free port of
127.0.0.1 started in a thread, axe-core injected from tests/vendor, screenshots and page timings written to
test-artifacts/web/ (not committed), and the demo store the web tests serve."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHUANXA_BROWSER"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def needs_browser() -> Any:
    """Skip (with the reason) when the system Chromium or Playwright for Python is missing; .ci/run installs both."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return pytest.mark.skip(reason="playwright (Python) is not installed: pip install -e '.[test]'")
    if chromium_path() is None:
        return pytest.mark.skip(reason="Debian's chromium is not installed: bash .ci/install-web-deps.sh")
    return pytest.mark.browser


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run `app` with uvicorn on 127.0.0.1 and a port the system chose; yield its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


class Watcher:
    """Records every request a page makes that is not to the test server (nothing may come from outside)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.outside: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("request", lambda request: None if request.url.startswith((self.base, "data:", "blob:")) else self.outside.append(request.url))


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of `impacts` on the current page (axe evaluated through DevTools, so the page's CSP stays on)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def timing(page: Any) -> dict[str, float]:
    """The navigation's timings in ms (first contentful paint when the browser reports it) and bytes transferred."""
    return page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const bytes = performance.getEntriesByType('resource').reduce((sum, r) => sum + (r.transferSize || r.encodedBodySize || 0), nav.transferSize || nav.encodedBodySize || 0);
      return {response_ms: nav.responseEnd - nav.startTime, dom_ms: nav.domContentLoadedEventEnd - nav.startTime,
              fcp_ms: paint ? paint.startTime : null, bytes: bytes};
    }""")


def record_timing(name: str, values: dict[str, float]) -> None:
    """Append a page's timings to test-artifacts/web/timings.json (a benchmark record, never an assertion)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "timings.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    known[name] = values
    path.write_text(json.dumps(known, indent=2, ensure_ascii=False))


def demo_store(folder: Path, password: str = "demo-chuanxa") -> Any:
    """A migrated SQLite store in `folder` holding the demo province and its users (`chuanxa serve --demo`'s data),
    signed in with `password`; the caller disposes of the engine."""
    from chuanxa.store import db, demo

    engine = db.make_engine(f"sqlite:///{folder / 'web.db'}")
    db.upgrade(engine)
    with db.transaction(db.sessions(engine)) as session:
        demo.load_demo(session, password)
    return engine
