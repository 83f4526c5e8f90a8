"""Request and response documents of the API (pydantic; they make the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool


#: Free text a person types that the store keeps (a user's or a token's name): no control characters (PostgreSQL
#: refuses a NUL in text, and none belongs in a name), stated in the schema so that a client can know it.
PLAIN_TEXT = r"^[^\u0000-\u001f\u007f]*$"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """RFC 9457 problem details, with the message in both languages and every error's location."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    detail_vi: str
    detail_en: str
    errors: list[dict[str, Any]] = []


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for status in (400, 401, 403, 404, 409, 412, 413, 422, 428, 429)
}


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class Health(BaseModel):
    status: Literal["ok"]
    warm: bool = Field(default=True, description="the background warm-up (`chuanxa serve`) has finished")


class UserOut(BaseModel):
    id: int
    login: str
    name: str
    role: str
    province: str | None
    commune: str | None
    communes: list[str]
    disabled: bool


class UserIn(Model):
    login: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "province", "appraiser", "commune", "viewer"]
    name: str = Field(default="", max_length=200, pattern=PLAIN_TEXT)
    province: str | None = Field(default=None, max_length=16)
    commune: str | None = Field(default=None, max_length=16)
    communes: list[str] = Field(default=[], max_length=5000)


class UserPatch(Model):
    name: str | None = Field(default=None, max_length=200, pattern=PLAIN_TEXT)
    disabled: StrictBool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    # A new role and/or scope, checked as when adding a user: a scope sent replaces the old one as a whole (parts the
    # role does not use are cleared); a new role alone keeps the old scope where the role uses it.
    role: Literal["admin", "province", "appraiser", "commune", "viewer"] | None = None
    province: str | None = Field(default=None, max_length=16)
    commune: str | None = Field(default=None, max_length=16)
    communes: list[str] | None = Field(default=None, max_length=5000)


class PasswordChange(Model):
    current: str = Field(max_length=200)
    new: str = Field(min_length=8, max_length=200)


class ApiTokenIn(Model):
    name: str = Field(default="", max_length=100, pattern=PLAIN_TEXT)


class ApiTokenOut(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    token: str | None = None  # only when just created


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str


class CommuneRow(BaseModel):
    """A commune in a list, with its assessment of the year asked (verdict and total None when there is none)."""

    code: str
    name: str
    province: str
    province_name: str
    district: str | None
    kind: str
    year: int | None = None
    state: str | None = None
    verdict: str | None = None
    total: float | None = None
    max_points: float | None = None
    recognised: bool | None = None
    provisional_count: int | None = None
    ruleset: str | None = None
    etag: str | None = None


class Classification(BaseModel):
    year: int
    region: str | None
    terrain: str | None
    distance_km: float | None
    difficult_terrain: bool
    zone: int | None


class CommuneOut(BaseModel):
    code: str
    name: str
    province: str
    province_name: str
    district: str | None
    kind: str
    classifications: list[Classification]
    assessments: list[CommuneRow]


class AssessedIn(Model):
    points: float = Field(allow_inf_nan=False, ge=0, le=100)
    note: str | None = Field(default=None, max_length=2000)


class AssessmentIn(Model):
    """A save: `values` and `assessed` replace the previous ones when given (omit one to keep it as it is)."""

    values: dict[str, Any] | None = Field(default=None, max_length=500)
    assessed: dict[str, AssessedIn] | None = Field(default=None, max_length=500)
    as_of: str | int | None = None
    ruleset: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=2000)


class Author(BaseModel):
    id: int | None
    login: str | None


class AssessmentOut(BaseModel):
    commune: dict[str, Any]
    year: int
    state: str
    revision: int
    etag: str
    as_of: str | None
    ruleset: str
    ruleset_sha256: str
    values: dict[str, Any]
    assessed: dict[str, Any]
    updated_at: dt.datetime
    updated_by: Author
    actions: list[str]
    result: dict[str, Any]


class RevisionOut(BaseModel):
    number: int
    kind: str
    current: bool
    based_on: int
    as_of: str | None
    ruleset: str
    ruleset_sha256: str
    changes: list[dict[str, Any]]
    note: str | None
    author: Author
    created_at: dt.datetime
    import_id: int | None


class RevisionDetail(RevisionOut):
    values: dict[str, Any]
    assessed: dict[str, Any]
    result: dict[str, Any]


class DecisionIn(Model):
    number: str = Field(min_length=1, max_length=100)
    decided_on: dt.date
    body: str = Field(min_length=1, max_length=200)
    valid_until: dt.date | None = None


class TransitionIn(Model):
    action: Literal["submit", "return", "appraise", "recognise", "reject", "reopen"]
    comment: str | None = Field(default=None, max_length=4000)
    decision: DecisionIn | None = None


class TransitionOut(BaseModel):
    id: int
    action: str
    from_state: str
    to_state: str
    revision: int
    comment: str | None
    user: Author
    created_at: dt.datetime


class RecognitionOut(BaseModel):
    id: int
    commune: str
    year: int
    number: str
    decided_on: dt.date
    body: str
    valid_until: dt.date


class ProvinceOut(BaseModel):
    code: str
    name: str
    communes: int


class Summary(BaseModel):
    """A province-year: counts by verdict and workflow state, the target and how far from it."""

    province: str
    province_name: str
    year: int
    communes: int
    assessed: int
    recognised: int
    by_verdict: dict[str, int]
    by_state: dict[str, int]
    target_share: float
    target_year: int
    target_count: int
    still_needed: int
    mean_total: float | None
    expiring_recognitions: list[RecognitionOut]


class TargetIn(Model):
    share: float = Field(ge=0, le=1)
    year: int = Field(ge=2000, le=2100)


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    login: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    ip: str | None
