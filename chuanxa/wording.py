"""The sentences of a result, built from its codes and numbers: why a commune is not recognised (its reasons),
what each gap needs, why its region was used and what was inferred about its place (its notices), what a table
reader took and skipped (table notices), why a row was rejected (its problems), and the notes on a recognition
standing and on a merged commune. Renderers (table, JSON, XLSX, reports), the CLI and the web call these; the result
records themselves hold no prose. Wording comes from the message catalogue (`reason.*`, `gap.*`), and the floor
share is the ruleset's own (carried by the result's ruleset stamp), never a number written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from chuanxa.criteria.operators import WORDS as OPS_WORDS  # the operators' printed words (≥), from the operator table
from chuanxa.criteria.model import IndicatorModel, Ruleset, Text, ThresholdTable
from chuanxa.criteria.operators import HIGHER_IS_BETTER
from chuanxa.communes.notices import TableNotice
from chuanxa.engine.results import CommuneIdentity, CommuneResult, FailureCode, FailureReason, Gap, GapTarget, Notice, NoticeJSON, ProblemJSON, RowProblem, RulesetStamp
from chuanxa.errors import Location
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
    params: dict[str, Any] = {"indicator": blocker.indicator, "criterion": blocker.criterion, "code": blocker.code, "note": blocker.note,
                              "reachable": "?" if blocker.reachable is None else f"{blocker.reachable:g}",
                              "required": "?" if blocker.required is None else f"{blocker.required:g}"}
    key = f"blocker.{blocker.code}"
    if key not in CATALOGUE:  # a code from a newer version, read back from JSON
        key = "blocker.unknown"
    return _both(lambda lang: render(key, lang, params | {"cause": _blocked_cause(blocker, lang)}))


def _blocked_cause(blocker: Any, lang: Lang) -> str:
    """Why an indicator that must improve cannot (a blocker's `cause`); the costs file's note is the user's own words."""
    cause = blocker.cause or ("COSTS_IMPOSSIBLE" if blocker.note else "NO_OPTION")
    if cause == "COSTS_IMPOSSIBLE" and blocker.note:
        return render("blocked.COSTS_IMPOSSIBLE_NOTE", lang, {"note": blocker.note})
    return render(f"blocked.{cause}", lang, {}) if f"blocked.{cause}" in CATALOGUE else str(cause)  # a newer version's cause: its code


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
    """A commune's JSON data (`model_dump(mode="json")`) with each reason's, gap's and notice's `message`, each
    indicator's `rule` (in the notation, `indicator_rule`) and the commune's `region_reason` (the contract); `result`: its
    `CommuneResult` (typed loosely: the result model calls this from its `to_json_dict`)."""
    for item, reason in zip(data.get("reasons", ()), result.reasons):
        item["message"] = reason_text(reason, result).model_dump()
    for item, gap in zip(data.get("gaps", ()), result.gaps):
        item["message"] = gap_text(gap).model_dump()
    if "indicators" in data:
        data["indicators"] = [with_rule(item, indicator_rule(result.ruleset, item["id"])) for item in data["indicators"]]
    if isinstance(data.get("commune"), dict):
        data["commune"] = with_place_words(data["commune"], result.commune, result.as_of)
    return data


# --- table notices and rejected rows (what a table reader did, why a row could not be scored) ---

def table_notice_text(notice: TableNotice) -> Text:
    """What a table reader's notice says, with its sheet and rows, e.g. "[Biểu 01] rows 27–29: skipped: after the
    end of the table.", in both languages."""
    return _both(lambda lang: _table_notice(notice, lang))


def table_notice_json(notice: TableNotice) -> NoticeJSON:
    """A table notice as the documents write it: `{code, sheet, rows, params, message_vi, message_en}`."""
    words = table_notice_text(notice)
    return {"code": notice.code, "sheet": notice.sheet, "rows": list(notice.rows), "params": dict(notice.params), "message_vi": words.vi, "message_en": words.en}


def problem_text(problem: RowProblem) -> Text:
    """A rejected row's problem, prefixed by where it is (file, row, column, commune…), in both languages."""
    return _both(lambda lang: _problem(problem, lang))


def problem_json(problem: RowProblem) -> ProblemJSON:
    """A rejected row's problem as every document and HTTP answer writes it: `{error, code, message (Vietnamese,
    without the place), location, params, message_en, message_vi}`."""
    words = problem_text(problem)
    return {"error": problem.error, "code": problem.code, "message": render(problem.code, "vi", problem.params),
            "location": {k: v for k, v in problem.location.__dict__.items() if v is not None}, "params": dict(problem.params),
            "message_en": words.en, "message_vi": words.vi}


def rejected_json(rejected: Any) -> dict[str, Any]:
    """A rejected row (`RowError`) as the store's import runs and their HTTP answers write it: `{row, commune, errors}`."""
    return {"row": rejected.row, "commune": rejected.commune, "errors": [problem_json(p) for p in rejected.errors]}


# --- a commune's recognition standing and a merged commune's notes (what `recognitions` and `merge` print) ---

def standing_note_text(note: Any) -> Text:
    """What a note on a recognition standing says (`note`: a `StandingNote`, typed loosely as the standing calls this),
    e.g. "Yearly maintenance check overdue (due 2025-06-20).", in both languages; dates as officers write them (vi) or ISO (en)."""
    params: dict[str, Any] = {"decision": note.decision, "former": ", ".join(note.former)}
    for name in ("date", "established", "due"):
        day = getattr(note, name)
        if day is not None:
            params.update({f"{name}_vi": f"{day:%d/%m/%Y}", f"{name}_en": day.isoformat()})
    key = f"standing.{note.code}"
    if key not in CATALOGUE:  # a code from a newer version, read back from JSON: shown as it is
        return Text.model_construct(vi=note.code, en=note.code)
    return _both(lambda lang: render(key, lang, params))


def merge_note_text(note: Any) -> Text:
    """What a note on a merged commune says (`note`: a `MergeNote`, typed loosely as the merged commune calls this),
    e.g. "Phường Đông Tiến: one health station with 2 sites (…)." or "Staff working at the health station: the sites'
    figures added up (provisional: 1300 predates sites).", in both languages; an input's label is the ruleset's own
    words, kept in the note."""
    key = f"merge.{note.code}"
    if key not in CATALOGUE:  # a code from a newer version, read back from JSON: shown as it is
        return Text.model_construct(vi=note.code, en=note.code)
    params: dict[str, Any] = {"commune": note.commune, "count": len(note.sites), "sites": ", ".join(note.sites)}
    label = note.label or Text.model_construct(vi=note.input or "?", en=note.input or "?")
    params.update(label_vi=label.vi, label_en=label.en)

    def words(lang: Lang) -> str:
        method = render(f"merge.method.{note.method}", lang, {}) if f"merge.method.{note.method}" in CATALOGUE else str(note.method)
        provisional = render("merge.provisional", lang, {}) if note.provisional else ""
        return render(key, lang, params | {"method": method, "provisional": provisional})

    return _both(words)


def _table_notice(notice: TableNotice, lang: Lang) -> str:
    if notice.code not in CATALOGUE:  # refused when the record is built; kept safe for a record made by model_construct
        return notice.code
    where = f"[{notice.sheet}] " if notice.sheet else ""
    rows = render("table.at_rows" if len(notice.rows) > 1 else "table.at_row", lang, {"rows": _ranges(notice.rows)}) if notice.rows else ""
    return where + rows + render(notice.code, lang, notice.params)


def _problem(problem: RowProblem, lang: Lang) -> str:
    at = problem.location
    where = Location(file=at.file, line=at.line, path=(at.path,) if at.path else (), row=at.row, column=at.column, commune=at.commune,
                     indicator=at.indicator, cell=at.cell).describe(lang)
    text = render(problem.code, lang, problem.params)
    return f"{where}: {text}" if where else text


def _ranges(numbers: Sequence[int]) -> str:
    """(3, 4, 5, 9) → "3–5, 9"."""
    parts: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:  # type: ignore[operator]
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(parts)
# --- An indicator's rule: its kind arranges it (`rule_text(ind, words)` of its class), the words come from here ---

def rule_text(ind: IndicatorModel, ruleset: Ruleset | None = None, lang: Lang | None = "vi") -> str:
    """Indicator `ind`'s rule as its kind writes it, in `lang` for officers ("Tỷ lệ hộ gia đình có nhà tiêu hợp vệ sinh
    ≥ 95: 3 điểm; ≥ 90: 1,5 điểm"; inputs by their labels and regions by their names from `ruleset`), or with
    `lang=None` in the notation an indicator's `rule` carries in schema 3's JSON ("hygienic_latrine_rate >= 95 → 3;
    >= 90 → 1.5", "0–3 (thẩm định / assessed)")."""
    from chuanxa.engine.rules_text import describe_rule

    return describe_rule(ind, _RuleWords(lang, ruleset))


def indicator_rule(stamp: RulesetStamp, indicator_id: str, lang: Lang | None = None) -> str:
    """The rule (see `rule_text`) of indicator `indicator_id` of the ruleset a result's `stamp` names: the ruleset it
    was scored with, else the registry's ruleset of that id, version and content hash. A result read back from JSON
    gives the rule its file wrote, in any language. "" when the stamp names no definition found."""
    return _rules_of(stamp, lang).get(indicator_id, "")


def with_rule(item: dict[str, Any], rule: str) -> dict[str, Any]:
    """An indicator's JSON data with its `rule`, where schema 3 has it (after `knockout_failed`)."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "values" and "rule" not in out:
            out["rule"] = rule
        out[key] = value
    if "rule" not in out:
        out["rule"] = rule
    return out


#: The notation's phrases (`lang=None`): schema 3's JSON has always written an assessed indicator's rule as this
#: bilingual text, and keeps it.
_NOTATION_PHRASES = {"assessed": "0–{max} (thẩm định / assessed)", "assessed_step": ""}
_RULES: dict[tuple[str, Lang | None], dict[str, str]] = {}  # (content hash, language) → indicator id → rule
_REGISTERED: dict[str, Any] = {}  # content hash → the registry's ruleset of that hash (or None, not found)


class _RuleWords:
    """The words of a rule in one language (`chuanxa.engine.rules_text.RuleWords`): officers' (vi, en) or the notation (None)."""

    def __init__(self, lang: Lang | None, ruleset: Ruleset | None) -> None:
        self.lang = lang
        self.ruleset = ruleset

    def input(self, name: str) -> str:
        spec = self.ruleset.inputs.get(name) if self.lang is not None and self.ruleset is not None else None
        return spec.label.get(self.lang) if spec is not None and self.lang is not None else name

    def op(self, symbol: str) -> str:
        return symbol if self.lang is None else OPS_WORDS.get(symbol, symbol)

    def value(self, value: Any) -> str:
        if isinstance(value, ThresholdTable):
            return self._table(value)
        if isinstance(value, bool):
            return ("yes" if value else "no") if self.lang is None else render("gap.yes" if value else "gap.no", self.lang, {})
        return self.number(value) if isinstance(value, (int, float)) else str(value)

    def number(self, value: float) -> str:
        text = f"{value:g}"
        return text.replace(".", ",") if self.lang == "vi" else text

    def award(self, points: float) -> str:
        if self.lang is None:
            return f" → {points:g}"
        return render("rule.award_one" if points == 1 else "rule.award", self.lang, {"points": self.number(points)})

    def all_of(self, parts: Any) -> str:
        return "(" + (" and " if self.lang is None else render("rule.and", self.lang, {})).join(parts) + ")"

    def any_of(self, parts: Any) -> str:
        return "(" + (" or " if self.lang is None else render("rule.or", self.lang, {})).join(parts) + ")"

    def expression(self, text: str) -> str:
        return f"({text})"

    def levels(self, parts: Any) -> str:
        return "; ".join(parts)

    def phrase(self, key: str, **params: Any) -> str:
        return _NOTATION_PHRASES[key].format(**params) if self.lang is None else render(f"rule.{key}", self.lang, params)

    def _table(self, table: ThresholdTable) -> str:
        if self.lang is None:
            return f"[by {table.by}: " + ", ".join(f"{k} {v:g}" for k, v in table.values.items()) + "]"
        lang = self.lang
        if table.by == "region":
            names = {r.id: r.vi if lang == "vi" else r.en for r in self.ruleset.classification.regions} if self.ruleset is not None else {}
            parts = [f"{names.get(k, k)} {self.number(v)}" for k, v in table.values.items()]
        else:
            parts = [f"{render('rule.zone', lang, {'zone': k})} {self.number(v)}" for k, v in table.values.items()]
        return f"[{render('rule.by_zone' if table.by == 'zone' else 'rule.by_region', lang, {})}: " + ", ".join(parts) + "]"


def _rules_of(stamp: RulesetStamp, lang: Lang | None) -> Mapping[str, str]:
    """Indicator id → rule, for the ruleset `stamp` names (built once per content hash and language)."""
    definition = stamp.definition if stamp.definition is not None else _registered(stamp)
    if not isinstance(definition, Ruleset):  # nothing known, or the rules a file wrote
        return definition or {}
    key = (stamp.sha256, lang)
    found = _RULES.get(key)
    if found is None:
        if len(_RULES) >= 256:
            _RULES.clear()
        found = _RULES[key] = {ind.id: rule_text(ind, definition, lang) for crit in definition.criteria for ind in crit.indicators}
    return found


def _registered(stamp: RulesetStamp) -> Ruleset | None:
    """The registry's ruleset that `stamp` names, when its content is the stamp's (a result built without its definition)."""
    if stamp.sha256 not in _REGISTERED:
        from chuanxa.errors import ChuanxaError
        from chuanxa.workspace import DEFAULT

        try:
            engine = DEFAULT.compiled(f"{stamp.id}@{stamp.version.isoformat()}")
        except ChuanxaError:  # an unknown id or version, or a ruleset file that no longer loads: no definition
            engine = None
        _REGISTERED[stamp.sha256] = engine.ruleset if engine is not None and engine.stamp.sha256 == stamp.sha256 else None
    return _REGISTERED[stamp.sha256]  # type: ignore[no-any-return]


def _both(build: Any) -> Text:
    return Text.model_construct(vi=build("vi"), en=build("en"))


def _step_words(step: Any, monetary: bool, lang: Lang) -> str:
    gain = render("step.gain_one" if step.gain == 1 else "step.gain", lang, {"gain": f"{step.gain:g}"})
    cost = render("step.cost", lang, {"cost": f"{step.cost:g}"}) if monetary else ""
    params: dict[str, Any] = {"indicator": step.indicator, "points": f"{step.points_after:g}", "gain": gain, "cost": cost}
    label = step.label
    if label is None and step.input is not None and step.kind in ("value", "answer"):
        label = Text.model_construct(vi=step.input, en=step.input)  # a step read from a file written before steps kept their label
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


__all__ = ["blocker_text", "criterion_share", "gap_text", "indicator_rule", "merge_note_text", "notice_text", "percent", "problem_json", "problem_text", "reason_text",
           "region_text", "rejected_json", "rule_text", "standing_note_text", "step_text", "table_notice_json", "table_notice_text", "with_messages", "with_place_words",
           "with_rule"]
