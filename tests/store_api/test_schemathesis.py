"""schemathesis against /api/openapi.json (as admin): every operation with generated requests, and the stateful
run that follows links between operations; no 5xx, every response matches its schema. SQLite and PostgreSQL."""

from __future__ import annotations

import zlib
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
        users.add_user(session, "moi", PASSWORD, "viewer")
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
SEMANTIC = {"POST /api/v1/score", "POST /api/v1/simulate", "POST /api/v1/plan", "POST /api/v1/users", "PATCH /api/v1/users/{login}", "POST /api/v1/imports",
            "PUT /api/v1/communes/{code}/assessments/{year}", "POST /api/v1/communes/{code}/assessments/{year}/transitions",
            "POST /api/v1/ruleset-overlays", "POST /api/v1/ruleset-overlays/{overlay_id}/activations",
            "POST /api/v1/ruleset-activations/{activation_id}/deactivate",
            "POST /api/v1/provinces/{code}/targets"}  # a costs mapping must be a costs file of the ruleset; share or target


@schema.parametrize()
@SETTINGS
def test_every_operation_answers_without_5xx_and_as_its_schema_says(case: Any, admin_headers: dict[str, str]) -> None:
    from schemathesis.checks import positive_data_acceptance

    excluded = [positive_data_acceptance] if f"{case.method.upper()} {case.path}" in SEMANTIC else []
    case.call_and_validate(headers=admin_headers, excluded_checks=excluded)


@pytest.fixture(scope="module")
def known(api_app: Any) -> dict[str, Any]:
    """What exists in the database: the communes, their province, the year and the example table (to upload)."""
    from sqlalchemy import select

    from chuanxa.store import db
    from chuanxa.store.models import Commune

    from .conftest import EXAMPLE_CSV, YEAR

    with db.transaction(db.sessions(api_app.state.chuanxa.engine), write=False) as session:
        communes = sorted(session.scalars(select(Commune)), key=lambda c: c.code)
        return {"codes": [c.code for c in communes], "province": communes[0].province_code, "year": YEAR, "table": EXAMPLE_CSV.read_text(encoding="utf-8")}  # text: a bytes part would read as unvalidated


def _fresh_start(app: Any, headers: dict[str, str]) -> None:
    """Put the database back as the fixture made it, with a new admin token in `headers` (a scenario may revoke the
    one it had), and forget failed sign-ins: every scenario starts from the same state, so that a scenario replayed
    by hypothesis gets the same answers."""
    from sqlalchemy import delete, select, update

    from chuanxa.server.context import SigninLimiter
    from chuanxa.store import db, importer, users
    from chuanxa.store.models import ApiToken, Assessment, AuditEvent, ImportRun, ProvinceTarget, Recognition, Revision, Transition, User

    from .conftest import EXAMPLE_CSV, YEAR

    ctx = app.state.chuanxa
    with db.transaction(ctx.sessions) as session:
        for model in (Recognition, Transition, Revision, Assessment, ImportRun, ProvinceTarget, AuditEvent, ApiToken):
            session.execute(delete(model))
        session.execute(delete(User).where(User.login.not_in(["admin", "moi"])))
        session.execute(update(User).values(disabled=False))
        admin = session.scalars(select(User).where(User.login == "admin")).one()
        importer.commit_import(session, admin, importer.plan_import(session, admin, EXAMPLE_CSV, YEAR, create_units=True))
        plain, _ = users.create_token(session, admin, name="stateful run")
    headers["Authorization"] = f"Bearer {plain}"
    ctx.limiter = SigninLimiter(ctx.settings.signin_attempts, ctx.settings.signin_window_seconds)


def _steer(case: Any, known: dict[str, Any]) -> None:
    """Point a freshly generated first call at data that exists (three times in four), so that the links lead
    somewhere: a real commune or province, the stored year, the example table as the upload. The rest stays random."""
    pick = zlib.crc32(repr((case.operation.label, case.path_parameters, case.query)).encode())  # the same for a replayed case
    if pick % 4 == 0:
        return
    params = case.path_parameters or {}
    if "code" in params:
        params["code"] = known["province"] if "/provinces/" in case.path else known["codes"][pick % len(known["codes"])]
    if "year" in params:
        params["year"] = known["year"]
    if case.path == "/api/v1/communes" or case.query is not None and "year" in case.query:
        case.query = (case.query or {}) | {"year": known["year"]}
    if params.get("login") == "admin":
        params["login"] = "moi"  # not the admin itself: a random PATCH could disable it and end the run's access
    if case.path == "/api/v1/users" and case.method.upper() == "POST" and isinstance(case.body, dict):
        role = case.body.get("role")  # a scope that exists, so that the user is made and can be changed next
        case.body.update(province=known["province"] if role in ("province", "appraiser", "viewer") else None,
                         commune=known["codes"][0] if role == "commune" else None, communes=None)
    if case.path == "/api/v1/imports" and case.method.upper() == "POST":
        case.body = {"file": known["table"]}
        case.query = {"year": known["year"], "dry_run": True}


def test_stateful_runs_following_the_links_find_no_5xx_and_no_schema_mismatch(api_app: Any, known: dict[str, Any]) -> None:
    """Random sequences of calls that feed one answer into the next request (OpenAPI links, `server/openapi.py`): a
    commune → its assessment → a save with its ETag → a stale save (412) → revisions; workflow steps → recognitions;
    an import's dry run → its commit; a new token → its revocation; a province → its summary and targets. Each
    scenario starts from the same database."""
    from hypothesis.stateful import run_state_machine_as_test

    from schemathesis import GenerationMode

    stateful = schemathesis.openapi.from_asgi("/api/openapi.json", api_app)
    # Valid requests only: the flows are the point here (invalid ones are the stateless test's), and a link that puts
    # real data into a generated-invalid upload would make it valid in a way schemathesis cannot re-check (binary).
    stateful.config.generation.update(modes=[GenerationMode.POSITIVE])
    stateful.config.phases.stateful.inference.algorithms = []  # only the links the API declares
    # The operations of the stateful flows; the stateless ones (scoring, rulesets, sign-in, reports, the audit log)
    # are the other test's, and here would only thin out the steps that follow links.
    stateful = stateful.exclude(path_regex=r"^/(healthz|api/v1/(auth/|score|simulate|plan$|rulesets|audit)|.*/report$)")
    machine = stateful.as_state_machine()
    followed: set[str] = set()
    auth: dict[str, str] = {}

    class AsAdmin(machine):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:  # hypothesis makes one machine per scenario
            _fresh_start(api_app, auth)
            super().__init__()

        def step(self, input: Any) -> Any:
            input.case.headers = {**(input.case.headers or {}), **auth}  # not a generated token
            if input.transition is None:
                _steer(input.case, known)
            elif input.is_applied:
                followed.add(input.transition.id.split("] ")[-1].split(" ")[0])  # the link's name
            return super().step(input)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": dict(auth)}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            from schemathesis.checks import positive_data_acceptance

            excluded = [positive_data_acceptance] if f"{case.method.upper()} {case.path}" in SEMANTIC else []
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded, transport_kwargs=kwargs)

    run_state_machine_as_test(AsAdmin, settings=settings(max_examples=40, stateful_step_count=10, deadline=None,
                                                          suppress_health_check=list(HealthCheck), derandomize=True))
    # Which links a random run follows varies (schemathesis draws some choices outside hypothesis); that every link
    # leads where it says is test_openapi_links.py's deterministic walk. Here: the run did follow links.
    assert len(followed) >= 5, sorted(followed)
