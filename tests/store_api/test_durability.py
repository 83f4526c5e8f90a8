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
ROWS = 3000  # imports are batched: 3,000 communes take a few seconds, so the kill at 2.5 s lands inside


def test_an_import_killed_half_way_is_whole_or_absent_after_a_restart(world: World, db_url: str, tmp_path: Path) -> None:
    from chuanxa.store import db
    from chuanxa.store.models import Assessment, ImportRun, Revision
    from chuanxa.store.sample import sample_table

    table = sample_table(ROWS, tmp_path / "big.csv", first_code=800000)
    server = LiveServer(db_url).start()
    headers = server.token("admin", PASSWORD)
    outcome: dict[str, object] = {}

    def send() -> None:
        try:
            with table.open("rb") as handle:
                outcome["answer"] = httpx.post(f"{server.base}/api/v1/imports?year={YEAR}&dry_run=false&create_units=true",
                                               files={"file": ("big.csv", handle)}, headers=headers, timeout=300).status_code
        except httpx.HTTPError as exc:
            outcome["answer"] = type(exc).__name__

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(2.5)  # the import of ROWS communes takes longer than this: the kill lands inside it
    server.kill()
    sender.join(timeout=60)
    assert outcome["answer"] != 200, "the import finished before the kill: make ROWS larger"

    restarted = LiveServer(db_url).start()
    try:
        assert httpx.get(restarted.base + "/healthz", timeout=10).json()["status"] == "ok"
    finally:
        restarted.stop()
    engine = db.make_engine(db_url)
    try:
        assert db.integrity_check(engine) == []
        with db.transaction(db.sessions(engine), write=False) as session:
            made = session.scalar(select(func.count()).select_from(Assessment).where(Assessment.year == YEAR))
            revisions = session.scalar(select(func.count()).select_from(Revision).join(Assessment).where(Assessment.year == YEAR))
            runs = session.scalar(select(func.count()).select_from(ImportRun).where(ImportRun.year == YEAR))
        assert (made, revisions, runs) in ((0, 0, 0), (ROWS, ROWS, 1))
    finally:
        engine.dispose()
