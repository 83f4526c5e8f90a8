"""Activation of a corrected ruleset in the store (issue 18 item 4), through the API, on SQLite and PostgreSQL:
upload an overlay (YAML or the edited score sheet) with its cases, see the cases, the diff and the communes whose
verdict would change, activate it for a province from a date, deactivate it; results say which ruleset they used."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select, update

from .conftest import EXAMPLE_CSV, ROOT, YEAR, World

OVERLAYS = ROOT / "tests" / "fixtures" / "overlays"
OVERLAY = "qd1300_tinh_thu_2023-03-20.yaml"
CASES = "qd1300_tinh_thu_2023-03-20.cases.yaml"
REF = "qd1300_tinh_thu@2023-03-20"


def _files(*names: str, changed: dict[str, bytes] | None = None) -> list[tuple[str, tuple[str, bytes]]]:
    """The fixture files as a multipart upload (`changed`: other contents for some of them)."""
    return [("files", (name, (changed or {}).get(name) or (OVERLAYS / name).read_bytes())) for name in names]


def _upload(client: Any, auth: Any, files: list[Any], login: str = "admin", note: str | None = None) -> Any:
    return client.post("/api/v1/ruleset-overlays", files=files, headers=auth(login), data={"note": note} if note is not None else None)


def _expected_changes() -> dict[str, tuple[str, str]]:
    """Verdicts of the example province with the bundled ruleset and with the overlay, from the library (not the
    store): the communes whose verdict differs."""
    import chuanxa

    old = {r.commune.code: r.verdict.value for r in chuanxa.score_many(str(EXAMPLE_CSV), as_of=YEAR).results}
    new = {r.commune.code: r.verdict.value for r in chuanxa.score_many(str(EXAMPLE_CSV), REF, rulesets_dirs=[OVERLAYS]).results}
    return {code: (old[code], new[code]) for code in old if old[code] != new[code]}


def test_an_uploaded_overlay_shows_its_cases_and_diff_and_the_same_upload_again_is_the_stored_one(client: Any, auth: Any, world: World) -> None:
    answer = _upload(client, auth, _files(OVERLAY, CASES), note="Công văn\x00 số 12/SYT")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["ruleset"], body["base"], body["cases_total"], body["cases_failed"]) == (REF, "qd1300@2023-03-20", 2, 0)
    assert body["note"] == "Công văn số 12/SYT"  # a control character is dropped (PostgreSQL text holds no NUL)
    assert body["files"] == [CASES, OVERLAY] and len(body["ruleset_sha256"]) == 64 and body["uploaded_by"] == "admin"
    assert [c["lines"]["vi"][0].split()[0] for c in body["cases"]] == ["ĐẠT", "ĐẠT"]
    assert {c["path"] for c in body["changes"]} == {"indicator 5.levels", "indicator 5.note", "indicator 32.knockout"}
    kept = client.get(f"/api/v1/ruleset-overlays/{body['id']}/files/{OVERLAY}", headers=auth("xem"))
    assert kept.status_code == 200 and kept.content == (OVERLAYS / OVERLAY).read_bytes()  # the content as uploaded
    assert client.get(f"/api/v1/ruleset-overlays/{body['id']}/files/khac.yaml", headers=auth("admin")).status_code == 404
    again = _upload(client, auth, _files(OVERLAY, CASES))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert [o["id"] for o in client.get("/api/v1/ruleset-overlays", headers=auth("xem")).json()] == [body["id"]]
    events = client.get("/api/v1/audit?action=ruleset.", headers=auth("admin")).json()
    assert [e["action"] for e in events] == ["ruleset.upload"]


def test_a_failing_case_is_shown_with_its_difference_and_the_overlay_cannot_be_activated(client: Any, auth: Any, world: World) -> None:
    wrong = (OVERLAYS / CASES).read_bytes().replace(b"points: 2, status: partly_met", b"points: 4, status: met")
    body = _upload(client, auth, _files(OVERLAY, CASES, changed={CASES: wrong})).json()
    assert body["cases_failed"] == 1
    failed = next(c for c in body["cases"] if not c["passed"])
    assert failed["name"] == "bhyt_95_5_chi_2_diem" and "chỉ tiêu 5 — điểm: mong đợi 4, thực tế 2" in "\n".join(failed["lines"]["vi"])
    answer = client.post(f"/api/v1/ruleset-overlays/{body['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"},
                         headers=auth("admin"))
    assert answer.status_code == 409 and answer.json()["code"] == "store.overlay_cases_failed"
    assert client.get("/api/v1/ruleset-activations", headers=auth("admin")).json() == []


def test_the_impact_lists_exactly_the_communes_whose_verdict_would_change(client: Any, auth: Any, world: World) -> None:
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()["id"]
    answer = client.get(f"/api/v1/ruleset-overlays/{overlay}/impact?province={world.province}&year={YEAR}", headers=auth("tinh"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = _expected_changes()
    assert expected, "the fixture overlay must change some verdicts of the example province"
    assert body["compared"] == 15
    assert {r["code"]: (r["old_verdict"], r["new_verdict"]) for r in body["verdict_changes"]} == expected
    assert all(r["old_ruleset"] == "qd1300@2023-03-20" and r["new_ruleset"] == REF and r["applies"] for r in body["verdict_changes"])
    assert client.get(f"/api/v1/ruleset-overlays/{overlay}/impact?province={world.province}&year={YEAR}", headers=auth("ngoai")).status_code == 403


def test_activation_scores_the_province_from_its_date_and_earlier_revisions_keep_their_ruleset(client: Any, auth: Any, world: World) -> None:
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    before = client.get(url, headers=auth("admin"))
    later = client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2025-01-01"},
                        headers=auth("admin"))
    assert later.status_code == 201 and later.json()["restamped"] == []  # the 2024 assessments are dated before it
    assert client.get(url, headers=auth("admin")).json()["result"]["ruleset"]["id"] == "qd1300"
    answer = client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"},
                         headers=auth("admin"))
    assert answer.status_code == 201, answer.text
    restamped = answer.json()["restamped"]
    assert len(restamped) == 15 and {r["after"] for r in restamped} == {REF}
    assert {r["code"]: (r["verdict_before"], r["verdict_after"]) for r in restamped if r["verdict_before"] != r["verdict_after"]} == _expected_changes()
    now = client.get(url, headers=auth("admin"))
    stamp = now.json()["result"]["ruleset"]
    assert (stamp["id"], stamp["version"], stamp["sha256"]) == ("qd1300_tinh_thu", "2023-03-20", overlay["ruleset_sha256"])
    assert now.headers["etag"] != before.headers["etag"]  # a new revision: an editor holding the old version gets 412
    assert client.put(url, json={"values": {"full_immunisation_rate": 91.0}}, headers=auth("admin") | {"If-Match": before.headers["etag"]}).status_code == 412
    first = client.get(url + "/revisions/1", headers=auth("admin")).json()
    assert first["ruleset"] == "qd1300@2023-03-20" and first["result"]["ruleset"]["id"] == "qd1300"  # the earlier result keeps its ruleset
    revisions = client.get(url + "/revisions", headers=auth("admin")).json()
    assert any(r["kind"] == "ruleset" and r["ruleset"] == REF for r in revisions)
    saved = client.put(url, json={"values": {"full_immunisation_rate": 92.5}}, headers=auth("xa") | {"If-Match": client.get(url, headers=auth("xa")).headers["etag"]})
    assert saved.status_code == 200, saved.text
    assert client.get(url + "/revisions", headers=auth("admin")).json()[-1]["ruleset"] == REF  # a new save is stamped with the overlay
    rows = {r["code"]: r for r in client.get(f"/api/v1/communes?year={YEAR}&province={world.province}", headers=auth("admin")).json()}
    assert rows[world.commune]["ruleset"] == REF


def test_deactivation_goes_back_to_the_bundled_ruleset_and_every_step_is_audited(client: Any, auth: Any, world: World) -> None:
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()
    made = client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"},
                       headers=auth("admin")).json()
    assert client.post(f"/api/v1/ruleset-activations/{made['id']}/deactivate", headers=auth("tinh")).status_code == 403
    ended = client.post(f"/api/v1/ruleset-activations/{made['id']}/deactivate", headers=auth("admin"))
    assert ended.status_code == 200 and not ended.json()["active"] and len(ended.json()["restamped"]) == 15
    assert {r["after"] for r in ended.json()["restamped"]} == {"qd1300@2023-03-20"}
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    assert client.get(url, headers=auth("admin")).json()["result"]["ruleset"]["id"] == "qd1300"
    assert client.post(f"/api/v1/ruleset-activations/{made['id']}/deactivate", headers=auth("admin")).status_code == 409
    actions = [e["action"] for e in client.get("/api/v1/audit?action=ruleset.", headers=auth("admin")).json()]
    assert actions == ["ruleset.deactivate", "ruleset.activate", "ruleset.upload"]
    activated = next(e for e in client.get("/api/v1/audit?action=ruleset.activate", headers=auth("admin")).json())
    assert activated["detail"]["effective_from"] == "2024-01-01" and len(activated["detail"]["restamped"]) == 15


def test_an_activation_before_the_overlay_is_in_force_or_twice_from_one_date_is_refused(client: Any, auth: Any, world: World) -> None:
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()["id"]
    url = f"/api/v1/ruleset-overlays/{overlay}/activations"
    early = client.post(url, json={"province": world.province, "effective_from": "2023-01-01"}, headers=auth("admin"))
    assert early.status_code == 422 and early.json()["code"] == "store.activation_too_early" and "2023-03-20" in early.json()["detail_vi"]
    assert client.post(url, json={"province": world.province, "effective_from": "2026-01-01"}, headers=auth("admin")).status_code == 201
    twice = client.post(url, json={"province": world.province, "effective_from": "2026-01-01"}, headers=auth("admin"))
    assert twice.status_code == 409 and twice.json()["code"] == "store.activation_exists"
    assert client.post(url, json={"province": "khong-co", "effective_from": "2026-01-01"}, headers=auth("admin")).status_code == 404
    assert client.post(url, json={"province": world.province, "effective_from": "2027-01-01"}, headers=auth("tinh")).status_code == 403


def test_assessments_the_overlay_cannot_score_are_listed_and_activation_is_refused_whole(client: Any, auth: Any, world: World) -> None:
    narrowed = (OVERLAYS / OVERLAY).read_bytes().replace(b"criteria:\n", b"inputs:\n  health_insurance_rate: {max: 95}\ncriteria:\n", 1)
    overlay = _upload(client, auth, [("files", (OVERLAY, narrowed))]).json()["id"]
    impact = client.get(f"/api/v1/ruleset-overlays/{overlay}/impact?province={world.province}&year={YEAR}", headers=auth("admin")).json()
    above = {row["Mã xã"] for row in _rows() if float(row["Tỷ lệ dân số tham gia bảo hiểm y tế (%)"] or 0) > 95}
    assert above and {p["code"] for p in impact["problems"]} == above and impact["compared"] == 15 - len(above)
    assert all("0 đến 95" in p["message_vi"] and "0 to 95" in p["message_en"] for p in impact["problems"])  # worded from the problem's values
    answer = client.post(f"/api/v1/ruleset-overlays/{overlay}/activations", json={"province": world.province, "effective_from": "2024-01-01"},
                         headers=auth("admin"))
    assert answer.status_code == 422 and client.get("/api/v1/ruleset-activations", headers=auth("admin")).json() == []
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    assert [r["kind"] for r in client.get(url + "/revisions", headers=auth("admin")).json()] == ["import"]  # nothing half done


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8-sig"))))


def test_a_decided_assessment_keeps_the_ruleset_its_decision_was_taken_on(client: Any, auth: Any, world: World) -> None:
    from chuanxa.store.models import Assessment

    with world.session() as session:
        session.execute(update(Assessment).where(Assessment.commune_code == world.other, Assessment.year == YEAR).values(state="recognised"))
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()
    impact = client.get(f"/api/v1/ruleset-overlays/{overlay['id']}/impact?province={world.province}&year={YEAR}", headers=auth("admin")).json()
    rows = {r["code"]: r for r in impact["verdict_changes"] + impact["total_changes"]}
    assert world.other not in rows or not rows[world.other]["applies"]
    restamped = client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"},
                            headers=auth("admin")).json()["restamped"]
    assert world.other not in {r["code"] for r in restamped} and len(restamped) == 14
    answer = client.get(f"/api/v1/communes/{world.other}/assessments/{YEAR}", headers=auth("admin")).json()
    assert answer["result"]["ruleset"]["id"] == "qd1300"


def test_an_import_into_an_activated_province_is_stamped_with_the_overlay(client: Any, auth: Any, world: World) -> None:
    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()
    client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"}, headers=auth("admin"))
    rows = list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8-sig"))))
    column = rows[0].index("Tỷ lệ dân số tham gia bảo hiểm y tế (%)")
    rows[1][column] = "95.5"
    table = io.StringIO()
    csv.writer(table).writerows(rows[:2])
    answer = client.post(f"/api/v1/imports?year={YEAR}&dry_run=false", files={"file": ("t.csv", table.getvalue().encode())}, headers=auth("admin"))
    assert answer.status_code == 200 and answer.json()["counts"]["change"] == 1, answer.text
    code = answer.json()["rows"][0]["code"]
    last = client.get(f"/api/v1/communes/{code}/assessments/{YEAR}/revisions", headers=auth("admin")).json()[-1]
    assert (last["kind"], last["ruleset"]) == ("import", REF)


def _edited_score_sheet(path: Path) -> Path:
    """The bundled ruleset's score sheet with indicator 5's first threshold typed as 96 (as an officer edits it)."""
    from chuanxa.authoring.sheet_export import export_score_sheet
    from chuanxa.authoring.sheet_layout import SHEET
    from chuanxa.store import rulesets

    export_score_sheet(rulesets.load("qd1300@2023-03-20"), path)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    heading = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Tiêu chí")
    cols = {str(sheet.cell(heading, c).value): c for c in range(1, sheet.max_column + 1)}
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 2).value) == "5") + 1  # its first level
    threshold = next(c for name, c in cols.items() if name.lower().startswith("ngưỡng"))
    sheet.cell(row, threshold).value = 96
    book.save(path)
    return path


def test_an_edited_score_sheet_is_an_overlay_upload_too(client: Any, auth: Any, world: World, tmp_path: Path) -> None:
    sheet = _edited_score_sheet(tmp_path / "bang-diem.xlsx")
    answer = _upload(client, auth, [("files", ("bang-diem.xlsx", sheet.read_bytes()))])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["base"] == "qd1300@2023-03-20" and "bang-diem.xlsx" in body["files"] and any(f.endswith(".yaml") for f in body["files"])
    assert [c["path"] for c in body["changes"]] == ["indicator 5.levels"]
    workbook = client.get(f"/api/v1/ruleset-overlays/{body['id']}/files/bang-diem.xlsx", headers=auth("admin"))
    assert workbook.content == sheet.read_bytes()


def test_hostile_or_wrong_uploads_are_clear_errors_and_nothing_is_stored(client: Any, auth: Any, world: World, tmp_path: Path) -> None:
    overlay = (OVERLAYS / OVERLAY).read_bytes()
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
        for _ in range(80):
            part.write(b" " * 2**20)  # 80 MB of blanks: beyond the score-sheet limit once decompressed
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    laughs = "\n".join(lines).encode()  # a billion laughs
    cases = [
        ([("files", ("../../x.py", overlay))], "overlay.bad_file_name"),
        ([("files", ("x.yaml", b"!!python/object/apply:os.system ['true']\n"))], "yaml.syntax"),
        ([("files", ("x.yaml", laughs))], "yaml.too_large"),
        ([("files", ("bomb.xlsx", bomb.read_bytes()))], "data.too_large"),
        ([("files", ("x.yaml", overlay.replace(b"  extends: qd1300@2023-03-20\n", b"")))], "overlay.not_an_overlay"),
        ([("files", ("x.yaml", overlay)), ("files", ("y.cases.yaml", b"cases:\n  - {name: a, file: ../../secret.yaml, expect: {total: 1}}\n"))], "overlay.case_names_file"),
        ([("files", ("x.yaml", overlay)), ("files", ("y.yaml", overlay.replace(b"id: qd1300_tinh_thu", b"id: qd1300_khac")))], "overlay.one_ruleset"),
    ]
    for files, code in cases:
        answer = _upload(client, auth, files)
        assert answer.status_code == 422, (code, answer.status_code, answer.text[:300])
        body = answer.json()
        assert code in {body["code"], *(e.get("code") for e in body.get("errors", []))}, (code, body)
        assert "/tmp" not in answer.text, answer.text  # the private folder never shows
    assert _upload(client, auth, _files(OVERLAY, CASES), login="tinh").status_code == 403
    assert client.get("/api/v1/ruleset-overlays", headers=auth("admin")).json() == []


def test_scoring_after_activation_is_what_the_library_gives_with_the_overlay(client: Any, auth: Any, world: World) -> None:
    import chuanxa
    from chuanxa.store import assessments, ruleset_choice
    from chuanxa.store.models import Revision
    from chuanxa.store.results import result_of

    overlay = _upload(client, auth, _files(OVERLAY, CASES)).json()
    client.post(f"/api/v1/ruleset-overlays/{overlay['id']}/activations", json={"province": world.province, "effective_from": "2024-01-01"}, headers=auth("admin"))
    ruleset_choice._COMPILED.clear()  # as in a freshly started server: the overlay is read back from the database
    with world.session() as session:
        for assessment in assessments.for_year(session, YEAR, world.province):
            rev = session.scalars(select(Revision).where(Revision.assessment_id == assessment.id, Revision.number == assessment.current)).one()
            stored = result_of(session, assessment, rev)
            data = assessments.commune_data(session, assessment.commune, YEAR, rev)
            direct = chuanxa.score(data, REF, rulesets_dirs=[OVERLAYS])
            assert (stored.verdict, stored.total.points, stored.ruleset.sha256) == (direct.verdict, direct.total.points, direct.ruleset.sha256)
