"""Render report data to HTML (Jinja2 template file), PDF (headless Chromium printing that HTML, fonts
embedded) and XLSX (openpyxl, values only, frozen headers, a native bar chart)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from chuanxa.engine.results import CommuneResult, RowError
from chuanxa.errors import EngineUnavailableError
from chuanxa.messages import Lang

from .model import ReportData, build_report

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge")


def render_report(results: Sequence[CommuneResult], fmt: str, output: Path, lang: Lang = "vi", *, ruleset_title: str = "",
                  target_share: float | None = None, title: str | None = None, rejected: Sequence[RowError] = ()) -> Path:
    """Write score sheets and a summary of `results` to `output` as `fmt` ("html", "pdf" or "xlsx")."""
    data = build_report(results, lang, ruleset_title=ruleset_title, target_share=target_share, title=title, rejected=rejected)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        output.write_text(render_html(data), encoding="utf-8")
    elif fmt == "pdf":
        render_pdf(data, output)
    else:
        from .xlsx import write_report_xlsx

        write_report_xlsx(data, results, output)
    return output


def render_html(data: ReportData, font_dir: str | None = None) -> str:
    """The report as one HTML page that prints on A4 (a page per commune, table headers repeated)."""
    import jinja2

    folder = resources.files("chuanxa.reports").joinpath("templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(font_dir=font_dir, **data.__dict__)


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
    browser = find_browser()
    if browser is None:
        raise EngineUnavailableError(key="report.pdf_missing")
    fonts = Path(str(resources.files("chuanxa.reports").joinpath("fonts"))).resolve()
    with tempfile.TemporaryDirectory(prefix="chuanxa-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(render_html(data, font_dir=fonts.as_uri()), encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
                   f"--print-to-pdf={output.resolve()}", page.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        if done.returncode != 0 or not output.exists():
            raise EngineUnavailableError(key="report.pdf_failed", params={"detail": (done.stderr or "").strip().splitlines()[-1:] or "?"})


__all__ = ["render_report", "render_html", "render_pdf", "find_browser"]
