"""Views of a ruleset for people: the resolved JSON (`rulesets show --format json`) and rules in words."""

from __future__ import annotations

import re
from typing import Any

from chuanxa.criteria.loader import content_hash
from chuanxa.criteria.model import IndicatorModel, Ruleset
from chuanxa.messages import Lang
from chuanxa.wording import rule_text


def ruleset_json(ruleset: Ruleset) -> dict[str, Any]:
    """The resolved ruleset (after `extends`) with its content hash."""
    data = ruleset.model_dump(mode="json", exclude_none=True)
    data["sha256"] = content_hash(ruleset)
    return data


def rule_words(ind: IndicatorModel, ruleset: Ruleset, lang: Lang) -> str:
    """A rule in the officer's words, as the indicator's kind writes it (`chuanxa.wording.rule_text`): inputs by their
    label, yes/no as có/không, points as points, thresholds by region or zone by name: "Tỷ lệ dân số tham gia bảo
    hiểm y tế ≥ 95: 4 điểm; ≥ 90: 2 điểm"."""
    return rule_text(ind, ruleset, lang)


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
