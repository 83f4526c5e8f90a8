"""The score sheet's layout, shared by export and import: sheet names, columns (which the officer may edit,
which chuanxa writes), and the words a rule is shown in.

Rows, top to bottom: a criterion row (column A holds its number), then for each indicator an indicator row
(column B holds its number) followed by one row per level (points, comparison, threshold). A threshold
table by zone or by region is laid out as one column per zone or region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chuanxa.criteria.model import AllOf, AnyOf, Comparison, ConditionLevel, ExprCondition, IndicatorModel, Ruleset, ThresholdTable
from chuanxa.criteria.operators import OPERATORS, WORDS
from chuanxa.engine.kinds import KINDS, SheetCells, kind_label
from chuanxa.wording import rule_text

SHEET = "Bảng điểm"
INFO_SHEET = "Thông tin"
META_SHEET = "_chuanxa"
FORMAT = "chuanxa-score-sheet"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Column:
    """One column: `key` names it in code, `vi`/`en` are its two heading rows."""

    key: str
    vi: str
    en: str
    width: float
    editable: bool = True


def columns(ruleset: Ruleset) -> list[Column]:
    """The columns of `ruleset`'s sheet; zone and region columns only when some threshold is such a table."""
    tables = {t.by for t in _tables(ruleset)}
    cols = [
        Column("criterion", "Tiêu chí", "Criterion", 7),
        Column("indicator", "Chỉ tiêu", "Indicator", 7),
        Column("title_vi", "Nội dung", "Wording (Vietnamese)", 46),
        Column("title_en", "Nội dung (tiếng Anh)", "Wording (English)", 30),
        Column("max", "Điểm tối đa", "Max points", 8),
        Column("points", "Điểm của mức", "Level points", 8),
        Column("op", "So sánh", "Comparison", 7),
        Column("threshold", "Ngưỡng", "Threshold", 9),
    ]
    if "zone" in tables:
        cols += [Column(f"zone:{z}", f"Vùng {z}", f"Zone {z}", 7) for z in ("1", "2", "3")]
    if "region" in tables:
        cols += [Column(f"region:{r.id}", r.vi, r.en, 10) for r in ruleset.classification.regions]
    cols += [
        Column("words", "Cách chấm (chuanxa tự viết)", "Rule in words (written by chuanxa)", 28, editable=False),
        Column("input", "Số liệu dùng", "Data used (written by chuanxa)", 22, editable=False),
        Column("knockout", "Điểm liệt (x)", "Knock-out (x)", 7),
        Column("source", "Căn cứ", "Source", 26),
        Column("provisional", "Tạm thời (x)", "Provisional (x)", 8),
        Column("note", "Ghi chú", "Note", 32),
    ]
    return cols


def _tables(ruleset: Ruleset) -> list[ThresholdTable]:
    found: list[ThresholdTable] = []
    for ind in ruleset.indicators:
        for level in getattr(ind, "levels", ()):
            threshold = getattr(level, "threshold", None) if not isinstance(level, ConditionLevel) else (level.when.threshold if isinstance(level.when, Comparison) else None)
            if isinstance(threshold, ThresholdTable):
                found.append(threshold)
    return found


OPS_WORDS = WORDS  # the operator table's words (as the decisions print them)
# What the sheet reads back as each operator's ASCII spelling: its symbol and its words (from the operator table), and
# the spellings officers also type.
OPS_READ = {**{op.words: op.durable for op in OPERATORS.values()}, **{symbol: op.durable for symbol, op in OPERATORS.items()},
            "=>": ">=", "=<": "<=", "<>": "!="}


def number(value: float) -> str:
    """`95.0` → `95`, `0.5` → `0,5` (a Vietnamese decimal comma)."""
    return f"{value:g}".replace(".", ",")


def cell_number(value: float) -> int | float:
    """A number as a cell holds it: a whole number as an integer (shows `3`, not `3.0`)."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def yes_no_word(value: bool) -> str:
    return "Có" if value else "Không"


def threshold_words(ruleset: Ruleset, op: str, threshold: Any, unit: str | None) -> str:
    """`≥ 95 %`; a table: `Vùng 1: ≥ 5; Vùng 2: ≥ 6; …`."""
    suffix = f" {unit}" if unit else ""
    if isinstance(threshold, ThresholdTable):
        names = {r.id: r.vi for r in ruleset.classification.regions} if threshold.by == "region" else {z: f"Vùng {z}" for z in ("1", "2", "3")}
        return "; ".join(f"{names.get(k, k)}: {OPS_WORDS[op]} {number(v)}{suffix}" for k, v in threshold.values.items())
    if isinstance(threshold, bool):
        return f"{OPS_WORDS[op]} {yes_no_word(threshold)}"
    if isinstance(threshold, (int, float)):
        return f"{OPS_WORDS[op]} {number(threshold)}{suffix}"
    return f"{OPS_WORDS[op]} {threshold}"


def condition_words(ruleset: Ruleset, cond: Any) -> str:
    if isinstance(cond, Comparison):
        spec = ruleset.inputs.get(cond.input)
        return f"{spec.label.vi if spec else cond.input} {threshold_words(ruleset, cond.op, cond.threshold, spec.unit if spec else None)}"
    if isinstance(cond, AllOf):
        return "(" + " và ".join(condition_words(ruleset, c) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + " hoặc ".join(condition_words(ruleset, c) for c in cond.any) + ")"
    assert isinstance(cond, ExprCondition)
    return f"({cond.expr})"


def sheet_cells(ind: IndicatorModel) -> SheetCells | None:
    """How the sheet lays out `ind`'s rule, as its kind says (`sheet`); None: the rule is shown in words only."""
    return getattr(KINDS.get(ind.kind), "sheet", None)


def level_rows(ind: IndicatorModel) -> bool:
    """Whether the sheet lays out `ind`'s levels as rows (threshold and condition levels, their thresholds in columns)."""
    cells = sheet_cells(ind)
    return cells is not None and cells.levels is not None


def indicator_words(ruleset: Ruleset, ind: IndicatorModel) -> str:
    """The words of an indicator row: its kind in the kind's own words; for assessed its range, for a kind the columns
    do not lay out its whole rule."""
    text = kind_label(ind.kind).sheet_words
    if sheet_cells(ind) is None:
        text += ": " + rule_text(ind, ruleset, "vi")
    if ind.entered_by_assessors:
        step = getattr(ind, "step", None)
        text += f": 0 – {number(ind.max_points)} điểm" + (f", bước {number(step)}" if step else "")
    if ind.applies_when:
        text += f"; chỉ áp dụng khi {ind.applies_when}"
    return text


def level_words(ruleset: Ruleset, ind: IndicatorModel, level: Any) -> str:
    """The words of a level row: `≥ 95 %`, or its condition."""
    if isinstance(level, ConditionLevel):
        return condition_words(ruleset, level.when)
    spec = ruleset.inputs.get(ind.input)  # type: ignore[union-attr]
    return threshold_words(ruleset, ind.op, level.threshold, spec.unit if spec else None)  # type: ignore[union-attr]


def input_words(ruleset: Ruleset, name: str | None) -> str:
    spec = ruleset.inputs.get(name) if name else None
    return spec.label.vi if spec else ""
