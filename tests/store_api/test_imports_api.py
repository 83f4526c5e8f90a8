"""Imports over HTTP: a dry run shows what would change (per commune, per value) and saves nothing; the commit is one
transaction; the same file twice changes nothing; a bad row is listed and the rest imported; the exported
province-year workbook imports back with no change. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

import chuanxa

from .conftest import EXAMPLE_CSV, YEAR, World


def _revisions(world: World) -> int:
    from chuanxa.store.models import Revision

    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(Revision)) or 0)


def _edited(code: str, column: int, value: str) -> bytes:
    """The example table with one cell of commune `code` changed."""
    lines = EXAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == code:
            cells[column] = value
            lines[index] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_dry_run_shows_each_changed_value_and_saves_nothing_then_the_commit_saves_it_once(client: Any, auth: Any, world: World) -> None:
    headers = auth("tinh")
    table = _edited(world.commune, 13, "99.1")  # the health insurance rate of one commune
    before = _revisions(world)
    dry = client.post(f"/api/v1/imports?year={YEAR}", files={"file": ("bang.csv", table)}, headers=headers).json()
    assert dry["dry_run"] is True and dry["import_id"] is None
    assert dry["counts"] == {"create": 0, "change": 1, "unchanged": 14, "rejected": 0}
    [changed] = [row for row in dry["rows"] if row["action"] == "change"]
    [change] = changed["changes"]
    assert changed["code"] == world.commune and (change["part"], change["key"]) == ("values", "health_insurance_rate")
    assert (float(change["before"]), float(change["after"])) == (95.6, 99.1)
    assert _revisions(world) == before  # nothing saved by the dry run
    done = client.post(f"/api/v1/imports?year={YEAR}&dry_run=false", files={"file": ("bang.csv", table)}, headers=headers).json()
    assert done["import_id"] is not None and done["counts"]["change"] == 1
    assert _revisions(world) == before + 1
    again = client.post(f"/api/v1/imports?year={YEAR}&dry_run=false", files={"file": ("bang.csv", table)}, headers=headers).json()
    assert again["counts"] == {"create": 0, "change": 0, "unchanged": 15, "rejected": 0}
    assert _revisions(world) == before + 1  # the same file twice changes nothing
    value = client.get(f"/api/v1/communes/{world.commune}/assessments/{YEAR}", headers=headers).json()["values"]["health_insurance_rate"]
    assert float(value) == 99.1


def test_a_bad_row_is_listed_with_its_place_and_the_rest_is_imported(client: Any, auth: Any, world: World) -> None:
    table = _edited(world.other, 13, "nhiều lắm")
    answer = client.post(f"/api/v1/imports?year={YEAR}&dry_run=false", files={"file": ("bang.csv", table)}, headers=auth("admin")).json()
    assert answer["counts"]["rejected"] == 1 and answer["counts"]["unchanged"] == 14
    [rejected] = answer["rejected"]
    assert rejected["commune"] == world.other and rejected["row"] == 3
    [problem] = rejected["errors"]
    assert (problem["code"], problem["location"]["row"], problem["params"]["value"]) == ("data.bad_value", 3, "nhiều lắm")
    words = chuanxa.problem_text(chuanxa.RowProblem.model_validate(problem))  # the answer's sentences are the record's, worded
    assert (problem["message_vi"], problem["message_en"]) == (words.vi, words.en) and "hàng 3" in words.vi and "nhiều lắm" in words.en
    saved = client.get(f"/api/v1/imports?year={YEAR}", headers=auth("admin")).json()[-1]  # the import run keeps them as answered
    assert saved["rejected"] == answer["rejected"]


def test_the_exported_workbook_imports_back_with_no_change(client: Any, auth: Any, world: World) -> None:
    headers = auth("admin")
    workbook = client.get(f"/api/v1/provinces/{world.province}/export?year={YEAR}", headers=headers)
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    back = client.post(f"/api/v1/imports?year={YEAR}", files={"file": ("xuat.xlsx", workbook.content)}, headers=headers).json()
    assert back["counts"] == {"create": 0, "change": 0, "unchanged": 15, "rejected": 0}, back["rejected"][:2]


def test_an_upload_without_a_file_name_suffix_is_read_by_its_content(client: Any, auth: Any, world: World) -> None:
    headers = auth("admin")
    answer = client.post(f"/api/v1/imports?year={YEAR}", files={"file": ("bang", EXAMPLE_CSV.read_bytes())}, headers=headers)
    assert answer.status_code == 200 and answer.json()["counts"]["unchanged"] == 15
    refused = client.post(f"/api/v1/imports?year={YEAR}", files={"file": ("bang.pdf", b"%PDF-1.7")}, headers=headers)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
