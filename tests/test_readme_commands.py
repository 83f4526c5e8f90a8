"""Every `chuanxa` command the README shows runs as shown, in the README's order, from a folder holding the
examples: the exit code it documents, no internal error. (A new user copies them one by one.)"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chuanxa.cli.common import EXIT_OK, EXIT_SOME_FAILED

ROOT = Path(__file__).resolve().parent.parent

#: Commands shown but not run here, and why.
NOT_RUN = {
    "serve": "runs until stopped (tests/store_api and the web tests start the server)",
    "db upgrade --db postgresql+psycopg://user@host/chuanxa": "names the reader's own PostgreSQL server",
}
#: Exit codes the README documents for a command other than 0.
EXPECTED = {"--fail-below": EXIT_SOME_FAILED}


def readme_commands() -> list[list[str]]:
    """The `chuanxa …` lines of the README's bash blocks, in order, as the shell splits them (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```bash\n(.*?)```", text, re.S) for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("chuanxa ")]


def chuanxa_command() -> list[str]:
    script = Path(sys.executable).with_name("chuanxa")
    return [str(script)] if script.exists() else [sys.executable, "-c", "import sys; from chuanxa.cli.main import main; sys.exit(main())"]


def test_the_readme_shows_the_commands_a_user_meets_first() -> None:
    commands = readme_commands()
    assert len(commands) >= 30
    assert {"batch", "import", "plan", "report"} <= {c[1] for c in commands}


@pytest.mark.slow
def test_every_chuanxa_command_of_the_readme_runs_as_shown(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    failures: list[str] = []
    ran = 0
    for words in readme_commands():
        command, args = shlex.join(words), words[1:]
        if any(command == f"chuanxa {skipped}" or command.startswith(f"chuanxa {skipped} ") for skipped in NOT_RUN):
            continue
        if command.endswith(".pdf") and not _has_chromium():
            continue
        done = subprocess.run(chuanxa_command() + args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
                              input="mat-khau-thu-nghiem-123\n")  # `users add` reads the password from standard input
        ran += 1
        expected = next((code for flag, code in EXPECTED.items() if flag in args), EXIT_OK)
        if done.returncode != expected or "Lỗi nội bộ" in done.stderr:
            failures.append(f"{command}\n  exit {done.returncode} (expected {expected}): {done.stderr.strip()[-600:]}")
    assert ran >= 30
    assert not failures, "\n".join(failures)


def _has_chromium() -> bool:
    from chuanxa.reports.render import find_browser

    return find_browser() is not None


def test_ci_runs_exactly_the_readme_s_test_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```bash\n(.*?)```", text, re.S) for line in block.splitlines()]
    [test_command] = [line for line in lines if "python -m pytest" in line]
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert ci[-1] == test_command and test_command.startswith("python -m pip install -e \".[test")
