"""A value in the path that no database can hold (a NUL: PostgreSQL text refuses it) is an answer, not a 500: a
stateful schemathesis run found `GET /api/v1/communes/{code}/…` with a NUL in the commune code answering 500 on
PostgreSQL (a `DataError` from the driver)."""

from __future__ import annotations

import re
from typing import Any

ODD = ("%00", "a%00b", "x%01y", "%7F")


def _routes_with_path_values(client: Any) -> list[tuple[str, str]]:
    paths = client.get("/api/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() if "{" in path for method in ops if method in ("get", "delete", "patch", "put", "post")]


def test_every_path_value_no_database_can_hold_gets_a_client_error_on_both_databases(client: Any, auth: Any) -> None:
    routes = _routes_with_path_values(client)
    assert len(routes) >= 10
    for method, path in routes:
        for odd in ODD:
            url = re.sub(r"\{year\}", "2024", path)
            url = re.sub(r"\{[^}]+\}", odd, url)
            answer = client.request(method, url, headers=auth("admin"), json={} if method in ("PATCH", "PUT", "POST") else None)
            assert 400 <= answer.status_code < 500, (method, url, answer.status_code, answer.text[:300])
            assert answer.headers["content-type"].startswith("application/problem+json"), (method, url)
            body = answer.json()
            assert body["detail_vi"] and body["detail_en"] and body["status"] == answer.status_code


def test_a_query_value_the_database_cannot_hold_is_a_422_in_both_languages_not_a_500(client: Any, auth: Any, world: Any) -> None:
    """Behind the path check, whatever value reaches the database and is refused there (a NUL in a query value on
    PostgreSQL) is the client's to correct: 422 with the words, never 500. On SQLite the value is simply not found."""
    answer = client.get("/api/v1/audit?action=a%00b", headers={**auth("admin"), "Accept-Language": "en"})
    assert answer.status_code == (422 if world.engine.dialect.name == "postgresql" else 200), answer.text[:300]
    if answer.status_code == 422:
        body = answer.json()
        assert body["code"] == "store.unstorable" and body["detail"] == body["detail_en"] and "control character" in body["detail_en"]
        assert "ký tự điều khiển" in body["detail_vi"]


def test_a_path_with_a_control_character_is_refused_before_any_route_runs(client: Any) -> None:
    answer = client.get("/api/v1/communes/ab%00c", headers={"Accept-Language": "en"})  # not even signed in: nothing there to protect
    assert answer.status_code == 404 and answer.json()["detail"] == "There is no such address." and answer.json()["instance"] == "/api/v1/communes/ab\\x00c"
    assert answer.headers["x-content-type-options"] == "nosniff"  # the security headers are still sent
