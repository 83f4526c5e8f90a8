"""Fixtures of the store and API tests: each runs on SQLite and on a real PostgreSQL server (started here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import pg

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "examples" / "thieu_hoa_2024.csv"
EXAMPLE_XLSX = ROOT / "examples" / "thieu_hoa_2024.xlsx"
PASSWORD = "mat-khau-dai"
YEAR = 2024


@pytest.fixture(scope="session", autouse=True)
def cheap_argon2() -> Iterator[None]:
    """Argon2id with small parameters, so that the many sign-ins of the tests stay fast (still real Argon2)."""
    from argon2 import PasswordHasher

    from chuanxa.store import security

    default = security._HASHER
    security.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    security.use_hasher(default)


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg.PostgresServer]:
    reason = pg.available()
    if reason:
        pytest.skip(reason)
    server = pg.PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres").new_database()  # type: ignore[no-any-return]


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    from chuanxa.store import db

    made = db.make_engine(db_url)
    yield made
    made.dispose()


@dataclass
class World:
    """A migrated database with the example province (15 communes, assessments of 2024 in draft) and one user
    per role: admin, tinh (province), thamdinh (appraiser of the province), xa (commune staff of `commune`),
    xa2 (staff of `other`), xem (viewer of the province), ngoai (province officer of another province)."""

    engine: Any
    sessions: Any
    province: str
    commune: str
    other: str

    def session(self) -> Any:
        from chuanxa.store import db

        return db.transaction(self.sessions)


@pytest.fixture
def world(engine: Any) -> World:
    from chuanxa.store import db, importer, units, users

    db.upgrade(engine)
    factory = db.sessions(engine)
    with db.transaction(factory) as session:
        admin = users.add_user(session, "admin", PASSWORD, "admin")
        plan = importer.plan_import(session, admin, EXAMPLE_CSV, YEAR, create_units=True)
        importer.commit_import(session, admin, plan)
        codes = sorted(row.code for row in plan.rows)
        province = units.commune(session, codes[0]).province_code
        units.load_units(session, [units.UnitRecord(code="99001", name="Xã Ngoài", province_code="khac", province_name="Tỉnh Khác")])
        users.add_user(session, "tinh", PASSWORD, "province", province=province)
        users.add_user(session, "thamdinh", PASSWORD, "appraiser", province=province)
        users.add_user(session, "xa", PASSWORD, "commune", commune=codes[0])
        users.add_user(session, "xa2", PASSWORD, "commune", commune=codes[1])
        users.add_user(session, "xem", PASSWORD, "viewer", province=province)
        users.add_user(session, "ngoai", PASSWORD, "province", province="khac")
    return World(engine=engine, sessions=factory, province=province, commune=codes[0], other=codes[1])


@pytest.fixture
def app(world: World) -> Any:
    from chuanxa.server import create_app

    return create_app(engine=world.engine, migrate=False, extensions=[])


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as made:
        yield made


@pytest.fixture
def auth(client: Any) -> Any:
    """`auth(login)` → the headers of a bearer token for that user (cached per test)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(login: str) -> dict[str, str]:
        if login not in cache:
            answer = client.post("/api/v1/auth/token", data={"username": login, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            cache[login] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return cache[login]

    return headers
