"""One CSV row per commune: identity, totals, verdict, criterion and indicator points."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from chuanxa.engine.results import CommuneResult, CommuneSummary


def results_csv(results: Sequence[CommuneResult]) -> str:
    """CSV text (UTF-8 with a BOM is added by the writer when saving, so Excel shows Vietnamese right)."""
    return summaries_csv([r.summary() for r in results])


def summaries_csv(results: Sequence[CommuneSummary]) -> str:
    """The same CSV from summaries (what `chuanxa.summarise_many` gives)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if not results:
        return ""
    criteria = [c.id for c in results[0].criteria]
    indicators = list(results[0].points)
    writer.writerow(["code", "name", "province", "district", "zone", "region", "total", "max", "share", "verdict", "recognised", "reasons", "knockouts_failed", "missing", "provisional_count", "ruleset", "sha256"]
                    + [f"criterion_{c}" for c in criteria] + [f"indicator_{i}" for i in indicators])
    for r in results:
        writer.writerow([
            r.commune.code, r.commune.name, r.commune.province or "", r.commune.district or "", r.zone or "", r.region or "",
            f"{r.total.points:g}", f"{r.total.max:g}", f"{r.total.share:.4f}", r.verdict.value, "" if r.recognised is None else str(r.recognised).lower(),
            " ".join(sorted(code.value for code in r.reason_codes)), " ".join(r.knockouts_failed), r.missing_count, r.provisional_count,
            f"{r.ruleset.id}@{r.ruleset.version.isoformat()}", r.ruleset.sha256,
        ] + [f"{c.points:g}" for c in r.criteria] + [f"{r.points[i]:g}" for i in indicators])
    return buffer.getvalue()
