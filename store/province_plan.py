"""Which communes of a province to bring to standard in a year: the province-year's stored assessments (those the
user may read, their current revisions) handed to `chuanxa.plan_targets` (least cost for a target, or the most
communes within a budget). The choosing is the planning library's; this module only gathers the data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from chuanxa.communes.model import CommuneData
from chuanxa.planning.costs import CostModel
from chuanxa.planning.targets import TargetPlan, plan_targets
from chuanxa.store import access, assessments, rulesets, units
from chuanxa.store.errors import not_found
from chuanxa.store.models import Province, User


@dataclass(frozen=True, kw_only=True)
class ProvinceYear:
    """A province-year as one user sees it: its communes, the data of the assessments they may read, the communes
    without one, and the ruleset those assessments use (None when they differ)."""

    province: Province
    year: int
    members: tuple[str, ...]
    communes: tuple[CommuneData, ...]
    not_assessed: tuple[str, ...]
    ruleset: str | None


@dataclass(frozen=True, kw_only=True)
class ProvinceTargets:
    """The answer: the plan over the assessed communes, with the target counted against every commune of the
    province (a commune without an assessment cannot be planned, and is listed)."""

    year_data: ProvinceYear
    target_share: float | None
    ruleset: str  # family@version the plans were made with
    plan: TargetPlan


def province_year(session: Session, user: User, code: str, year: int) -> ProvinceYear:
    """The communes of province `code` in `user`'s view, and the current data of the year's assessments they may read."""
    province = session.get(Province, code)
    members = [c for c in units.communes(session, code) if access.in_view_scope(user, c.code, c.province_code, user.province_code)] if province else []
    if province is None or not members:
        raise not_found("province", code)  # a province outside the caller's view is not theirs to know of
    found = {a.commune_code: a for a in assessments.for_year(session, year, code)}
    readable = [found[c.code] for c in members
                if c.code in found and access.can_read(user, c.code, c.province_code, found[c.code].state, user.province_code)]
    current = assessments.current_revisions(session, readable)
    datas, refs = [], set()
    for item in readable:
        rev = current.get(item.id) or assessments.revision(session, item)
        datas.append(assessments.commune_data(session, item.commune, year, rev))
        refs.add(rev.ruleset_ref)
    assessed = {item.commune_code for item in readable}
    return ProvinceYear(province=province, year=year, members=tuple(c.code for c in members), communes=tuple(datas),
                        not_assessed=tuple(c.code for c in members if c.code not in assessed), ruleset=refs.pop() if len(refs) == 1 else None)


def plan_province(session: Session, user: User, code: str, year: int, *, share: float | None = None, target: int | None = None,
                  budget: float | None = None, costs: CostModel | None = None, ruleset: str | None = None,
                  default_share: float | None = None) -> ProvinceTargets:
    """Reach `target` recognised communes, or `share` of the province's communes, at least cost; or the most within
    `budget` (with a target too: the cheapest way towards it that the budget allows). With none of the three,
    `default_share` (the province's target) is the goal. `ruleset` defaults to the one the assessments use."""
    data = province_year(session, user, code, year)
    if target is None and share is None and budget is None:
        share = default_share
    wanted = target if target is not None else math.ceil(round(share * len(data.members), 9)) if share is not None else None
    ref, _ = rulesets.stamp(ruleset or data.ruleset, year)
    plan = plan_targets(list(data.communes), ref, target=wanted, budget=budget, costs=costs)
    return ProvinceTargets(year_data=data, target_share=share if target is None else None, ruleset=ref, plan=plan)


def to_json(answer: ProvinceTargets) -> dict[str, Any]:
    """The API's document: the province-year, then the plan as `chuanxa plan-targets --format json` writes it."""
    data = answer.year_data
    return {"province": data.province.code, "province_name": data.province.name, "year": data.year, "communes": len(data.members),
            "assessed": len(data.communes), "not_assessed": list(data.not_assessed), "target_share": answer.target_share,
            "ruleset": answer.ruleset, "plan": answer.plan.model_dump(mode="json")}


__all__ = ["ProvinceTargets", "ProvinceYear", "plan_province", "province_year", "to_json"]
