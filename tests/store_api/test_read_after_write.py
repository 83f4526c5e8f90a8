"""Read-after-write: when a client has the answer to a write, the write is committed. The request's transaction
must commit before the response starts, or a client (or another server process) reading right after could still
see the old data."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import func, select

from .conftest import YEAR, World


def _revisions(world: World) -> int:
    from chuanxa.store import db
    from chuanxa.store.models import Assessment, Revision

    with db.transaction(world.sessions, write=False) as session:  # a reader of its own, as another client would be
        query = select(func.count()).select_from(Revision).join(Assessment).where(Assessment.commune_code == world.commune,
                                                                                   Assessment.year == YEAR)
        return int(session.scalar(query) or 0)


def _call(app: Any, method: str, path: str, headers: dict[str, str], body: bytes, on_start: Any) -> tuple[int, bytes]:
    """One request straight through the ASGI interface; `on_start()` runs when the response starts (what a client
    sees first), and its value is kept."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http", "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"content-length", str(len(body)).encode())]}
    sent = False
    status = 0
    out = bytearray()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            on_start()
        elif message["type"] == "http.response.body":
            out.extend(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return status, bytes(out)


def test_a_saved_revision_is_committed_before_the_answer_starts(app: Any, client: Any, auth: Any, world: World) -> None:
    path = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    headers = auth("tinh")
    etag = client.get(path, headers=headers).headers["etag"]
    before = _revisions(world)
    seen: list[int] = []
    body = json.dumps({"values": {"full_immunisation_rate": 97.5}}).encode()
    status, answer = _call(app, "PUT", path, headers | {"If-Match": etag, "Content-Type": "application/json"}, body,
                           lambda: seen.append(_revisions(world)))
    assert status == 200, answer
    assert seen == [before + 1]  # another connection already sees the new revision when the response starts
    assert client.get(path, headers=headers).json()["values"]["full_immunisation_rate"] == 97.5


def test_a_refused_write_leaves_nothing_behind(app: Any, client: Any, auth: Any, world: World) -> None:
    path = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    before = _revisions(world)
    body = json.dumps({"values": {"full_immunisation_rate": 12}}).encode()
    status, _ = _call(app, "PUT", path, auth("xem") | {"If-Match": '"x"', "Content-Type": "application/json"}, body, lambda: None)
    assert status in (403, 404)
    assert _revisions(world) == before
