"""What a report shows, computed once from the result model and fed to every format (HTML, PDF, XLSX)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from chuanxa.engine.kinds import KINDS
from chuanxa.engine.results import CommuneResult, RowError, Verdict
from chuanxa.messages import Lang
from chuanxa.wording import criterion_share, gap_text, percent, problem_text, reason_text
from chuanxa.outputs.labels import status_word, verdict_word

from .charts import criteria_bars
from .collation import vietnamese_key


@lru_cache(maxsize=1)
def _label_table() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files("chuanxa.reports").joinpath("labels.yaml").read_text(encoding="utf-8"))


def labels(lang: Lang, floor_share: float | None = None) -> dict[str, str]:
    """The report's labels in `lang`; the floor label names the ruleset's criterion floor share when known."""
    table = {key: value[lang] for key, value in _label_table().items()}
    table["floor"] = table["floor"].format(share=percent(floor_share)) if floor_share is not None else table["floor_no_share"]
    return table


@dataclass
class ReportData:
    """Everything a report template or workbook needs, already in the chosen language."""

    lang: Lang
    title: str
    ruleset_ref: str
    ruleset_title: str
    sha256: str
    rows: list[dict[str, Any]]
    communes: list[dict[str, Any]]
    summary: dict[str, Any]
    area_chart: str
    rejected: list[str] = field(default_factory=list)
    generated: str = ""
    L: dict[str, str] = field(default_factory=dict)


def build_report(results: Sequence[CommuneResult], lang: Lang = "vi", *, ruleset_title: str = "", target_share: float | None = None,
                 title: str | None = None, rejected: Sequence[RowError] = ()) -> ReportData:
    """Turn results into report data: communes in Vietnamese alphabetical order, summary, charts."""
    L = labels(lang, _floor_share(results))
    ordered = sorted(results, key=lambda r: vietnamese_key(r.commune.name))
    recognised = sum(1 for r in ordered if r.verdict is Verdict.RECOGNISED)
    count = len(ordered) + len(rejected)
    share = recognised / count if count else 0.0
    first = ordered[0] if ordered else None
    needed = math.ceil(round(target_share * count, 9)) if target_share is not None else None
    provisional = max((r.provisional_count for r in ordered), default=0)
    deciding = sum(1 for r in ordered if r.provisional_decides)
    notice = ""
    if provisional:
        notice = L["provisional_notice"].format(count=provisional) + (" " + L["provisional_summary"].format(count=deciding) if deciding else "")
    notice = _with_warning(first, lang, notice)
    summary = {"recognised": recognised, "count": count, "share": share, "target": target_share, "needed": needed,
               "target_met": needed is not None and recognised >= needed, "provisional_notice": notice}
    return ReportData(
        lang=lang, title=title or L["report_title"], ruleset_ref=f"{first.ruleset.id}@{first.ruleset.version.isoformat()}" if first else "",
        ruleset_title=ruleset_title, sha256=first.ruleset.sha256 if first else "", rows=[_row(r, lang) for r in ordered],
        communes=[_commune(r, lang, L) for r in ordered], summary=summary, area_chart=_area_chart(ordered, L),
        rejected=[problem_text(e).get(lang) for row in rejected for e in row.errors],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), L=L,
    )


def _with_warning(result: CommuneResult | None, lang: Lang, notice: str) -> str:
    """The ruleset's own warning (e.g. qd4667: not for certification) goes first in every notice of the report."""
    warning = result.ruleset.warning.get(lang) if result is not None and result.ruleset.warning is not None else ""
    return " ".join(part for part in (warning, notice) if part)


def _num(value: float) -> str:
    return f"{value:g}"


def _row(r: CommuneResult, lang: Lang) -> dict[str, Any]:
    return {"name": r.commune.name, "code": r.commune.code, "zone": r.zone if r.zone is not None else "?", "total": _num(r.total.points), "max": _num(r.total.max),
            "share": f"{r.total.share:.1%}", "verdict": verdict_word(r.verdict.value, lang), "recognised": r.verdict is Verdict.RECOGNISED,
            "reasons": "; ".join(reason_text(x, r).get(lang) for x in r.reasons), "criteria": [(c.id, c.points, c.max) for c in r.criteria]}


def _commune(r: CommuneResult, lang: Lang, L: dict[str, str]) -> dict[str, Any]:
    criteria = []
    for crit in r.criteria:
        inds = [i for i in r.indicators if i.criterion == crit.id]
        criteria.append({"id": crit.id, "title": crit.title.get(lang), "max": _num(crit.max), "points": _num(crit.points), "floor": _num(crit.floor) + ("*" if crit.provisional else ""), "floor_met": crit.floor_met,
                         "indicators": [{"id": i.id, "title": i.title.get(lang), "max": _num(i.max), "points": _num(i.points), "status": status_word(i.status.value, lang),
                                         "provisional": i.provisional, "evidence": _evidence(i)} for i in inds]})
    notice = ""
    if r.provisional_count:
        notice = L["provisional_notice"].format(count=r.provisional_count) + (" " + L["provisional_decides"] if r.provisional_decides else "")
    notice = _with_warning(r, lang, notice)
    c = r.commune
    old = ", ".join(p for p in (c.former_district, c.former_province) if p)
    return {"name": c.name, "code": c.code, "place": (c.province or "") + (f" ({old})" if old else ""), "zone": r.zone if r.zone is not None else "?", "region": (r.region_name.get(lang) if r.region_name else r.region) or "?",
            "criteria": criteria, "total": _num(r.total.points), "max": _num(r.total.max), "share": f"{r.total.share:.1%}", "verdict": verdict_word(r.verdict.value, lang),
            "recognised": r.verdict is Verdict.RECOGNISED, "reasons": [reason_text(x, r).get(lang) for x in r.reasons], "knockouts": ", ".join(r.knockouts_failed),
            "gaps": [gap_text(g).get(lang) for g in r.gaps], "provisional_notice": notice,
            "chart": criteria_bars([f"{L['criterion']} {x.id}" for x in r.criteria], [x.points / x.max if x.max else 0 for x in r.criteria],
                                   floor=_floor_share([r]), title=L["chart_commune"], met=[x.floor_met for x in r.criteria])}


def _evidence(ind: Any) -> str:
    parts = [", ".join(f"{_show(v)}" for v in ind.values.values())] if ind.values else []
    if ind.threshold is not None and KINDS[ind.kind].shows_threshold:
        parts.append(f"{ind.threshold.op} {_show(ind.threshold.value)}")
    if ind.assessed_note:
        parts.append(ind.assessed_note)
    return "; ".join(p for p in parts if p)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    return str(value)


def _area_chart(results: Sequence[CommuneResult], L: dict[str, str]) -> str:
    if not results:
        return ""
    ids = [c.id for c in results[0].criteria]
    shares = []
    for position in range(len(ids)):
        got = sum(r.criteria[position].points for r in results)
        top = sum(r.criteria[position].max for r in results)
        shares.append(got / top if top else 0.0)
    return criteria_bars([f"{L['criterion']} {i}" for i in ids], shares, floor=_floor_share(results), title=L["chart_area"])


def _floor_share(results: Sequence[CommuneResult]) -> float | None:
    """The ruleset's criterion floor share (where the charts draw the floor line and the labels name it)."""
    return criterion_share(results[0].ruleset, results[0].criteria) if results else None
