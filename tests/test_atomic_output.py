"""Outputs are written whole or not at all (`chuanxa.fileio.atomic_output`)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import chuanxa
from chuanxa.monitoring.journal import StateStore
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


def test_a_pdf_the_browser_left_unfinished_is_refused_and_the_old_one_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from chuanxa.cli.main import main

    browser = tmp_path / "fake-chromium"
    browser.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) printf "%%PDF-1.4 cut short" > "${a#--print-to-pdf=}";; esac; done\nexit 0\n',
                       encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("CHUANXA_BROWSER", str(browser))
    old = tmp_path / "r.pdf"
    old.write_bytes(b"%PDF-1.4 the good one %%EOF")
    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    assert main(["report", str(example), "-o", str(old), "--lang", "en"]) == 2
    assert "incomplete PDF" in capsys.readouterr().err
    assert old.read_bytes() == b"%PDF-1.4 the good one %%EOF" and [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
