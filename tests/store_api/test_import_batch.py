"""Imports written in batches keep the meaning of saving each commune in turn: one revision per changed commune
with exactly what changed, locked communes rejected with their row, nothing written for unchanged data, and the
dry run showing what the commit does."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .conftest import EXAMPLE_CSV, YEAR, World

RATE = "Tỷ lệ dân số tham gia bảo hiểm y tế (%)"


def _edited(tmp_path: Path, changes: dict[str, str]) -> Path:
    """The example table with the insurance rate of some communes (code → new text) changed."""
    rows = list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8-sig"))))
    column = rows[0].index(RATE)
    for row in rows[1:]:
        if row[0] in changes:
            row[column] = changes[row[0]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "sua.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _revisions(session: Any) -> int:
    from chuanxa.store.models import Revision

    return session.scalar(select(func.count()).select_from(Revision)) or 0


def test_a_second_import_changes_exactly_the_changed_communes_and_rejects_the_locked_one(world: World, tmp_path: Path) -> None:
    from chuanxa.store import assessments, importer
    from chuanxa.store.models import User

    changed, locked = world.other, world.commune
    with world.session() as session:
        admin = session.scalars(select(User).where(User.login == "admin")).one()
        assessments.transition(session, admin, assessments.get(session, locked, YEAR), "submit")
        before = {a.commune_code: assessments.revision(session, a) for a in assessments.for_year(session, YEAR)}
        count = _revisions(session)
    table = _edited(tmp_path, {changed: "12,5", locked: "13"})
    with world.session() as session:
        admin = session.merge(admin)
        dry = importer.plan_import(session, admin, table, YEAR).to_json()
        plan = importer.plan_import(session, admin, table, YEAR)
        assert plan.to_json() == dry
        importer.commit_import(session, admin, plan)
    assert dry["counts"] == {"create": 0, "change": 1, "unchanged": 13, "rejected": 1}
    assert [(r["commune"], [e["code"] for e in r["errors"]]) for r in dry["rejected"]] == [(locked, ["store.import_locked"])]
    old_rate = before[changed].values["health_insurance_rate"]
    assert [r["changes"] for r in dry["rows"] if r["code"] == changed] == [[{"part": "values", "key": "health_insurance_rate", "before": old_rate,
                                                                          "after": "12,5"}]]
    with world.session() as session:
        assert _revisions(session) == count + 1
        assessment = assessments.get(session, changed, YEAR)
        rev = assessments.revision(session, assessment)
        assert (assessment.current, rev.number, rev.kind, rev.based_on) == (2, 2, "import", 1)
        assert rev.values == before[changed].values | {"health_insurance_rate": "12,5"}
        assert rev.changes == dry["rows"][[r["code"] for r in dry["rows"]].index(changed)]["changes"]
        assert assessments.get(session, locked, YEAR).current == 1  # rejected: untouched
    with world.session() as session:
        again = importer.plan_import(session, session.merge(admin), table, YEAR)
        importer.commit_import(session, session.merge(admin), again)
        assert again.counts() == {"create": 0, "change": 0, "unchanged": 14, "rejected": 1}
        assert _revisions(session) == count + 1  # the same file twice changes nothing


def test_new_communes_of_a_table_are_created_with_their_units_classification_and_first_revision(world: World, tmp_path: Path) -> None:
    from chuanxa.communes.readers import read_table
    from chuanxa.store import assessments, importer, rulesets, units
    from chuanxa.store.models import User
    from chuanxa.store.sample import sample_table

    table = sample_table(12, tmp_path / "moi.csv", first_code=810000, per_province=5)
    expected = read_table(table, rulesets.load(None, YEAR)).rows
    with world.session() as session:
        admin = session.scalars(select(User).where(User.login == "admin")).one()
        plan = importer.plan_import(session, admin, table, YEAR, create_units=True)
        run = importer.commit_import(session, admin, plan)
    assert plan.counts() == {"create": 12, "change": 0, "unchanged": 0, "rejected": 0}
    with world.session() as session:
        for item in expected:
            info = item.data.commune
            commune = units.commune(session, info.code)
            assert (commune.name, commune.province.name, commune.district) == (info.name, info.province, info.district)
            klass = units.classification(session, info.code, YEAR)
            assert klass is not None and (klass.region, klass.terrain, klass.distance_km, klass.zone) == (info.region, info.terrain, info.distance_km, info.zone)
            assessment = assessments.get(session, info.code, YEAR)
            rev = assessments.revision(session, assessment)
            assert (assessment.state, assessment.current, rev.number, rev.import_id) == ("draft", 1, 1, run.id)
            assert rev.values == dict(item.data.values) and rev.note == f"import moi.csv row {item.row}"
            assert len(assessments.history(session, assessment)) == 1
