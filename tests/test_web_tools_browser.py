"""The pages that need no store, driven in Debian's headless Chromium: what-if updates without a reload, data
entry shows errors in place, plan with a costs file, rulesets; every page is labelled, keyboard-usable,
light, self-contained and passes axe-core with no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from web_browser_support import ROOT, Watcher, axe_violations, browser, needs_browser, record_timing, screenshot, serve, timing

pytestmark = [needs_browser(), pytest.mark.slow]
EXAMPLE = ROOT / "examples" / "xa-thieu-giao.yaml"
COSTS = ROOT / "examples" / "costs.yaml"


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Any]]:
    from chuanxa.web.app import create_app

    with serve(create_app()) as base, browser() as chromium:
        yield base, chromium


@pytest.fixture()
def page(site: tuple[str, Any]) -> Iterator[Any]:
    base, chromium = site
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    watcher = Watcher(base)
    watcher.attach(tab)
    tab.base = base  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert watcher.outside == [], f"fetched from outside the server: {watcher.outside}"


def test_what_if_updates_points_and_verdict_without_reloading_the_page(page: Any) -> None:
    page.goto(page.base + "/whatif")
    page.set_input_files("#whatif-file", str(EXAMPLE))
    page.get_by_role("button", name="Mở").click()
    page.wait_for_selector("#sheet-title")
    assert "CHƯA ĐẠT" in page.inner_text("#whatif-result")
    page.evaluate("window.__sameDocument = true")
    page.fill("#f-v-health_insurance_rate", "99")
    page.press("#f-v-health_insurance_rate", "Tab")  # a change event: htmx posts the form
    page.wait_for_selector("#whatif-summary")
    summary = page.inner_text("#whatif-result")
    assert "77.5" in summary and "79.5" in summary
    assert "✔ ĐẠT chuẩn" in summary  # the verdict in words, not only a colour
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    screenshot(page, "whatif")


def test_what_if_shows_a_bad_value_in_place_in_vietnamese(page: Any) -> None:
    page.goto(page.base + "/whatif")
    page.set_input_files("#whatif-file", str(EXAMPLE))
    page.get_by_role("button", name="Mở").click()
    page.wait_for_selector("#sheet-title")
    page.fill("#f-v-health_insurance_rate", "150")
    page.press("#f-v-health_insurance_rate", "Tab")
    page.wait_for_selector("#whatif-result .errors")
    assert "nằm ngoài khoảng cho phép 0 đến 100" in page.inner_text("#whatif-result")


def test_data_entry_keeps_blanks_missing_and_shows_each_error_under_its_field(page: Any) -> None:
    page.goto(page.base + "/check")
    page.fill("#c-code", "99999")
    page.fill("#c-name", "Xã <b>Thử</b>")
    page.select_option("#c-region", "bac_trung_bo")
    page.select_option("#c-terrain", "dong_bang")
    page.fill("#f-v-health_insurance_rate", "abc")
    page.fill("#f-a-2", "9")
    page.get_by_role("button", name="Kiểm tra và chấm điểm").click()
    field = page.locator("#f-v-health_insurance_rate")
    assert field.get_attribute("aria-invalid") == "true"
    assert "không hợp lệ" in page.inner_text("#f-v-health_insurance_rate-err")
    assert "ngoài khoảng 0 đến 3" in page.inner_text("#f-a-2-err")
    assert page.input_value("#f-v-health_insurance_rate") == "abc"  # nothing typed is lost
    assert page.input_value("#c-name") == "Xã <b>Thử</b>"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    screenshot(page, "entry-errors")
    page.fill("#f-v-health_insurance_rate", "")
    page.fill("#f-a-2", "")
    page.get_by_role("button", name="Kiểm tra và chấm điểm").click()
    sheet = page.inner_text("#sheet-title")
    assert "Xã <b>Thử</b>" in sheet  # markup in a name shows as text
    assert page.locator("#sheet-title b").count() == 0
    assert "thiếu số liệu" in page.inner_text(".scoresheet").lower() or "chưa có" in page.inner_text(".scoresheet").lower()


def test_plan_with_a_costs_file_lists_the_cheapest_steps(page: Any) -> None:
    page.goto(page.base + "/plan")
    page.set_input_files("#plan-file", str(EXAMPLE))
    page.set_input_files("#plan-costs", str(COSTS))
    page.get_by_role("button", name="Lộ trình").last.click()
    page.wait_for_selector("#plan-result")
    text = page.inner_text("main")
    assert "Tổng chi phí" in text and "4.5" in text
    screenshot(page, "plan")


def test_rulesets_pages_list_versions_compare_them_and_name_provisional_indicators(page: Any) -> None:
    page.goto(page.base + "/rulesets")
    page.get_by_role("link", name="qd1300@2023-03-20").click()
    assert "Chỉ tiêu tạm thời" in page.inner_text("#prov-title")
    screenshot(page, "ruleset")
    provisional = page.locator("#prov-title + ul li").count()
    assert provisional > 0 and page.locator("table.sheet .tag", has_text="tạm thời").count() == provisional
    page.goto(page.base + "/rulesets")
    assert page.locator("table tbody tr td:first-child").all_inner_texts()[0] == "qd1300@2023-03-20"  # newest first
    page.get_by_role("button", name="So sánh").click()  # by default the two newest versions
    assert "So sánh hai phiên bản" in page.inner_text("h1")
    assert "qd1300@2023-03-09 → qd1300@2023-03-20" in page.inner_text("main")
    changes = page.inner_text("main table")
    assert "35.op" in changes and ">=" in changes and "<=" in changes  # the correction of QĐ 1453/QĐ-BYT


def test_the_language_switch_shows_the_page_in_english_and_is_remembered(page: Any) -> None:
    page.goto(page.base + "/rulesets")
    page.get_by_role("link", name="English").click()
    assert page.inner_text("h1") == "Rulesets"
    page.goto(page.base + "/check")
    assert page.inner_text("h1") == "Check and score"
    assert page.get_attribute("html", "lang") == "en"


def test_keyboard_users_reach_the_main_content_first_and_every_field_has_a_label(page: Any) -> None:
    page.goto(page.base + "/check")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabelled == []


@pytest.mark.parametrize("path", ["/", "/check", "/whatif", "/plan", "/rulesets", "/rulesets/qd1300@2023-03-20"])
def test_main_pages_have_no_serious_accessibility_violation_and_load_under_200_kb(page: Any, path: str) -> None:
    page.goto(page.base + path)
    page.wait_for_load_state("load")
    record_timing(f"tools {path}", timing(page))
    assert timing(page)["bytes"] < 200_000
    assert axe_violations(page) == []
