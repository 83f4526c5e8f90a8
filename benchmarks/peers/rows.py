"""The ruleset as first-hit decision rows, the common ground from which every peer engine is translated.

Each indicator becomes an ordered list of rows `(conditions, points, status)`; the first row whose
conditions all hold decides. Conditions are `(field, op, value)` with op one of >= > <= < == != or "null".
Inputs are the commune's prepared values (chuanxa's own preparation: typing, derived inputs, zone), plus
`applies_<j>` and `cond_<j>_<k>` fields holding true/false/null for expressions (peers get those
pre-evaluated, as durable_rules does in chuanxa: none of the peers has chuanxa's expression language).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chuanxa.criteria.model import ThresholdTable
from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.prepare import prepare

Condition = tuple[str, str, Any]


@dataclass(frozen=True)
class Row:
    conditions: tuple[Condition, ...]
    points: float
    status: str


def decision_rows(engine: CompiledRuleset) -> list[list[Row]]:
    """Rows per indicator, in ruleset order."""
    return [_rows(j, ci) for j, ci in enumerate(engine.indicators)]


def _rows(j: int, ci: Any) -> list[Row]:
    ind = ci.model
    rows: list[Row] = []
    if ind.applies_when:
        rows += [Row(((f"applies_{j}", "null", None),), 0.0, "missing_data"), Row(((f"applies_{j}", "==", False),), 0.0, "not_applicable")]
    full = ind.max_points
    if ind.kind == "assessed":
        return rows + [Row((), 0.0, "missing_data")]
    if ind.kind == "yes_no":
        return rows + [Row(((ind.input, "null", None),), 0.0, "missing_data"), Row(((ind.input, "==", ind.expected),), full, "met"), Row((), 0.0, "not_met")]
    levels = sorted(ind.levels, key=lambda lv: -lv.points)
    if ind.kind == "conditions":
        for k, level in enumerate(levels):
            rows += [Row(((f"cond_{j}_{k}", "null", None),), 0.0, "missing_data"), Row(((f"cond_{j}_{k}", "==", True),), level.points, _status(level.points, full))]
        return rows + [Row((), 0.0, "not_met")]
    rows.append(Row(((ind.input, "null", None),), 0.0, "missing_data"))
    axes = {lv.threshold.by for lv in levels if isinstance(lv.threshold, ThresholdTable)}
    rows += [Row(((axis, "null", None),), 0.0, "missing_data") for axis in sorted(axes)]
    for level in levels:
        if isinstance(level.threshold, ThresholdTable):
            for key, value in level.threshold.values.items():
                key_value: Any = key if level.threshold.by == "region" else int(key)
                rows.append(Row(((level.threshold.by, "==", key_value), (ind.input, ind.op, value)), level.points, _status(level.points, full)))
        else:
            rows.append(Row(((ind.input, ind.op, level.threshold),), level.points, _status(level.points, full)))
    return rows + [Row((), 0.0, "not_met")]


def _status(points: float, full: float) -> str:
    return "met" if points >= full else "partly_met"


def peer_input(engine: CompiledRuleset, data: Any) -> tuple[dict[str, Any], dict[str, float]]:
    """A commune as peers receive it: prepared values and pre-evaluated expression fields; and assessed points."""
    prepared = prepare(engine, data)
    env = {k: v for k, v in prepared.env.items() if not hasattr(v, "isoformat")}
    for j, ci in enumerate(engine.indicators):
        if ci.applies is not None:
            env[f"applies_{j}"] = ci.applies(prepared.env)
        if ci.model.kind == "conditions":
            for k, (holds, _, _) in enumerate(ci.form.levels):  # the intermediate form's predicates, best level first
                env[f"cond_{j}_{k}"] = holds(prepared.env)
    return env, {k: v.points for k, v in prepared.assessed.items()}


def aggregate(engine: CompiledRuleset, decided: list[tuple[float, str]], assessed: dict[str, float]) -> tuple[list[tuple[float, str]], str]:
    """Assessors' points, criterion sums and the verdict, from the peer's per-indicator decisions.

    Written apart from chuanxa's recognition module so the comparison checks it too.
    """
    rule = engine.ruleset.recognition
    final: list[tuple[float, str]] = []
    for ci, (points, status) in zip(engine.indicators, decided):
        given = assessed.get(ci.model.id)
        if given is not None and status != "not_applicable":
            points, status = given, "assessed"
        final.append((points, status))
    sums, tops, best = [], [], []
    knock_failed = False
    for shape in engine.shapes:
        got = top = opt = 0.0
        for i in shape.positions:
            points, status = final[i]
            maximum = 0.0 if (status == "not_applicable" and rule.not_applicable == "exclude") else engine.indicators[i].model.max_points
            got, top, opt = got + points, top + maximum, opt + (maximum if status == "missing_data" else points)
            ind = engine.indicators[i]
            if ind.model.knockout and status not in ("not_applicable", "missing_data") and points < ind.knockout_needs - 1e-9:
                knock_failed = True
        sums.append(got)
        tops.append(top)
        best.append(opt)

    def ok(values: list[float]) -> bool:
        if rule.knockouts and knock_failed:
            return False
        if sum(values) < rule.min_total_share * sum(tops) - 1e-9:
            return False
        return all(v >= rule.min_criterion_share * t - 1e-9 for v, t in zip(values, tops))

    if any(status == "missing_data" for _, status in final):
        return final, "incomplete" if ok(best) else "not_recognised"
    return final, "recognised" if ok(sums) else "not_recognised"
