"""Migrations: up from empty, up from the previous revision, down from the last; the models match the schema."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect


def test_upgrade_from_empty_reaches_head_and_the_schema_matches_the_models(engine: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chuanxa.store import db
    from chuanxa.store.models import Base

    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision() == "0003_18"
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrade_from_the_previous_revision_keeps_the_data(engine: Any) -> None:
    from chuanxa.store import db, units

    db.upgrade(engine, "0001")
    assert "province_targets" not in inspect(engine).get_table_names()
    with db.transaction(db.sessions(engine)) as session:
        units.load_units(session, [units.UnitRecord(code="1", name="Xã Một", province_code="p", province_name="Tỉnh P")])
    db.upgrade(engine)
    assert "province_targets" in inspect(engine).get_table_names()
    with db.transaction(db.sessions(engine), write=False) as session:
        assert units.commune(session, "1").name == "Xã Một"


def test_downgrade_of_the_last_revision_removes_only_its_table(engine: Any) -> None:
    from chuanxa.store import db

    db.upgrade(engine)
    db.downgrade(engine, "-1")
    assert db.current_revision(engine) == "0002"
    tables = set(inspect(engine).get_table_names())
    assert not {"ruleset_overlays", "ruleset_activations"} & tables and {"assessments", "revisions", "users", "province_targets"} <= tables
    db.upgrade(engine)
    assert db.current_revision(engine) == "0003_18"


def test_upgrading_twice_is_harmless(engine: Any) -> None:
    from chuanxa.store import db

    db.upgrade(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == "0003_18"
