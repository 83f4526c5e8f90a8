"""The web application without a browser: the form generated from a ruleset, reading it back (blank is missing,
errors keyed by field in the user's language), CSRF on every page post, escaping, scope refusals, redirects."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

import chuanxa
from chuanxa.communes.model import CommuneInfo
from chuanxa.web.forms import Entry, check_entry, entry_sections, read_entry

from web_browser_support import demo_store

ENGINE = chuanxa.compiled("qd1300@2023-03-20")
INFO = CommuneInfo(code="1", name="Xã Một", region="bac_trung_bo", terrain="dong_bang")


def test_every_input_a_person_types_gets_exactly_one_labelled_field_and_derived_ones_none() -> None:
    fields = [f for s in entry_sections(ENGINE, "vi") for f in s.fields if f.name.startswith("v.")]
    names = [f.name[2:] for f in fields]
    typed = [name for name, spec in ENGINE.ruleset.inputs.items() if spec.expr is None]
    assert sorted(names) == sorted(typed) and len(names) == len(set(names))
    assert all(f.label for f in fields)
    by_name = {f.name[2:]: f for f in fields}
    assert by_name["has_doctor"].kind == "yes_no" and [c for c, _ in by_name["has_doctor"].choices] == ["yes", "no"]
    assert (by_name["health_insurance_rate"].low, by_name["health_insurance_rate"].high, by_name["health_insurance_rate"].unit) == (0.0, 100.0, "%")


def test_assessed_indicators_get_points_from_zero_to_their_maximum_by_their_step() -> None:
    points = {f.name[2:]: f for s in entry_sections(ENGINE, "en") for f in s.fields if f.name.startswith("a.")}
    assessed = [i for i in ENGINE.ruleset.indicators if i.kind == "assessed"]
    assert set(points) == {i.id for i in assessed}
    for indicator in assessed:
        assert (points[indicator.id].low, points[indicator.id].high) == (0.0, indicator.max_points)
        assert points[indicator.id].step == (f"{indicator.step:g}" if indicator.step else "any")


def test_a_blank_field_is_missing_data_never_zero() -> None:
    entry = read_entry({"v.health_insurance_rate": "  ", "v.station_staff": "0", "a.1": ""})
    assert entry.values == {"station_staff": "0"} and entry.assessed == {}
    data, errors = check_entry(ENGINE, INFO, entry, "vi")
    assert errors == {} and data is not None
    result = ENGINE.evaluate(data)
    assert result.indicator("5").status.value == "missing_data"
    assert result.indicator("5").points == 0 and result.missing_count > 0


def test_a_note_without_points_is_kept_and_asks_for_the_points() -> None:
    entry = read_entry({"a.1": "", "n.1": "Thiếu biên bản"})
    assert entry.assessed == {"1": {"note": "Thiếu biên bản"}}
    assert entry.form_values() == {"n.1": "Thiếu biên bản"}
    _, errors = check_entry(ENGINE, INFO, entry, "vi")
    assert "chưa có điểm" in errors["a.1"]


def test_errors_come_back_under_their_field_in_the_users_language() -> None:
    entry = read_entry({"v.health_insurance_rate": "120", "v.has_doctor": "có lẽ", "a.2": "9", "a.3": "hai"})
    _, vi = check_entry(ENGINE, INFO, entry, "vi")
    _, en = check_entry(ENGINE, INFO, entry, "en")
    assert set(vi) == set(en) == {"v.health_insurance_rate", "v.has_doctor", "a.2", "a.3"}
    assert "nằm ngoài khoảng cho phép 0 đến 100" in vi["v.health_insurance_rate"]
    assert "outside" in en["v.health_insurance_rate"]
    assert "values.health_insurance_rate" not in vi["v.health_insurance_rate"]  # the field is the location


@given(st.dictionaries(st.sampled_from(sorted(ENGINE.ruleset.inputs)), st.text(min_size=1, max_size=8).filter(lambda t: t.strip() == t and t != "")))
def test_what_a_person_typed_survives_a_round_trip_through_the_form(values: dict[str, str]) -> None:
    entry = Entry(values=values)
    assert read_entry(entry.form_values()).values == values


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from chuanxa.server import create_app

    engine = demo_store(tmp_path_factory.mktemp("web-pages"))
    yield create_app(engine=engine, migrate=False)
    engine.dispose()


def _client(app: Any, login: str | None) -> Any:
    from fastapi.testclient import TestClient

    client = TestClient(app, follow_redirects=False)
    client.get("/signin")
    if login:
        answer = client.post("/signin", data={"csrf_token": client.cookies.get("chuanxa_csrf"), "login": login, "password": "demo-chuanxa"})
        assert answer.status_code == 303
    return client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return html.unescape(found.group(1))


def _form_fields(page: str) -> dict[str, str]:
    """The values a browser would send back: every text input, and the selected option of every select."""
    fields = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'<input id="[^"]*" name="([van]\.[^"]+)" type="text"[^>]*? value="([^"]*)"', page)}
    for name, options in re.findall(r'<select id="[^"]*" name="([va]\.[^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def test_every_page_post_without_the_csrf_token_is_refused(server: Any) -> None:
    admin = _client(server, "admin")
    from chuanxa.web import admin as admin_pages, commune, province, site, tools

    routers = [m.router for m in (admin_pages, commune, province, site, tools)]
    posts = sorted({route.path for router in routers for route in router.routes if "POST" in getattr(route, "methods", set())} - {"/signin"})
    assert "/communes/{code}/{year}/edit" in posts and "/import" in posts and "/admin/users" in posts
    for path in posts:
        url = path.replace("{code}", "16021").replace("{year}", "2024").replace("{login}", "xa").replace("{number}", "1")
        answer = admin.post(url, data={"action": "disable", "login": "x"})
        assert answer.status_code == 403, (url, answer.status_code)
    anonymous = _client(server, None)
    assert anonymous.post("/signin", data={"login": "admin", "password": "demo-chuanxa"}).status_code == 403  # the sign-in form has its own token
    assert admin.get("/admin/users").text.count("đang dùng") == 5  # nobody was disabled


def test_a_signed_in_post_with_the_token_works_and_is_recorded(server: Any) -> None:
    province = _client(server, "tinh")
    page = province.get("/communes/16024/2024/edit").text
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    form = _form_fields(page) | {"csrf_token": _csrf(page), "etag": etag, "v.station_staff": "7", "action": "save"}
    answer = province.post("/communes/16024/2024/edit", data=form)
    assert answer.status_code == 303
    history = province.get("/communes/16024?year=2024").text.split('id="history-title"')[1]
    newest = history.split("<tbody>")[1].split("</tr>")[0]
    assert "<code>station_staff</code>: 6 → 7" in newest and "Số nhân lực làm việc tại trạm y tế" in newest  # named as the form names it
    assert newest.count("<li>") == 1  # the other values, sent back as shown (yes/no as choices), did not change
    assert "<td>lưu</td>" in newest and "<td>nhập từ tệp</td>" in history  # how each revision came to be, in words


def test_anonymous_visitors_are_sent_to_sign_in_and_back_only_to_this_server(server: Any) -> None:
    anonymous = _client(server, None)
    answer = anonymous.get("/communes/16021?year=2024")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next=/communes/16021")
    token = anonymous.cookies.get("chuanxa_csrf")
    answer = anonymous.post("/signin", data={"csrf_token": token, "login": "xa", "password": "demo-chuanxa", "next": "//evil.example/x"})
    assert answer.headers["location"] == "/province"


def test_a_commune_user_cannot_open_another_communes_entry_form(server: Any) -> None:
    commune = _client(server, "xa")
    answer = commune.get("/communes/16024/2024/edit")
    assert answer.status_code == 403 and "text/html" in answer.headers["content-type"]
    assert "không có quyền" in answer.text


def test_markup_typed_into_a_field_comes_back_as_text(server: Any) -> None:
    province = _client(server, "tinh")
    page = province.get("/communes/16027/2024/edit").text
    answer = province.post("/communes/16027/2024/edit", data={"csrf_token": _csrf(page), "v.health_insurance_rate": '"><script>alert(1)</script>', "action": "save"})
    assert answer.status_code == 422
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text


def test_pages_carry_a_content_security_policy_that_allows_only_this_server(server: Any) -> None:
    answer = _client(server, "tinh").get("/province")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    assert not re.search(r'(src|href)="(https?:)?//', answer.text)


def test_the_standalone_application_refuses_a_post_without_its_token() -> None:
    from fastapi.testclient import TestClient

    from chuanxa.web.app import create_app

    client = TestClient(create_app())
    assert client.post("/check", data={"c.code": "1"}).status_code == 403
    page = client.get("/check").text
    assert client.post("/check", data={"csrf_token": _csrf(page), "c.code": "1", "c.name": "X"}).status_code == 200


def test_the_vendored_htmx_is_shipped_with_its_licence() -> None:
    static = Path(chuanxa.__file__).parent.parent / "web" / "static"
    assert (static / "htmx.min.js").stat().st_size > 40_000
    assert "Zero-Clause BSD" in (static / "htmx.LICENSE.txt").read_text()


def test_the_province_year_summary_downloads_as_a_workbook_of_what_the_user_may_read(server: Any, tmp_path: Path) -> None:
    answer = _client(server, "tinh").get("/province/thanh-hoa/2024/report.xlsx")
    assert answer.status_code == 200 and answer.headers["content-disposition"].endswith('tong-hop-thanh-hoa-2024.xlsx"')
    assert len(_names(answer.content, tmp_path)) == 15
    own = _client(server, "xa").get("/province/thanh-hoa/2024/report.xlsx")
    assert _names(own.content, tmp_path) == ["Xã Thiệu Toán"]  # other communes' drafts are left out


def _names(content: bytes, folder: Path) -> list[str]:
    from openpyxl import load_workbook

    (folder / "r.xlsx").write_bytes(content)
    return [row[1] for row in load_workbook(folder / "r.xlsx").worksheets[0].iter_rows(values_only=True) if row and isinstance(row[0], int)]


@pytest.mark.parametrize("path", ["/province", "/communes/16021?year=2024", "/communes/16021/2024/edit", "/communes/16021/2024/whatif",
                                  "/communes/16021/2024/plan", "/communes/16021/2024/revisions/1", "/import", "/targets", "/admin/users",
                                  "/rulesets", "/check", "/account/password"])
def test_every_page_also_shows_in_english(server: Any, path: str) -> None:
    answer = _client(server, "admin").get(path + ("&" if "?" in path else "?") + "lang=en")
    assert answer.status_code == 200
    assert '<html lang="en">' in answer.text and "Sign out" in answer.text
    assert "Đăng xuất" not in answer.text


@pytest.mark.parametrize("lang,words,other", [("vi", "Tỷ lệ dân số tham gia bảo hiểm y tế ≥ 95: 4 điểm; ≥ 90: 2 điểm", "the appraisal team"),
                                               ("en", "Share of the population with health insurance ≥ 95: 4 points; ≥ 90: 2 points", "đoàn thẩm định")])
def test_the_ruleset_page_shows_each_indicators_rule_in_the_readers_language(server: Any, lang: str, words: str, other: str) -> None:
    shown = _client(server, "admin").get(f"/rulesets/qd1300@2023-03-20?lang={lang}").text
    assert words in shown and other not in shown and "thẩm định / assessed" not in shown  # never the JSON's mixed notation
    assert f"<td>{'có/không' if lang == 'vi' else 'yes/no'}</td>" in shown and "<td>yes_no</td>" not in shown  # each kind by its name


def test_static_files_are_served_when_the_installed_package_links_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's strict editable install puts links to the source files in the package: the stylesheet and
    htmx must still be served (they were 404 there, an unstyled page with no htmx), and nothing outside the folder."""
    import chuanxa.web.app as web_app
    from fastapi.testclient import TestClient

    from chuanxa.server import create_app

    real = Path(web_app.static_folder())
    linked = tmp_path / "static"
    linked.mkdir()
    for item in real.iterdir():
        (linked / item.name).symlink_to(item)
    (tmp_path / "secret.txt").write_text("not to be served", encoding="utf-8")
    monkeypatch.setattr(web_app, "static_folder", lambda: str(linked))
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"))
    for name, kind in (("app.css", "text/css"), ("htmx.min.js", "javascript")):
        answer = client.get(f"/static/{name}")
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
        assert answer.content == (real / name).read_bytes()
    assert client.get("/static/../secret.txt").status_code == 404 and client.get("/static/%2e%2e/secret.txt").status_code == 404


@pytest.mark.parametrize("login", ["có dấu", "a/b", "", "x" * 101])
def test_a_login_that_cannot_be_part_of_an_address_is_refused_on_the_users_page_and_what_was_typed_stays(server: Any, login: str) -> None:
    admin = _client(server, "admin")
    page = admin.get("/admin/users").text
    before = page.count("<tr>")
    answer = admin.post("/admin/users", data={"csrf_token": _csrf(page), "login": login, "name": "Người <b>mới</b>", "password": "mat-khau-dai",
                                              "role": "viewer"})
    assert answer.status_code == 422
    assert "Tên đăng nhập chỉ gồm" in answer.text
    assert 'value="Người &lt;b&gt;mới&lt;/b&gt;"' in answer.text  # kept, and escaped
    assert admin.get("/admin/users").text.count("<tr>") == before  # nobody was added
