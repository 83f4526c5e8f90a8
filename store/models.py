"""The store's tables (SQLAlchemy 2 declarative models). Migrations in `migrations/versions` create them.

Nothing is overwritten: every save of an assessment is a new `Revision` (the assessment points at its current
one); a stale write that lost an `If-Match` race is kept as a revision of kind `conflict`. Results are never
stored: they are recomputed from a revision's data and its ruleset.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite keeps no zone, PostgreSQL does)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: AwareDateTime()}


class Role(str, enum.Enum):
    """Who a user is. Scope: `province` and `appraiser` hold a province (an appraiser may instead hold a list
    of communes), `commune` holds one commune; `admin` and a viewer without a province see everything."""

    ADMIN = "admin"
    PROVINCE = "province"
    APPRAISER = "appraiser"
    COMMUNE = "commune"
    VIEWER = "viewer"


class State(str, enum.Enum):
    """Workflow state of an assessment (see `chuanxa.store.workflow` for the allowed steps)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPRAISED = "appraised"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"


class Province(Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Commune(Base):
    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    district: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="xa")  # xa, phuong, dac_khu

    province: Mapped[Province] = relationship(lazy="joined", innerjoin=True)


class CommuneClass(Base):
    """A commune's classification in a year (terrain, distance, zone, 1300 region): it can change by year."""

    __tablename__ = "commune_classes"
    __table_args__ = (UniqueConstraint("commune_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(40))
    terrain: Mapped[str | None] = mapped_column(String(40))
    distance_km: Mapped[float | None] = mapped_column(Float)
    difficult_terrain: Mapped[bool] = mapped_column(Boolean, default=False)
    zone: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    communes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # an appraiser's list of communes
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token for programs; only its sha256 is kept (the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="api")  # "api" (made by a user) or "session" (a browser)
    csrf: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class Assessment(Base):
    """One commune's assessment for one year; its data live in revisions."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("commune_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value)
    current: Mapped[int] = mapped_column(Integer, default=0)  # number of the current revision
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    commune: Mapped[Commune] = relationship(lazy="joined", innerjoin=True)


class Revision(Base):
    """One save of an assessment: the whole data as saved, who, when, and what changed from its base."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12), default="save")  # save, import, conflict (a stale write kept)
    based_on: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[str | None] = mapped_column(String(10))
    ruleset_ref: Mapped[str] = mapped_column(String(60))
    ruleset_sha256: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assessed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class Transition(Base):
    """A workflow step: from, to, who, when, and the comment (a return needs one)."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")


class Recognition(Base):
    """A province's recognition decision: number, date, issuing body, valid until (3 years by default)."""

    __tablename__ = "recognitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200))
    valid_until: Mapped[dt.date] = mapped_column(Date)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ImportRun(Base):
    """One committed import of a table: file name and hash, year, counts, rejected rows."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProvinceTarget(Base):
    """A province's target: share of communes recognised by a year (the national goal is 90% by 2030)."""

    __tablename__ = "province_targets"
    __table_args__ = (UniqueConstraint("province_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    year: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)


class AuditEvent(Base):
    """Sign-ins (and failures), denials, workflow steps, imports, user and token changes."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    login: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class RulesetOverlay(Base):
    """An uploaded ruleset overlay (issue 18): its files as uploaded, what it resolves to, its cases' outcome, who
    and when. Never changed once stored (a corrected overlay is a new upload); see `chuanxa.store.ruleset_activation`."""

    __tablename__ = "ruleset_overlays"

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the uploaded names and contents
    ruleset_ref: Mapped[str] = mapped_column(String(60))  # family@version of the resolved overlay
    ruleset_sha256: Mapped[str] = mapped_column(String(64), index=True)  # content hash of the resolved ruleset
    base_ref: Mapped[str] = mapped_column(String(60))
    base_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # name → {"kind": "yaml"|"xlsx", "text"|"base64": …}
    cases: Mapped[list[Any]] = mapped_column(JSON, default=list)  # outcome of each test case at upload
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")


class RulesetActivation(Base):
    """An overlay in force for a province's assessments dated on or after `effective_from`, until deactivated."""

    __tablename__ = "ruleset_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    overlay_id: Mapped[int] = mapped_column(ForeignKey("ruleset_overlays.id"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column()
    deactivated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    overlay: Mapped[RulesetOverlay] = relationship(lazy="joined", innerjoin=True)
