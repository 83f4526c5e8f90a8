"""What the app holds while it runs: the database engine and sessions, the settings, the sign-in limiter, the warm-up."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from threading import Lock

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from chuanxa.server.settings import Settings
from chuanxa.server.warming import Step, WarmUp


class SigninLimiter:
    """Counts failed sign-ins per key (login, address) in a sliding window; `blocked_for` says how long to wait."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def blocked_for(self, *keys: str) -> int:
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                times = self._failures[key]
                while times and now - times[0] > self.window:
                    times.popleft()
                if len(times) >= self.attempts:
                    waits.append(int(self.window - (now - times[0])) + 1)
            return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, login_key: str) -> None:
        with self._lock:
            self._failures.pop(login_key, None)


@dataclass(kw_only=True)
class AppContext:
    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    limiter: SigninLimiter = field(init=False)
    warm_steps: list[Step] = field(default_factory=list)  # run in the background once started (with `settings.warm_up`)
    warming: WarmUp | None = None

    def __post_init__(self) -> None:
        self.limiter = SigninLimiter(self.settings.signin_attempts, self.settings.signin_window_seconds)
