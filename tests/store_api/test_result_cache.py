"""Results of stored assessments through the fast paths (the in-process caches, the column-wise standings of a
province) are those of the plain path: scoring each commune's current revision afresh. An edit, a changed
classification or a changed ruleset is seen at once (the caches are keyed by everything a result depends on)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from .conftest import PASSWORD, ROOT, YEAR

OVERLAY = ROOT / "examples" / "overlays" / "qd1300_example_knockouts.yaml"
COUNT = 40  # above the column-wise evaluator's threshold (32)


def _province(engine: Any, tmp_path: Path, ruleset: str | None = None) -> Any:
    """A migrated database with one province of COUNT communes assessed in YEAR; returns its session factory."""
    from chuanxa.store import db, importer, results, users
    from chuanxa.store.sample import sample_table

    db.upgrade(engine)
    factory = db.sessions(engine)
    with db.transaction(factory) as session:
        admin = users.add_user(session, "admin", PASSWORD, "admin")
        table = sample_table(COUNT, tmp_path / "tinh.csv", per_province=COUNT)
        importer.commit_import(session, admin, importer.plan_import(session, admin, table, YEAR, ruleset=ruleset, create_units=True))
    results.clear_cache()
    return factory


@pytest.fixture
def province(engine: Any, tmp_path: Path) -> Any:
    return _province(engine, tmp_path)


def _all(session: Any) -> list[Any]:
    from chuanxa.store import assessments

    return assessments.for_year(session, YEAR)


def _plain(session: Any, found: list[Any]) -> dict[int, Any]:
    """Every standing computed afresh, one commune at a time, from its current revision."""
    from chuanxa.store import assessments, results, rulesets

    out = {}
    for a in found:
        rev = assessments.revision(session, a)
        out[a.id] = results.Standing.of(rulesets.compiled(rev.ruleset_ref, rev.as_of).evaluate(assessments.commune_data(session, a.commune, a.year, rev)))
    return out


def _admin(session: Any) -> Any:
    from chuanxa.store.models import User

    return session.scalars(select(User).where(User.login == "admin")).one()


def test_the_column_wise_standings_of_a_province_are_the_plain_results_cold_and_warm(province: Any) -> None:
    from chuanxa.store import db, results

    with db.transaction(province, write=False) as session:
        found = _all(session)
        assert len(found) == COUNT
        plain = _plain(session, found)
        cold = results.standings(session, found)
        assert results.cache_sizes()["standings"] == COUNT
        warm = results.standings(session, found)
        one_by_one = {a.id: results.Standing.of(results.result_of(session, a)) for a in found}
    assert cold == warm == one_by_one == plain
    assert {s.verdict for s in plain.values()} >= {"recognised", "not_recognised"}  # the sample has both


def test_an_edit_makes_a_new_revision_whose_standing_is_computed_afresh(province: Any) -> None:
    from chuanxa.store import assessments, db, results

    with db.transaction(province, write=False) as session:
        found = _all(session)
        before = results.standings(session, found)
        full_before = results.result_of(session, found[0])
    target = found[0]
    with db.transaction(province) as session:
        current = assessments.get(session, target.commune_code, YEAR)
        rev = assessments.revision(session, current)
        values = {k: ("0" if k.endswith("_rate") else v) for k, v in rev.values.items()}  # every rate at 0%
        assessments.save(session, _admin(session), target.commune_code, YEAR, values=values, if_match=assessments.etag(current))
    with db.transaction(province, write=False) as session:
        found = _all(session)
        after = results.standings(session, found)
        assert after == _plain(session, found)
        full_after = results.result_of(session, found[0])
    assert after[target.id].total < before[target.id].total
    assert full_after.total.points == after[target.id].total != full_before.total.points
    assert {k: v for k, v in after.items() if k != target.id} == {k: v for k, v in before.items() if k != target.id}


def test_a_changed_classification_or_name_is_seen_without_a_new_revision(province: Any) -> None:
    from chuanxa.store import db, results, units
    from chuanxa.store.models import CommuneClass

    with db.transaction(province, write=False) as session:
        target = _all(session)[0]
        before = results.result_of(session, target)
        results.standings(session, _all(session))
    with db.transaction(province) as session:
        klass = session.scalars(select(CommuneClass).where(CommuneClass.commune_code == target.commune_code)).one()
        klass.zone = 3 if before.zone != 3 else 1
        units.commune(session, target.commune_code).name = "Xã Đổi Tên"
    with db.transaction(province, write=False) as session:
        found = _all(session)
        after = results.result_of(session, found[0])
        assert results.standings(session, found) == _plain(session, found)
    assert after.zone != before.zone and after.commune.name == "Xã Đổi Tên"


def test_a_changed_ruleset_is_used_at_once(engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Assessments scored with a provincial overlay (knock-outs); the overlay's file is then corrected: the
    summary follows the corrected ruleset (its content hash is part of the cache key)."""
    import chuanxa
    from chuanxa.store import assessments, db, results

    folder = tmp_path / "rulesets"
    folder.mkdir()
    overlay = folder / OVERLAY.name
    shutil.copy(OVERLAY, overlay)
    monkeypatch.setenv("CHUANXA_RULESETS", str(folder))
    ref = "qd1300_example_knockouts@2023-03-20"
    province = _province(engine, tmp_path, ruleset=ref)
    with db.transaction(province, write=False) as session:
        found = _all(session)
        assert {assessments.revision(session, a).ruleset_ref for a in found} == {ref}
        strict = results.standings(session, found)
        assert strict == _plain(session, found)
    knocked_out = [i for i, s in strict.items() if s.verdict != "recognised"]
    overlay.write_text(OVERLAY.read_text(encoding="utf-8").replace("knockout: true", "knockout: false"), encoding="utf-8")
    chuanxa.compiled(ref)  # the registry sees the changed file (content hash) …
    with db.transaction(province, write=False) as session:
        found = _all(session)
        lenient = results.standings(session, found)
        assert lenient == _plain(session, found)  # … and no cached standing of the old content is served
    assert lenient != strict and any(lenient[i].verdict == "recognised" for i in knocked_out)


