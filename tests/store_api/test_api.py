"""The HTTP API's fixed points, problem details, sessions, CSRF and security measures."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import yaml

from .conftest import PASSWORD, ROOT, YEAR, World

EXAMPLE = ROOT / "examples" / "xa-thieu-giao.yaml"


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))


def test_healthz_says_ok_when_the_database_answers(client: Any) -> None:
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok", "warm": True})  # no warm-up asked: nothing left to warm


def test_a_token_is_issued_for_the_right_password_only(client: Any) -> None:
    good = client.post("/api/v1/auth/token", data={"username": "xa", "password": PASSWORD})
    assert good.status_code == 200 and good.json()["token_type"] == "bearer"
    bad = client.post("/api/v1/auth/token", data={"username": "xa", "password": "wrong-password"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"


def test_api_calls_without_credentials_are_refused(client: Any) -> None:
    answer = client.get(f"/api/v1/communes?year={YEAR}")
    assert answer.status_code == 401
    assert answer.json()["code"] == "store.unauthenticated"


def test_score_gives_the_bytes_of_the_cli_json(client: Any, auth: Any) -> None:
    cli = subprocess.run([sys.executable, "-m", "chuanxa.cli.main", "score", str(EXAMPLE), "--format", "json"], capture_output=True, text=True, check=True)
    answer = client.post("/api/v1/score", json=_document(), headers=auth("xa"))
    assert answer.status_code == 200
    assert answer.text == cli.stdout.rstrip("\n")


def test_simulate_and_plan_give_the_cli_json(client: Any, auth: Any) -> None:
    cli = subprocess.run([sys.executable, "-m", "chuanxa.cli.main", "simulate", str(EXAMPLE), "--set", "health_insurance_rate=95", "--format", "json"],
                         capture_output=True, text=True, check=True)
    answer = client.post("/api/v1/simulate", json={"commune": _document(), "set": {"health_insurance_rate": "95"}}, headers=auth("xa"))
    assert answer.text == cli.stdout.rstrip("\n")
    cli = subprocess.run([sys.executable, "-m", "chuanxa.cli.main", "plan", str(EXAMPLE), "--costs", str(ROOT / "examples" / "costs.yaml"), "--format", "json"],
                         capture_output=True, text=True)
    costs = yaml.safe_load((ROOT / "examples" / "costs.yaml").read_text(encoding="utf-8"))
    answer = client.post("/api/v1/plan", json={"commune": _document(), "costs": costs}, headers=auth("xa"))
    assert answer.status_code == 200 and answer.text == cli.stdout.rstrip("\n")
    import chuanxa  # and the answer reads back into the library's plan, with the same sentences

    back, library = chuanxa.Plan.model_validate(answer.json()), chuanxa.plan(EXAMPLE, costs=ROOT / "examples" / "costs.yaml")
    assert back == library and [chuanxa.step_text(s, back) for s in back.steps] == [chuanxa.step_text(s, library) for s in library.steps]


def test_bad_commune_data_gets_the_cli_message_and_location_in_both_languages(client: Any, auth: Any) -> None:
    document = _document()
    document["commune"]["distance_km"] = "xa lắm"
    vi = client.post("/api/v1/score", json=document, headers=auth("xa"))
    en = client.post("/api/v1/score?lang=en", json=document, headers=auth("xa"))
    assert vi.status_code == en.status_code == 422
    assert vi.headers["content-type"] == "application/problem+json"
    body_vi, body_en = vi.json(), en.json()
    assert body_vi["detail"] == body_vi["detail_vi"] and body_en["detail"] == body_en["detail_en"]
    assert body_vi["detail_vi"] != body_vi["detail_en"]
    assert "distance_km" in body_en["errors"][0]["location"]["path"]
    assert {"type", "title", "status", "detail", "instance"} <= set(body_vi)


def test_the_communes_list_has_code_name_province_verdict_and_total(client: Any, auth: Any, world: World) -> None:
    rows = client.get(f"/api/v1/communes?year={YEAR}", headers=auth("tinh")).json()
    assert len(rows) == 15
    first = next(r for r in rows if r["code"] == world.commune)
    assert {"code", "name", "province", "verdict", "total"} <= set(first)
    assert first["verdict"] in ("recognised", "not_recognised", "incomplete") and isinstance(first["total"], float)


def test_get_put_with_if_match_saves_and_a_stale_put_gets_412_with_both_versions_kept(client: Any, auth: Any, world: World) -> None:
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR}"
    got = client.get(url, headers=auth("xa"))
    assert got.status_code == 200 and got.headers["etag"] == got.json()["etag"]
    assert {"values", "assessed", "state", "result"} <= set(got.json())
    values = got.json()["values"]
    first = client.put(url, json={"values": values | {"full_immunisation_rate": 97.0}}, headers=auth("xa") | {"If-Match": got.headers["etag"]})
    assert first.status_code == 200 and first.headers["etag"] != got.headers["etag"]
    stale = client.put(url, json={"values": values | {"full_immunisation_rate": 12.0}}, headers=auth("tinh") | {"If-Match": got.headers["etag"]})
    assert stale.status_code == 412 and stale.json()["code"] == "store.stale"
    history = client.get(url + "/revisions", headers=auth("xa")).json()
    assert [(r["kind"], r["current"]) for r in history] == [("import", False), ("save", True), ("conflict", False)]
    kept = client.get(url + f"/revisions/{history[-1]['number']}", headers=auth("xa")).json()
    assert kept["values"]["full_immunisation_rate"] == 12.0 and kept["author"]["login"] == "tinh"
    assert client.get(url, headers=auth("xa")).json()["values"]["full_immunisation_rate"] == 97.0


def test_a_put_without_if_match_gets_428(client: Any, auth: Any, world: World) -> None:
    answer = client.put(f"/api/v1/communes/{world.commune}/assessments/{YEAR}", json={"values": {}}, headers=auth("xa"))
    assert answer.status_code == 428


def test_an_assessment_is_created_with_if_none_match(client: Any, auth: Any, world: World) -> None:
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR + 1}"
    assert client.get(url, headers=auth("xa")).status_code == 404
    made = client.put(url, json={"values": {"full_immunisation_rate": 95}}, headers=auth("xa") | {"If-None-Match": "*"})
    assert made.status_code == 201 and made.json()["state"] == "draft" and made.json()["revision"] == 1
    again = client.put(url, json={"values": {}}, headers=auth("xa") | {"If-None-Match": "*"})
    assert again.status_code == 409


def test_the_workflow_over_http_ends_in_a_recognition(client: Any, auth: Any, world: World) -> None:
    url = f"/api/v1/communes/{world.commune}/assessments/{YEAR}/transitions"
    assert client.post(url, json={"action": "submit"}, headers=auth("xa")).json()["state"] == "submitted"
    assert client.post(url, json={"action": "appraise"}, headers=auth("thamdinh")).json()["state"] == "appraised"
    decision = {"number": "45/QĐ-UBND", "decided_on": "2025-01-10", "body": "UBND tỉnh"}
    done = client.post(url, json={"action": "recognise", "decision": decision}, headers=auth("tinh"))
    assert done.status_code == 200 and done.json()["state"] == "recognised"
    found = client.get(f"/api/v1/recognitions?commune={world.commune}", headers=auth("xem")).json()
    assert found[0]["valid_until"] == "2028-01-10"
    steps = client.get(url, headers=auth("xa")).json()
    assert [s["action"] for s in steps] == ["submit", "appraise", "recognise"]


def test_the_province_summary_counts_against_the_target(client: Any, auth: Any, world: World) -> None:
    summary = client.get(f"/api/v1/provinces/{world.province}/summary?year={YEAR}", headers=auth("tinh")).json()
    assert summary["communes"] == 15 and summary["target_count"] == 14  # ceil(0.9 × 15)
    assert sum(summary["by_verdict"].values()) == summary["assessed"] == 15
    assert summary["still_needed"] == max(0, 14 - summary["recognised"])


def test_security_headers_are_on_every_answer(client: Any) -> None:
    headers = client.get("/healthz").headers
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"] and "frame-ancestors 'none'" in headers["content-security-policy"]


def test_a_body_above_the_limit_is_refused_with_413(client: Any, auth: Any) -> None:
    big = {"commune": {"code": "1", "name": "x" * 2_000_000}}
    answer = client.post("/api/v1/score", content=json.dumps(big), headers=auth("xa") | {"Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["code"] == "store.too_large"


def test_sign_in_is_rate_limited_after_repeated_failures(client: Any) -> None:
    codes = [client.post("/api/v1/auth/token", data={"username": "xem", "password": "nope-nope"}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # the right password is refused too while the login is blocked
    assert client.post("/api/v1/auth/token", data={"username": "xem", "password": PASSWORD}).status_code == 429


def test_browser_sessions_use_an_httponly_samesite_cookie_and_need_csrf_for_writes(client: Any) -> None:
    opened = client.post("/api/v1/auth/session", data={"username": "xa", "password": PASSWORD})
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/v1/auth/me").json()["login"] == "xa"
    refused = client.post("/api/v1/tokens", json={"name": "script"})
    assert refused.status_code == 403 and refused.json()["code"] == "store.csrf"
    made = client.post("/api/v1/tokens", json={"name": "script"}, headers={"X-CSRF-Token": opened.json()["csrf_token"]})
    assert made.status_code == 201
    client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": opened.json()["csrf_token"]})
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_revoked_bearer_token_no_longer_works(client: Any, auth: Any) -> None:
    made = client.post("/api/v1/tokens", json={"name": "bot"}, headers=auth("xa")).json()
    bot = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/auth/me", headers=bot).status_code == 200
    assert client.delete(f"/api/v1/tokens/{made['id']}", headers=auth("xa")).status_code == 204
    assert client.get("/api/v1/auth/me", headers=bot).status_code == 401


def test_sign_ins_denials_and_workflow_steps_are_audited(client: Any, auth: Any, world: World) -> None:
    client.post("/api/v1/auth/token", data={"username": "xa", "password": "wrong-password"})
    client.get(f"/api/v1/communes/{world.other}/assessments/{YEAR}", headers=auth("xa"))  # another commune's draft: denied
    client.post(f"/api/v1/communes/{world.commune}/assessments/{YEAR}/transitions", json={"action": "submit"}, headers=auth("xa"))
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=auth("admin")).json()]
    assert {"signin.failed", "signin.ok", "denied", "workflow.submit"} <= set(actions)


def test_the_openapi_document_is_served(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1") and "/api/v1/communes/{code}/assessments/{year}" in schema["paths"]


def test_reports_of_a_commune_and_a_province_year_come_as_workbooks_and_pages(client: Any, auth: Any, world: World) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = client.get(f"/api/v1/communes/{world.commune}/assessments/{YEAR}/report?format=xlsx", headers=auth("xa"))
    assert sheet.status_code == 200 and load_workbook(BytesIO(sheet.content)).sheetnames
    page = client.get(f"/api/v1/provinces/{world.province}/report?year={YEAR}&format=html", headers=auth("tinh"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html") and world.commune in page.text
    assert client.get(f"/api/v1/communes/{world.other}/assessments/{YEAR}/report", headers=auth("xa")).status_code == 403


def test_a_name_with_a_control_character_is_refused_with_422_not_stored(client: Any, auth: Any) -> None:
    """PostgreSQL refuses a NUL in text (a stateful schemathesis run found a 500 there): names are plain text, as the
    schema says, on both databases."""
    for name in ("\u0000", "a\u0007b", "x\ny"):
        answer = client.post("/api/v1/tokens", json={"name": name}, headers=auth("xa"))
        assert answer.status_code == 422, (name, answer.text)
    assert client.post("/api/v1/tokens", json={"name": "Máy tính bảng trạm y tế"}, headers=auth("xa")).status_code == 201
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert all(schema[name]["properties"]["name"].get("pattern") or any(part.get("pattern") for part in schema[name]["properties"]["name"].get("anyOf", []))
               for name in ("ApiTokenIn", "UserIn", "UserPatch"))
