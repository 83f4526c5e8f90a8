"""/api/v1 ruleset overlays (issue 18): upload an overlay (admin), see its test cases, its diff and the communes of
a province-year whose verdict would change, activate it for a province from a date, deactivate it (admin).
The logic is `chuanxa.store.ruleset_activation`; this module reads requests and shapes answers."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from chuanxa.authoring.overlay_bundle import MAX_FILES, MAX_WORKBOOK_BYTES, Upload
from chuanxa.server import schemas
from chuanxa.server.auth import DB, CurrentUser
from chuanxa.store import ruleset_activation as activation
from chuanxa.store.errors import TooLarge, not_found
from chuanxa.store.models import RulesetActivation, RulesetOverlay

router = APIRouter(tags=["rulesets"], responses=schemas.PROBLEMS)

Ident = Annotated[int, Path(ge=1, le=2_000_000_000)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CaseOutcomeOut(BaseModel):
    name: str
    file: str
    line: int | None
    ruleset: str | None
    passed: bool
    error: bool
    lines: dict[str, list[str]]


class ChangeOut(BaseModel):
    what: str
    path: str
    before: Any = None
    after: Any = None


class ActivationOut(BaseModel):
    id: int
    overlay: int
    ruleset: str
    ruleset_sha256: str
    province: str
    effective_from: dt.date
    active: bool
    created_at: dt.datetime
    deactivated_at: dt.datetime | None


class OverlayOut(BaseModel):
    id: int
    ruleset: str
    ruleset_sha256: str
    base: str
    base_sha256: str
    upload_sha256: str
    effective: dt.date
    files: list[str]
    note: str | None
    uploaded_by: str | None
    created_at: dt.datetime
    cases_total: int
    cases_failed: int


class OverlayDetail(OverlayOut):
    cases: list[CaseOutcomeOut]
    changes: list[ChangeOut]
    activations: list[ActivationOut]


class ImpactRowOut(BaseModel):
    code: str
    name: str
    state: str
    as_of: str
    applies: bool
    old_ruleset: str
    new_ruleset: str
    old_verdict: str
    new_verdict: str
    old_total: float
    new_total: float


class ImpactProblem(BaseModel):
    code: str
    name: str
    message_vi: str
    message_en: str


class ImpactOut(BaseModel):
    overlay: int
    province: str
    year: int
    effective_from: dt.date | None
    compared: int
    verdict_changes: list[ImpactRowOut]
    total_changes: list[ImpactRowOut]
    problems: list[ImpactProblem]


class ActivationIn(schemas.Model):
    province: str = Field(min_length=1, max_length=16)
    effective_from: dt.date


class Restamped(BaseModel):
    code: str
    year: int
    revision: int
    before: str
    after: str
    verdict_before: str
    verdict_after: str
    total_before: float
    total_after: float


class ActivationResult(ActivationOut):
    restamped: list[Restamped]


def overlay_out(overlay: RulesetOverlay) -> dict[str, Any]:
    total, failed = activation.cases_count(overlay)
    return {"id": overlay.id, "ruleset": overlay.ruleset_ref, "ruleset_sha256": overlay.ruleset_sha256, "base": overlay.base_ref,
            "base_sha256": overlay.base_sha256, "upload_sha256": overlay.upload_sha256, "effective": activation.effective_of(overlay),
            "files": sorted(overlay.files), "note": overlay.note, "uploaded_by": overlay.user.login if overlay.user else None,
            "created_at": overlay.created_at, "cases_total": total, "cases_failed": failed}


def activation_out(record: RulesetActivation) -> dict[str, Any]:
    return {"id": record.id, "overlay": record.overlay_id, "ruleset": record.overlay.ruleset_ref, "ruleset_sha256": record.overlay.ruleset_sha256,
            "province": record.province_code, "effective_from": record.effective_from, "active": record.deactivated_at is None,
            "created_at": record.created_at, "deactivated_at": record.deactivated_at}


def overlay_detail(session: Any, overlay: RulesetOverlay) -> dict[str, Any]:
    return overlay_out(overlay) | {"cases": overlay.cases, "changes": activation.changes(overlay),
                                   "activations": [activation_out(a) for a in activation.activations(session) if a.overlay_id == overlay.id]}


@router.get("/ruleset-overlays", response_model=list[OverlayOut], operation_id="listRulesetOverlays")
def list_overlays(session: DB, user: CurrentUser) -> list[dict[str, Any]]:
    """Uploaded ruleset overlays, newest first, with their test-case counts."""
    return [overlay_out(o) for o in activation.overlays(session)]


@router.post("/ruleset-overlays", response_model=OverlayDetail, status_code=201, operation_id="uploadRulesetOverlay", responses={
    200: {"description": "the same files were uploaded before: the stored overlay", "model": OverlayDetail},
    201: {"links": {"GetRulesetOverlay": {"operationId": "getRulesetOverlay", "parameters": {"overlay_id": "$response.body#/id"}}}}})
def upload_overlay(session: DB, user: CurrentUser,
                   files: Annotated[list[UploadFile], File(description="the overlay's YAML file and/or the edited score sheet (.xlsx), and its "
                                                                       "test cases (NAME.cases.yaml or NAME.cases.xlsx)")],
                   note: Annotated[str | None, Form(max_length=2000)] = None) -> Any:
    """Upload an overlay (admin): it is checked, resolved against the ruleset it extends, and its test cases run.
    The answer holds the cases' outcome and the diff. The same files again answer 200 with the stored overlay."""
    activation.require_manager(user)
    uploads = []
    for item in files[: MAX_FILES + 1]:
        data = item.file.read(MAX_WORKBOOK_BYTES + 1)
        if len(data) > MAX_WORKBOOK_BYTES:
            raise TooLarge(key="upload.too_large", params={"limit": MAX_WORKBOOK_BYTES // 2**20})
        uploads.append(Upload(item.filename or "", data))
    overlay, created = activation.upload(session, user, uploads, note=note)
    body = OverlayDetail.model_validate(overlay_detail(session, overlay)).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/ruleset-overlays/{overlay_id}", response_model=OverlayDetail, operation_id="getRulesetOverlay")
def get_overlay(session: DB, user: CurrentUser, overlay_id: Ident) -> dict[str, Any]:
    """An overlay: its files, its test cases' outcome, what it changes in the ruleset it extends, its activations."""
    return overlay_detail(session, activation.get_overlay(session, overlay_id))


@router.get("/ruleset-overlays/{overlay_id}/files/{name}", response_class=Response, operation_id="getRulesetOverlayFile",
            responses={200: {"content": {"application/yaml": {}, XLSX: {}}}})
def overlay_file(session: DB, user: CurrentUser, overlay_id: Ident, name: Annotated[str, Path(min_length=1, max_length=100)]) -> Response:
    """One file of an overlay exactly as kept (the YAML as uploaded or as imported from the score sheet, or the
    workbook itself)."""
    overlay = activation.get_overlay(session, overlay_id)
    item = overlay.files.get(name)
    if item is None:
        raise not_found("overlay", f"{overlay_id}/{name}")
    if item.get("kind") == "xlsx":
        return Response(base64.b64decode(item["base64"]), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(item["text"].encode("utf-8"), media_type="application/yaml; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/ruleset-overlays/{overlay_id}/impact", response_model=ImpactOut, operation_id="getRulesetOverlayImpact")
def overlay_impact(session: DB, user: CurrentUser, overlay_id: Ident, province: Annotated[str, Query(min_length=1, max_length=16)],
                   year: Annotated[int, Query(ge=1990, le=2100)], effective_from: dt.date | None = None) -> dict[str, Any]:
    """The communes of a province-year whose verdict would change with the overlay (old and new verdict and total),
    and those whose total only would change (admin, the province's officers). `applies`: whether activating from
    `effective_from` would re-stamp it (decided assessments and those dated earlier keep their ruleset)."""
    overlay = activation.get_overlay(session, overlay_id)
    return activation.impact(session, user, overlay, province, year, effective_from).to_json()


@router.post("/ruleset-overlays/{overlay_id}/activations", response_model=ActivationResult, status_code=201, operation_id="activateRulesetOverlay")
def activate_overlay(session: DB, user: CurrentUser, overlay_id: Ident, body: ActivationIn) -> dict[str, Any]:
    """Activate the overlay for a province from `effective_from` (admin): its assessments dated from then are scored
    with it; those still in the workflow are re-stamped now (listed). Refused while a test case fails."""
    activation.require_manager(user)
    overlay = activation.get_overlay(session, overlay_id)
    record, restamped = activation.activate(session, user, overlay, body.province, body.effective_from)
    return activation_out(record) | {"restamped": restamped}


@router.get("/ruleset-activations", response_model=list[ActivationOut], operation_id="listRulesetActivations")
def list_activations(session: DB, user: CurrentUser, province: Annotated[str | None, Query(max_length=16)] = None) -> list[dict[str, Any]]:
    """Activations of overlays, by province and date (ended ones too)."""
    return [activation_out(a) for a in activation.activations(session, province)]


@router.post("/ruleset-activations/{activation_id}/deactivate", response_model=ActivationResult, operation_id="deactivateRulesetActivation")
def deactivate(session: DB, user: CurrentUser, activation_id: Ident) -> dict[str, Any]:
    """End an activation (admin): the assessments it concerned are re-stamped with the ruleset then in force."""
    activation.require_manager(user)
    record = activation.get_activation(session, activation_id)
    restamped = activation.deactivate(session, user, record)
    return activation_out(record) | {"restamped": restamped}
