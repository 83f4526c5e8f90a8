"""The package's type hints hold: mypy finds no error in its sources (a program embedding the installed wheel
is type-checked in test_wheel.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ["chuanxa", "criteria", "engine", "monitoring", "communes", "planning", "outputs", "reports", "cli", "admin", "authoring", "web", "store", "server"]


def test_mypy_finds_no_type_error_in_the_package(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", *PACKAGES, "--ignore-missing-imports", "--no-incremental",
                           "--cache-dir", str(tmp_path / "cache")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
