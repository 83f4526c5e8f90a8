"""Pages and API routes that work on the database run in the thread pool, never on the event loop: while one user's
province page is being computed, other users are still answered. Proved by order, on a real uvicorn server over a
real SQLite or PostgreSQL store: the province computation is held (it waits for an event), a light request is sent,
and it must be answered before the held computation is let go."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, YEAR, World
from .live import in_thread

GUARD = 120  # seconds: only so that a blocked loop fails the test instead of hanging it


@pytest.fixture
def served(world: World) -> Iterator[str]:
    """The store's server (API and web pages) on a port the system chooses, in a thread of this process."""
    from chuanxa.server import create_app

    with in_thread(create_app(engine=world.engine, migrate=False), GUARD) as base:
        yield base


def _held(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """Make `module.name` wait, once entered, until released: (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    original: Callable[..., Any] = getattr(module, name)

    def holding(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(GUARD)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, holding)
    return entered, release


def _token(base: str) -> dict[str, str]:
    answer = httpx.post(base + "/api/v1/auth/token", data={"username": "tinh", "password": PASSWORD}, timeout=GUARD)
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _while_held(base: str, send: Callable[[], httpx.Response], entered: threading.Event, release: threading.Event) -> list[str]:
    """Send the held request in a thread; once its computation is entered, send light ones; then release it.
    Returns what happened, in order."""
    events: list[str] = []
    slow: dict[str, httpx.Response] = {}

    def slow_request() -> None:
        slow["answer"] = send()
        events.append("held page answered")

    thread = threading.Thread(target=slow_request)
    thread.start()
    try:
        assert entered.wait(GUARD), "the held computation was never reached"
        health = httpx.get(base + "/healthz", timeout=GUARD)
        signin = httpx.get(base + "/signin", timeout=GUARD)
        assert health.status_code == 200 and signin.status_code == 200
        events.append("light requests answered")
    finally:
        events.append("computation released")
        release.set()
        thread.join(GUARD)
    assert slow["answer"].status_code == 200, slow["answer"].text[:500]
    return events


def test_other_users_are_answered_while_a_province_overview_is_computed(served: str, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from chuanxa.server import routes_store

    entered, release = _held(monkeypatch, routes_store, "list_communes")
    headers = _token(served)
    events = _while_held(served, lambda: httpx.get(f"{served}/province?province={world.province}&year={YEAR}", headers=headers, timeout=GUARD),
                         entered, release)
    assert events == ["light requests answered", "computation released", "held page answered"]


def test_other_users_are_answered_while_province_targets_are_planned(served: str, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from chuanxa.store import province_plan

    entered, release = _held(monkeypatch, province_plan, "plan_province")
    headers = _token(served)
    form = {"province": world.province, "share": "50", "budget": "", "year": ""}
    events = _while_held(served, lambda: httpx.post(f"{served}/targets", data=form, files={"costs": ("", b"")}, headers=headers, timeout=GUARD),
                         entered, release)
    assert events == ["light requests answered", "computation released", "held page answered"]


def test_no_route_that_opens_the_database_runs_on_the_event_loop(world: World) -> None:
    """Every route whose dependencies include the database session is a plain function (FastAPI runs it in the
    thread pool); async routes are only those that need no database (stateless scoring, redirects)."""
    from fastapi.routing import APIRoute

    from chuanxa.server import create_app
    from chuanxa.server.auth import db_session

    def uses_database(dependant: Any) -> bool:
        return dependant.call is db_session or any(uses_database(d) for d in dependant.dependencies)

    def flat(routes: list[Any]) -> Iterator[Any]:  # included routers are kept whole by newer FastAPI versions
        for route in routes:
            yield from flat(route.original_router.routes) if hasattr(route, "original_router") else [route]

    app = create_app(engine=world.engine, migrate=False)
    routes = [r for r in flat(app.routes) if isinstance(r, APIRoute)]
    on_the_loop = [r.path for r in routes if uses_database(r.dependant) and inspect.iscoroutinefunction(r.endpoint)]
    assert len(routes) > 50 and any(uses_database(r.dependant) for r in routes)
    assert on_the_loop == []
