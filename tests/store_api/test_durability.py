"""Durability: kill -9 of the server in the middle of an import; after a restart the import is whole or absent and
the database passes its integrity check."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from .conftest import PASSWORD, World
from .live import LiveServer

YEAR = 2025
ROWS = 3000  # imports are batched: 3,000 communes take seconds once the upload has arrived, so the kill lands inside


class _Upload:
    """The table file as httpx reads it for the upload, telling when its last byte has been handed to the socket."""

    def __init__(self, path: Path) -> None:
        self.handle, self.sent = path.open("rb"), threading.Event()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        if not chunk:
            self.sent.set()
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.handle.tell()


def _import_then_kill(server: LiveServer, table: Path, year: int) -> object:
    """Upload `table` for `year`, kill -9 the server just after the whole upload has been sent (the import runs then),
    and return what the client got: a status code, or the name of the connection error."""
    headers = server.token("admin", PASSWORD)
    upload, outcome = _Upload(table), {}

    def send() -> None:
        try:
            outcome["answer"] = httpx.post(f"{server.base}/api/v1/imports?year={year}&dry_run=false&create_units=true",
                                           files={"file": ("big.csv", upload)}, headers=headers, timeout=300).status_code  # type: ignore[dict-item]
        except httpx.HTTPError as exc:
            outcome["answer"] = type(exc).__name__

    sender = threading.Thread(target=send)
    sender.start()
    assert upload.sent.wait(timeout=120), "the upload was never sent"
    time.sleep(0.3)  # the server reads the rest of the body, then imports for seconds: the kill lands inside
    server.kill()
    sender.join(timeout=60)
    upload.handle.close()
    return outcome.get("answer")


def test_an_import_killed_half_way_is_whole_or_absent_after_a_restart(world: World, db_url: str, tmp_path: Path) -> None:
    from chuanxa.store import db
    from chuanxa.store.models import Assessment, ImportRun, Revision
    from chuanxa.store.sample import sample_table

    rows, year = ROWS, YEAR
    for attempt in range(3):  # on a much faster machine the import may still finish first: again with a larger table
        table = sample_table(rows, tmp_path / f"big-{attempt}.csv", first_code=800000)
        answer = _import_then_kill(LiveServer(db_url).start(), table, year)
        if answer != 200:
            break
        rows, year = rows * 3, year + 1
    assert answer != 200, "the import finished before the kill three times"

    restarted = LiveServer(db_url).start()
    try:
        assert httpx.get(restarted.base + "/healthz", timeout=10).json()["status"] == "ok"
    finally:
        restarted.stop()
    engine = db.make_engine(db_url)
    try:
        assert db.integrity_check(engine) == []
        with db.transaction(db.sessions(engine), write=False) as session:
            made = session.scalar(select(func.count()).select_from(Assessment).where(Assessment.year == year))
            revisions = session.scalar(select(func.count()).select_from(Revision).join(Assessment).where(Assessment.year == year))
            runs = session.scalar(select(func.count()).select_from(ImportRun).where(ImportRun.year == year))
        assert (made, revisions, runs) in ((0, 0, 0), (rows, rows, 1))
    finally:
        engine.dispose()
