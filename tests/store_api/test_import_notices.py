"""An import says what the table reader decided, as `chuanxa batch` does: which row was taken as the header and which
rows were skipped and why (a district report's title rows, column numbers, totals row, signatures). Over HTTP, on
the web page and from the command line: a province officer uploading a report workbook sees it before confirming."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_browser_support import demo_store

from .conftest import ROOT, YEAR

REPORT = ROOT / "examples" / "thieu_hoa_2024_bao_cao.xlsx"  # laid out as a district officer's report
HEADER_VI = "[Biểu 01] hàng 6–7: lấy làm hàng tiêu đề"
TOTALS_VI = "[Biểu 01] hàng 24: bỏ qua: dòng tổng cộng, không phải một xã."


def test_a_dry_run_over_http_lists_the_header_and_the_skipped_rows(client: Any, auth: Any) -> None:
    answer = client.post(f"/api/v1/imports?year={YEAR}", files={"file": (REPORT.name, REPORT.read_bytes())}, headers=auth("tinh")).json()
    assert answer["counts"]["rejected"] == 0 and answer["counts"]["create"] + answer["counts"]["change"] + answer["counts"]["unchanged"] == 15
    found = {notice["code"]: notice["rows"] for notice in answer["notices"]}
    assert found["notice.header_rows"] == [6, 7] and found["notice.totals_row"] == [24] and found["notice.notes_row"] == [26]
    assert all(notice["message_vi"] and notice["message_en"] for notice in answer["notices"])


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from chuanxa.server import create_app

    engine = demo_store(tmp_path_factory.mktemp("import-notices"))
    yield create_app(engine=engine, migrate=False)
    engine.dispose()


def test_the_import_page_shows_the_header_and_the_skipped_rows_before_the_officer_confirms(web_app: Any) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(web_app, follow_redirects=False)
    client.get("/signin")
    signed_in = client.post("/signin", data={"csrf_token": client.cookies.get("chuanxa_csrf"), "login": "tinh", "password": "demo-chuanxa"})
    assert signed_in.status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/import").text)
    assert token
    page = client.post("/import", data={"csrf_token": html.unescape(token.group(1)), "year": "2025"},
                       files={"file": (REPORT.name, REPORT.read_bytes())})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert HEADER_VI in text and TOTALS_VI in text and 'action="/import/confirm"' in text


def test_chuanxa_import_prints_the_header_and_the_skipped_rows(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "chuanxa.cli.main", "import", str(REPORT), "--year", "2024", "--dry-run",
                           "--db", f"sqlite:///{tmp_path / 'cli.db'}"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, CHUANXA_LANG="vi"))
    assert done.returncode == 0, done.stderr
    assert f"Ghi chú: {TOTALS_VI}" in done.stderr.splitlines() and "15 tạo mới" in done.stdout
