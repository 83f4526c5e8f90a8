"""A command run without its optional extra (a fresh `pip install -e .` has neither the server nor durable-rules)
says which extra to install and exits 2, in the user's language: never an internal error, never every row rejected."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from chuanxa import EngineUnavailableError, Workspace, score_many
from chuanxa.cli.common import EXIT_USAGE, EXTRA_OF_MODULE

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "examples" / "thieu_hoa_2024.csv"


def run_without(modules: tuple[str, ...], args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`chuanxa ARGS` in a fresh interpreter where `modules` cannot be imported, as in a venv without them."""
    code = ("import sys\n"
            f"for name in {modules!r}: sys.modules[name] = None\n"
            "from chuanxa.cli.main import main\n"
            f"sys.exit(main({args!r}))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "CHUANXA_LANG": "vi"})


SERVER_MODULES = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "psycopg", "argon2", "multipart", "python_multipart")


@pytest.mark.parametrize("args", [
    ["serve", "--demo"],
    ["db", "upgrade", "--db", "sqlite:///x.db"],
    ["import", str(TABLE), "--year", "2024", "--dry-run", "--db", "sqlite:///x.db"],
    ["users", "add", "tinh", "--role", "province", "--db", "sqlite:///x.db"],
], ids=lambda args: args[0])
def test_a_store_command_without_the_server_extra_says_to_install_it(tmp_path: Path, args: list[str]) -> None:
    run = run_without(SERVER_MODULES, args, tmp_path)
    assert run.returncode == EXIT_USAGE, run.stderr
    assert 'python -m pip install "chuanxa[server]"' in run.stderr and "cần gói tùy chọn" in run.stderr
    assert "Lỗi nội bộ" not in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_missing_extra_is_said_in_english_with_lang_en(tmp_path: Path) -> None:
    run = run_without(SERVER_MODULES, ["serve", "--demo", "--lang", "en"], tmp_path)
    assert run.returncode == EXIT_USAGE
    assert run.stderr.startswith("Error: This command needs the optional extra 'server'")


def test_scoring_a_table_on_durable_rules_without_it_is_one_error_not_every_row_rejected(tmp_path: Path) -> None:
    run = run_without(("durable",), ["score", str(TABLE), "--engine", "durable"], tmp_path)
    assert run.returncode == EXIT_USAGE
    assert run.stderr.strip().splitlines() == ["Lỗi: Chưa cài bộ máy durable-rules. Cài bằng: pip install 'chuanxa[durable]'."]
    assert "Bị từ chối" not in run.stdout + run.stderr


def test_score_many_on_a_missing_engine_raises_instead_of_rejecting_each_commune(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.lang", None)
    with pytest.raises(EngineUnavailableError) as caught:
        score_many(TABLE, engine="durable", workspace=Workspace())
    assert caught.value.key == "engine.durable_missing"


def test_every_extra_the_cli_names_is_declared_in_pyproject() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert set(EXTRA_OF_MODULE.values()) <= set(declared)
    assert set(SERVER_MODULES) <= {module for module, extra in EXTRA_OF_MODULE.items() if extra == "server"}
