"""Running the server: uvicorn on a socket bound here, so that the address it listens on (port 0: a free port the
system chooses) is known, and is said once the server accepts connections."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import uvicorn


def url_of(host: str, port: int) -> str:
    """The address to open: `http://host:port/` (an IPv6 host in brackets)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class _Uvicorn(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._ready()


class Serving:
    """`app` on `host`:`port`. The socket is bound when this is made (`url` names the port actually bound); `run()`
    serves until `stop()` (or a signal, in the main thread), calling `ready(url)` once connections are accepted."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 8000, *, ready: Callable[[str], None] | None = None,
                 log_level: str = "warning") -> None:
        self.config = uvicorn.Config(app, host=host, port=port, log_level=log_level)
        self.socket = self.config.bind_socket()  # one socket, even for a name such as localhost
        self.url = url_of(host, int(self.socket.getsockname()[1]))
        self.server = _Uvicorn(self.config, lambda: ready(self.url) if ready is not None else None)

    @property
    def started(self) -> bool:
        return bool(self.server.started)

    def run(self) -> None:
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def stop(self) -> None:
        self.server.should_exit = True


__all__ = ["Serving", "url_of"]
