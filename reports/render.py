"""Render report data to HTML (Jinja2 template file), PDF (headless Chromium printing that HTML, fonts
embedded) and XLSX (openpyxl, values only, frozen headers, a native bar chart)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from chuanxa.engine.results import CommuneResult, RowError
from chuanxa.errors import EngineUnavailableError, Location, OutputError
from chuanxa.fileio import atomic_output, write_text
from chuanxa.messages import Lang

from .model import ReportData, build_report

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge")


def render_report(results: Sequence[CommuneResult], fmt: str, output: Path, lang: Lang = "vi", *, ruleset_title: str = "",
                  target_share: float | None = None, title: str | None = None, rejected: Sequence[RowError] = ()) -> Path:
    """Write score sheets and a summary of `results` to `output` as `fmt` ("html", "pdf" or "xlsx")."""
    data = build_report(results, lang, ruleset_title=ruleset_title, target_share=target_share, title=title, rejected=rejected)
    if fmt == "html":
        write_text(output, render_html(data))
    elif fmt == "pdf":
        render_pdf(data, output)
    else:
        from .xlsx import write_report_xlsx

        write_report_xlsx(data, results, output)
    return output


def render_html(data: ReportData, embed_fonts: bool = False) -> str:
    """The report as one HTML page that prints on A4 (a page per commune, table headers repeated).

    Every value is escaped, and the page carries a strict Content-Security-Policy (no scripts, nothing loaded
    from the network or from local files), so text such as `<img src="file:///etc/hostname">` in a commune's
    name is shown as text and fetches nothing. With `embed_fonts` the bundled DejaVu fonts are inside the page."""
    import jinja2

    folder = resources.files("chuanxa.reports").joinpath("templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(fonts=_font_urls() if embed_fonts else None, **data.__dict__)


def _font_urls() -> dict[str, str]:
    import base64

    fonts = resources.files("chuanxa.reports").joinpath("fonts")
    encode = lambda name: "data:font/ttf;base64," + base64.b64encode(fonts.joinpath(name).read_bytes()).decode("ascii")  # noqa: E731
    return {"regular": encode("DejaVuSans.ttf"), "bold": encode("DejaVuSans-Bold.ttf")}


def find_browser() -> str | None:
    """A Chromium-family browser to print PDF with (CHUANXA_BROWSER overrides the search)."""
    if os.environ.get("CHUANXA_BROWSER"):
        return os.environ["CHUANXA_BROWSER"]
    return next((path for name in _BROWSERS if (path := shutil.which(name))), None)


def render_pdf(data: ReportData, output: Path) -> None:
    """Print the HTML report to PDF with headless Chromium; the bundled DejaVu fonts are embedded.

    Chromium rather than a Python PDF library: the same HTML officers open is what gets printed, and its
    text shaping handles Vietnamese diacritics correctly.
    """
    print_html_to_pdf(render_html(data, embed_fonts=True), output)


#: The print has no network: every request goes to a proxy that does not exist (loopback included), no name
#: is resolved, and the page's own Content-Security-Policy already refuses any load but its data: fonts.
_OFFLINE = ["--proxy-server=socks5://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-domain-reliability",
            "--no-pings", "--dns-prefetch-disable"]


def print_html_to_pdf(html: str, output: Path) -> None:
    """Print a self-contained HTML page to `output` (PDF) without network access, atomically: the PDF
    replaces `output` only when Chromium wrote it completely."""
    browser = find_browser()
    if browser is None:
        raise EngineUnavailableError(key="report.pdf_missing")
    with tempfile.TemporaryDirectory(prefix="chuanxa-report-") as tmp, atomic_output(output, check=lambda temp: _complete_pdf(temp, output)) as temp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", *_OFFLINE, "--no-first-run", "--no-pdf-header-footer",
                   f"--user-data-dir={tmp}/profile", f"--print-to-pdf={temp.resolve()}", page.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        if done.returncode != 0 or not temp.stat().st_size:
            if "No space left on device" in (done.stderr or ""):
                raise OSError(errno.ENOSPC, "No space left on device")  # said as a full disk, the old file kept
            last = (done.stderr or "").strip().splitlines()[-1:]
            raise EngineUnavailableError(key="report.pdf_failed", params={"detail": last[0][-300:] if last else "?"})


def _complete_pdf(path: Path, output: Path) -> None:
    """Refuse a PDF that Chromium did not finish (e.g. the disk filled up while it was writing)."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, size - 1024))
        tail = handle.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise OutputError(key="output.incomplete_pdf", params={"detail": f"{size} bytes, no end-of-file marker", "detail_vi": f"{size} byte, thiếu dấu kết thúc tệp"},
                          location=Location(file=str(output)))


__all__ = ["render_report", "render_html", "render_pdf", "print_html_to_pdf", "find_browser"]
