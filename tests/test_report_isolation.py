"""The report page can neither run nor fetch anything: values are escaped, the page carries a strict
Content-Security-Policy, and the PDF is printed with no network at all."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import chuanxa
from chuanxa.reports.model import build_report
from chuanxa.reports.render import find_browser, print_html_to_pdf, render_html

EXAMPLE = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed (.ci/install-report-deps.sh installs it)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A web server on a free local port that records every request it gets."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()


def _hostile_report(url: str) -> tuple[chuanxa.CommuneResult, str]:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    name = f'<img src="file:///etc/hostname"><img src="{url}/name"><script>fetch("{url}/script")</script>'
    raw["commune"]["name"] = name
    return chuanxa.score(chuanxa.CommuneData.model_validate(raw)), name


def test_the_report_page_escapes_markup_and_forbids_every_load(listener: tuple[str, list[str]]) -> None:
    url, _ = listener
    result, name = _hostile_report(url)
    html = render_html(build_report([result], "en"))
    assert "<img src=" not in html and "<script>" not in html
    assert "&lt;img src=&#34;file:///etc/hostname&#34;&gt;" in html
    assert "default-src 'none'" in html and "script-src" not in html  # nothing but inline styles and data: fonts


@needs_browser
@needs_poppler
def test_the_printed_pdf_shows_hostile_text_as_text_and_fetches_nothing(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    url, requests = listener
    result, _ = _hostile_report(url)
    out = tmp_path / "r.pdf"
    chuanxa.render_report([result], "pdf", out, "en")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert 'img src="file:///etc/hostname"' in " ".join(text.split())
    assert requests == []


@needs_browser
def test_the_print_has_no_network_even_for_a_page_without_a_policy(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    """Were escaping and the policy both to fail, the printing browser still reaches nothing."""
    url, requests = listener
    page = f'<html><head><link rel="stylesheet" href="{url}/style.css"></head><body><img src="{url}/image.png">x<iframe src="{url}/frame"></iframe></body></html>'
    print_html_to_pdf(page, tmp_path / "p.pdf")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF-")
    assert requests == []
