"""On a full disk a result is never replaced by a truncated one: the old file stays, chuanxa says so plainly
and exits 2 (not 3, not 0). Runs on a real 1 MB tmpfs (root only; skipped with a reason otherwise)."""

from __future__ import annotations

import csv
import errno
from pathlib import Path

import pytest

from limits import ROOT, run_chuanxa

TABLE = ROOT / "examples" / "thieu_hoa_2024.csv"


def _small_table(folder: Path) -> Path:
    with open(TABLE, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    path = folder / "small.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[:2])
    return path


def _fill(disk: Path) -> None:
    """Write a filler file until the file system is full."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        with pytest.raises(OSError) as full:
            while True:
                handle.write(b"\0" * 4096)
    assert full.value.errno == errno.ENOSPC


@pytest.mark.parametrize(("command", "name"), [("batch", "prev.json"), ("batch", "prev.xlsx"), ("batch", "prev.csv"), ("report", "prev.pdf"), ("report", "prev.html")])
def test_a_full_disk_keeps_the_previous_output_and_exits_2_with_a_message(tmp_path: Path, tiny_disk: Path, command: str, name: str) -> None:
    if name.endswith(".pdf"):
        from chuanxa.reports.render import find_browser

        if find_browser() is None:
            pytest.skip("Chromium is not installed (.ci/install-report-deps.sh installs it)")
    small = _small_table(tmp_path)
    pdf = name.endswith(".pdf")
    first = run_chuanxa([command, str(small), "-o", str(tiny_disk / name)], tmp_path, address_space=not pdf)
    first.assert_clean({0, 1})
    before = (tiny_disk / name).read_bytes()
    _fill(tiny_disk)
    run = run_chuanxa([command, str(TABLE), "-o", str(tiny_disk / name)], tmp_path, address_space=not pdf)
    run.assert_clean({2})
    assert (tiny_disk / name).read_bytes() == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", name]  # no temporary file left behind
    assert "the disk is full. The previous file (if any) is kept unchanged" in run.err, run.err
