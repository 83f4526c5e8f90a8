"""schemathesis against /api/openapi.json (as admin): every operation with generated requests, and the stateful
run that follows links between operations; no 5xx, every response matches its schema. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .conftest import PASSWORD

schema = schemathesis.pytest.from_fixture("api_schema")
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from argon2 import PasswordHasher

    from chuanxa.server import create_app
    from chuanxa.store import db, importer, security, users

    from .conftest import EXAMPLE_CSV, YEAR

    security.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('st')) / 'st.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres").new_database()
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.transaction(db.sessions(engine)) as session:
        admin = users.add_user(session, "admin", PASSWORD, "admin")
        importer.commit_import(session, admin, importer.plan_import(session, admin, EXAMPLE_CSV, YEAR, create_units=True))
    yield create_app(engine=engine, migrate=False, extensions=[])
    engine.dispose()


@pytest.fixture(scope="module")
def admin_headers(api_app: Any) -> dict[str, str]:
    from fastapi.testclient import TestClient

    with TestClient(api_app) as client:
        token = client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_schema(api_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app)


#: Operations whose bodies obey rules a JSON schema cannot state (a commune document must be scorable, a role needs
#: its scope, an upload must be a table): a schema-valid request may rightly get 422 there, so the "schema-valid data
#: is accepted" check is left out for them; every other check still runs.
SEMANTIC = {"POST /api/v1/score", "POST /api/v1/simulate", "POST /api/v1/plan", "POST /api/v1/users", "POST /api/v1/imports",
            "PUT /api/v1/communes/{code}/assessments/{year}", "POST /api/v1/communes/{code}/assessments/{year}/transitions",
            "POST /api/v1/ruleset-overlays", "POST /api/v1/ruleset-overlays/{overlay_id}/activations",
            "POST /api/v1/ruleset-activations/{activation_id}/deactivate"}


@schema.parametrize()
@SETTINGS
def test_every_operation_answers_without_5xx_and_as_its_schema_says(case: Any, admin_headers: dict[str, str]) -> None:
    from schemathesis.checks import positive_data_acceptance

    excluded = [positive_data_acceptance] if f"{case.method.upper()} {case.path}" in SEMANTIC else []
    case.call_and_validate(headers=admin_headers, excluded_checks=excluded)


def test_stateful_runs_following_the_links_find_no_5xx_and_no_schema_mismatch(api_app: Any, admin_headers: dict[str, str]) -> None:
    """Sequences of calls that feed one answer into the next request (OpenAPI links: a saved assessment → its
    revisions, a new token → its revocation, a new user → its change)."""
    from hypothesis.stateful import run_state_machine_as_test

    machine = schemathesis.openapi.from_asgi("/api/openapi.json", api_app).as_state_machine()

    class AsAdmin(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": admin_headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            from schemathesis.checks import positive_data_acceptance

            excluded = [positive_data_acceptance] if f"{case.method.upper()} {case.path}" in SEMANTIC else []
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded, transport_kwargs=kwargs)

    run_state_machine_as_test(AsAdmin, settings=settings(max_examples=15, stateful_step_count=6, deadline=None,
                                                          suppress_health_check=list(HealthCheck), derandomize=True))
