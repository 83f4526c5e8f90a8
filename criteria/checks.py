"""Whole-ruleset checks that a field-by-field model cannot make: ids unique, points adding up, every name
declared, thresholds and expressions fitting the inputs they read. Each finding is a `RulesetError` with
the YAML path of the offending value; the loader adds file and line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chuanxa.errors import ExpressionError, RulesetError, close_matches

from .expressions import ExprType, parse_expression
from .operators import OPERATORS
from .model import (
    Comparison,
    ConditionLevel,
    InputDef,
    Ruleset,
    ThresholdLevel,
    ThresholdTable,
)

Path = tuple[str | int, ...]
_TOLERANCE = 1e-9

#: Commune attributes that expressions may read beside the declared inputs.
COMMUNE_ATTRIBUTES: dict[str, ExprType] = {
    "zone": "number",
    "region": "text",
    "terrain": "text",
    "terrain_group": "text",
    "distance_km": "number",
    "difficult_terrain": "bool",
}
_EXPR_TYPE: dict[str, ExprType] = {"percent": "number", "number": "number", "count": "number", "yes_no": "bool", "choice": "text", "date": "date"}


def expression_env(ruleset: Ruleset) -> dict[str, ExprType]:
    """Names an indicator expression may read, with their types."""
    env = {name: _EXPR_TYPE[spec.type] for name, spec in ruleset.inputs.items()}
    env.update(COMMUNE_ATTRIBUTES)
    return env


def find_problems(ruleset: Ruleset) -> list[RulesetError]:
    """Every inconsistency of a parsed ruleset, in file order."""
    return list(_all_checks(ruleset))


def _all_checks(rs: Ruleset) -> Iterator[RulesetError]:
    yield from _check_dates(rs)
    yield from _check_ids(rs)
    yield from _check_points(rs)
    yield from _check_inputs(rs)
    yield from _check_zoning(rs)
    for ci, crit in enumerate(rs.criteria):
        for ii, ind in enumerate(crit.indicators):
            yield from _check_indicator(rs, ind, ("criteria", ci, "indicators", ii))


def _err(key: str, path: Path, **params: Any) -> RulesetError:
    error = RulesetError(key=key, params=params)
    error.location = type(error.location)(path=path)
    return error


def _check_dates(rs: Ruleset) -> Iterator[RulesetError]:
    meta = rs.ruleset
    if meta.effective_until is not None and meta.effective_until < meta.effective:
        yield _err("ruleset.dates_order", ("ruleset", "effective_until"), until=meta.effective_until, effective=meta.effective)
    if meta.version != meta.effective:
        yield _err("ruleset.version_date", ("ruleset", "version"), version=meta.version, effective=meta.effective)


def _check_ids(rs: Ruleset) -> Iterator[RulesetError]:
    seen_criteria: dict[str, int] = {}
    seen_indicators: dict[str, str] = {}
    for ci, crit in enumerate(rs.criteria):
        if crit.id in seen_criteria:
            yield _err("ruleset.duplicate_id", ("criteria", ci, "id"), what="criterion", what_vi="tiêu chí", id=crit.id, first=f"criteria[{seen_criteria[crit.id]}]")
        seen_criteria.setdefault(crit.id, ci)
        for ii, ind in enumerate(crit.indicators):
            if ind.id in seen_indicators:
                yield _err("ruleset.duplicate_id", ("criteria", ci, "indicators", ii, "id"), what="indicator", what_vi="chỉ tiêu", id=ind.id, first=seen_indicators[ind.id])
            seen_indicators.setdefault(ind.id, f"criteria[{ci}].indicators[{ii}]")


def _check_points(rs: Ruleset) -> Iterator[RulesetError]:
    for ci, crit in enumerate(rs.criteria):
        actual = sum(ind.max_points for ind in crit.indicators)
        if abs(actual - crit.max_points) > _TOLERANCE:
            yield _err("ruleset.indicator_points", ("criteria", ci, "max_points"), criterion=crit.id, actual=_num(actual), expected=_num(crit.max_points))
    total = sum(crit.max_points for crit in rs.criteria)
    if abs(total - rs.ruleset.total_points) > _TOLERANCE:
        yield _err("ruleset.criteria_points", ("ruleset", "total_points"), actual=_num(total), expected=_num(rs.ruleset.total_points))


def _check_inputs(rs: Ruleset) -> Iterator[RulesetError]:
    env = expression_env(rs)
    for name, spec in rs.inputs.items():
        path: Path = ("inputs", name)
        if spec.type == "choice" and not spec.choices:
            yield _err("ruleset.choices_missing", path + ("type",), name=name)
        if spec.expr is not None:
            yield from _check_expression(spec.expr, env, _EXPR_TYPE[spec.type], path + ("expr",))
        weight = spec.aggregate.weight if spec.aggregate else None
        if spec.aggregate and spec.aggregate.method == "weighted_mean":
            yield from _check_weight(rs, name, weight, path + ("aggregate",))
    yield from _check_derivation_cycles(rs, env)


def _check_weight(rs: Ruleset, name: str, weight: str | None, path: Path) -> Iterator[RulesetError]:
    target = rs.inputs.get(weight) if weight else None
    if target is None:
        yield _err("ruleset.weight_input", path, name=name, weight=weight, problem="chưa được khai báo", problem_en="is not declared", suggestions=close_matches(weight, rs.inputs) if weight else [])
    elif target.type not in ("count", "number"):
        yield _err("ruleset.weight_input", path, name=name, weight=weight, problem="không phải là số đếm hoặc số", problem_en="is not a count or a number")


def _check_derivation_cycles(rs: Ruleset, env: dict[str, ExprType]) -> Iterator[RulesetError]:
    reads: dict[str, frozenset[str]] = {}
    for name, spec in rs.inputs.items():
        if spec.expr is not None:
            try:
                reads[name] = parse_expression(spec.expr, env).names
            except ExpressionError:
                continue  # reported by _check_inputs
    for name in reads:
        chain = _cycle_from(name, reads, [])
        if chain:
            yield _err("expr.type", ("inputs", name, "expr"), expr=rs.inputs[name].expr, detail="derived inputs read each other in a loop: " + " → ".join(chain), detail_vi="các dữ liệu dẫn xuất đọc lẫn nhau thành vòng: " + " → ".join(chain))


def _cycle_from(name: str, reads: dict[str, frozenset[str]], stack: list[str]) -> list[str]:
    if name in stack:
        return stack[stack.index(name):] + [name]
    for child in sorted(reads.get(name, ())):
        found = _cycle_from(child, reads, stack + [name])
        if found:
            return found
    return []


def _check_zoning(rs: Ruleset) -> Iterator[RulesetError]:
    for index, rule in enumerate(rs.classification.zoning.rules):
        yield from _check_expression(rule.when, COMMUNE_ATTRIBUTES, "bool", ("classification", "zoning", "rules", index, "when"))


def _check_expression(text: str, env: dict[str, ExprType], expect: ExprType, path: Path) -> Iterator[RulesetError]:
    try:
        parse_expression(text, env, expect)
    except ExpressionError as exc:
        exc.location = type(exc.location)(path=path)
        yield exc


def _check_indicator(rs: Ruleset, ind: Any, path: Path) -> Iterator[RulesetError]:
    env = expression_env(rs)
    if ind.applies_when is not None:
        yield from _check_expression(ind.applies_when, env, "bool", path + ("applies_when",))
    if ind.knockout_min_points is not None and not 0 < ind.knockout_min_points <= ind.max_points:
        yield _err("ruleset.level_points", path + ("knockout_min_points",), points=ind.knockout_min_points, indicator=ind.id, max=_num(ind.max_points))
    for what, part, where in ind.parts():  # the kind declares its parts; the checks know parts, not kinds
        if what == "levels":
            yield from _check_levels_points(ind, path)
        elif what == "comparison":
            comparison, threshold_path = part
            yield from _check_comparison(rs, ind.id, comparison, path + where, path + threshold_path)
        elif what == "expression":
            yield from _check_expression(part, env, "bool", path + where)
        else:
            assert what == "answer", what
            yield from _check_answer(rs, ind.id, part, path + where)


def _check_levels_points(ind: Any, path: Path) -> Iterator[RulesetError]:
    levels: tuple[ThresholdLevel | ConditionLevel, ...] = ind.levels
    for li, level in enumerate(levels):
        if not 0 <= level.points <= ind.max_points + _TOLERANCE:
            yield _err("ruleset.level_points", path + ("levels", li, "points"), points=_num(level.points), indicator=ind.id, max=_num(ind.max_points))
    best = max(level.points for level in levels)
    if abs(best - ind.max_points) > _TOLERANCE:
        yield _err("ruleset.best_level", path + ("levels",), indicator=ind.id, best=_num(best), max=_num(ind.max_points))


def _check_answer(rs: Ruleset, owner: str, name: str, path: Path) -> Iterator[RulesetError]:
    spec = _declared(rs, name)
    if spec is None:
        yield _unknown_input(rs, owner, name, path)
    elif spec.type != "yes_no":
        yield _err("ruleset.kind_field", path, indicator=owner, kind="yes_no", problem=f"phải đọc dữ liệu kiểu yes_no, nhưng '{name}' có kiểu {spec.type}", problem_en=f"must read a yes_no input, but '{name}' is a {spec.type}")


def _check_comparison(rs: Ruleset, owner: str, cond: Comparison, path: Path, threshold_path: Path) -> Iterator[RulesetError]:
    spec = _declared(rs, cond.input)
    if spec is None:
        yield _unknown_input(rs, owner, cond.input, path + ("input",))
        return
    if isinstance(cond.threshold, ThresholdTable):
        yield from _check_table(rs, cond.threshold, threshold_path)
        values: list[Any] = list(cond.threshold.values.values())
    else:
        values = [cond.threshold]
    for value in values:
        if not _comparable(spec, cond.op, value):
            yield _err("ruleset.input_type", threshold_path, indicator=owner, name=cond.input, actual=spec.type, threshold=repr(value), op=cond.op)
            return


def _comparable(spec: InputDef, op: str, value: Any) -> bool:
    if spec.type in ("percent", "number", "count"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if spec.type == "yes_no":
        return isinstance(value, bool) and OPERATORS[op].direction is None
    if spec.type == "choice":
        return OPERATORS[op].direction is None and str(value) in {c.id for c in spec.choices or ()}
    return False  # dates are compared inside expressions only


def _check_table(rs: Ruleset, table: ThresholdTable, path: Path) -> Iterator[RulesetError]:
    expected = {r.id for r in rs.classification.regions} if table.by == "region" else {"1", "2", "3"}
    given = set(table.values)
    if given != expected:
        extra = sorted(given - expected)
        suggestions = [m for e in extra for m in close_matches(e, expected - given)]
        by_vi, by_en = _TABLE_AXES.get(table.by, (table.by, table.by))
        yield _err("ruleset.table_keys", path + ("values",), by=by_en, by_vi=by_vi, missing=", ".join(sorted(expected - given)) or "-", extra=", ".join(extra) or "-", suggestions=suggestions)


def _declared(rs: Ruleset, name: str) -> InputDef | None:
    return rs.inputs.get(name)


def _unknown_input(rs: Ruleset, owner: str, name: str, path: Path) -> RulesetError:
    return _err("ruleset.unknown_input", path, owner=owner, name=name, suggestions=close_matches(name, rs.inputs))


def _num(value: float) -> str:
    return f"{value:g}"


# How a threshold table's axis is named in messages.
_TABLE_AXES = {"region": ("vùng kinh tế - xã hội (region)", "socio-economic region"), "zone": ("vùng (zone)", "zone")}

