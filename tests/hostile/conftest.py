"""Fixtures for the hostile-input tests: small file systems that are read-only or full (root only)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount_tmpfs(folder: Path, options: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (the CI container runs as root)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a read-only file system (so that even root cannot write there)."""
    folder = tmp_path / "read-only"
    _mount_tmpfs(folder, "size=64k,ro")
    try:
        yield folder
    finally:
        _unmount(folder)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system, to be filled up by the test."""
    folder = tmp_path / "tiny"
    _mount_tmpfs(folder, "size=1m,mode=0755")
    try:
        yield folder
    finally:
        _unmount(folder)
