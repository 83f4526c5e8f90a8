"""`chuanxa db upgrade`, `users add`, `import` and `serve`'s refusal to listen outside without users."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLE_CSV


def _chuanxa(*args: str, stdin: str = "", env_db: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, CHUANXA_LANG="en")
    if env_db:
        env["CHUANXA_DB"] = env_db
    return subprocess.run([sys.executable, "-m", "chuanxa.cli.main", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_db_upgrade_users_add_and_import_all_take_db(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    from chuanxa.store import db

    assert f"∅ → {db.head_revision()}" in _chuanxa("db", "upgrade", "--db", url).stdout
    added = _chuanxa("users", "add", "boss", "--role", "admin", "--db", url, stdin="mat-khau-dai\n")
    assert added.returncode == 0, added.stderr
    first = _chuanxa("import", str(EXAMPLE_CSV), "--year", "2024", "--db", url)
    assert first.returncode == 0 and "15 created, 0 changed, 0 unchanged, 0 rejected" in first.stdout
    again = _chuanxa("import", str(EXAMPLE_CSV), "--year", "2024", "--db", url)
    assert "0 created, 0 changed, 15 unchanged" in again.stdout  # the same file twice changes nothing
    assert "boss\tadmin" in _chuanxa("users", "list", "--db", url).stdout
    assert _chuanxa("db", "check", "--db", url).stdout.strip() == "ok"


def test_chuanxa_db_environment_variable_is_used_when_db_is_not_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    assert _chuanxa("db", "upgrade", env_db=url).returncode == 0
    assert (tmp_path / "env.db").exists()


def test_a_short_password_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = _chuanxa("users", "add", "x", "--role", "admin", "--db", f"sqlite:///{tmp_path / 'p.db'}", stdin="short\n")
    assert result.returncode == 2 and "at least 8 characters" in result.stderr


def test_a_role_without_its_scope_is_refused(tmp_path: Path) -> None:
    result = _chuanxa("users", "add", "x", "--role", "province", "--db", f"sqlite:///{tmp_path / 'p.db'}", stdin="mat-khau-dai\n")
    assert result.returncode == 2 and "needs a province" in result.stderr


def test_an_import_with_a_bad_row_lists_it_and_imports_the_rest(tmp_path: Path) -> None:
    lines = EXAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    cells[6] = "xa lắm"  # distance_km
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1], ",".join(cells), *lines[3:]]) + "\n", encoding="utf-8")
    result = _chuanxa("import", str(bad), "--year", "2024", "--db", f"sqlite:///{tmp_path / 'b.db'}")
    assert result.returncode == 1
    assert "14 created" in result.stdout and "1 rejected" in result.stdout
    assert "row 3" in result.stderr


def test_serve_refuses_to_listen_beyond_this_machine_without_users(tmp_path: Path) -> None:
    result = _chuanxa("serve", "--host", "0.0.0.0", "--port", "0", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2 and "Refusing to listen on 0.0.0.0" in result.stderr


def test_loopback_addresses_count_as_local() -> None:
    from chuanxa.cli.cmd_server import is_local

    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.10")


def test_a_database_that_cannot_be_reached_is_a_clear_error_with_the_password_hidden() -> None:
    # port 1 on the loopback: nothing listens there, the connection is refused at once
    url = "postgresql+psycopg://chuanxa:bi-mat@127.0.0.1:1/chuanxa"
    for command in (("db", "upgrade"), ("db", "check"), ("users", "list")):
        done = _chuanxa(*command, "--db", url)
        assert done.returncode == 2, done.stderr
        assert "Cannot reach the database" in done.stderr and "127.0.0.1:1" in done.stderr  # the helper runs with CHUANXA_LANG=en
        assert "bi-mat" not in done.stderr + done.stdout and "Traceback" not in done.stderr and "Internal error" not in done.stderr


def test_a_provincial_officer_is_added_with_the_province_named_as_officers_write_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert _chuanxa("import", str(EXAMPLE_CSV), "--year", "2024", "--db", url).returncode == 0
    added = _chuanxa("users", "add", "tinh", "--role", "province", "--province", "Thanh Hóa", "--db", url, stdin="mat-khau-du-dai-123\n")
    assert added.returncode == 0, added.stderr
    assert "tinh\tprovince\tthanh-hoa" in _chuanxa("users", "list", "--db", url).stdout
    unknown = _chuanxa("users", "add", "khac", "--role", "province", "--province", "Tỉnh Không Có", "--db", url, stdin="mat-khau-du-dai-123\n")
    assert unknown.returncode == 2 and "Tỉnh Không Có" in unknown.stderr


def test_serve_on_port_0_says_the_port_it_listens_on_and_answers_there(tmp_path: Path) -> None:
    import os

    import httpx

    from .live import served_url

    url = f"sqlite:///{tmp_path / 'zero.db'}"
    process = subprocess.Popen([sys.executable, "-m", "chuanxa.cli.main", "serve", "--port", "0", "--db", url], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, CHUANXA_LANG="en"))
    try:
        said = served_url(process)
        assert said.startswith("http://127.0.0.1:") and not said.endswith(":0"), said
        assert httpx.get(said + "/healthz", timeout=30).json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
