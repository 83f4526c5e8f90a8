"""Every role × every endpoint: allowed and denied as designed (docs/server.md, "Who may do what").

Users: admin; tinh (provincial officer of the province); thamdinh (appraiser of the province); xa (staff of
commune A); xa2 (staff of commune B, same province); xem (viewer of the province); ngoai (provincial officer of
another province). Commune A's assessment is a draft: only the work scope may see it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from sqlalchemy import select, update

from .conftest import ROOT, YEAR, World

ROLES = ("admin", "tinh", "thamdinh", "xa", "xa2", "xem", "ngoai")
ALL = set(ROLES)
WORK = {"admin", "tinh", "thamdinh", "xa"}
OVERLAY = ROOT / "tests" / "fixtures" / "overlays" / "qd1300_tinh_thu_2023-03-20.yaml"


def _matrix(world: World) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    """(method, path, request options, the roles allowed) — every other role must get 401/403/404."""
    a = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    p = world.province
    document = json.loads(json.dumps(yaml.safe_load((ROOT / "examples" / "xa-thieu-giao.yaml").read_text(encoding="utf-8")), default=str))
    csv = (ROOT / "examples" / "thieu_hoa_2024.csv").read_bytes()
    overlay, activation = _overlay_and_activation(world)
    return [
        ("GET", f"/api/v1/communes?year={YEAR}", {}, ALL),
        ("GET", f"/api/v1/communes/{world.commune}", {}, ALL - {"ngoai"}),
        ("GET", a, {}, WORK),
        ("GET", a + "/revisions", {}, WORK),
        ("GET", a + "/revisions/1", {}, WORK),
        ("GET", a + "/transitions", {}, WORK),
        ("PUT", a, {"json": {"values": {"full_immunisation_rate": 95.5}}}, {"admin", "tinh", "xa"}),
        ("PUT", a, {"json": {"assessed": {"1": {"points": 1, "note": "ok"}}}}, {"admin", "tinh"}),  # appraisers score once submitted
        ("POST", a + "/transitions", {"json": {"action": "submit"}}, {"admin", "tinh", "xa"}),
        ("POST", a + "/transitions", {"json": {"action": "appraise"}}, set()),  # a draft is never appraised: 409 or denied
        ("GET", f"/api/v1/provinces/{p}/summary?year={YEAR}", {}, ALL - {"ngoai"}),
        ("GET", f"/api/v1/provinces/{p}/export?year={YEAR}", {}, {"admin", "tinh", "thamdinh"}),
        ("PUT", f"/api/v1/provinces/{p}/target", {"json": {"share": 0.95, "year": 2030}}, {"admin", "tinh"}),
        ("GET", "/api/v1/provinces", {}, ALL),
        ("GET", "/api/v1/recognitions", {}, ALL),
        ("POST", f"/api/v1/imports?year={YEAR}", {"files": {"file": ("t.csv", csv)}}, {"admin", "tinh", "ngoai"}),  # ngoai: every row rejected
        ("GET", "/api/v1/imports", {}, {"admin", "tinh", "ngoai"}),
        ("GET", "/api/v1/users", {}, {"admin"}),
        ("POST", "/api/v1/users", {"json": {"login": "moi-{role}", "password": "mat-khau-moi", "role": "viewer"}}, {"admin"}),
        ("PATCH", "/api/v1/users/xem", {"json": {"name": "Người xem"}}, {"admin"}),
        ("GET", "/api/v1/audit", {}, {"admin"}),
        ("POST", "/api/v1/score", {"json": document}, ALL),
        ("GET", "/api/v1/rulesets", {}, ALL),
        ("GET", "/api/v1/auth/me", {}, ALL),
        ("GET", "/api/v1/tokens", {}, ALL),
        ("POST", "/api/v1/tokens", {"json": {"name": "a program"}}, ALL),
        ("POST", "/api/v1/simulate", {"json": {"commune": document, "set": {"health_insurance_rate": "95"}}}, ALL),
        ("POST", "/api/v1/plan", {"json": {"commune": document}}, ALL),
        ("GET", "/api/v1/rulesets/qd1300", {}, ALL),
        ("GET", "/api/v1/rulesets/qd4667@2014-11-07/diff/qd1300@2023-03-20", {}, ALL),
        ("GET", "/api/v1/rulesets/qd1300/audit", {}, ALL),
        ("GET", a + "/report?format=html", {}, WORK),
        ("GET", f"/api/v1/provinces/{p}/report?year={YEAR}&format=html", {}, WORK | {"xa2"}),  # each sees its own draft; the viewer none
        ("POST", f"/api/v1/provinces/{p}/targets?year={YEAR}", {"json": {"share": 0.9}}, ALL - {"ngoai"}),
        ("POST", "/api/v1/ruleset-overlays", {"files": [("files", (OVERLAY.name, OVERLAY.read_bytes()))]}, {"admin"}),
        ("GET", "/api/v1/ruleset-overlays", {}, ALL),
        ("GET", f"/api/v1/ruleset-overlays/{overlay}", {}, ALL),
        ("GET", f"/api/v1/ruleset-overlays/{overlay}/files/{OVERLAY.name}", {}, ALL),
        ("GET", f"/api/v1/ruleset-overlays/{overlay}/impact?province={p}&year={YEAR}", {}, {"admin", "tinh"}),
        ("POST", f"/api/v1/ruleset-overlays/{overlay}/activations", {"json": {"province": p, "effective_from": "2031-01-01"}}, {"admin"}),
        ("GET", "/api/v1/ruleset-activations", {}, ALL),
        ("POST", f"/api/v1/ruleset-activations/{activation}/deactivate", {}, {"admin"}),
    ]


def _overlay_and_activation(world: World) -> tuple[int, int]:
    """A stored overlay (uploaded by the admin) and an activation of it, for the endpoints that name them."""
    from chuanxa.authoring.overlay_bundle import Upload
    from chuanxa.store import ruleset_activation
    from chuanxa.store.models import User

    with world.session() as session:
        admin = session.scalars(select(User).where(User.login == "admin")).one()
        overlay, _ = ruleset_activation.upload(session, admin, [Upload(OVERLAY.name, OVERLAY.read_bytes())])
        found = ruleset_activation.activations(session, world.province)
        made = found[0] if found else ruleset_activation.activate(session, admin, overlay, world.province, dt.date(2030, 1, 1))[0]
        return overlay.id, made.id


def _reset(world: World) -> None:
    from chuanxa.store.models import Assessment

    with world.session() as session:
        session.execute(update(Assessment).where(Assessment.commune_code == world.commune, Assessment.year == YEAR).values(state="draft"))


def _send(client: Any, method: str, path: str, options: dict[str, Any], headers: dict[str, str], role: str) -> Any:
    options = {k: ({**v, "login": v["login"].format(role=role)} if isinstance(v, dict) and "login" in v else v) for k, v in options.items()}
    if "values" in options.get("json", {}) and "/assessments/" in path:  # a different value per role, so every save changes something
        options["json"] = {"values": {"full_immunisation_rate": 90.0 + (ROLES.index(role) if role in ROLES else 9) / 10}}
    if "assessed" in options.get("json", {}) and "/assessments/" in path:
        options["json"] = {"assessed": {"1": {"points": 1, "note": f"ok {role}"}}}
    return client.request(method, path, headers=headers, **options)


def test_every_role_on_every_endpoint_is_allowed_or_denied_as_designed(client: Any, auth: Any, world: World) -> None:
    wrong = []
    a = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    for method, path, options, allowed in _matrix(world):
        for role in ROLES:
            _reset(world)
            headers = dict(auth(role))
            if method == "PUT" and path == a:
                headers["If-Match"] = client.get(a, headers=auth("admin")).headers["etag"]
            answer = _send(client, method, path, options, headers, role)
            ok = answer.status_code < 400
            if ok != (role in allowed) or (not ok and answer.status_code not in (401, 403, 404, 409)):
                wrong.append(f"{method} {path} as {role}: {answer.status_code} {answer.text[:120]}")
    assert wrong == [], "\n".join(wrong)


def test_without_credentials_every_api_endpoint_answers_401(client: Any, world: World) -> None:
    wrong = []
    for method, path, options, _ in _matrix(world):
        answer = _send(client, method, path, options, {}, "anon")
        if answer.status_code != 401:
            wrong.append(f"{method} {path}: {answer.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_an_import_by_another_provinces_officer_changes_nothing(client: Any, auth: Any, world: World) -> None:
    csv = (ROOT / "examples" / "thieu_hoa_2024.csv").read_bytes()
    answer = client.post(f"/api/v1/imports?year={YEAR}&dry_run=false", files={"file": ("t.csv", csv)}, headers=auth("ngoai")).json()
    assert answer["counts"]["rejected"] == 15 and answer["counts"]["change"] == 0
    assert {e["code"] for r in answer["rejected"] for e in r["errors"]} == {"store.import_out_of_scope"}


def test_a_commune_sees_another_communes_assessment_only_once_it_has_left_data_entry(client: Any, auth: Any, world: World) -> None:
    url = f"/api/v1/communes/{world.other}/assessments/{YEAR}"
    assert client.get(url, headers=auth("xa")).status_code == 403
    client.post(url + "/transitions", json={"action": "submit"}, headers=auth("xa2"))
    assert client.get(url, headers=auth("xa")).status_code == 200
    rows = {r["code"]: r for r in client.get(f"/api/v1/communes?year={YEAR}", headers=auth("xa")).json()}
    assert rows[world.other]["verdict"] is not None
    assert all(rows[code]["verdict"] is None for code in rows if code not in (world.commune, world.other))
