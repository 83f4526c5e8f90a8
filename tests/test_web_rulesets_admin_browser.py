"""The admin's page for corrected rulesets, in Debian's headless Chromium on the demo province: upload an overlay
with its cases, read the cases and the diff, see which communes change verdict, activate it for the province from
a date (the commune's score sheet then names it), deactivate it. Forms carry the CSRF secret; other roles are
refused; the page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_browser_support import ARTIFACTS, ROOT, Watcher, axe_violations, browser, demo_store, needs_browser, screenshot, serve

pytestmark = [needs_browser(), pytest.mark.slow]
PASSWORD = "demo-chuanxa"
OVERLAYS = ROOT / "tests" / "fixtures" / "overlays"
OVERLAY = OVERLAYS / "qd1300_tinh_thu_2023-03-20.yaml"
CASES = OVERLAYS / "qd1300_tinh_thu_2023-03-20.cases.yaml"
TABLE = ROOT / "examples" / "thieu_hoa_2024.csv"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Any]]:
    from chuanxa.server import create_app

    engine = demo_store(tmp_path_factory.mktemp("web-rulesets"), PASSWORD)
    with serve(create_app(engine=engine, migrate=False)) as base, browser() as chromium:
        yield base, chromium, engine
    engine.dispose()


def _signed_in(site: tuple[str, Any, Any], login: str) -> tuple[Any, Any, Watcher]:
    base, chromium, _ = site
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watcher = Watcher(base)
    watcher.attach(page)
    page.goto(base + "/signin")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/province**")
    return context, page, watcher


def _verdict_changes() -> int:
    """How many of the example communes change verdict with the overlay (the library, not the store)."""
    import chuanxa

    old = {r.commune.code: r.verdict for r in chuanxa.score_many(str(TABLE), as_of=2024).results}
    new = {r.commune.code: r.verdict for r in chuanxa.score_many(str(TABLE), "qd1300_tinh_thu@2023-03-20", rulesets_dirs=[OVERLAYS]).results}
    return sum(1 for code in old if old[code] != new[code])


def test_an_admin_uploads_checks_activates_and_deactivates_a_corrected_ruleset(site: tuple[str, Any, Any]) -> None:
    base = site[0]
    context, page, watcher = _signed_in(site, "admin")
    page.get_by_role("link", name="Bộ tiêu chí hiệu chỉnh").click()
    assert page.inner_text("h1") == "Bộ tiêu chí hiệu chỉnh"
    page.set_input_files("#ov-files", [str(OVERLAY), str(CASES)])
    page.fill("#ov-note", "Công văn của Sở Y tế (thử)")
    page.get_by_role("button", name="Tải lên và chạy ca kiểm thử").click()
    page.wait_for_url("**/admin/rulesets/1")
    assert "2 / 2 đạt" in page.inner_text("#cases-title")
    assert "ĐẠT" in page.inner_text("pre.cases") and "bhyt_95_5_chi_2_diem" in page.inner_text("pre.cases")
    diff = page.inner_text("table.diff")
    assert "chỉ tiêu 5.levels" in diff and "chỉ tiêu 5.note" in diff and "chỉ tiêu 32.knockout" in diff
    assert "ngưỡng 96 → 4 điểm" in diff and '"threshold"' not in diff  # values in words, not JSON
    assert not axe_violations(page), axe_violations(page)
    page.fill("#im-year", "2024")
    page.get_by_role("button", name="Xem").click()
    expected = _verdict_changes()
    assert f"{expected} xã đổi kết luận" in page.inner_text("#impact-summary")
    assert page.locator("table.impact tbody tr").count() >= expected
    screenshot(page, "ruleset-overlay-impact")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the walkthrough's picture of this step (docs/images/kich-hoat-xa-doi-ket-luan.png)
    page.locator("section[aria-labelledby=impact-title]").screenshot(path=str(ARTIFACTS / "kich-hoat-xa-doi-ket-luan.png"))
    page.fill("#ac-date", "2024-01-01")
    page.get_by_role("button", name="Kích hoạt", exact=True).click()
    status = page.inner_text("p.ok")
    assert "Đã kích hoạt" in status and f"đổi kết luận: {expected}" in status
    assert "đang áp dụng" in page.inner_text("table.activations")
    page.goto(base + "/communes/16021?year=2024")
    assert "qd1300_tinh_thu@2023-03-20" in page.locator("p.meta").first.inner_text()  # the score sheet names the ruleset it used
    assert "qd1300@2023-03-20 → qd1300_tinh_thu@2023-03-20" in page.content()  # and the history keeps the step
    page.goto(base + "/communes/16021/2024/whatif")  # what-if starts from the ruleset the result used, and keeps it
    assert "qd1300_tinh_thu@2023-03-20" in page.locator("#whatif-result p.meta").first.inner_text()
    page.fill("#f-v-health_insurance_rate", "99")
    page.press("#f-v-health_insurance_rate", "Tab")  # htmx posts the form
    page.wait_for_selector("#whatif-summary")
    assert "qd1300_tinh_thu@2023-03-20" in page.locator("#whatif-result p.meta").first.inner_text()
    page.goto(base + "/admin/rulesets")
    page.get_by_role("button", name="Hủy kích hoạt").first.click()
    page.wait_for_url("**/admin/rulesets/1")
    assert "đã hủy" in page.inner_text("table.activations")
    page.goto(base + "/communes/16021?year=2024")
    assert "qd1300@2023-03-20" in page.locator("p.meta").first.inner_text()
    context.close()
    assert watcher.outside == []


def test_a_wrong_upload_is_explained_in_vietnamese_and_nothing_is_stored(site: tuple[str, Any, Any], tmp_path: Path) -> None:
    context, page, _ = _signed_in(site, "admin")
    broken = tmp_path / "bo-loi.yaml"
    broken.write_text(OVERLAY.read_text(encoding="utf-8").replace("  extends: qd1300@2023-03-20\n", ""), encoding="utf-8")
    page.goto(site[0] + "/admin/rulesets")
    before = page.locator("a[href^='/admin/rulesets/']").count()
    page.set_input_files("#ov-files", [str(broken)])
    page.get_by_role("button", name="Tải lên và chạy ca kiểm thử").click()
    assert "không phải bộ hiệu chỉnh" in page.inner_text("[role=alert]")
    assert page.locator("a[href^='/admin/rulesets/']").count() == before
    context.close()


def test_other_roles_are_refused_and_a_post_without_the_csrf_secret_is_refused(site: tuple[str, Any, Any]) -> None:
    base = site[0]
    context, page, _ = _signed_in(site, "tinh")
    assert page.goto(base + "/admin/rulesets").status == 403
    assert page.get_by_role("link", name="Bộ tiêu chí hiệu chỉnh").count() == 0
    context.close()
    context, page, _ = _signed_in(site, "admin")
    answer = context.request.post(base + "/admin/rulesets", multipart={"files": {"name": "x.yaml", "mimeType": "text/yaml", "buffer": OVERLAY.read_bytes()}})
    assert answer.status == 403
    context.close()
