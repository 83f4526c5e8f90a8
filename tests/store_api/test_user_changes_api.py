"""PATCH /api/v1/users/{login}: the same changes of role and scope as the web's user page, through the same store
functions (checked scope, the last administrator kept, a reset password ends the user's browser sessions)."""

from __future__ import annotations

from typing import Any


def test_an_admin_turns_a_province_appraiser_into_an_appraiser_of_two_communes_who_then_sees_only_those(world: Any, client: Any, auth: Any) -> None:
    answer = client.patch("/api/v1/users/thamdinh", json={"communes": [world.commune, world.other]}, headers=auth("admin"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "appraiser" and sorted(answer.json()["communes"]) == sorted([world.commune, world.other])
    seen = client.get("/api/v1/communes?year=2024", headers=auth("thamdinh")).json()
    assert sorted(row["code"] for row in seen) == sorted([world.commune, world.other])
    log = client.get("/api/v1/audit?action=user.changed", headers=auth("admin"))
    assert log.status_code == 200 and '"scope"' in log.text and "thamdinh" in log.text  # the scope before and after


def test_a_scope_that_does_not_suit_the_role_is_refused_and_changes_nothing(world: Any, client: Any, auth: Any) -> None:
    answer = client.patch("/api/v1/users/xem", json={"role": "commune", "name": "Đổi tên"}, headers=auth("admin"))  # a commune user needs a commune
    assert answer.status_code in (409, 422) and answer.headers["content-type"].startswith("application/problem+json")
    after = {u["login"]: u for u in client.get("/api/v1/users", headers=auth("admin")).json()}["xem"]
    assert after["role"] == "viewer" and after["name"] != "Đổi tên"


def test_the_last_administrator_can_be_neither_disabled_nor_demoted_through_the_api(world: Any, client: Any, auth: Any) -> None:
    for change in ({"disabled": True}, {"role": "viewer", "province": world.province}):
        answer = client.patch("/api/v1/users/admin", json=change, headers=auth("admin"))
        assert answer.status_code == 409, (change, answer.text)
    assert client.get("/api/v1/users", headers=auth("admin")).status_code == 200  # still an administrator


def test_a_password_reset_signs_the_user_out_of_every_browser(world: Any, client: Any, auth: Any) -> None:
    from fastapi.testclient import TestClient

    from .conftest import PASSWORD

    with TestClient(client.app) as browser:
        assert browser.post("/api/v1/auth/session", data={"username": "xa", "password": PASSWORD}).status_code == 200
        assert browser.get("/api/v1/auth/me").status_code == 200  # signed in by its cookie
        answer = client.patch("/api/v1/users/xa", json={"password": "mat-khau-moi-2"}, headers=auth("admin"))
        assert answer.status_code == 200, answer.text
        assert browser.get("/api/v1/auth/me").status_code == 401  # that browser was signed out
    assert client.post("/api/v1/auth/token", data={"username": "xa", "password": "mat-khau-moi-2"}).status_code == 200
