"""Typed errors of the store and the API, each with the HTTP status it maps to (messages in the catalogue)."""

from __future__ import annotations

from typing import ClassVar

from chuanxa.errors import ChuanxaError


class StoreError(ChuanxaError):
    """A request the store cannot carry out; `status` is the HTTP status the API answers with."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or used (a wrong address, a server that is down, no permission)."""

    status, title = 503, "Service unavailable"


class NotFound(StoreError):
    status, title = 404, "Not found"


class Forbidden(StoreError):
    status, title = 403, "Forbidden"


class Unauthenticated(StoreError):
    status, title = 401, "Unauthenticated"


class Conflict(StoreError):
    status, title = 409, "Conflict"


class Stale(StoreError):
    """An `If-Match` that names an older version (the stale write is kept in the history)."""

    status, title = 412, "Precondition failed"


class PreconditionRequired(StoreError):
    status, title = 428, "Precondition required"


class Invalid(StoreError):
    status, title = 422, "Unprocessable content"


class TooMany(StoreError):
    status, title = 429, "Too many requests"


class TooLarge(StoreError):
    status, title = 413, "Content too large"


#: Words for `store.not_found` and `store.forbidden`: what was looked for, what was refused.
WHAT: dict[str, tuple[str, str]] = {
    "commune": ("xã", "commune"),
    "province": ("tỉnh", "province"),
    "revision": ("phiên bản", "revision"),
    "user": ("tài khoản", "user"),
    "token": ("mã truy cập", "token"),
    "ruleset": ("bộ tiêu chí", "ruleset"),
    "recognition": ("quyết định công nhận", "recognition"),
    "import": ("lần nhập", "import"),
    "overlay": ("bộ tiêu chí hiệu chỉnh", "ruleset overlay"),
    "activation": ("lần kích hoạt bộ tiêu chí", "ruleset activation"),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "read": ("xem dữ liệu này", "read this"),
    "create": ("tạo phiếu đánh giá cho xã này", "create an assessment for this commune"),
    "edit_values": ("sửa số liệu của phiếu này", "change this assessment's values"),
    "edit_assessed": ("chấm điểm thẩm định phiếu này", "change this assessment's appraisal points"),
    "transition": ("thực hiện bước này", "take this step"),
    "import": ("nhập dữ liệu cho tỉnh này", "import data for this province"),
    "manage_users": ("quản lý tài khoản", "manage users"),
    "audit": ("xem nhật ký", "read the audit log"),
    "manage_rulesets": ("tải lên, kích hoạt hoặc hủy kích hoạt bộ tiêu chí hiệu chỉnh", "upload, activate or deactivate ruleset overlays"),
}


def not_found(what: str, ref: object) -> NotFound:
    vi, en = WHAT[what]
    return NotFound(key="store.not_found", params={"what": en, "what_vi": vi, "ref": ref})


def forbidden(action: str) -> Forbidden:
    vi, en = ACTIONS[action]
    return Forbidden(key="store.forbidden", params={"action": en, "action_vi": vi})
