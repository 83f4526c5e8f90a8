"""`chuanxa serve --demo` from an installed wheel: the demo table, the migrations and the API docs assets are package
data, so the server runs with no source tree at hand."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_wheel import ROOT, installed_wheel


def test_the_packaged_demo_table_is_the_example_table_and_loads_through_importlib_resources() -> None:
    from chuanxa.store.demo import demo_table

    with demo_table() as path:
        assert path.read_bytes() == (ROOT / "examples" / "thieu_hoa_2024.csv").read_bytes()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_demo_runs_from_the_installed_wheel_outside_the_source_tree(tmp_path: Path) -> None:
    import httpx

    python = installed_wheel(tmp_path)
    env_dir = python.parent.parent
    port = _free_port()
    work = tmp_path / "elsewhere"
    work.mkdir()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(python.parent / "chuanxa"), "serve", "--demo", "--port", str(port), "--lang", "en"], cwd=work, stdout=out,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        printed = log.read_text(encoding="utf-8")
        assert server.poll() is None, printed
        assert str(env_dir) not in printed and "sign in as admin / " in printed
        password = re.search(r"sign in as admin / (\S+)", printed)
        assert password, printed
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "admin", "password": password.group(1)}, timeout=60).json()["access_token"]
        communes = httpx.get(base + "/api/v1/communes?year=2024", headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        assert len(communes) == 15 and {row["verdict"] for row in communes} >= {"recognised"}
        assert httpx.get(base + "/api/docs/assets/swagger-ui-bundle.js", timeout=30).status_code == 200
        assert httpx.get(base + "/api/docs", timeout=30).status_code == 200
        where = subprocess.run([str(python), "-c", "import chuanxa.store.demo as d; print(d.__file__)"], capture_output=True, text=True, cwd=work)
        assert str(env_dir) in where.stdout  # the demo came from the wheel, not from the repository
    finally:
        server.terminate()
        server.wait(timeout=30)
