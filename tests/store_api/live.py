"""A real `chuanxa serve --port 0` process (uvicorn on a port the system chooses, read from what the command prints),
for the concurrency and durability tests."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx


def served_url(process: subprocess.Popen[str], seconds: float = 120) -> str:
    """The address `chuanxa serve` prints once it accepts connections ('' if it ends or stays silent)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if process.poll() is not None:
                return ""
            continue
        found = re.search(r"(http://\S+?)/?\s", line)
        if found:
            return found.group(1)
    return ""


class LiveServer:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.base = ""
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> "LiveServer":
        env = dict(os.environ)
        self.process = subprocess.Popen([sys.executable, "-m", "chuanxa.cli.main", "serve", "--db", self.db_url, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.base = served_url(self.process)
        if not self.base:
            self.stop()
            raise RuntimeError("the server did not start")
        return self

    def kill(self) -> None:
        """kill -9: no clean shutdown at all."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def token(self, login: str, password: str) -> dict[str, str]:
        answer = httpx.post(self.base + "/api/v1/auth/token", data={"username": login, "password": password}, timeout=60)
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@contextlib.contextmanager
def in_thread(app: Any, seconds: float = 120) -> Iterator[str]:
    """`app` served by uvicorn on a port the system chooses, in a thread of this process (so that a test may hold a
    function it calls): the base address."""
    from chuanxa.server.running import Serving

    ready = threading.Event()
    serving = Serving(app, "127.0.0.1", 0, ready=lambda _url: ready.set())
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    if not ready.wait(seconds):
        raise RuntimeError("the server did not start")
    try:
        yield serving.url.rstrip("/")
    finally:
        serving.stop()
        thread.join(seconds)
