"""Concurrency on a real server process: two writers on one assessment, and 20 imports at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from .conftest import PASSWORD, YEAR, World
from .live import LiveServer


@pytest.fixture
def live(world: World, db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(db_url).start()
    yield server
    server.stop()


def test_two_writers_on_one_assessment_one_gets_412_and_history_holds_both(live: LiveServer, world: World) -> None:
    url = f"{live.base}/api/v1/communes/{world.commune}/assessments/{YEAR}"
    writers = {"xa": 91.0, "tinh": 92.0}
    headers = {login: live.token(login, PASSWORD) for login in writers}
    tag = httpx.get(url, headers=headers["xa"], timeout=30).headers["etag"]
    barrier = threading.Barrier(len(writers))

    def write(login: str) -> int:
        barrier.wait()
        body = {"values": {"full_immunisation_rate": writers[login]}}
        return httpx.put(url, json=body, headers=headers[login] | {"If-Match": tag}, timeout=60).status_code

    with ThreadPoolExecutor(len(writers)) as pool:
        codes = sorted(pool.map(write, writers))
    assert codes == [200, 412]
    history = httpx.get(url + "/revisions", headers=headers["xa"], timeout=30).json()
    saved = {r["author"]["login"]: r["kind"] for r in history[1:]}
    assert sorted(saved.values()) == ["conflict", "save"] and set(saved) == set(writers)
    values = [httpx.get(f"{url}/revisions/{r['number']}", headers=headers["xa"], timeout=30).json()["values"]["full_immunisation_rate"] for r in history[1:]]
    assert sorted(values) == [91.0, 92.0]  # nothing lost


def test_twenty_parallel_imports_of_different_communes_lose_nothing(live: LiveServer, world: World, tmp_path: Path) -> None:
    from chuanxa.store.models import Assessment
    from chuanxa.store.sample import sample_table

    admin = live.token("admin", PASSWORD)
    files = [sample_table(3, tmp_path / f"t{index}.csv", first_code=700000 + 10 * index) for index in range(20)]

    def send(path: Path) -> Any:
        with path.open("rb") as handle:
            return httpx.post(f"{live.base}/api/v1/imports?year={YEAR}&dry_run=false&create_units=true", files={"file": (path.name, handle)},
                              headers=admin, timeout=300)

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(send, files))
    assert [a.status_code for a in answers] == [200] * 20
    assert all(a.json()["counts"]["create"] == 3 for a in answers)
    with world.session() as session:
        made = session.scalar(select(func.count()).select_from(Assessment).where(Assessment.commune_code.like("7%")))
    assert made == 60
