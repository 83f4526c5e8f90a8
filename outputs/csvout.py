"""One CSV row per commune: identity, totals, verdict, criterion and indicator points."""

from __future__ import annotations

import io
from collections.abc import Sequence

from chuanxa.engine.results import CommuneResult, CommuneSummary, RowError
from chuanxa.messages import Lang

from .cells import SafeCsvWriter
from .labels import failure_word, verdict_word

#: Column ids (`--lang en`: stable machine ids, as in the JSON) and the officer's words (`--lang vi`, the default).
_BASE = ["code", "name", "province", "district", "zone", "region", "total", "max", "share", "verdict", "recognised", "reasons", "knockouts_failed",
         "missing", "provisional_count", "ruleset", "sha256", "ruleset_warning", "region_source"]
_BASE_VI = ["Mã xã", "Tên xã", "Tỉnh", "Huyện (cũ)", "Vùng", "Vùng KT-XH", "Tổng điểm", "Điểm tối đa", "Tỷ lệ điểm", "Kết luận", "Đạt chuẩn", "Lý do",
            "Chỉ tiêu điểm liệt không đạt", "Số chỉ tiêu thiếu số liệu", "Số chỉ tiêu tạm thời", "Bộ tiêu chí", "sha256", "Cảnh báo của bộ tiêu chí",
            "Căn cứ xác định vùng KT-XH"]


def results_csv(results: Sequence[CommuneResult], rejected: Sequence[RowError] = (), lang: Lang = "vi", protect: bool = True) -> str:
    """CSV text (UTF-8 with a BOM is added by the writer when saving, so Excel shows Vietnamese right).

    In Vietnamese (the default) headers, verdicts and reasons are the officer's words ("Kết luận", "ĐẠT chuẩn",
    "có"); with `lang="en"` they are the stable machine ids of the JSON ("verdict", "recognised", "true").
    Rejected communes are rows too (verdict `rejected` / "BỊ TỪ CHỐI", the errors under reasons), so the file
    alone shows every commune that was handed in. Text that a spreadsheet would run as a formula gets a leading `'`
    unless `protect` is False (see `chuanxa.outputs.cells`)."""
    return summaries_csv([r.summary() for r in results], rejected, lang, protect)


def summaries_csv(results: Sequence[CommuneSummary], rejected: Sequence[RowError] = (), lang: Lang = "vi", protect: bool = True) -> str:
    """The same CSV from summaries (what `chuanxa.summarise_many` gives)."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, protect)
    if not results and not rejected:
        return ""
    criteria = [c.id for c in results[0].criteria] if results else []
    indicators = list(results[0].points) if results else []
    vi = lang == "vi"
    if vi:
        writer.writerow(_BASE_VI + [f"Tiêu chí {c}" for c in criteria] + [f"Chỉ tiêu {i}" for i in indicators])
    else:
        writer.writerow(_BASE + [f"criterion_{c}" for c in criteria] + [f"indicator_{i}" for i in indicators])
    for r in results:
        recognised = "" if r.recognised is None else ("có" if r.recognised else "không") if vi else str(r.recognised).lower()
        reasons = "; ".join(failure_word(code.value, "vi") for code in sorted(r.reason_codes, key=lambda c: c.value)) if vi else " ".join(sorted(code.value for code in r.reason_codes))
        writer.writerow([
            r.commune.code, r.commune.name, r.commune.province or "", r.commune.district or "", r.zone or "", r.region or "",
            f"{r.total.points:g}", f"{r.total.max:g}", f"{r.total.share:.4f}", verdict_word(r.verdict.value, "vi") if vi else r.verdict.value, recognised,
            reasons, " ".join(r.knockouts_failed), r.missing_count, r.provisional_count,
            f"{r.ruleset.id}@{r.ruleset.version.isoformat()}", r.ruleset.sha256, r.ruleset.warning.get(lang) if r.ruleset.warning else "",
            r.commune.region_source or "",
        ] + [f"{c.points:g}" for c in r.criteria] + [f"{r.points[i]:g}" for i in indicators])
    for bad in rejected:
        messages = " | ".join(str(error.get(f"message_{lang}") or error.get("message")) for error in bad.errors)  # each names file, row, column
        row = [bad.commune or "", "", "", "", "", "", "", "", "", "BỊ TỪ CHỐI" if vi else "rejected", "", messages]
        writer.writerow(row + [""] * (len(_BASE) - len(row) + len(criteria) + len(indicators)))
    return buffer.getvalue()
