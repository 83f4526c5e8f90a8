"""Database URL, engine and sessions, and schema migrations (Alembic, shipped with the package).

SQLite is the default (a file in the data folder, WAL journal, foreign keys on, a busy timeout so that
concurrent writers wait instead of failing); PostgreSQL is used with `postgresql+psycopg://…`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from chuanxa.store.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """`CHUANXA_DB`, else a SQLite file `chuanxa.db` in `CHUANXA_DATA` (default `~/.local/share/chuanxa`)."""
    if os.environ.get("CHUANXA_DB"):
        return os.environ["CHUANXA_DB"]
    folder = Path(os.environ.get("CHUANXA_DATA") or Path.home() / ".local" / "share" / "chuanxa")
    return f"sqlite:///{folder / 'chuanxa.db'}"


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for `url` (default: `default_url()`); SQLite gets WAL, foreign keys and a busy timeout."""
    url = url or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # more pooled connections than the server's worker threads (40), so a burst of requests waits for a thread,
        # never for a connection
        options = {"pool_size": 20, "max_overflow": 60} | options if parsed.database not in (None, "", ":memory:") else options
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **({"pool_size": 10, "max_overflow": 30} | options))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writing transaction says BEGIN IMMEDIATE: it takes the write lock at the start, so two writers queue
    # (busy timeout) rather than one failing with "database is locked" when it upgrades a read lock half-way.
    # Readers say BEGIN and run side by side (WAL).
    immediate = connection.get_execution_options().get("chuanxa_write")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """A session whose work is committed when the block ends, and rolled back entirely on any error."""
    with factory() as session, session.begin():
        if write:
            session.connection(execution_options={"chuanxa_write": True})
        yield session


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the latest). Safe to run at every start."""
    from alembic import command

    try:
        with engine.connect().execution_options(chuanxa_write=True) as connection, connection.begin():
            command.upgrade(_alembic_config(connection), revision)
    except (OperationalError, InterfaceError) as exc:
        raise unavailable(engine, exc) from None


def open_database(url: str | None = None) -> Engine:
    """`make_engine(url)`, checked by connecting once: a wrong address or a server that is down is a
    `DatabaseUnavailable` error in the user's words (what the CLI commands use), not a driver traceback."""
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        raise unavailable(engine, exc) from None
    return engine


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    """The error a user sees when the database cannot be reached: its address (password hidden) and the driver's words."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
    return DatabaseUnavailable(key="store.database_unavailable", params={"url": engine.url.render_as_string(hide_password=True), "detail": detail})


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to `revision` (e.g. `"-1"` for the previous one)."""
    from alembic import command

    with engine.connect().execution_options(chuanxa_write=True) as connection, connection.begin():
        command.downgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False


def integrity_check(engine: Engine) -> list[str]:
    """Problems the database itself finds (SQLite: `integrity_check` and `foreign_key_check`); empty when sound."""
    problems: list[str] = []
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = [r[0] for r in connection.exec_driver_sql("PRAGMA integrity_check")]
            problems += [r for r in rows if r != "ok"]
            problems += [str(tuple(r)) for r in connection.exec_driver_sql("PRAGMA foreign_key_check")]
    return problems
