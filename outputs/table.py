"""Readable text tables (tabulate) of results, in Vietnamese or English."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from chuanxa.engine.results import BatchResult, CommuneResult, IndicatorResult, SummaryBatch
from chuanxa.messages import Lang
from chuanxa.wording import gap_text, notice_text, reason_text, region_text

from .labels import floor_header, label, status_word, verdict_word


def commune_table(result: CommuneResult, lang: Lang, detail: bool = True, max_gaps: int = 10) -> str:
    """One commune: heading, criteria, indicators (all with `detail`, else only those short of maximum), gaps."""
    parts = [_heading(result, lang), _criteria(result, lang)]
    rows = [r for r in result.indicators if detail or r.points < r.max]
    if rows:
        parts.append(_indicators(rows, lang, result.region_name.get(lang) if result.region_name else None))
    if result.gaps:
        parts.append(_gaps(result, lang, max_gaps))
    notice = provisional_notice(result, lang)
    if notice:
        parts.append(notice)
    return "\n\n".join(parts)


def provisional_notice(result: CommuneResult, lang: Lang) -> str:
    if not result.provisional_count:
        return ""
    decides = label("provisional_decides", lang) if result.provisional_decides else ""
    return label("provisional_notice", lang, count=result.provisional_count, decides=decides)


def _heading(result: CommuneResult, lang: Lang) -> str:
    c = result.commune
    place = ", ".join(p for p in (c.name, c.province) if p) + (f" ({', '.join(p for p in (c.former_district, c.former_province) if p)})" if c.former_district or c.former_province else "")
    zone = f"{label('zone', lang)} {result.zone if result.zone is not None else '?'} ({label('zone_' + result.zone_source, lang)})"
    region = result.region_name.get(lang) if result.region_name else (result.region or "?")
    lines = [
        f"{label('commune', lang)}: {place} [{c.code}]   {zone}   {label('region', lang)}: {region}",
        f"{label('ref', lang)}: {result.ruleset.id}@{result.ruleset.version.isoformat()} (sha256 {result.ruleset.sha256[:12]}…)",
        f"{label('total', lang)}: {result.total.points:g}/{result.total.max:g} ({result.total.share:.1%}; ≥ {result.total.minimum:g})   "
        f"{label('verdict', lang)}: {verdict_word(result.verdict.value, lang)}",
    ]
    lines += [f"  - {reason_text(reason, result).get(lang)}" for reason in result.reasons]
    if result.ruleset.warning is not None:
        lines.insert(2, f"!! {result.ruleset.warning.get(lang)}")
    region_reason = region_text(c)
    if region_reason is not None:
        lines.append(f"{label('region', lang)}: {region_reason.get(lang)}")
    lines += [f"  • {notice_text(notice, c, result.as_of).get(lang)}" for notice in c.notices]
    return "\n".join(lines)


def _criteria(result: CommuneResult, lang: Lang) -> str:
    rows = [[c.id, _clip(c.title.get(lang), 48), f"{c.points:g}", f"{c.max:g}", f"{c.floor:g}" + ("*" if c.provisional else ""), label("met_floor" if c.floor_met else "below_floor", lang)] for c in result.criteria]
    return tabulate(rows, headers=[label("criterion", lang), label("title", lang), label("points", lang), label("max", lang), label("floor", lang), label("status", lang)], tablefmt="simple")


def _indicators(rows: Sequence[IndicatorResult], lang: Lang, region: str | None = None) -> str:
    table = []
    for r in rows:
        flags = ("*" if r.provisional else "") + (" KO!" if r.knockout_failed else " KO" if r.knockout else "")
        table.append([r.id, r.criterion, _clip(r.title.get(lang), 44), f"{r.points:g}/{r.max:g}", status_word(r.status.value, lang), values_text(r, lang), threshold_text(r, lang, region), flags])
    return tabulate(table, headers=[label("indicator", lang), label("criterion", lang), label("title", lang), label("points", lang), label("status", lang), label("value", lang), label("threshold", lang), ""], tablefmt="simple")


def _gaps(result: CommuneResult, lang: Lang, limit: int) -> str:
    lines = [label("gaps", lang) + ":"]
    for gap in result.gaps[:limit]:
        blocks = f" [{blocks_text(gap.blocks, lang)}]" if gap.blocks else ""
        lines.append(f"  {gap.indicator:>3}. {gap_text(gap).get(lang)}{blocks}")
    if len(result.gaps) > limit:
        lines.append(f"  … (+{len(result.gaps) - limit})")
    return "\n".join(lines)


def batch_table(batch: BatchResult | SummaryBatch, lang: Lang, limit: int | None = None, counts: tuple[int, int] | None = None) -> str:
    """Many communes (full results or summaries): one line each (the first `limit`, when given, with a line saying
    how many more the results file holds), then the counts. `counts` (communes, recognised) when `batch` holds
    only the first communes of a larger table (summaries kept as arrays: `chuanxa.engine.summary.SummaryTable`)."""
    items = batch.results if isinstance(batch, BatchResult) else batch.summaries
    count, recognised = counts if counts is not None else (len(items), batch.recognised_count)
    rows = []
    for r in items[:limit]:
        failing = ", ".join(c.id for c in r.criteria if not c.floor_met)
        rows.append([r.commune.code, _clip(r.commune.name, 28), f"{r.total.points:g}", f"{r.total.share:.1%}", verdict_word(r.verdict.value, lang), failing, ", ".join(r.knockouts_failed), r.missing_count])
    headers = [label("code", lang), label("commune", lang), label("total", lang), label("share", lang), label("verdict", lang),
               floor_header(items, lang), label("knockout", lang), "Thiếu" if lang == "vi" else "Missing"]
    text = tabulate(rows, headers=headers, tablefmt="simple")
    if limit is not None and count > limit:
        more = count - limit
        text += "\n" + (f"… và {more:,} xã nữa trong tệp kết quả".replace(",", ".") if lang == "vi" else f"… and {more:,} more communes in the results file")
    text += "\n\n" + (f"Đạt chuẩn: {recognised}/{count} xã" if lang == "vi" else f"Recognised: {recognised}/{count} communes")
    if batch.rejected:
        text += "\n" + (f"Bị từ chối: {len(batch.rejected)} hàng" if lang == "vi" else f"Rejected: {len(batch.rejected)} rows")
    return text


def values_text(r: IndicatorResult, lang: Lang = "en") -> str:
    """The values an indicator read, as a person writes them (yes/no in the language, numbers rounded)."""
    return ", ".join(_fmt(v, lang) for v in r.values.values()) if r.values else ""


def threshold_text(r: IndicatorResult, lang: Lang = "en", region_name: str | None = None) -> str:
    """The threshold applied, with the zone or region it was read for (the commune's region by its name)."""
    t = r.threshold
    if t is None:
        return ""
    key = t.key
    if t.by == "region" and region_name:
        key = region_name
    where = f" ({label(t.by, lang) if t.by in ('zone', 'region') else t.by} {key})" if t.by else ""
    return f"{t.op} {_fmt(t.value, lang)}{where}"


def blocks_text(blocks: Sequence[str], lang: Lang) -> str:
    """What a gap holds back, in words: a knock-out, a criterion below its floor, the total."""
    words = []
    for block in blocks:
        if block == "knockout":
            words.append("điểm liệt" if lang == "vi" else "knock-out")
        elif block.startswith("criterion:"):
            words.append((f"tiêu chí {block.split(':', 1)[1]} dưới mức tối thiểu" if lang == "vi" else f"criterion {block.split(':', 1)[1]} below its floor"))
        elif block == "total":
            words.append("tổng điểm" if lang == "vi" else "the total")
        else:
            words.append(block)
    return ", ".join(words)


def _fmt(value: Any, lang: Lang = "en") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    return str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
