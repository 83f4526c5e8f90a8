"""Who may do what to which commune: pure functions of a user, a commune and a workflow state.

Two circles of scope: a user's *work scope* (admin everywhere; provincial officer in their province; appraiser
in their province or communes; commune staff in their commune) sees and works on everything; the wider *view
scope* (a viewer in their province, or everywhere without one; commune staff in their own province) sees only
assessments past data entry (never a draft or one returned for correction).
"""

from __future__ import annotations

from chuanxa.store.models import Role, State, User

#: States whose data are still being entered: only the work scope sees them.
WORK_IN_PROGRESS = frozenset({State.DRAFT.value, State.RETURNED.value})


def in_work_scope(user: User, commune_code: str, province_code: str) -> bool:
    role = user.role
    if role == Role.ADMIN.value:
        return True
    if role == Role.PROVINCE.value:
        return user.province_code == province_code
    if role == Role.APPRAISER.value:
        return commune_code in (user.communes or []) or (bool(user.province_code) and user.province_code == province_code)
    if role == Role.COMMUNE.value:
        return user.commune_code == commune_code
    return False


def in_view_scope(user: User, commune_code: str, province_code: str, commune_province: str | None = None) -> bool:
    """Whether the user may see the commune at all (its finished assessments at least)."""
    if in_work_scope(user, commune_code, province_code):
        return True
    if user.role == Role.VIEWER.value:
        return not user.province_code or user.province_code == province_code
    if user.role == Role.COMMUNE.value:
        return commune_province is not None and commune_province == province_code
    return False


def can_read(user: User, commune_code: str, province_code: str, state: str | None, own_province: str | None = None) -> bool:
    """Whether the user may read this commune's assessment in `state` (None: there is none yet)."""
    if in_work_scope(user, commune_code, province_code):
        return True
    return in_view_scope(user, commune_code, province_code, own_province) and state is not None and state not in WORK_IN_PROGRESS


#: Which roles may change which part of an assessment, in which states.
EDITS: dict[str, dict[str, frozenset[str]]] = {
    "values": {
        Role.ADMIN.value: frozenset({"draft", "returned", "submitted"}),
        Role.PROVINCE.value: frozenset({"draft", "returned", "submitted"}),
        Role.COMMUNE.value: frozenset({"draft", "returned"}),
    },
    "assessed": {
        Role.ADMIN.value: frozenset({"draft", "returned", "submitted", "appraised"}),
        Role.PROVINCE.value: frozenset({"draft", "returned", "submitted", "appraised"}),
        Role.APPRAISER.value: frozenset({"submitted", "appraised"}),
    },
}


def can_edit(user: User, part: str, commune_code: str, province_code: str, state: str) -> bool:
    """Whether the user may change `part` ("values" or "assessed") of an assessment in `state`."""
    return in_work_scope(user, commune_code, province_code) and state in EDITS[part].get(user.role, frozenset())


def can_create(user: User, commune_code: str, province_code: str) -> bool:
    return in_work_scope(user, commune_code, province_code) and user.role in (Role.ADMIN.value, Role.PROVINCE.value, Role.COMMUNE.value)


def can_import(user: User, province_code: str) -> bool:
    return user.role == Role.ADMIN.value or (user.role == Role.PROVINCE.value and user.province_code == province_code)


def can_export(user: User, province_code: str) -> bool:
    """Whole province-year workbooks: admin, and the province's officers and appraisers."""
    return user.role == Role.ADMIN.value or (user.role in (Role.PROVINCE.value, Role.APPRAISER.value) and user.province_code == province_code)


def can_manage_users(user: User) -> bool:
    return user.role == Role.ADMIN.value
