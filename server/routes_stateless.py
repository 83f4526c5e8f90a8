"""/api/v1 stateless: score, simulate and plan a commune document (the CLI's commune-file contract in, the CLI's
JSON out, byte for byte), and the rulesets (list, show, diff, audit)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path as PathParam, Query, Response

from chuanxa.communes.readers import commune_from_mapping
from chuanxa.engine.results import CommuneResult
from chuanxa.outputs.jsonout import dumps, encode_commune
from chuanxa.server import schemas
from chuanxa.server.auth import ComputingUser
from chuanxa.store import rulesets

router = APIRouter(tags=["scoring"], responses=schemas.PROBLEMS)

COMMUNE_EXAMPLE = {"commune": {"code": "16039", "name": "Xã Thiệu Giao", "province": "Thanh Hóa", "region": "bac_trung_bo", "terrain": "dong_bang",
                               "distance_km": 6.5}, "as_of": 2024, "values": {"full_immunisation_rate": 96.2}, "assessed": {"1": {"points": 2}}}
CommuneDocument = Annotated[dict[str, Any], Body(examples=[COMMUNE_EXAMPLE], description="A commune file (README, 'The commune file')")]
REF_PATTERN = r"^[a-z][a-z0-9_]*(@\d{4}-\d{2}-\d{2})?$"
RulesetRef = Annotated[str | None, Query(max_length=60, pattern=REF_PATTERN, description="family@version; default: the one in force on the commune's as_of")]
PathRef = Annotated[str, PathParam(max_length=60, pattern=REF_PATTERN, description="family or family@version, e.g. qd1300@2023-03-20")]


def _json(data: Any) -> Response:
    """The CLI's JSON text (`json.dumps(…, ensure_ascii=False, indent=2)`), so both give the same bytes."""
    return Response(dumps(data), media_type="application/json")


def _engine(document: dict[str, Any], ruleset: str | None) -> tuple[Any, Any]:
    data = commune_from_mapping(document)
    return data, rulesets.compiled(ruleset or data.ruleset, data.as_of)


@router.post("/score", response_model=CommuneResult)
async def score(user: ComputingUser, document: CommuneDocument, ruleset: RulesetRef = None) -> Response:
    """Score a commune document: the JSON of `chuanxa score FILE --format json` (the same bytes).

    Scoring one commune is a millisecond or two of computing: it runs on the event loop, which saves a trip to
    the thread pool that would cost as much (the body is at most `max_json_bytes`)."""
    data, core = _engine(document, ruleset)
    return Response(encode_commune(core.evaluate(data)), media_type="application/json")


@router.post("/simulate")
def simulate(user: ComputingUser, commune: CommuneDocument, ruleset: RulesetRef = None,
             changes: Annotated[dict[str, Any] | None, Body(alias="set", description="input id → new value (null removes it)")] = None,
             assess: Annotated[dict[str, float] | None, Body(description="indicator id → assessed points")] = None) -> Response:
    """What-if: the JSON of `chuanxa simulate FILE --set … --assess … --format json`; the body is
    `{"commune": <commune file>, "set": {…}, "assess": {…}}`."""
    from chuanxa.planning.simulate import simulate as make_simulation

    data, core = _engine(commune, ruleset)
    return _json(make_simulation(data, changes or {}, assess or {}, core).to_json_dict())


@router.post("/plan")
def plan(user: ComputingUser, commune: CommuneDocument, ruleset: RulesetRef = None,
         costs: Annotated[dict[str, Any] | None, Body(description="a costs file's content (README, Planning)")] = None) -> Response:
    """The cheapest path to recognition: the JSON of `chuanxa plan FILE [--costs C] --format json`; the body is
    `{"commune": <commune file>, "costs": {…}}`."""
    from chuanxa.planning.costs import CostModel
    from chuanxa.planning.plan import plan as make_plan

    data, core = _engine(commune, ruleset)
    return _json(make_plan(data, core, _costs(costs) if costs else CostModel()).model_dump(mode="json"))


def _costs(costs: dict[str, Any]) -> Any:
    """A costs model from the request's mapping (through the file reader, so errors read as the CLI's)."""
    from chuanxa.planning.costs import CostModel

    with tempfile.TemporaryDirectory(prefix="chuanxa-costs-") as folder:
        path = Path(folder) / "costs.json"
        path.write_text(json.dumps(costs), encoding="utf-8")
        model = CostModel.load(path)
    return model


@router.get("/rulesets", tags=["rulesets"])
def list_rulesets(user: ComputingUser) -> list[dict[str, Any]]:
    """Every ruleset version: family, version, in force from/until, title, bundled or not."""
    reg = rulesets.registry()
    rows = []
    for family in reg.families():
        for entry in reg.versions(family):
            until = reg.in_force_until(entry)
            rows.append({"ref": f"{entry.family}@{entry.version.isoformat()}", "family": entry.family, "version": entry.version.isoformat(),
                         "effective": entry.effective.isoformat(), "effective_until": until.isoformat() if until else None,
                         "extends": entry.extends, "bundled": entry.bundled, "title": entry.title})
    return rows


@router.get("/rulesets/{ref}", tags=["rulesets"])
def show_ruleset(user: ComputingUser, ref: PathRef) -> Response:
    """The resolved ruleset: the JSON of `chuanxa rulesets show REF --format json`."""
    from chuanxa.outputs.ruleset_view import ruleset_json

    return _json(ruleset_json(rulesets.load(ref)))


@router.get("/rulesets/{old}/diff/{new}", tags=["rulesets"])
def diff_rulesets(user: ComputingUser, old: PathRef, new: PathRef) -> Response:
    """What changed from OLD to NEW: the JSON of `chuanxa rulesets diff OLD NEW --format json`."""
    from chuanxa.criteria.diff import diff_rulesets as make_diff

    changes = make_diff(rulesets.load(old), rulesets.load(new))
    return Response(json.dumps([c.__dict__ for c in changes], ensure_ascii=False, indent=2, default=str), media_type="application/json")


@router.get("/rulesets/{ref}/audit", tags=["rulesets"])
def audit_ruleset(user: ComputingUser, ref: PathRef) -> list[dict[str, Any]]:
    """The provisional indicators to check against the official text (`chuanxa rulesets audit REF`)."""
    ruleset = rulesets.load(ref)
    return [{"indicator": ind.id, "criterion": ruleset.criterion_of(ind.id).id, "title": dict(ind.title), "max_points": ind.max_points,
             "source": ind.source, "note": ind.note} for ind in ruleset.indicators if ind.provisional]


