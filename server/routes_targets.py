"""/api/v1/provinces/{code}/targets: which communes of a province to bring to standard in a year, at least cost for
a target or the most within a budget (`chuanxa.store.province_plan` over `chuanxa.plan_targets`)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path as PathParam, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from chuanxa.server import schemas
from chuanxa.server.auth import DB, CurrentUser
from chuanxa.store import province_plan, units

router = APIRouter(tags=["provinces"], responses=schemas.PROBLEMS)


class TargetsIn(schemas.Model):
    """What to reach: a `share` of the province's communes or a `target` count (at least cost), and/or a `budget`;
    with none of them, the province's own target. `costs` is a costs file's content (README, Planning); without it
    the cheapest plan is the one with the fewest indicators to improve."""

    share: float | None = Field(default=None, gt=0, le=1)
    target: int | None = Field(default=None, ge=0, le=1_000_000)
    budget: float | None = Field(default=None, ge=0, le=1e15)
    costs: dict[str, Any] | None = None
    ruleset: str | None = Field(default=None, min_length=1, max_length=60)

    @model_validator(mode="after")
    def _one_goal(self) -> Self:
        if self.share is not None and self.target is not None:
            raise ValueError("give share or target, not both")
        return self


class TargetsOut(BaseModel):
    province: str
    province_name: str
    year: int
    communes: int = Field(description="communes of the province the caller may see (the target counts against these)")
    assessed: int = Field(description="communes with an assessment of the year the caller may read (the plan is over these)")
    not_assessed: list[str]
    target_share: float | None
    ruleset: str
    plan: dict[str, Any] = Field(description="the plan, as `chuanxa plan-targets --format json` writes it")


def costs_model(costs: dict[str, Any]) -> Any:
    """A costs model from the request's mapping, read as a costs file (so errors read and locate as in the CLI)."""
    from chuanxa.planning.costs import CostModel

    with tempfile.TemporaryDirectory(prefix="chuanxa-costs-") as folder:
        path = Path(folder) / "costs.json"
        path.write_text(json.dumps(costs), encoding="utf-8")
        return CostModel.load(path)


@router.post("/provinces/{code}/targets", response_model=TargetsOut, operation_id="planProvinceTargets")
def plan_province_targets(session: DB, user: CurrentUser, code: Annotated[str, PathParam(min_length=1, max_length=16)],
                          year: Annotated[int, Query(ge=1990, le=2100)], body: TargetsIn) -> JSONResponse:
    """Which communes to bring to standard in a province-year: the cheapest plans that reach the target (a share of
    the province's communes, a count, or by default the province's target), or the most communes a budget allows.
    Over the assessments the caller may read (current revisions); nothing is saved."""
    answer = province_plan.plan_province(session, user, code, year, share=body.share, target=body.target, budget=body.budget,
                                         costs=costs_model(body.costs) if body.costs else None, ruleset=body.ruleset,
                                         default_share=units.target_of(session, code, year)[0])
    return JSONResponse(province_plan.to_json(answer))
