"""The sentences of a result, built from its codes and numbers: why a commune is not recognised (its reasons),
what each gap needs, why its region was used and what was inferred about its place (its notices). Renderers (table, JSON, XLSX, reports), the CLI and the web call these; the result
records themselves hold no prose. Wording comes from the message catalogue (`reason.*`, `gap.*`), and the floor
share is the ruleset's own (carried by the result's ruleset stamp), never a number written here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chuanxa.criteria.model import Text
from chuanxa.criteria.operators import HIGHER_IS_BETTER
from chuanxa.engine.results import CommuneIdentity, CommuneResult, FailureCode, FailureReason, Gap, GapTarget, Notice, RulesetStamp
from chuanxa.messages import CATALOGUE, Lang, render


def reason_text(reason: FailureReason, result: CommuneResult) -> Text:
    """Why `result` is not recognised, for one of its `reasons`, in both languages."""
    return _both(lambda lang: _reason(reason, result, lang))


def gap_text(gap: Gap) -> Text:
    """What the gap needs, how far it is and what it earns, e.g. "immunisation 92.0% → 95.0%: +3.0 points of
    percentage, +2 points", in both languages."""
    return _both(lambda lang: _gap(gap, lang))


def region_text(commune: CommuneIdentity) -> Text | None:
    """Why the commune's region was used (from its `region_source`, province and code), in both languages; None for
    an identity that does not say (built by hand)."""
    if commune.region_source is None:
        return None
    from chuanxa.admin import region_reason

    key, extra = region_reason(commune.region_source, commune.province, commune.code)
    params: dict[str, Any] = {"former_province": commune.former_province, "province": commune.province, **extra}
    return _both(lambda lang: render(key, lang, params))


def notice_text(notice: Notice, commune: CommuneIdentity, as_of: dt.date | None = None) -> Text:
    """What a notice about the commune's place says (from its code and the commune's identity; `as_of`: the
    result's assessment date), in both languages."""
    params: dict[str, Any] = {"code": commune.code, "name": commune.name, "province": commune.province,
                              "former_province": commune.former_province, "former_district": commune.former_district}
    if notice.code == "CODE_NAME_DIFFERS":
        from chuanxa.admin import admin_units

        unit = admin_units().unit(commune.code)
        params["current_name"] = unit.name if unit is not None else "?"
    if as_of is not None:
        params.update(date_vi=f"{as_of:%d/%m/%Y}", date_en=as_of.isoformat())
    key = f"place.{notice.code}"
    if key not in CATALOGUE:  # a code from a newer version, read back from JSON: shown as it is
        return Text.model_construct(vi=notice.code, en=notice.code)
    return _both(lambda lang: render(key, lang, params))


def with_place_words(data: dict[str, Any], commune: Any, as_of: dt.date | None) -> dict[str, Any]:
    """A commune identity's JSON data with its `region_reason` (before `notices`, where the documents have it) and
    each notice's `message`; `commune`: its `CommuneIdentity` (typed loosely: the result model calls this)."""
    out = {k: v for k, v in data.items() if k != "notices"}
    reason = region_text(commune)
    out["region_reason"] = reason.model_dump() if reason is not None else None
    out["notices"] = [{**item, "message": notice_text(notice, commune, as_of).model_dump()} for item, notice in zip(data.get("notices", ()), commune.notices)]
    return out


def step_text(step: Any, plan: Any) -> Text:
    """What one step of a plan asks, e.g. "Raise share of women giving birth … from 80% to 95%: +2 points, cost
    4.5", in both languages; `step`: a `PlanStep`, `plan`: its `Plan` (whose cost model says whether costs are money)."""
    return _both(lambda lang: _step_words(step, plan.cost_model == "costs", lang))


def blocker_text(blocker: Any) -> Text:
    """Why a plan cannot exist, for one of its `blockers` (a `Blocker`), in both languages."""
    params: dict[str, Any] = {"indicator": blocker.indicator, "criterion": blocker.criterion, "note": blocker.note,
                              "reachable": "?" if blocker.reachable is None else f"{blocker.reachable:g}",
                              "required": "?" if blocker.required is None else f"{blocker.required:g}"}
    return _both(lambda lang: render(f"blocker.{blocker.code}", lang, params))


def criterion_share(stamp: RulesetStamp, criteria: Any = ()) -> float | None:
    """The ruleset's criterion floor share (0.5 for "each criterion at least 50% of its points"): from the stamp,
    or for results written before it carried one, from their criteria (floor over maximum)."""
    if stamp.min_criterion_share is not None:
        return stamp.min_criterion_share
    return next((c.floor / c.max for c in criteria if c.max), None)


def percent(share: float) -> str:
    """A share as officers write it: 0.5 → "50%", 0.675 → "67.5%"."""
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def with_messages(data: dict[str, Any], result: Any) -> dict[str, Any]:
    """A commune's JSON data (`model_dump(mode="json")`) with each reason's, gap's and notice's `message` and the
    commune's `region_reason` (the contract); `result`: its
    `CommuneResult` (typed loosely: the result model calls this from its `to_json_dict`)."""
    for item, reason in zip(data.get("reasons", ()), result.reasons):
        item["message"] = reason_text(reason, result).model_dump()
    for item, gap in zip(data.get("gaps", ()), result.gaps):
        item["message"] = gap_text(gap).model_dump()
    if isinstance(data.get("commune"), dict):
        data["commune"] = with_place_words(data["commune"], result.commune, result.as_of)
    return data


