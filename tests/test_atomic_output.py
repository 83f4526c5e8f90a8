"""Outputs are written whole or not at all (`chuanxa.fileio.atomic_output`)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import chuanxa
from chuanxa.engine.journal import StateStore
from chuanxa.fileio import atomic_output, write_text


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(chuanxa.OutputError) as failed:
        with atomic_output(target) as temp:
            temp.write_text("half", encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
    assert "the disk is full" in failed.value.message("en") and "ổ đĩa đã đầy" in failed.value.message("vi")


def test_a_failing_check_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    target.write_bytes(b"%PDF-old")

    def refuse(temp: Path) -> None:
        raise OSError(errno.EIO, "incomplete")

    with pytest.raises(chuanxa.OutputError):
        with atomic_output(target, check=refuse) as temp:
            temp.write_bytes(b"%PDF-trunc")
    assert target.read_bytes() == b"%PDF-old" and len(list(tmp_path.iterdir())) == 1


def test_the_new_file_keeps_the_old_permissions_and_a_link_keeps_pointing_at_it(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert real.stat().st_mode & 0o777 == 0o640


def test_a_new_file_gets_the_usual_permissions_not_those_of_a_temporary_file(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_text(tmp_path / "new.json", "{}")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644


def test_a_killed_watchers_temporary_files_are_removed_when_the_state_is_opened_again(tmp_path: Path) -> None:
    stale = tmp_path / ".state.json.k3j2_x.tmp"
    stale.write_text("{half", encoding="utf-8")
    other = tmp_path / ".other.json.k3j2_x.tmp"  # not this state's: left alone
    other.write_text("{", encoding="utf-8")
    with StateStore(tmp_path / "state.json"):
        pass
    assert not stale.exists() and other.exists()
