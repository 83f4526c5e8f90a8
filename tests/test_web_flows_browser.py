"""The web application on the store, driven in Debian's headless Chromium with the demo province: sign in;
a commune enters data and submits; an appraiser scores and returns it; the commune corrects; the appraiser
approves; the province recognises; a workbook import with a bad row; what-if; plan; a PDF download; a user
outside the scope is refused. Main pages pass axe-core; timings are recorded (benchmarks, not assertions)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_browser_support import ROOT, Watcher, axe_violations, browser, demo_store, needs_browser, record_timing, screenshot, serve, timing

pytestmark = [needs_browser(), pytest.mark.slow]
PASSWORD = "demo-chuanxa"
TABLE = ROOT / "examples" / "thieu_hoa_2024.csv"
COSTS = ROOT / "examples" / "costs.yaml"
BIG_PROVINCE = "Hà Tĩnh"  # a current province (the official list is checked), other than the demo's


def _table_rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(TABLE.read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def _write_table(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _big_province(folder: Path) -> Path:
    """150 communes of a second province (names with diacritics, one with markup), for the timing of the overview."""
    header, rows = _table_rows()
    made = []
    for i in range(150):
        row = list(rows[i % len(rows)])
        row[0], row[2] = f"{90000 + i}", BIG_PROVINCE
        row[1] = "Xã <b>Đặc biệt</b>" if i == 7 else f"Xã {['Ân', 'An', 'Đông', 'Dương', 'Bình', 'Ứng'][i % 6]} {i}"
        made.append(row)
    return _write_table(folder / "big.csv", header, made)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    from chuanxa.server import create_app
    from chuanxa.store import assessments, db, importer
    from chuanxa.store.models import User

    folder = tmp_path_factory.mktemp("web-flows")
    engine = demo_store(folder, PASSWORD)
    with db.transaction(db.sessions(engine)) as session:
        admin = session.query(User).filter_by(login="admin").one()
        importer.commit_import(session, admin, importer.plan_import(session, admin, _big_province(folder), 2024, create_units=True))
        old = assessments.get(session, "90003", 2024)  # recognised by a decision of mid-2022: valid until mid-2025, so expiring (and expired)
        for action in ("submit", "appraise"):
            assessments.transition(session, admin, old, action)
        assessments.transition(session, admin, old, "recognise", decision={"number": "77/QĐ-UBND", "body": "UBND tỉnh", "decided_on": "2022-06-30"})
    with serve(create_app(engine=engine, migrate=False)) as base, browser() as chromium:
        yield base, chromium, folder
    engine.dispose()


class Session:
    """One signed-in person in their own browser context (cookies apart)."""

    def __init__(self, site: tuple[str, Any, Path], login: str | None) -> None:
        self.base, chromium, _ = site
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.watcher = Watcher(self.base)
        self.watcher.attach(self.page)
        if login:
            self.sign_in(login)

    def sign_in(self, login: str) -> None:
        self.page.goto(self.base + "/signin")
        self.page.fill("#login", login)
        self.page.fill("#password", PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url("**/province**")

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def close(self) -> None:
        self.context.close()
        assert self.watcher.outside == [], f"fetched from outside the server: {self.watcher.outside}"


@pytest.fixture()
def people(site: tuple[str, Any, Path]) -> Iterator[Any]:
    opened: list[Session] = []

    def open_as(login: str | None) -> Session:
        opened.append(Session(site, login))
        return opened[-1]

    yield open_as
    for person in opened:
        person.close()


def _state(page: Any) -> str:
    return page.inner_text("#state-title")


def test_a_wrong_password_is_refused_in_vietnamese_and_the_right_one_signs_in(people: Any) -> None:
    person = people(None)
    person.go("/province")
    assert "/signin" in person.page.url
    person.page.fill("#login", "xa")
    person.page.fill("#password", "sai-mat-khau")
    person.page.get_by_role("button", name="Đăng nhập").click()
    assert "không đúng" in person.page.inner_text("#signin-error").lower()
    screenshot(person.page, "signin-error")
    person.sign_in("xa")
    assert "Trạm Y tế" in person.page.inner_text("header")


def test_the_whole_workflow_from_data_entry_to_recognition(people: Any) -> None:
    commune = people("xa")
    commune.go("/communes/16021/2024/edit")
    commune.page.fill("#f-v-health_insurance_rate", "101")
    commune.page.get_by_role("button", name="Gửi thẩm định").click()
    assert "nằm ngoài khoảng cho phép 0 đến 100" in commune.page.inner_text("#f-v-health_insurance_rate-err")
    assert commune.page.input_value("#f-v-health_insurance_rate") == "101"
    screenshot(commune.page, "entry-error-in-place")
    commune.page.fill("#f-v-health_insurance_rate", "96,5")  # the Vietnamese decimal comma
    commune.page.get_by_role("button", name="Gửi thẩm định").click()
    commune.page.wait_for_url("**/communes/16021?year=2024")
    assert "Đã gửi thẩm định" in _state(commune.page)
    assert "96.5" in commune.page.inner_text("#history-title + table")

    appraiser = people("thamdinh")
    appraiser.go("/communes/16021?year=2024")
    appraiser.page.get_by_role("link", name="Chấm điểm thẩm định").click()
    assert appraiser.page.get_attribute("#f-v-health_insurance_rate", "readonly") is not None  # appraisers score, they do not change data
    appraiser.page.fill("#f-a-3", "1")
    appraiser.page.fill("#f-n-3", "Thiếu biên bản kiểm tra")
    screenshot(appraiser.page, "appraisal")
    appraiser.page.get_by_role("button", name="Lưu điểm thẩm định").click()
    appraiser.page.wait_for_url("**/communes/16021?year=2024")
    appraiser.page.fill("#wf-return-comment", "Bổ sung số liệu tiêm chủng")
    appraiser.page.get_by_role("button", name="Trả lại để sửa").click()
    assert "Trả lại để sửa" in _state(appraiser.page)
    assert "Bổ sung số liệu tiêm chủng" in appraiser.page.inner_text(".steps")

    commune.go("/communes/16021/2024/edit")
    commune.page.fill("#f-v-full_immunisation_rate", "98")
    commune.page.get_by_role("button", name="Gửi thẩm định").click()
    commune.page.wait_for_url("**/communes/16021?year=2024")
    assert "Đã gửi thẩm định" in _state(commune.page)

    appraiser.go("/communes/16021?year=2024")
    appraiser.page.get_by_role("button", name="Duyệt kết quả thẩm định").click()
    assert "Đã thẩm định" in _state(appraiser.page)

    province = people("tinh")
    province.go("/communes/16021?year=2024")
    province.page.fill("#wf-number", "1234/QĐ-UBND")
    province.page.fill("#wf-date", "2025-03-15")
    province.page.get_by_role("button", name="Công nhận đạt chuẩn").click()
    assert "Đã công nhận" in _state(province.page)
    assert "1234/QĐ-UBND" in province.page.inner_text("#recog-title + ul")
    assert "2028-03-15" in province.page.inner_text("#recog-title + ul")  # valid three years
    history = province.page.inner_text("#history-title + table")
    assert "xa" in history and "thamdinh" in history  # who changed what
    screenshot(province.page, "commune-recognised")


def test_a_workbook_with_a_bad_row_shows_the_row_in_place_and_imports_the_rest(people: Any, site: tuple[str, Any, Path]) -> None:
    header, rows = _table_rows()
    year_col, rate_col = header.index("Năm đánh giá"), next(i for i, h in enumerate(header) if h.startswith("Tỷ lệ dân số tham gia bảo hiểm y tế"))
    rows = [[*r[:year_col], "2025", *r[year_col + 1:]] for r in rows]
    rows[2][rate_col] = "chín mươi"
    table = _write_table(site[2] / "nam-2025.csv", header, rows)
    province = people("tinh")
    province.go("/import")
    province.page.set_input_files("#imp-file", str(table))
    province.page.fill("#imp-year", "2025")
    province.page.get_by_role("button", name="Kiểm tra trước (chưa lưu)").click()
    rejected = province.page.inner_text("tr.rejected")
    assert "chín mươi" in rejected and "4" in rejected.split()[0]  # the file's row 4 (header is row 1)
    assert "Tạo mới: 14" in province.page.inner_text("#dry-title + p")
    screenshot(province.page, "import-dry-run")
    province.page.get_by_role("button", name="Xác nhận nhập").click()
    assert "Đã nhập xong" in province.page.inner_text("main")
    province.go("/province?year=2025&state=none")  # communes without an assessment in 2025: only the rejected row's
    assert province.page.locator("table.communes tbody tr td:nth-child(3)").all_inner_texts() == [rows[2][0]]
    assert "1 / 15" in province.page.inner_text("main")


def test_what_if_on_a_stored_assessment_updates_in_place(people: Any) -> None:
    person = people("tinh")
    person.go("/communes/16024/2024/whatif")
    person.page.evaluate("window.__same = true")
    person.page.select_option("#f-v-has_doctor", "no")
    person.page.wait_for_selector("#whatif-summary")
    assert person.page.evaluate("window.__same === true")
    assert "Trước" in person.page.inner_text("#whatif-result") and "Sau" in person.page.inner_text("#whatif-result")
    screenshot(person.page, "whatif-stored")


def test_plan_of_a_stored_commune_with_a_costs_file(people: Any) -> None:
    person = people("tinh")
    person.go("/communes/16039/2024/plan")
    person.page.set_input_files("#cp-costs", str(COSTS))
    person.page.get_by_role("button", name="Lộ trình").last.click()
    assert "Tổng chi phí" in person.page.inner_text("#plan-result + p") or "Tổng chi phí" in person.page.inner_text("main")
    screenshot(person.page, "plan-stored")


def test_province_targets_choose_communes_at_least_cost(people: Any) -> None:
    person = people("tinh")
    person.go("/targets")
    person.page.get_by_role("button", name="Lộ trình").last.click()
    assert "Cần đạt" in person.page.inner_text("#tg-result + p")


def test_province_targets_within_a_budget_take_what_the_budget_allows_and_list_the_communes_left_out(people: Any) -> None:
    person = people("tinh")
    person.go("/targets")
    person.page.set_input_files("#tg-costs", str(COSTS))
    person.page.fill("#tg-budget", "10")
    person.page.select_option("#tg-year", "2024")
    person.page.get_by_role("button", name="Lộ trình").last.click()
    assert "(2024)" in person.page.inner_text("#tg-result")
    summary = person.page.inner_text("#tg-summary")
    assert "ngân sách 10" in summary and "✘ Chưa đạt chỉ tiêu" in summary
    costs = [float(c) for c in person.page.locator("#tg-result ~ table tbody tr td:nth-child(4)").all_inner_texts()]
    assert costs and sum(costs) <= 10
    left_out = person.page.inner_text("#tg-left + table")
    assert "Xã Thiệu Lý" in left_out and "12" in left_out  # the next cheapest, over what is left of the budget
    assert "costs.yaml" in person.page.inner_text("#tg-result ~ p.help")
    assert person.page.input_value("#tg-budget") == "10"
    screenshot(person.page, "targets-budget")


def test_a_score_sheet_downloads_as_a_pdf(people: Any) -> None:
    person = people("tinh")
    person.go("/communes/16027?year=2024")
    with person.page.expect_download() as info:
        person.page.get_by_role("link", name="PDF").click()
    path = info.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    assert info.value.suggested_filename == "bieu-cham-diem-16027-2024.pdf"


def test_a_commune_sheet_and_a_province_year_summary_download_as_xlsx_and_pdf_with_their_data(people: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    person = people("tinh")
    person.go("/communes/16027?year=2024")
    with person.page.expect_download() as info:
        person.page.get_by_role("link", name="Excel").click()
    assert info.value.suggested_filename == "bieu-cham-diem-16027-2024.xlsx"
    info.value.save_as(tmp_path / "commune.xlsx")
    cells = [str(c) for ws in load_workbook(tmp_path / "commune.xlsx", read_only=True) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any("Minh Tâm" in c for c in cells) and any("Tổng điểm" in c or "TỔNG" in c.upper() for c in cells)
    person.go("/province?year=2024")
    with person.page.expect_download() as info:
        person.page.get_by_role("link", name="Tải báo cáo Excel").click()
    assert info.value.suggested_filename == "tong-hop-thanh-hoa-2024.xlsx"
    info.value.save_as(tmp_path / "province.xlsx")
    book = load_workbook(tmp_path / "province.xlsx", read_only=True)
    cells = [str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert sum("Xã Thiệu" in c for c in cells) >= 12  # every commune of the province-year
    with person.page.expect_download() as info:
        person.page.get_by_role("link", name="Tải báo cáo PDF").click()
    assert info.value.suggested_filename == "tong-hop-thanh-hoa-2024.pdf"
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"


def test_printing_a_commune_page_leaves_out_navigation_and_buttons_and_keeps_the_score_sheet(people: Any) -> None:
    person = people("tinh")
    person.go("/communes/16033?year=2024")
    person.page.emulate_media(media="print")
    assert person.page.is_hidden("header.top nav") and person.page.is_hidden("footer.foot") and person.page.is_hidden("form")
    assert all(not link.is_visible() for link in person.page.locator("a.button").all())  # edit, what-if, plan, downloads
    assert person.page.is_visible(".scoresheet") and person.page.is_visible("h1")
    screenshot(person.page, "commune-print")
    pdf = person.page.pdf(format="A4")  # what the browser would print
    assert pdf[:5] == b"%PDF-"
    person.page.emulate_media(media="screen")


def test_a_user_outside_the_scope_is_refused(people: Any) -> None:
    commune = people("xa")  # staff of 16021
    response = commune.go("/communes/16024/2024/edit")
    assert response.status == 403
    assert "không có quyền" in commune.page.inner_text("main")
    response = commune.go("/communes/90001?year=2024")  # another province
    assert response.status == 403
    viewer = people("xem")
    assert viewer.go("/admin/users").status == 403
    assert viewer.go("/import").status == 403
    screenshot(commune.page, "refused")


def test_markup_in_a_commune_name_shows_as_text_and_the_overview_sorts_in_vietnamese_order(people: Any) -> None:
    admin = people("admin")
    admin.go("/province?province=tinh-thu-nghiem&year=2024")
    names = admin.page.locator("table.communes tbody tr td:nth-child(2)").all_inner_texts()
    assert len(names) == 150
    assert "Xã <b>Đặc biệt</b>" in names
    firsts = [n.split()[1] for n in names if n.split()[1] in ("An", "Ân", "Bình", "Dương", "Đông", "Ứng")]
    order = ["An", "Ân", "Bình", "Dương", "Đông", "Ứng"]
    assert firsts == sorted(firsts, key=order.index)
    expiring = admin.page.inner_text("#expiring-title + table")
    assert "Xã Dương 3 (90003)" in expiring and "77/QĐ-UBND" in expiring and "2025-06-30 (đã hết hạn)" in expiring


def test_the_overview_filters_by_region_and_verdict_and_sorts_by_points(people: Any) -> None:
    person = people("tinh")
    person.go("/province?year=2024")
    rows = person.page.locator("table.communes tbody tr")
    everything = [row.split("\t") for row in rows.all_inner_texts()]
    recognised = [r[2] for r in everything if "✔" in r[5]]
    assert {r[3] for r in everything} == {"Bắc Trung Bộ"} and 0 < len(recognised) < len(everything)
    person.page.select_option("#flt-region", "bac_trung_bo")  # the tables wrote the region by its name; the filter knows it
    person.page.select_option("#flt-verdict", "recognised")
    person.page.get_by_role("button", name="Lọc").click()
    assert sorted(r.split("\t")[2] for r in rows.all_inner_texts()) == sorted(recognised)
    assert all("✔ ĐẠT chuẩn" in r for r in rows.all_inner_texts())  # the verdict in words, not only a colour
    person.page.select_option("#flt-region", "tay_nguyen")
    person.page.get_by_role("button", name="Lọc").click()
    assert rows.count() == 0
    person.go("/province?year=2024&sort=total")
    totals = [float(r.split("\t")[4]) for r in rows.all_inner_texts()]
    assert totals == sorted(totals, reverse=True) and len(totals) == len(everything)
    person.go("/province?year=2024&lang=en")
    assert "North Central Coast" in rows.first.inner_text()


def test_keyboard_reaches_every_control_of_the_entry_form_and_every_field_has_a_label(people: Any) -> None:
    person = people("tinh")
    person.go("/communes/16030/2024/edit")
    unlabelled = person.page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabelled == []
    person.page.keyboard.press("Tab")
    person.page.keyboard.press("Enter")  # the skip link
    person.page.keyboard.press("Tab")
    assert person.page.evaluate("document.activeElement.closest('main') !== null")


MAIN_PAGES = {"signin": (None, "/signin"), "province": ("tinh", "/province"), "province-150": ("admin", "/province?province=tinh-thu-nghiem&year=2024"),
              "commune": ("tinh", "/communes/16033?year=2024"), "entry": ("tinh", "/communes/16036/2024/edit"), "import": ("tinh", "/import"),
              "targets": ("tinh", "/targets"), "users": ("admin", "/admin/users"), "user": ("admin", "/admin/users/thamdinh"),
              "whatif": ("tinh", "/communes/16039/2024/whatif"), "plan": ("tinh", "/communes/16039/2024/plan"), "rulesets": ("tinh", "/rulesets"),
              "compare": ("tinh", "/rulesets/compare?old=qd1300@2023-03-09&new=qd1300@2023-03-20"), "password": ("tinh", "/account/password"),
              "province-en": ("tinh", "/province?lang=en")}


@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_main_pages_have_no_serious_accessibility_violation_and_are_light(people: Any, name: str) -> None:
    login, path = MAIN_PAGES[name]
    person = people(login)
    started = time.perf_counter()
    person.go(path)
    person.page.wait_for_load_state("load")
    measured = timing(person.page) | {"wall_ms": round((time.perf_counter() - started) * 1000, 1)}
    record_timing(f"store {name}", measured)
    screenshot(person.page, f"page-{name}")
    if name in ("signin", "province"):
        assert measured["bytes"] < 200_000  # a first page load
    assert axe_violations(person.page) == []


def test_on_a_tablet_the_main_pages_need_no_sideways_scrolling(site: tuple[str, Any, Path]) -> None:
    person = Session(site, None)
    person.context.close()
    person.context = site[1].new_context(viewport={"width": 768, "height": 1024})
    person.page = person.context.new_page()
    person.watcher.attach(person.page)
    person.sign_in("tinh")
    for path in ("/province", "/communes/16039?year=2024", "/communes/16039/2024/edit", "/communes/16039/2024/whatif", "/communes/16039/2024/plan",
                 "/import", "/targets", "/check", "/rulesets/qd1300@2023-03-20", "/rulesets/compare?old=qd4667@2014-11-07&new=qd1300@2023-03-20",
                 "/account/password"):
        person.go(path)
        width, view = person.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= view, path
    screenshot(person.page, "tablet-password")
    person.context.clear_cookies()
    person.sign_in("admin")
    for path in ("/admin/users", "/admin/users/thamdinh"):
        person.go(path)
        width, view = person.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= view, path
    screenshot(person.page, "tablet-user")
    person.close()


def _log(page: Any) -> str:
    return page.inner_text("#log-title + table")


def test_an_admin_gives_an_appraiser_a_list_of_communes_then_changes_it_resets_and_disables_with_each_step_audited(people: Any) -> None:
    admin = people("admin")
    admin.go("/admin/users")
    admin.page.fill("#nu-login", "thamdinh-cum")
    admin.page.fill("#nu-name", "Tổ thẩm định cụm 1")
    admin.page.fill("#nu-password", PASSWORD)
    admin.page.select_option("#nu-role", "appraiser")
    assert admin.page.is_hidden("#nu-commune") and admin.page.is_visible("#nu-c-16024")  # only the fields the role uses
    admin.page.check("#nu-c-16024")
    admin.page.check("#nu-c-16027")
    admin.page.get_by_role("button", name="Thêm", exact=True).click()
    row = admin.page.locator("table.users tr", has_text="thamdinh-cum").inner_text()
    assert "2 xã" in row and "Xã Thiệu Chính" in row and "Xã Minh Tâm" in row

    appraiser = people("thamdinh-cum")
    assert appraiser.go("/communes/16024?year=2024").status == 200
    assert appraiser.go("/communes/16030?year=2024").status == 403  # not on the list
    appraiser.go("/province")
    assert sorted(appraiser.page.locator("table.communes tbody tr td:nth-child(3)").all_inner_texts()) == ["16024", "16027"]

    admin.go("/admin/users/thamdinh-cum")
    assert admin.page.is_checked("#eu-c-16024") and admin.page.is_checked("#eu-c-16027")
    admin.page.uncheck("#eu-c-16027")
    admin.page.check("#eu-c-16030")
    admin.page.get_by_role("button", name="Lưu vai trò và phạm vi").click()
    assert "Đã lưu vai trò và phạm vi" in admin.page.inner_text("#user-done")
    assert appraiser.go("/communes/16030?year=2024").status == 200  # the same session sees the new scope at once
    assert appraiser.go("/communes/16027?year=2024").status == 403

    admin.page.select_option("#eu-role", "province")  # a provincial officer without a province: refused in place, nothing saved
    admin.page.get_by_role("button", name="Lưu vai trò và phạm vi").click()
    assert admin.page.inner_text("#user-error") == "Vai trò 'Sở Y tế' cần một tỉnh."  # in the page's words, not the command line's
    assert admin.page.input_value("#eu-role") == "province"  # what was chosen stays on screen
    assert appraiser.go("/communes/16030?year=2024").status == 200
    screenshot(admin.page, "user-scope-error")

    admin.go("/admin/users/thamdinh-cum")
    admin.page.fill("#eu-password", "mat-khau-moi-2026")
    admin.page.get_by_role("button", name="Đặt lại mật khẩu").click()
    assert "Đã đặt lại mật khẩu" in admin.page.inner_text("#user-done")
    assert "/signin" in appraiser.go("/province").url  # a reset password signs the user out of every browser
    appraiser.page.fill("#login", "thamdinh-cum")
    appraiser.page.fill("#password", "mat-khau-moi-2026")
    appraiser.page.get_by_role("button", name="Đăng nhập").click()
    appraiser.page.wait_for_url("**/province**")
    admin.page.get_by_role("button", name="Khoá tài khoản").click()
    assert "đã khoá" in admin.page.inner_text("#user-status")
    assert "/signin" in appraiser.go("/province").url  # a disabled account's session ends at once
    appraiser.page.fill("#login", "thamdinh-cum")
    appraiser.page.fill("#password", "mat-khau-moi-2026")
    appraiser.page.get_by_role("button", name="Đăng nhập").click()
    assert "không đúng" in appraiser.page.inner_text("#signin-error").lower()

    log = _log(admin.page)
    changes = [line.split("\t") for line in log.splitlines() if "(user." in line]  # newest first; the refusal left nothing
    assert [(c[1], c[2], c[3].split("; before")[0]) for c in changes] == [
        ("admin", "sửa tài khoản (user.changed)", "action: disable"), ("admin", "sửa tài khoản (user.changed)", "action: reset; sessions_ended: 1"),
        ("admin", "sửa tài khoản (user.changed)", "action: scope"), ("admin", "thêm tài khoản (user.added)", "after: appraiser · 16024, 16027")]
    assert "before: appraiser · 16024, 16027; after: appraiser · 16024, 16030" in log
    assert "user.added" in log and "mat-khau-moi" not in log
    screenshot(admin.page, "user-edit")


def test_the_last_enabled_admin_cannot_be_disabled_and_a_user_post_without_the_csrf_token_is_refused(people: Any) -> None:
    admin = people("admin")
    admin.go("/admin/users/admin")
    admin.page.get_by_role("button", name="Khoá tài khoản").click()
    assert "quản trị cuối cùng" in admin.page.inner_text("#user-error")
    admin.go("/admin/users/xem")
    answer = admin.page.request.post(admin.base + "/admin/users/xem", form={"action": "disable"})
    assert answer.status == 403
    admin.go("/admin/users/xem")
    assert "đang dùng" in admin.page.inner_text("#user-status")


def test_a_user_changes_their_password_which_signs_out_their_other_browsers_and_signs_out(people: Any) -> None:
    admin = people("admin")
    admin.go("/admin/users")
    admin.page.fill("#nu-login", "xem-2")
    admin.page.fill("#nu-password", PASSWORD)
    admin.page.select_option("#nu-role", "viewer")
    admin.page.get_by_role("button", name="Thêm", exact=True).click()
    office, home = people("xem-2"), people("xem-2")
    office.go("/account/password")
    office.page.fill("#pw-current", "sai-mat-khau")
    office.page.fill("#pw-new", "mat-khau-rieng-1")
    office.page.fill("#pw-again", "mat-khau-rieng-1")
    office.page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "không đúng" in office.page.inner_text("main .error").lower()
    office.page.fill("#pw-current", PASSWORD)
    office.page.fill("#pw-new", "mat-khau-rieng-1")
    office.page.fill("#pw-again", "mat-khau-rieng-2")
    office.page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "không giống nhau" in office.page.inner_text("main .error")
    office.page.fill("#pw-current", PASSWORD)
    office.page.fill("#pw-new", "mat-khau-rieng-1")
    office.page.fill("#pw-again", "mat-khau-rieng-1")
    office.page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "Đã đổi mật khẩu" in office.page.inner_text("main")
    assert office.go("/province").url.endswith("/province")  # this browser stays signed in
    assert "/signin" in home.go("/province").url  # the other one signs in again
    office.page.get_by_role("button", name="Đăng xuất").click()
    office.page.wait_for_url("**/signin")
    assert "/signin" in office.go("/province").url
    office.page.fill("#login", "xem-2")
    office.page.fill("#password", "mat-khau-rieng-1")
    office.page.get_by_role("button", name="Đăng nhập").click()
    office.page.wait_for_url("**/province**")


def test_a_keyboard_alone_adds_an_appraiser_with_a_list_of_communes(people: Any) -> None:
    admin = people("admin")
    admin.go("/admin/users")
    admin.page.focus("#nu-login")
    admin.page.keyboard.type("thamdinh-phim")
    admin.page.keyboard.press("Tab")  # full name
    admin.page.keyboard.press("Tab")  # password
    admin.page.keyboard.type(PASSWORD)
    admin.page.keyboard.press("Tab")  # role
    assert admin.page.evaluate("document.activeElement.id") == "nu-role"
    while admin.page.input_value("#nu-role") != "appraiser":
        admin.page.keyboard.press("ArrowUp")
    admin.page.keyboard.press("Tab")  # province (the commune field hides for an appraiser)
    assert admin.page.evaluate("document.activeElement.id") == "nu-province"
    admin.page.keyboard.press("Tab")  # the search over the communes to tick
    assert admin.page.evaluate("document.activeElement.id") == "nu-find"
    admin.page.keyboard.type("minh tam")  # without diacritics
    admin.page.keyboard.press("Enter")  # keeps the form (Enter in the search does not add the user)
    assert admin.page.locator(".pick-list .check:visible").all_inner_texts() == ["Xã Minh Tâm (16027)"]
    admin.page.keyboard.press("Tab")
    assert admin.page.evaluate("document.activeElement.id") == "nu-c-16027"
    admin.page.keyboard.press("Space")
    while admin.page.evaluate("document.activeElement.type") == "checkbox":
        admin.page.keyboard.press("Tab")
    assert admin.page.evaluate("document.activeElement.textContent") == "Thêm"
    admin.page.keyboard.press("Enter")
    admin.page.wait_for_url("**/admin/users")
    assert "1 xã: Xã Minh Tâm" in admin.page.locator("table.users tr", has_text="thamdinh-phim").inner_text()
