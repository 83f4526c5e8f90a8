"""What the OpenAPI document says beyond the routes: readable operation ids, the bearer-token scheme (so the docs
page's "Authorize" works), and the links between operations — every stateful flow of the API, written down once
here, so that a client (and schemathesis' stateful run) can follow them: communes → assessments (GET, then PUT with
the ETag in If-Match; a stale If-Match → 412), revisions, workflow steps and the recognitions they lead to, imports
(dry run → commit), tokens, users, province summaries and targets."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

#: Operations a caller reaches without a bearer token (they issue one, or say the server is up).
PUBLIC = {"healthz", "token", "openSession"}

_CODE_YEAR = {"code": "$request.path.code", "year": "$request.path.year"}
_ASSESSMENT = {
    "GetAssessment": {"operationId": "getAssessment", "parameters": _CODE_YEAR},
    "ListRevisions": {"operationId": "listRevisions", "parameters": _CODE_YEAR},
    "GetRevision": {"operationId": "getRevision", "parameters": _CODE_YEAR | {"number": "$response.body#/revision"}},
    "ListTransitions": {"operationId": "listTransitions", "parameters": _CODE_YEAR},
    "SaveAgain": {"operationId": "putAssessment", "parameters": _CODE_YEAR | {"header.if-match": "$response.header.ETag"},
                  "requestBody": {"values": "$response.body#/values", "note": "saved again"}},
    "TakeNextStep": {"operationId": "takeStep", "parameters": _CODE_YEAR | {"header.if-match": "$response.header.ETag"},
                     "requestBody": {"action": "$response.body#/actions/0", "comment": "next step"}},
    "CommuneReport": {"operationId": "communeReport", "parameters": _CODE_YEAR},
}
_PROVINCE = {"code": "$response.body#/0/code"}

#: operationId → status → links (OpenAPI 3.1 Link Objects).
LINKS: dict[str, dict[str, dict[str, Any]]] = {
    "listCommunes": {"200": {
        "GetCommune": {"operationId": "getCommune", "parameters": {"code": "$response.body#/0/code"}},
        "GetAssessment": {"operationId": "getAssessment", "parameters": {"code": "$response.body#/0/code", "year": "$response.body#/0/year"}},
    }},
    "getCommune": {"200": {
        "GetAssessment": {"operationId": "getAssessment", "parameters": {"code": "$response.body#/code", "year": "$response.body#/assessments/0/year"}},
        "ListRecognitions": {"operationId": "listRecognitions", "parameters": {"commune": "$response.body#/code"}},
    }},
    "getAssessment": {"200": _ASSESSMENT},
    "putAssessment": {"200": _ASSESSMENT | {
        # the If-Match the save used is stale now: saving with it again answers 412, and both versions stay in history
        "SaveStale": {"operationId": "putAssessment", "parameters": _CODE_YEAR | {"header.if-match": "$request.header.if-match"},
                      "requestBody": {"values": "$response.body#/values", "note": "stale save"}},
    }, "201": _ASSESSMENT},
    "listRevisions": {"200": {
        "GetRevision": {"operationId": "getRevision", "parameters": _CODE_YEAR | {"number": "$response.body#/0/number"}},
    }},
    "takeStep": {"200": _ASSESSMENT | {
        "ListRecognitions": {"operationId": "listRecognitions", "parameters": {"commune": "$request.path.code"}},
    }},
    "listRecognitions": {"200": {
        "GetCommune": {"operationId": "getCommune", "parameters": {"code": "$response.body#/0/commune"}},
        "GetAssessment": {"operationId": "getAssessment", "parameters": {"code": "$response.body#/0/commune", "year": "$response.body#/0/year"}},
    }},
    "importTable": {"200": {
        # the dry run's file, committed (the same upload with dry_run=false)
        "Commit": {"operationId": "importTable", "parameters": {"query.year": "$request.query.year", "query.dry_run": False},
                   "requestBody": "$request.body"},
        "ListImports": {"operationId": "listImports", "parameters": {"year": "$request.query.year"}},
        "ListCommunes": {"operationId": "listCommunes", "parameters": {"year": "$request.query.year"}},
    }},
    "listProvinces": {"200": {
        "Summary": {"operationId": "provinceSummary", "parameters": _PROVINCE},
        "Targets": {"operationId": "planProvinceTargets", "parameters": _PROVINCE},
        "SetTarget": {"operationId": "setTarget", "parameters": _PROVINCE},
        "Export": {"operationId": "exportProvince", "parameters": _PROVINCE},
    }},
    "setTarget": {"200": {
        "Summary": {"operationId": "provinceSummary", "parameters": {"code": "$request.path.code"}},
        "Targets": {"operationId": "planProvinceTargets", "parameters": {"code": "$request.path.code"}},
    }},
    "provinceSummary": {"200": {
        "Targets": {"operationId": "planProvinceTargets", "parameters": {"code": "$request.path.code", "year": "$request.query.year"}},
        "Report": {"operationId": "provinceReport", "parameters": {"code": "$request.path.code", "year": "$request.query.year"}},
    }},
    "createToken": {"201": {
        "RevokeToken": {"operationId": "revokeToken", "parameters": {"token_id": "$response.body#/id"}},
        "ListTokens": {"operationId": "listTokens"},
    }},
    "addUser": {"201": {"ChangeUser": {"operationId": "changeUser", "parameters": {"login": "$response.body#/login"}}}},
}


def operation_id(route: APIRoute) -> str:
    """camelCase of the route function's name (`take_step` → `takeStep`); routes may still name their own."""
    head, *rest = route.name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def complete(app: FastAPI) -> None:
    """Make `app.openapi()` add the bearer scheme and `LINKS` to the generated document (once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        _bearer(document)
        _links(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in document.get("paths", {}).values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}


def _bearer(document: dict[str, Any]) -> None:
    document.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token (or a token made at /api/v1/tokens)"}
    for name, operation in _operations(document).items():
        operation["security"] = [] if name in PUBLIC else [{"bearer": []}]


def _links(document: dict[str, Any]) -> None:
    operations = _operations(document)
    for source, by_status in LINKS.items():
        for status, links in by_status.items():
            for link in links.values():
                if link["operationId"] not in operations:
                    raise KeyError(f"OpenAPI link to unknown operation {link['operationId']}")
            response = operations[source]["responses"].setdefault(status, {"description": "Successful Response"})
            response["links"] = dict(links)
