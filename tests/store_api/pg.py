"""A real PostgreSQL server for the tests: Debian's binaries, `initdb` + `pg_ctl` in a temporary folder, listening
only on a unix socket there (no TCP port, so concurrent test runs never collide). As root, the server runs as a
dedicated unprivileged user (`chuanxa-pg`, created when missing), because PostgreSQL refuses to run as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("CHUANXA_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "chuanxa-pg"


def available() -> str | None:
    """None when a server can be started here, else the reason it cannot."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL binaries not found in {PG_BIN} (install Debian's postgresql package: .ci/install-postgresql.sh)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *args] if os.geteuid() == 0 else args


def _ensure_user() -> None:
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER], check=True, capture_output=True)


class PostgresServer:
    """Start with `start()`, stop with `stop()`; `new_database()` gives the URL of a fresh, empty database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cxpg-"))  # short: a unix socket path has ~100 characters at most
        self.data = self.folder / "data"
        self.user = PG_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def start(self) -> None:
        _ensure_user()
        if os.geteuid() == 0:
            shutil.chown(self.folder, PG_USER)
            self.folder.chmod(0o755)
        subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8",
                                        "--locale=C.UTF-8"]), check=True, capture_output=True)
        options = f"-c listen_addresses='' -c unix_socket_directories={self.folder} -c fsync=on -c max_connections=100"
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"]),
                       check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.folder}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host={self.folder} user={self.user} dbname=postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