def _both(build: Any) -> Text:
    return Text.model_construct(vi=build("vi"), en=build("en"))


def _step_words(step: Any, monetary: bool, lang: Lang) -> str:
    gain = render("step.gain_one" if step.gain == 1 else "step.gain", lang, {"gain": f"{step.gain:g}"})
    cost = render("step.cost", lang, {"cost": f"{step.cost:g}"}) if monetary else ""
    params: dict[str, Any] = {"indicator": step.indicator, "points": f"{step.points_after:g}", "gain": gain, "cost": cost}
    label = step.label
    if label is not None:
        params.update(label_vi=label.vi[0].lower() + label.vi[1:], label_en=label.en[0].lower() + label.en[1:])
    if step.kind == "value" and label is not None:
        before = render("step.no_value", lang, {}) if step.value_before is None else with_unit(f"{step.value_before:g}", step.unit)
        up = HIGHER_IS_BETTER.get(step.op or "") is not False if step.value_before is None else step.value_after > step.value_before
        return render("step.raise" if up else "step.lower", lang, params | {"before": before, "after": with_unit(f"{step.value_after:g}", step.unit)})
    if step.kind == "answer" and label is not None:
        answer = getattr(step, "answer", None)  # a threshold on a choice input: which answer to give
        if answer is not None:
            return render("step.answer_choice", lang, params | {"answer_vi": answer.vi, "answer_en": answer.en})
        return render("step.answer", lang, params)
    if step.kind in ("collect", "condition"):
        return render(f"step.{step.kind}", lang, params)
    return render("step.evidence", lang, params)


def _reason(reason: FailureReason, result: CommuneResult, lang: Lang) -> str:
    code = reason.code
    if code is FailureCode.KNOCKOUT_FAILED:
        return render("reason.knockout_failed", lang, {"indicator": reason.indicator})
    if code is FailureCode.MISSING_DATA:
        return render("reason.missing_data", lang, {"count": result.missing_count})
    if code is FailureCode.TOTAL_BELOW_MINIMUM:
        total = result.total
        share = result.ruleset.min_total_share if result.ruleset.min_total_share is not None else (total.minimum / total.max if total.max else 0.0)
        return render("reason.total_below_minimum", lang, {"points": total.points, "max": total.max, "got": f"{total.share:.1%}",
                                                            "required": total.minimum, "share": percent(share)})
    crit = result.criterion(reason.criterion or "")
    share = criterion_share(result.ruleset, (crit,)) or 0.0
    tail = render("reason.floor_provisional", lang, {}) if crit.provisional else "."
    return render("reason.criterion_below_floor", lang, {"criterion": crit.id, "points": crit.points, "max": crit.max, "required": crit.floor,
                                                          "share": percent(share), "tail_vi": tail, "tail_en": tail})


def _gap(gap: Gap, lang: Lang) -> str:
    gain = gap.max - gap.points
    label = gap.label
    params: dict[str, Any] = {"indicator": gap.indicator, "gain": gain}
    if label is not None:
        params.update(label_vi=label.vi, label_en=label.en)
    if gap.kind == "missing":
        return render("gap.missing_input" if label is not None and gap.value is None else "gap.missing", lang, params)
    if gap.kind == "evidence":
        return render("gap.evidence", lang, params)
    if gap.kind == "condition" or label is None or not gap.targets:
        return render("gap.condition", lang, params)
    return render("gap.steps", lang, params | {"steps": "; ".join(_step(gap, t, lang) for t in gap.targets)})


def with_unit(number: str, unit: str | None) -> str:
    """A number with its unit as both languages write it: "78.5%" and "5‰" close up, "5 người", "6.5 km" spaced."""
    return f"{number}{unit or ''}" if not unit or unit in ("%", "‰") else f"{number} {unit}"


def _step(gap: Gap, target: GapTarget, lang: Lang) -> str:
    points = render("gap.gain", lang, {"gain": target.gain})
    value = gap.value
    if gap.input_type == "yes_no":
        yes, no = render("gap.yes", lang, {}), render("gap.no", lang, {})
        return f"{yes if value else no} → {yes if target.target else no}: {points}"
    unit = gap.unit or ""
    if target.change is None:
        return f"{with_unit(_num(value), unit)} → {target.op} {with_unit(_num(target.target), unit)}: {points}"
    if gap.input_type == "percent":
        return f"{value:.1f}% → {target.target:.1f}%: {render('gap.percent_change', lang, {'change': target.change})}, {points}"
    amount = f"{target.change:+g} {unit}".rstrip()
    return f"{_num(value)} → {target.op} {_num(target.target)} {unit}: {amount}, {points}".replace("  ", " ")


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "?" if value is None else str(value)


__all__ = ["blocker_text", "criterion_share", "gap_text", "notice_text", "percent", "reason_text", "region_text", "step_text", "with_messages", "with_place_words"]
