"""Test-case outcomes as a test runner prints them: one line per case, the differences under a failed one,
a count at the end — in Vietnamese or English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chuanxa.messages import Lang, render

from .cases import CaseOutcome, Difference

_WORDS: dict[str, dict[Lang, str]] = {
    "indicator": {"vi": "chỉ tiêu", "en": "indicator"},
    "criterion": {"vi": "tiêu chí", "en": "criterion"},
    "total": {"vi": "tổng điểm", "en": "total"},
    "verdict": {"vi": "kết luận", "en": "verdict"},
    "zone": {"vi": "vùng", "en": "zone"},
    "reasons": {"vi": "lý do", "en": "reasons"},
    "points": {"vi": "điểm", "en": "points"},
    "max": {"vi": "điểm tối đa", "en": "maximum"},
    "status": {"vi": "trạng thái", "en": "status"},
    "reason": {"vi": "mã lý do", "en": "reason"},
    "threshold": {"vi": "ngưỡng", "en": "threshold"},
    "data_points": {"vi": "điểm theo số liệu", "en": "points from the data"},
    "data_status": {"vi": "trạng thái theo số liệu", "en": "status from the data"},
    "knockout_failed": {"vi": "trượt điểm liệt", "en": "knock-out failed"},
    "floor": {"vi": "mức tối thiểu", "en": "floor"},
    "floor_met": {"vi": "đạt mức tối thiểu", "en": "floor met"},
    "missing": {"vi": "số chỉ tiêu thiếu số liệu", "en": "indicators missing data"},
}
_MARK: dict[str, dict[Lang, str]] = {
    "pass": {"vi": "ĐẠT      ", "en": "PASS "},
    "fail": {"vi": "KHÔNG ĐẠT", "en": "FAIL "},
    "error": {"vi": "LỖI      ", "en": "ERROR"},
}


def outcome_lines(outcome: CaseOutcome, lang: Lang) -> list[str]:
    """The lines printed for one case: its mark and name, then each difference or the error."""
    mark = "pass" if outcome.passed else "error" if outcome.error is not None else "fail"
    where = f"{Path(outcome.file).name}:{outcome.line}" if outcome.line else Path(outcome.file).name
    lines = [f"{_MARK[mark][lang]}  {where}  {outcome.name}"]
    if outcome.error is not None:
        lines += ["    " + item.message(lang) for item in outcome.error.related or [outcome.error]]
    lines += ["    " + difference_text(d, lang) for d in outcome.differences]
    return lines


def difference_text(difference: Difference, lang: Lang) -> str:
    """`chỉ tiêu 5 — điểm: mong đợi 4, thực tế 2`."""
    field = _WORDS.get(difference.field, {}).get(lang, difference.field)
    what = f"{_WORDS[difference.subject][lang]} {difference.item} — {field}" if difference.item else field
    params: dict[str, object] = {"what": what, "expected": _value(difference.expected), "actual": _value(difference.actual)}
    return render("cases.difference", lang, params)


def summary_line(outcomes: list[CaseOutcome], lang: Lang) -> str:
    passed = sum(1 for o in outcomes if o.passed)
    return render("cases.summary", lang, {"total": len(outcomes), "passed": passed, "failed": len(outcomes) - passed})


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict, bool)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    return str(value)
