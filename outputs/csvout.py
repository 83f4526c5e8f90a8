"""One CSV row per commune: identity, totals, verdict, criterion and indicator points.

The file is written column by column: each column's values are shown (numbers formatted, words looked up, text
protected) once per distinct value, then the rows are zipped. The columns come from summary records
(`summaries_csv`) or straight from the column-wise evaluator's arrays (`summary_table_csv`, no record per
commune); a test checks both give the same bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chuanxa.engine.recognition import RECOGNISED_FLAG, VERDICTS
from chuanxa.engine.results import CommuneResult, CommuneSummary, RowError
from chuanxa.messages import Lang
from chuanxa.wording import problem_text

from .cells import protect_csv_text
from .labels import failure_word, verdict_word

if TYPE_CHECKING:
    from chuanxa.engine.summary import SummaryTable

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
    if not results:
        return _written([], [], [], rejected, lang, protect)
    criteria = [c.id for c in results[0].criteria]
    indicators = list(results[0].points)
    commune = [r.commune for r in results]
    columns: list[Sequence[Any]] = [
        [c.code for c in commune], [c.name for c in commune], [c.province for c in commune], [c.district for c in commune],
        [r.zone for r in results], [r.region for r in results],
        _numbers([r.total.points for r in results], "g"), _numbers([r.total.max for r in results], "g"), _numbers([r.total.share for r in results], ".4f"),
        _verdicts([r.verdict.value for r in results], lang), _recognised([r.recognised for r in results], lang),
        _shown([tuple(sorted(code.value for code in r.reason_codes)) for r in results], lambda codes: _reasons(codes, lang)),
        _shown([r.knockouts_failed for r in results], " ".join), [r.missing_count for r in results], [r.provisional_count for r in results],
        _per_stamp(results, lambda stamp: f"{stamp.id}@{stamp.version.isoformat()}"), [r.ruleset.sha256 for r in results],
        _per_stamp(results, lambda stamp: stamp.warning.get(lang) if stamp.warning else ""), [c.region_source for c in commune],
    ]
    columns += [_numbers([r.criteria[k].points for r in results], "g") for k in range(len(criteria))]
    columns += [_numbers([r.points[i] for r in results], "g") for i in indicators]
    return _written(columns, criteria, indicators, rejected, lang, protect)


def summary_table_csv(table: SummaryTable, rejected: Sequence[RowError] = (), lang: Lang = "vi", protect: bool = True) -> str:
    """The same CSV straight from the column-wise evaluator's arrays (`chuanxa.engine.summary.SummaryTable`),
    without a summary record per commune: what `chuanxa batch --summary` writes for large tables."""
    n = len(table)
    if not n:
        return _written([], [], [], rejected, lang, protect)
    found = table.result.recognised
    infos = [identity.commune for identity in table.identities]
    stamp = table.stamp
    verdict_values = [VERDICTS[i].value for i in found.verdict.tolist()]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(found.total_max != 0, found.total / found.total_max, 0.0)
    columns: list[Sequence[Any]] = [
        [c.code for c in infos], [c.name for c in infos], [c.province for c in infos], [c.former_district for c in infos],
        [None if z != z else int(z) for z in table.result.zone.tolist()], [identity.region for identity in table.identities],
        _numbers(found.total.tolist(), "g"), _numbers(found.total_max.tolist(), "g"), _numbers(share.tolist(), ".4f"),
        _verdicts(verdict_values, lang), _recognised([RECOGNISED_FLAG[VERDICTS[i]] for i in found.verdict.tolist()], lang),
        _shown([tuple(sorted(code.value for code in codes)) for codes in table.reason_codes()], lambda codes: _reasons(codes, lang)),
        _shown(table.knockouts_failed(), " ".join), table.missing_counts.tolist(), found.provisional_count.tolist(),
        [f"{stamp.id}@{stamp.version.isoformat()}"] * n, [stamp.sha256] * n, [stamp.warning.get(lang) if stamp.warning else ""] * n,
        [c.region_source for c in infos],
    ]
    columns += [_numbers(points, "g") for points in found.criterion_points.tolist()]
    columns += [_numbers(points, "g") for points in table.points.T.tolist()]
    return _written(columns, table.criterion_ids, table.indicator_ids, rejected, lang, protect)


def _written(columns: list[Sequence[Any]], criteria: Sequence[str], indicators: Sequence[str], rejected: Sequence[RowError], lang: Lang,
             protect: bool) -> str:
    """The CSV text of the communes' `columns` (None written empty) and the rejected rows, under the header."""
    if not columns and not rejected:
        return ""
    vi = lang == "vi"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if vi:
        header = _BASE_VI + [f"Tiêu chí {c}" for c in criteria] + [f"Chỉ tiêu {i}" for i in indicators]
    else:
        header = _BASE + [f"criterion_{c}" for c in criteria] + [f"indicator_{i}" for i in indicators]
    writer.writerow(_protected(header, protect))
    shown = [_shown(column, lambda value: _cell(value, protect)) for column in columns]
    writer.writerows(zip(*shown))
    for bad in rejected:
        messages = " | ".join(problem_text(error).get(lang) for error in bad.errors)  # each names file, row, column
        row = [bad.commune or "", "", "", "", "", "", "", "", "", "BỊ TỪ CHỐI" if vi else "rejected", "", messages]
        writer.writerow(_protected(row + [""] * (len(_BASE) - len(row) + len(criteria) + len(indicators)), protect))
    return buffer.getvalue()


def _shown(values: Sequence[Hashable], show: Callable[[Any], Any]) -> list[Any]:
    """`show` of each value, computed once per distinct value (a column holds few: points on half-point steps)."""
    table = {value: show(value) for value in set(values)}
    return list(map(table.__getitem__, values))


def _per_stamp(results: Sequence[CommuneSummary], show: Callable[[Any], str]) -> list[str]:
    """`show` of each result's ruleset stamp, once per stamp record (results of one ruleset share theirs)."""
    shown: dict[int, str] = {}
    for r in results:
        if id(r.ruleset) not in shown:
            shown[id(r.ruleset)] = show(r.ruleset)
    return [shown[id(r.ruleset)] for r in results]


def _numbers(values: Sequence[float], spec: str) -> list[str]:
    # + 0.0 turns a negative zero into zero, which `set` does not tell apart from it
    return _shown(values, lambda value: format(value + 0.0, spec))


def _cell(value: Any, protect: bool) -> Any:
    if value is None:
        return ""
    return protect_csv_text(value) if protect and isinstance(value, str) else value


def _protected(row: list[Any], protect: bool) -> list[Any]:
    return [_cell(value, protect) for value in row]


def _verdicts(values: Sequence[str], lang: Lang) -> list[str]:
    return _shown(values, lambda verdict: verdict_word(verdict, "vi") if lang == "vi" else verdict)


def _recognised(values: Sequence[bool | None], lang: Lang) -> list[str]:
    words = {None: "", True: "có", False: "không"} if lang == "vi" else {None: "", True: "true", False: "false"}
    return [words[value] for value in values]


def _reasons(codes: tuple[str, ...], lang: Lang) -> str:
    return "; ".join(failure_word(code, "vi") for code in codes) if lang == "vi" else " ".join(codes)
