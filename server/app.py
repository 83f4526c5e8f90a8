"""The application factory: `create_app(db_url)` → a FastAPI app with the API under /api/v1.

Extensions (the web application) add their routes through `register(app)` functions: `create_app` calls every
function in `extensions` (default: `default_extensions()`), after the API and before the app is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from chuanxa.errors import ChuanxaError
from chuanxa.server import problems
from chuanxa.server.context import AppContext
from chuanxa.server.docs import register_docs
from chuanxa.server.openapi import complete as complete_openapi, operation_id
from chuanxa.server.middleware import BodyLimit, PathValues, SecurityHeaders
from chuanxa.server.settings import Settings
from chuanxa.server.warming import WarmUp, prepare_routes
from chuanxa.store import db, results
from chuanxa.store.errors import Forbidden

Extension = Callable[[FastAPI], None]
API_PREFIX = "/api/v1"
OPENAPI_URL = "/api/openapi.json"


def default_extensions() -> list[Extension]:
    """The web application's pages (`chuanxa.web.register`), served beside the API. Imported here, not at the top:
    the web package builds on this module."""
    from chuanxa.web import register

    return [register]


def create_app(db_url: str | None = None, *, engine: Engine | None = None, settings: Settings | None = None, migrate: bool = True,
               extensions: Sequence[Extension] | None = None) -> FastAPI:
    """The chuanxa server. `db_url` (default `CHUANXA_DB` or the SQLite file in the data folder) or an `engine`;
    with `migrate` the schema is brought up to date first."""
    from chuanxa import __version__

    engine = engine or db.make_engine(db_url)
    if migrate:
        db.upgrade(engine)
    settings = settings or Settings()
    ctx = AppContext(engine=engine, sessions=db.sessions(engine), settings=settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            ctx.warming = warming = WarmUp(ctx.warm_steps)
            warming.steps.append(("standings", lambda: results.warm_standings(ctx.sessions, stopping=warming.stopping.is_set)))
            warming.start()
        yield
        if ctx.warming is not None:
            await run_in_threadpool(ctx.warming.stop)
        engine.dispose()

    app = FastAPI(title="chuanxa", version=__version__, openapi_url=OPENAPI_URL, docs_url=None, redoc_url=None, lifespan=lifespan,
                  generate_unique_id_function=operation_id,
                  description="Chấm điểm Bộ tiêu chí quốc gia về y tế xã: lưu phiếu đánh giá, quy trình thẩm định, công nhận. "
                              "Scores communes against the national commune-health criteria; stores assessments with full history.")
    app.state.chuanxa = ctx
    ctx.warm_steps += [("rulesets", results.warm_up), ("routes", lambda: prepare_routes(app))]
    _handlers(app, ctx)
    app.add_middleware(BodyLimit, max_json=settings.max_json_bytes, max_upload=settings.max_upload_bytes)
    app.add_middleware(PathValues)
    app.add_middleware(SecurityHeaders)
    _routes(app)
    complete_openapi(app)
    if settings.docs:
        register_docs(app, OPENAPI_URL)
    for extension in default_extensions() if extensions is None else extensions:
        extension(app)
    return app


def _routes(app: FastAPI) -> None:
    from chuanxa.server import routes_auth, routes_data, routes_overlays, routes_stateless, routes_store, routes_targets
    from chuanxa.server.schemas import Health

    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        """`{"status": "ok"}` when the database answers (503 otherwise); `warm` says whether the background warm-up
        (`chuanxa serve`) has finished: from then on, a first visit is as quick as the next ones."""
        ctx: AppContext = request.app.state.chuanxa
        if db.ping(ctx.engine):
            return JSONResponse({"status": "ok", "warm": ctx.warming is None or ctx.warming.done.is_set()})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    for module in (routes_auth, routes_stateless, routes_store, routes_data, routes_targets, routes_overlays):
        app.include_router(module.router, prefix=API_PREFIX)


def _handlers(app: FastAPI, ctx: AppContext) -> None:
    async def on_chuanxa(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ChuanxaError)
        pending = getattr(request.state, "audit_after_error", None)
        if isinstance(exc, Forbidden) or pending:
            await run_in_threadpool(_audit_denial, ctx, request, exc, pending)  # a database write: never on the event loop
        return problems.chuanxa_problem(request, exc)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problems.http_problem(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problems.validation_problem(request, exc)

    async def on_unstorable(request: Request, exc: Exception) -> JSONResponse:
        return problems.unstorable_problem(request)  # the database refused a value the request carried (a NUL in a query value…)

    async def on_internal(request: Request, exc: Exception) -> JSONResponse:
        return problems.internal_problem(request, exc)

    app.add_exception_handler(ChuanxaError, on_chuanxa)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(DataError, on_unstorable)
    app.add_exception_handler(Exception, on_internal)


def _audit_denial(ctx: AppContext, request: Request, exc: ChuanxaError, pending: tuple[str, str, str] | None) -> None:
    """A denial (or a failed sign-in) is audited in its own transaction (the request's own was rolled back)."""
    from chuanxa.store.models import AuditEvent

    actor: Any = getattr(request.state, "actor", None) or (None, None)
    with db.transaction(ctx.sessions) as session:
        if pending is not None:
            session.add(AuditEvent(action=pending[0], login=pending[1], ip=pending[2]))
            return
        session.add(AuditEvent(action="denied", user_id=actor[0], login=actor[1], target=f"{request.method} {request.url.path}"[:200],
                               detail={"code": exc.key}, ip=request.client.host if request.client else None))
