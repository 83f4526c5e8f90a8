"""Warming a server up in the background once it starts: what its first requests would otherwise wait for (the
rulesets and their evaluators, the compiled page templates, FastAPI's preparation of its routes, the standings of the
newest years' assessments). Readiness is not delayed: the server answers from the start, and a request that comes
before the warm-up reached its part does that part itself. Everything warmed is a cache that any request fills
alike (the standings' cache is keyed by all a result is computed from), so warming changes no answer.

Turned on by `Settings(warm_up=True)` (`chuanxa serve` does); steps are added by `create_app` and by extensions
(`AppContext.warm_steps`). A failing step is logged and the next one runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("chuanxa.server")
Step = tuple[str, Callable[[], Any]]


class WarmUp:
    """Runs `steps` in order in a background thread; `done` is set when they have all run (or stopped)."""

    def __init__(self, steps: list[Step] | None = None) -> None:
        self.steps: list[Step] = list(steps or [])
        self.done = threading.Event()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="chuanxa-warm-up", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for name, step in self.steps:
                if self.stopping.is_set():
                    return
                try:
                    step()
                except Exception:  # a warm-up never takes the server down: the request that needs it will meet the error
                    logger.warning("warm-up step %r failed", name, exc_info=True)
        finally:
            self.done.set()

    def stop(self, timeout: float = 60) -> None:
        """Stop between steps (or between chunks of a long one) and wait for the thread."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)


def prepare_routes(app: Any) -> None:
    """Newer FastAPI versions prepare the routes of an included router (their parameters' validators) on the first
    request that passes through it, which costs the first page of the web application a tenth of a second or more."""
    from fastapi import routing

    walk = getattr(routing, "iter_route_contexts", None)  # absent from the versions that prepare routes when added
    if walk is not None:
        for _ in walk(app.router.routes):
            pass


__all__ = ["Step", "WarmUp", "prepare_routes"]
