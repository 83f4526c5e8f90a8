"""Errors as RFC 9457 problem details, in Vietnamese (default) or English, with the CLI's messages and locations."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chuanxa.errors import ChuanxaError
from chuanxa.messages import Lang, render
from chuanxa.store.errors import StoreError

PROBLEM_TYPE = "https://chuanxa.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


def request_lang(request: Request) -> Lang:
    """`?lang=en|vi`, else the first of Accept-Language that is English or Vietnamese, else Vietnamese."""
    asked = request.query_params.get("lang")
    if asked in ("vi", "en"):
        return asked  # type: ignore[return-value]
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("vi"):
            return "vi"
    return "vi"


def problem_body(exc: ChuanxaError, status: int, title: str, lang: Lang, instance: str) -> dict[str, Any]:
    errors = [item.to_dict(lang) | {"message_vi": item.message("vi"), "message_en": item.message("en")} for item in (exc.related or [exc])]
    return {"type": PROBLEM_TYPE + exc.key, "title": title, "status": status, "detail": exc.message(lang), "instance": instance, "code": exc.key,
            "detail_vi": exc.message("vi"), "detail_en": exc.message("en"), "errors": errors}


def chuanxa_problem(request: Request, exc: ChuanxaError) -> JSONResponse:
    from chuanxa.errors import RulesetNotFoundError

    if isinstance(exc, StoreError):
        status, title = exc.status, exc.title
    elif isinstance(exc, RulesetNotFoundError):  # an unknown or impossible ruleset reference: nothing there
        status, title = 404, "Not found"
    else:  # commune data, ruleset or costs: what the CLI reports as a usage error
        status, title = 422, "Unprocessable content"
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(problem_body(exc, status, title, request_lang(request), request.url.path), status_code=status, media_type=MEDIA_TYPE,
                        headers=headers)


_HTTP_KEYS = {404: ("http.not_found", "Không có địa chỉ này.", "There is no such address."),
              405: ("http.method", "Phương thức không được hỗ trợ ở địa chỉ này.", "This method is not allowed here."),
              415: ("http.media_type", "Kiểu dữ liệu gửi lên không được hỗ trợ.", "This media type is not supported.")}


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (routes of one path may be registered one method each)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"}) if hasattr(route, "matches") else (Match.NONE, {})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def http_problem_body(status: int, detail: Any, lang: Lang, instance: str) -> dict[str, Any]:
    """The problem details of an HTTP error (404, 405, 415…), in `lang` with both languages beside."""
    key, vi, en = _HTTP_KEYS.get(status, ("http.error", str(detail), str(detail)))
    return {"type": PROBLEM_TYPE + key, "title": en, "status": status, "detail": vi if lang == "vi" else en, "instance": instance,
            "code": key, "detail_vi": vi, "detail_en": en, "errors": []}


def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    body = http_problem_body(exc.status_code, exc.detail, request_lang(request), request.url.path)
    return JSONResponse(body, status_code=exc.status_code, media_type=MEDIA_TYPE, headers=headers or None)


def unstorable_problem(request: Request) -> JSONResponse:
    """422: the database refused a value of the request (PostgreSQL: a NUL in text, a number out of its range)."""
    vi, en = render("store.unstorable", "vi", {}), render("store.unstorable", "en", {})
    lang = request_lang(request)
    body = {"type": PROBLEM_TYPE + "store.unstorable", "title": "Unprocessable content", "status": 422, "detail": vi if lang == "vi" else en,
            "instance": request.url.path, "code": "store.unstorable", "detail_vi": vi, "detail_en": en, "errors": []}
    return JSONResponse(body, status_code=422, media_type=MEDIA_TYPE)


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request that does not match its schema: each error with where it is (body.values.x, query.year …)."""
    lang = request_lang(request)
    errors: list[dict[str, Any]] = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item.get("loc", ()))
        errors.append({"code": "request.invalid", "location": {"path": where}, "message": f"{where}: {item.get('msg')}",
                       "message_en": f"{where}: {item.get('msg')}", "message_vi": f"{where}: giá trị không hợp lệ ({item.get('msg')})"})
    vi = "Yêu cầu không hợp lệ: " + "; ".join(e["message_vi"] for e in errors[:5])
    en = "Invalid request: " + "; ".join(e["message_en"] for e in errors[:5])
    body = {"type": PROBLEM_TYPE + "request.invalid", "title": "Unprocessable content", "status": 422, "detail": vi if lang == "vi" else en,
            "instance": request.url.path, "code": "request.invalid", "detail_vi": vi, "detail_en": en, "errors": errors}
    return JSONResponse(body, status_code=422, media_type=MEDIA_TYPE)


def internal_problem(request: Request, exc: Exception) -> JSONResponse:
    vi, en = "Lỗi nội bộ của chuanxa (xin báo lại); dữ liệu của bạn không bị thay đổi.", "An internal error in chuanxa (please report it); your data is unchanged."
    lang = request_lang(request)
    body = {"type": PROBLEM_TYPE + "internal", "title": "Internal server error", "status": 500, "detail": vi if lang == "vi" else en,
            "instance": request.url.path, "code": "internal", "detail_vi": vi, "detail_en": en, "errors": []}
    return JSONResponse(body, status_code=500, media_type=MEDIA_TYPE)
