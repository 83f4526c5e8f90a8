"""Changing an existing user's role and scope in the store (the admin page's backend), on SQLite and PostgreSQL:
checked as when adding a user, parts the role does not use cleared, the last enabled administrator kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from chuanxa.store import access, users
from chuanxa.store.errors import Conflict, Invalid, NotFound
from chuanxa.store.models import User


def _user(session: Any, login: str) -> User:
    return session.scalars(select(User).where(User.login == login)).one()


def test_an_appraiser_of_a_province_becomes_an_appraiser_of_a_list_of_communes_and_sees_only_those(world: Any) -> None:
    with world.session() as session:
        appraiser = _user(session, "thamdinh")
        assert access.in_work_scope(appraiser, world.other, world.province)
        before = users.change_scope(session, appraiser, "appraiser", communes=[world.commune, world.commune, ""])
        assert before == {"role": "appraiser", "province": world.province, "commune": None, "communes": []}
        assert users.scope_of(appraiser) == {"role": "appraiser", "province": None, "commune": None, "communes": [world.commune]}
    with world.session() as session:
        appraiser = _user(session, "thamdinh")
        assert access.in_work_scope(appraiser, world.commune, world.province)
        assert not access.in_work_scope(appraiser, world.other, world.province)


def test_parts_a_role_does_not_use_are_cleared_and_a_commune_users_province_follows_the_commune(world: Any) -> None:
    with world.session() as session:
        person = _user(session, "thamdinh")
        users.change_scope(session, person, "province", province=world.province, commune=world.commune, communes=[world.other])
        assert users.scope_of(person) == {"role": "province", "province": world.province, "commune": None, "communes": []}
        users.change_scope(session, person, "commune", province="khac", commune=world.other)
        assert users.scope_of(person) == {"role": "commune", "province": world.province, "commune": world.other, "communes": []}


@pytest.mark.parametrize(("role", "scope", "error", "words"), [
    ("province", {}, Invalid, "cần một tỉnh"),
    ("commune", {"province": "khac"}, Invalid, "cần một xã"),
    ("appraiser", {}, Invalid, "một tỉnh hoặc danh sách xã"),
    ("appraiser", {"communes": ["00000"]}, NotFound, "00000"),
    ("province", {"province": "khong-co"}, NotFound, "khong-co"),
    ("chief", {}, Invalid, "chief"),
])
def test_a_scope_that_does_not_suit_the_role_is_refused_with_a_clear_message_and_changes_nothing(world: Any, role: str, scope: dict[str, Any],
                                                                                                error: type, words: str) -> None:
    with pytest.raises(error) as raised, world.session() as session:
        users.change_scope(session, _user(session, "thamdinh"), role, **scope)
    assert words in raised.value.message("vi")
    with world.session() as session:
        assert users.scope_of(_user(session, "thamdinh"))["role"] == "appraiser"


def test_the_last_enabled_administrator_can_be_neither_demoted_nor_disabled_but_one_of_two_can(world: Any) -> None:
    with world.session() as session:
        admin = _user(session, "admin")
        with pytest.raises(Conflict) as raised:
            users.set_disabled(session, admin, True)
        assert "quản trị cuối cùng" in raised.value.message("vi") and "last enabled administrator" in raised.value.message("en")
        with pytest.raises(Conflict):
            users.change_scope(session, admin, "viewer")
        second = users.add_user(session, "admin2", "mat-khau-dai", "admin")
        users.set_disabled(session, second, True)
        with pytest.raises(Conflict):  # a disabled administrator does not count
            users.set_disabled(session, admin, True)
        users.set_disabled(session, second, False)
        users.change_scope(session, admin, "viewer", province=world.province)
        assert users.scope_of(admin)["role"] == "viewer"
