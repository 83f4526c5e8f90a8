"""Views of a ruleset for people: the resolved JSON (`rulesets show --format json`) and rules in words."""

from __future__ import annotations

import re
from typing import Any

from chuanxa.criteria.loader import content_hash
from chuanxa.criteria.model import IndicatorModel, Ruleset
from chuanxa.criteria.operators import WORDS
from chuanxa.engine.rules_text import describe_rule
from chuanxa.messages import Lang


def ruleset_json(ruleset: Ruleset) -> dict[str, Any]:
    """The resolved ruleset (after `extends`) with its content hash."""
    data = ruleset.model_dump(mode="json", exclude_none=True)
    data["sha256"] = content_hash(ruleset)
    return data


def rule_text(ind: IndicatorModel) -> str:
    return describe_rule(ind)


_OPS = WORDS  # the operator table's words ("≥" as the decisions print it)


def rule_words(ind: IndicatorModel, ruleset: Ruleset, lang: Lang) -> str:
    """A rule in the officer's words: inputs by their label, yes/no as có/không, points as points, thresholds
    by region or zone by name: "Tỷ lệ dân số tham gia bảo hiểm y tế ≥ 95: 4 điểm; ≥ 90: 2 điểm"."""
    pts = "điểm" if lang == "vi" else "points"
    if ind.kind == "threshold":
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return f"{_input(ind.input, ruleset, lang)} " + "; ".join(f"{_OPS[ind.op]} {_value(lv.threshold, ruleset, lang)}: {_num(lv.points, lang)} {pts}"
                                                               for lv in levels)
    if ind.kind == "yes_no":
        answer = ("có" if ind.expected else "không") if lang == "vi" else ("yes" if ind.expected else "no")
        return f"{_input(ind.input, ruleset, lang)} = {answer}: {_num(ind.max_points, lang)} {pts}"
    if ind.kind == "conditions":
        conditions: list[Any] = sorted(ind.levels, key=lambda lv: -lv.points)
        return "; ".join(f"{_condition(lv.when, ruleset, lang)}: {_num(lv.points, lang)} {pts}" for lv in conditions)
    if not ind.entered_by_assessors:  # a kind added later: its own rule text (`rule_text` of its kind class)
        return describe_rule(ind)
    step = getattr(ind, "step", None)
    if lang == "vi":
        return f"đoàn thẩm định chấm từ 0 đến {_num(ind.max_points, lang)} điểm theo minh chứng" + (f" (bước {_num(step, lang)})" if step else "")
    return f"the appraisal team awards 0 to {_num(ind.max_points, lang)} points on evidence" + (f" (in steps of {_num(step, lang)})" if step else "")


def _condition(cond: Any, ruleset: Ruleset, lang: Lang) -> str:
    from chuanxa.criteria.model import AllOf, AnyOf, Comparison

    if isinstance(cond, Comparison):
        return f"{_input(cond.input, ruleset, lang)} {_OPS[cond.op]} {_value(cond.threshold, ruleset, lang)}"
    if isinstance(cond, AllOf):
        return "(" + (" và " if lang == "vi" else " and ").join(_condition(c, ruleset, lang) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + (" hoặc " if lang == "vi" else " or ").join(_condition(c, ruleset, lang) for c in cond.any) + ")"
    return f"({cond.expr})"


def _input(name: str, ruleset: Ruleset, lang: Lang) -> str:
    spec = ruleset.inputs.get(name)
    return spec.label.get(lang) if spec is not None else name


def _value(value: Any, ruleset: Ruleset, lang: Lang) -> str:
    from chuanxa.criteria.model import ThresholdTable

    if isinstance(value, ThresholdTable):
        names = {r.id: r.get(lang) if hasattr(r, "get") else (r.vi if lang == "vi" else r.en) for r in ruleset.classification.regions}
        by = ("theo vùng" if lang == "vi" else "by zone") if value.by == "zone" else ("theo vùng KT-XH" if lang == "vi" else "by region")
        zone = "vùng" if lang == "vi" else "zone"
        parts = [f"{names.get(k, k) if value.by == 'region' else f'{zone} {k}'} {_num(v, lang)}" for k, v in value.values.items()]
        return f"[{by}: " + ", ".join(parts) + "]"
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    return _num(value, lang) if isinstance(value, (int, float)) else str(value)


def _num(value: Any, lang: Lang) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "vi" else text


#: Documents the bundled rulesets' notes cite by a short tag (the users' own documents of shared/seeds), by name.
DOCUMENTS: dict[str, dict[Lang, str]] = {
    "000": {"vi": "Kế hoạch hành động 2024 của TTYT huyện Thiệu Hóa (Thanh Hóa)", "en": "Thiệu Hóa district health centre's 2024 action plan (Thanh Hóa)"},
    "001": {"vi": "Kế hoạch BV, CS và NCSK Nhân dân 2024 của UBND huyện Phong Thổ (Lai Châu)", "en": "Phong Thổ district's 2024 people's health plan (Lai Châu)"},
    "002": {"vi": "Kế hoạch thực hiện QĐ 1300/QĐ-BYT của UBND TP Hải Phòng", "en": "Hải Phòng city's plan implementing Decision 1300/QĐ-BYT"},
    "003": {"vi": "Kế hoạch nâng cao chất lượng KCB đến 2025 của UBND huyện Sơn Hà (Quảng Ngãi)", "en": "Sơn Hà district's care-quality plan to 2025 (Quảng Ngãi)"},
    "004": {"vi": "Báo cáo quý I/2024 của TTYT huyện Hoằng Hóa (Thanh Hóa)", "en": "Hoằng Hóa district health centre's report on Q1 2024 (Thanh Hóa)"},
}
_SEED = re.compile(r"\(?\bseeds? (\d{3})\)?")
_SEEDS = re.compile(r"\(seeds\)")


def cite_documents(note: str, lang: Lang) -> str:
    """A note with its internal source tags ("(seed 000)", "(seeds)", "[S]", "[I]") replaced by the documents' names
    (or words)."""
    text = _SEED.sub(lambda m: f"({DOCUMENTS[m.group(1)][lang]})" if m.group(1) in DOCUMENTS else m.group(0), note)
    text = _SEEDS.sub("(" + ("kế hoạch của các huyện" if lang == "vi" else "district plans") + ")", text)
    text = text.replace(" [I]", " (suy luận)" if lang == "vi" else " (inferred)")
    return text.replace(" [S]", "").replace("[S, ba nguồn thống nhất]", "(ba nguồn thống nhất)" if lang == "vi" else "(three sources agree)")
