"""One CSV row per commune: identity, totals, verdict, criterion and indicator points."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from chuanxa.engine.results import CommuneResult


def results_csv(results: Sequence[CommuneResult]) -> str:
    """CSV text (UTF-8 with a BOM is added by the writer when saving, so Excel shows Vietnamese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if not results:
        return ""
    criteria = [c.id for c in results[0].criteria]
    indicators = [i.id for i in results[0].indicators]
    writer.writerow(["code", "name", "province", "district", "zone", "region", "total", "max", "share", "verdict", "recognised", "reasons", "knockouts_failed", "missing", "provisional_count", "ruleset", "sha256"]
                    + [f"criterion_{c}" for c in criteria] + [f"indicator_{i}" for i in indicators])
    for r in results:
        writer.writerow([
            r.commune.code, r.commune.name, r.commune.province or "", r.commune.district or "", r.zone or "", r.region or "",
            f"{r.total.points:g}", f"{r.total.max:g}", f"{r.total.share:.4f}", r.verdict.value, "" if r.recognised is None else str(r.recognised).lower(),
            " ".join(sorted({x.code.value for x in r.reasons})), " ".join(r.knockouts_failed), r.missing_count, r.provisional_count,
            f"{r.ruleset.id}@{r.ruleset.version.isoformat()}", r.ruleset.sha256,
        ] + [f"{c.points:g}" for c in r.criteria] + [f"{i.points:g}" for i in r.indicators])
    return buffer.getvalue()
