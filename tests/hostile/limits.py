"""Running chuanxa on attack files in a child process with bounded resources, measuring what it used.

Each run gets a hard address-space limit (so a bomb cannot take the machine down even if a bound is
missing) and a wall-time limit; the test then asserts the peak memory the child really used (`wait4`'s
`ru_maxrss`) and its wall time stay well under the issue's limits, the exit code, and that no traceback
and no internal error reached the user.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

FILES = Path(__file__).parent / "files"
ROOT = Path(__file__).parent.parent.parent

WALL_LIMIT_S = 20.0
MEMORY_LIMIT_MB = 500.0
_ADDRESS_SPACE = 2 * 1024**3  # the hard stop; the assertion on the real peak is MEMORY_LIMIT_MB


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    wall_s: float
    peak_mb: float

    def assert_clean(self, codes: set[int]) -> None:
        """The run ended as one of `codes`, in time, within memory, and showed the user no traceback."""
        assert self.code in codes, f"exit {self.code}, wanted {codes}\n{self.err[-2000:]}"
        assert "Traceback" not in self.err + self.out and "Internal error" not in self.err, self.err[-2000:]
        assert self.wall_s < WALL_LIMIT_S, f"took {self.wall_s:.1f} s"
        assert self.peak_mb < MEMORY_LIMIT_MB, f"peak memory {self.peak_mb:.0f} MB"


def _limits(address_space: bool) -> Callable[[], None]:
    def apply() -> None:
        if address_space:  # Chromium reserves tens of GB of address space it never uses: PDF runs go without
            resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run_chuanxa(args: list[str], cwd: Path, stdin: bytes | None = None, timeout: float = WALL_LIMIT_S * 2, address_space: bool = True) -> Run:
    """`chuanxa ARGS` in a child process under the limits above; its peak memory is read by `wait4`."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "CHUANXA_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("CHUANXA_DEBUG", None)
    command = [sys.executable, "-c", "import sys; from chuanxa.cli.main import main; sys.exit(main())", *args]
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        given.write(stdin or b"")
        given.seek(0)
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdin=given, stdout=out, stderr=err, preexec_fn=_limits(address_space))
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if wall >= timeout:
            pytest.fail(f"chuanxa {' '.join(args)[:200]} ran past {timeout:.0f} s")
        out.seek(0)
        err.seek(0)
        return Run(child.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), wall, usage.ru_maxrss / 1024)