def test_the_api_summary_and_list_give_the_plain_figures(province: Any, engine: Any) -> None:
    from fastapi.testclient import TestClient

    from chuanxa.server import create_app
    from chuanxa.store import db

    with db.transaction(province, write=False) as session:
        found = _all(session)
        plain = _plain(session, found)
        codes = {a.id: a.commune_code for a in found}
        code = found[0].commune.province_code
    with TestClient(create_app(engine=engine, migrate=False, extensions=[])) as client:
        token = client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        rows = {r["code"]: r for r in client.get(f"/api/v1/communes?year={YEAR}&province={code}", headers=headers).json()}
        summary = client.get(f"/api/v1/provinces/{code}/summary?year={YEAR}", headers=headers).json()
    for ident, standing in plain.items():
        row = rows[codes[ident]]
        assert (row["verdict"], row["total"], row["max_points"], row["recognised"], row["ruleset"]) == (
            standing.verdict, standing.total, standing.max_points, standing.recognised, standing.ruleset)
    assert summary["recognised"] == sum(s.verdict == "recognised" for s in plain.values())
    assert summary["mean_total"] == round(sum(s.total for s in plain.values()) / COUNT, 2)


def test_the_overview_trend_gives_each_communes_plain_total_of_every_year(province: Any, tmp_path: Path) -> None:
    from chuanxa.store import assessments, db, importer
    from chuanxa.store.sample import sample_table
    from chuanxa.web.province import _trend

    earlier = sample_table(COUNT, tmp_path / "truoc.csv", per_province=COUNT)
    earlier.write_text(earlier.read_text(encoding="utf-8").replace(",có,", ",không,"), encoding="utf-8")  # another year, other answers
    with db.transaction(province) as session:
        importer.commit_import(session, _admin(session), importer.plan_import(session, _admin(session), earlier, YEAR - 1))
    with db.transaction(province, write=False) as session:
        found = _all(session)
        code = found[0].commune.province_code
        before = assessments.for_year(session, YEAR - 1, code)
        plain = {a.commune_code: s.total for a, s in zip(before, _plain(session, before).values())}
        now = {a.commune_code: s.total for a, s in zip(found, _plain(session, found).values())}
        trend = _trend(session, _admin(session), code, [YEAR - 1, YEAR], YEAR, [{"code": c, "total": t} for c, t in now.items()])
    assert trend == {c: [plain[c], now[c]] for c in now}
    assert plain != now  # the years differ, so a mix-up would show
