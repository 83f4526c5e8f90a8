"""`chuanxa serve` warms up in the background once it listens: the server answers from the start (the warm-up
never delays readiness), and afterwards the newest year's standings and the page templates are ready, with the
same values a request computes."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from .conftest import YEAR, World
from .live import in_thread

GUARD = 120  # seconds: only so that a stuck warm-up fails the test instead of hanging it


def test_the_server_answers_while_it_warms_up_and_says_when_it_is_warm(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from chuanxa.server import create_app
    from chuanxa.server.settings import Settings
    from chuanxa.store import results

    entered, release = threading.Event(), threading.Event()
    original = results.warm_standings

    def held(*args: Any, **kwargs: Any) -> int:
        entered.set()
        release.wait(GUARD)
        return original(*args, **kwargs)

    monkeypatch.setattr(results, "warm_standings", held)
    app = create_app(engine=world.engine, migrate=False, settings=Settings(warm_up=True))
    with in_thread(app, GUARD) as base:
        assert entered.wait(GUARD)
        try:
            during = httpx.get(base + "/healthz", timeout=GUARD).json()
            page = httpx.get(base + "/signin", timeout=GUARD)
        finally:
            release.set()
        assert during == {"status": "ok", "warm": False} and page.status_code == 200
        assert app.state.chuanxa.warming.done.wait(GUARD)
        assert httpx.get(base + "/healthz", timeout=GUARD).json() == {"status": "ok", "warm": True}


def test_after_the_warm_up_the_newest_standings_and_every_template_are_ready_and_the_same_as_computed(world: World) -> None:
    from chuanxa.server import create_app
    from chuanxa.server.settings import Settings
    from chuanxa.store import assessments, results
    from chuanxa.web.render import environment

    results.clear_cache()
    environment().cache.clear()  # type: ignore[union-attr]
    app = create_app(engine=world.engine, migrate=False, settings=Settings(warm_up=True))
    with in_thread(app, GUARD):
        assert app.state.chuanxa.warming.done.wait(GUARD)
    warmed = results.cache_sizes()["standings"]
    with world.session() as session:
        found = assessments.for_year(session, YEAR)
        warm = results.standings(session, found)  # from the cache the warm-up filled
        assert results.cache_sizes()["standings"] == warmed  # nothing was missing
        results.clear_cache()
        computed = {a.id: results.Standing.of(results.result_of(session, a)) for a in found}
    assert warmed == len(found) == 15 and warm == computed
    env = environment()
    assert len(env.cache) >= len(env.list_templates(extensions=["j2"])) > 20  # type: ignore[arg-type]


def test_a_warm_up_step_that_fails_is_logged_and_the_next_ones_still_run(caplog: pytest.LogCaptureFixture) -> None:
    from chuanxa.server.warming import WarmUp

    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("no disk")

    warming = WarmUp([("first", lambda: ran.append("first")), ("broken", broken), ("last", lambda: ran.append("last"))])
    warming.start()
    assert warming.done.wait(GUARD)
    assert ran == ["first", "last"] and "warm-up step 'broken' failed" in caplog.text
