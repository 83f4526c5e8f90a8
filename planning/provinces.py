"""Province planning after the 2025 reform: targets are set per province (90% of communes by 2030, 95% by 2035,
NQ 262/2025/QH15), so progress is counted per province and, for old records that name one, per former district.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from chuanxa.engine.results import CommuneResult, CommuneSummary, Verdict

if TYPE_CHECKING:
    from .targets import TargetPlan


class NationalTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    share: float
    source: str


def national_targets() -> tuple[NationalTarget, ...]:
    """The national milestones (bundled data with their source), earliest first."""
    import yaml

    data = yaml.safe_load(resources.files("chuanxa.admin").joinpath("data/national_targets.yaml").read_text(encoding="utf-8"))
    return tuple(sorted((NationalTarget(year=int(t["year"]), share=float(t["share"]), source=data["source"]) for t in data["targets"]), key=lambda t: t.year))


def target_for(year: int) -> NationalTarget:
    """The milestone that applies in `year`: the first one not yet past (2026–2030 → 90%, 2031–2035 → 95%);
    after the last, the last."""
    milestones = national_targets()
    return next((t for t in milestones if year <= t.year), milestones[-1])


class AreaProgress(BaseModel):
    """Recognised communes of one province (or of one former district within it) against the target."""

    model_config = ConfigDict(frozen=True)

    province: str | None
    province_code: int | None
    former_district: str | None = None  # set on the rows of old records grouped by their former district
    communes: int
    recognised: int
    incomplete: int
    share: float
    target_year: int
    target_share: float
    target_count: int
    still_needed: int
    source: str


def progress_by_area(results: Iterable[CommuneResult | CommuneSummary], year: int) -> list[AreaProgress]:
    """One row per province (in name order), each followed by its former districts when old records name them."""
    goal = target_for(year)
    provinces: dict[tuple[int | None, str | None], list[CommuneResult | CommuneSummary]] = {}
    for result in results:
        provinces.setdefault((result.commune.province_code, result.commune.province), []).append(result)
    rows: list[AreaProgress] = []
    for (code, name), members in sorted(provinces.items(), key=lambda item: (item[0][1] or "~")):
        rows.append(_row(name, code, None, members, goal))
        districts: dict[str, list[CommuneResult | CommuneSummary]] = {}
        for member in members:
            if member.commune.former_district:
                districts.setdefault(member.commune.former_district, []).append(member)
        rows += [_row(name, code, district, districts[district], goal) for district in sorted(districts)]
    return rows


def _row(province: str | None, code: int | None, district: str | None, members: Sequence[CommuneResult | CommuneSummary], goal: NationalTarget) -> AreaProgress:
    count = len(members)
    recognised = sum(1 for m in members if m.verdict is Verdict.RECOGNISED)
    wanted = math.ceil(round(goal.share * count, 9))
    return AreaProgress(province=province, province_code=code, former_district=district, communes=count, recognised=recognised,
                        incomplete=sum(1 for m in members if m.verdict is Verdict.INCOMPLETE), share=recognised / count if count else 0.0,
                        target_year=goal.year, target_share=goal.share, target_count=wanted, still_needed=max(0, wanted - recognised), source=goal.source)




def plan_targets_by_province(communes: "str | Path | Iterable[Any]", ruleset: Any = None, *, target_share: float,
                             costs: Any = None, cache: Any = "process", pause_gc: bool = False) -> dict[str, "TargetPlan"]:
    """`plan_targets` for each province separately (targets are set per province), province name → plan.
    A table's rejected rows are counted in no province (they have none that could be trusted). `cache` is passed
    on to `plan_targets` ("process": the process's plan cache; None: none)."""
    from chuanxa.workspace import as_commune, compiled

    from .batch import PLAN_CACHE
    from .targets import plan_targets

    cache = PLAN_CACHE if cache == "process" else cache

    engine = compiled(ruleset)
    if isinstance(communes, (str, Path)):
        from chuanxa.communes.readers import read_table

        datas = [row.data for row in read_table(Path(communes), engine.ruleset).rows]
    else:
        datas = [as_commune(c) for c in communes]
    groups: dict[str, list[Any]] = {}
    for data in datas:
        groups.setdefault(data.commune.province or "?", []).append(data)
    return {province: plan_targets(groups[province], engine, target_share=target_share, costs=costs, cache=cache, pause_gc=pause_gc) for province in sorted(groups)}


__all__ = ["NationalTarget", "AreaProgress", "national_targets", "target_for", "progress_by_area", "plan_targets_by_province"]
