"""One CSV row per commune: identity, totals, verdict, criterion and indicator points."""

from __future__ import annotations

import io
from collections.abc import Sequence

from chuanxa.engine.results import CommuneResult, CommuneSummary, RowError
from chuanxa.messages import Lang

from .cells import SafeCsvWriter

_BASE = ["code", "name", "province", "district", "zone", "region", "total", "max", "share", "verdict", "recognised", "reasons", "knockouts_failed",
         "missing", "provisional_count", "ruleset", "sha256", "ruleset_warning", "region_source"]


def results_csv(results: Sequence[CommuneResult], rejected: Sequence[RowError] = (), lang: Lang = "vi", protect: bool = True) -> str:
    """CSV text (UTF-8 with a BOM is added by the writer when saving, so Excel shows Vietnamese right).

    Rejected communes are rows too (verdict `rejected`, the errors under `reasons`), so the file alone shows
    every commune that was handed in. Text that a spreadsheet would run as a formula gets a leading `'`
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
    writer.writerow(_BASE + [f"criterion_{c}" for c in criteria] + [f"indicator_{i}" for i in indicators])
    for r in results:
        writer.writerow([
            r.commune.code, r.commune.name, r.commune.province or "", r.commune.district or "", r.zone or "", r.region or "",
            f"{r.total.points:g}", f"{r.total.max:g}", f"{r.total.share:.4f}", r.verdict.value, "" if r.recognised is None else str(r.recognised).lower(),
            " ".join(sorted(code.value for code in r.reason_codes)), " ".join(r.knockouts_failed), r.missing_count, r.provisional_count,
            f"{r.ruleset.id}@{r.ruleset.version.isoformat()}", r.ruleset.sha256, r.ruleset.warning.get(lang) if r.ruleset.warning else "",
            r.commune.region_source or "",
        ] + [f"{c.points:g}" for c in r.criteria] + [f"{r.points[i]:g}" for i in indicators])
    for bad in rejected:
        messages = " | ".join(str(error.get(f"message_{lang}") or error.get("message")) for error in bad.errors)  # each names file, row, column
        row = [bad.commune or "", "", "", "", "", "", "", "", "", "rejected", "", messages]
        writer.writerow(row + [""] * (len(_BASE) - len(row) + len(criteria) + len(indicators)))
    return buffer.getvalue()
