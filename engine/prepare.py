"""Check a commune's raw data against a compiled ruleset and turn it into typed values.

Every problem in one commune is collected (not just the first), each naming the field, the commune and the
indicator that needed the value; readers add the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chuanxa.communes.model import AssessedEntry, CommuneData
from chuanxa.communes.values import fold, is_blank, parse_date, parse_number, parse_yes_no
from chuanxa.criteria.model import InputDef
from chuanxa.errors import CommuneDataError, Location, close_matches

if TYPE_CHECKING:
    from .compiled import CompiledRuleset


@dataclass
class PreparedCommune:
    """Typed values ready for evaluation; `env` holds input ids and commune attributes."""

    data: CommuneData
    env: dict[str, Any]
    zone: int | None
    zone_source: str
    region: str | None
    assessed: dict[str, AssessedEntry] = field(default_factory=dict)
    derived: tuple[str, ...] = ()  # the derived inputs the commune did not enter (computed, or unknown for now)


_EXPECTED = {
    "percent": ("một số từ {low} đến {high} (ví dụ 92,5)", "a number from {low} to {high} (e.g. 92.5)"),
    "number": ("một số (ví dụ 12,5)", "a number (e.g. 12.5)"),
    "count": ("một số nguyên không âm (ví dụ 120)", "a whole number, 0 or more (e.g. 120)"),
    "yes_no": ("có/không (yes/no)", "yes or no (có/không)"),
    "choice": ("một trong: {choices}", "one of: {choices}"),
    "date": ("một ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY", "a date as YYYY-MM-DD or DD/MM/YYYY"),
}


def prepare(compiled: "CompiledRuleset", data: CommuneData) -> PreparedCommune:
    """Typed, checked values of `data` for `compiled`; raises `CommuneDataError` listing every problem."""
    errors: list[CommuneDataError] = []
    info = data.commune  # read once: a record's attribute costs several times a local's
    code = info.code
    region = _classify(compiled.region_ids, info.region, "region", code, errors)
    terrain = _classify(compiled.terrain_ids, info.terrain, "terrain", code, errors)
    env: dict[str, Any] = {
        "region": region,
        "terrain": terrain,
        "terrain_group": compiled.terrain_groups.get(terrain) if terrain else None,
        "distance_km": info.distance_km,
        "difficult_terrain": info.difficult_terrain,
    }
    converters, number_bounds, yes_no_inputs = compiled.converters, compiled.number_bounds, compiled.yes_no_inputs
    for name, raw in data.values.items():
        kind = raw.__class__
        if kind is float:  # most values are numbers: only NaN is blank among them, tested without a call
            if raw != raw:
                if name in converters:
                    continue
            else:
                bounds = number_bounds.get(name)
                # The converter's answer for a plain number within bounds (and whole, for a count) is the number itself.
                if bounds is not None and bounds[0] <= raw <= bounds[1] and (not bounds[2] or raw.is_integer()):
                    env[name] = raw
                    continue
        elif kind is bool:
            if name in yes_no_inputs:  # the converter's answer for a yes/no input is the boolean itself
                env[name] = raw
                continue
        elif kind is not int and is_blank(raw) and name in converters:
            continue
        converter = converters.get(name)
        if converter is None:
            errors.append(_unknown_input(compiled, name, code))
            continue
        try:
            env[name] = converter(raw)
        except ValueError as exc:
            errors.append(_value_error(compiled, compiled.ruleset.inputs[name], name, raw, code, str(exc)))
    assessed = _check_assessed(compiled, data, errors)
    if errors:
        first = errors[0]
        first.related = list(errors)
        raise first
    not_entered = tuple([name for name, _ in compiled.derived if env.get(name) is None])
    computed = compiled.derive(env)
    for name in computed:
        value = env[name]
        if compiled.beyond_bounds(name, value):
            low, high = compiled.derived_bounds[name]
            spec = compiled.ruleset.inputs[name]
            errors.append(_error("data.derived_out_of_bounds", code, ("values", name), compiled.first_reader(name), input=name, label_vi=spec.label.vi,
                                 label_en=spec.label.en, value=f"{value:.4g}", expr=spec.expr, low=_fmt(None if low == -math.inf else low),
                                 high=_fmt(None if high == math.inf else high)))
    if errors:
        first = errors[0]
        first.related = list(errors)
        raise first
    zone, source = compiled.zone_of(info.zone, env)
    env["zone"] = zone
    return PreparedCommune(data=data, env=env, zone=zone, zone_source=source, region=region, assessed=assessed, derived=not_entered)


def check_value(compiled: "CompiledRuleset", name: str, raw: Any, commune: str = "") -> Any:
    """One value for input `name`, typed and within bounds, or a `CommuneDataError` saying why (as `prepare` would)."""
    converter = compiled.converters.get(name)
    if converter is None:
        raise _unknown_input(compiled, name, commune)
    try:
        return converter(raw)
    except ValueError as exc:
        raise _value_error(compiled, compiled.ruleset.inputs[name], name, raw, commune, str(exc)) from None


def convert(spec: InputDef, raw: Any) -> Any:
    """`raw` as the input's type, within its bounds; ValueError("type") or ValueError("bounds") otherwise."""
    return converter(spec)(raw)


def converter(spec: InputDef) -> Callable[[Any], Any]:
    """`convert` for one input, with its type and bounds resolved once (compiled rulesets keep one per input)."""
    low, high = spec.bounds()
    low = -math.inf if low is None else low
    high = math.inf if high is None else high
    numeric = spec.type in ("percent", "number")
    count = spec.type == "count"
    yes_no = spec.type == "yes_no"

    def run(raw: Any) -> Any:
        kind = raw.__class__
        try:
            # Plain numbers and booleans (the common case from XLSX, JSON and generated data) skip the text parsing.
            if (kind is float or kind is int) and raw == raw and (numeric or (count and float(raw).is_integer())):
                value = float(raw)
            elif kind is bool and yes_no:
                return raw
            else:
                value = _typed(spec, raw)
        except (ValueError, TypeError, OverflowError):  # OverflowError: an integer with hundreds of digits
            raise ValueError("type") from None
        if value.__class__ is float and not (low <= value <= high):
            if value != value or value in (math.inf, -math.inf):
                raise ValueError("type")
            raise ValueError("bounds")
        return value
    return run


def _typed(spec: InputDef, raw: Any) -> Any:
    if spec.type in ("percent", "number"):
        return parse_number(raw)
    if spec.type == "count":
        number = parse_number(raw, whole=True)
        if not number.is_integer():
            raise ValueError(raw)
        return number
    if spec.type == "yes_no":
        return parse_yes_no(raw)
    if spec.type == "date":
        return parse_date(raw)
    return _choice(spec, raw)


def _choice(spec: InputDef, raw: Any) -> str:
    key = fold(str(raw))
    for choice in spec.choices or ():
        if key in (fold(choice.id), fold(choice.vi), fold(choice.en)):
            return choice.id
    raise ValueError(raw)


def _classify(known: dict[str, str], raw: str | None, what: str, code: str, errors: list[CommuneDataError]) -> str | None:
    if raw is None:
        return None
    found = known.get(fold(raw))
    if found is None:
        errors.append(_error(
            "data.bad_field", code, ("commune", what), None, field=what, value=raw,
            expected_vi="Dùng một trong: " + ", ".join(sorted(set(known.values()))) + ".",
            expected="Use one of: " + ", ".join(sorted(set(known.values()))) + ".",
            suggestions=list(dict.fromkeys(known[k] for k in close_matches(fold(raw), known))),  # ids, not folded names
        ))
    return found


def _check_assessed(compiled: "CompiledRuleset", data: CommuneData, errors: list[CommuneDataError]) -> dict[str, AssessedEntry]:
    """The assessors' entries (all of them: a bad one is an error in `errors`, and `prepare` then raises)."""
    assessed = data.assessed
    accepted = compiled.assessed_accepted  # (indicator, points) pairs already found valid
    if accepted.issuperset(zip(assessed, map(_POINTS, assessed.values()))):  # the usual case: one pass, in C
        return dict(assessed)
    for ind_id, entry in assessed.items():
        points = entry.points
        if (ind_id, points) in accepted:  # checked before: in range and on the step
            continue
        limit = compiled.assessed_limits.get(ind_id)
        if limit is None:
            errors.append(_error("data.unknown_indicator", data.commune.code, ("assessed", ind_id), ind_id, name=ind_id, ruleset=compiled.ruleset.ref, suggestions=close_matches(ind_id, compiled.indicator_models)))
            continue
        if not assessed_points_ok(limit, points):
            top, step = limit
            errors.append(_error(
                "data.assessed_points", data.commune.code, ("assessed", ind_id, "points"), ind_id, points=points, indicator=ind_id, max=f"{top:g}",
                step_vi=f", theo bước {step:g}" if step else "", step_en=f", in steps of {step:g}" if step else "",
            ))
            continue
        if len(accepted) < 65536:
            accepted.add((ind_id, points))
    return dict(assessed)


_POINTS = operator.attrgetter("points")


def assessed_points_ok(limit: tuple[float, float | None], points: float) -> bool:
    """Whether `points` lie between 0 and the indicator's maximum and on its step (`limit` = (maximum, step))."""
    top, step = limit
    return 0 <= points <= top and (step is None or abs(points / step - round(points / step)) <= 1e-9)


def _unknown_input(compiled: "CompiledRuleset", name: str, commune: str) -> CommuneDataError:
    return _error("data.unknown_input", commune, ("values", name), None, name=name, ruleset=compiled.ruleset.ref, suggestions=close_matches(name, compiled.ruleset.inputs))


def _value_error(compiled: "CompiledRuleset", spec: InputDef, name: str, raw: Any, code: str, problem: str) -> CommuneDataError:
    indicator = compiled.first_reader(name)
    low, high = spec.bounds()
    if isinstance(raw, str) and len(raw) > 60 or isinstance(raw, int) and abs(raw) > 10**60:
        raw = str(raw)[:57] + "…"  # a 400-digit number is named, not printed whole
    if problem == "bounds":
        key = "data.out_of_bounds" if high is not None and low is not None else "data.below_minimum" if low is not None else "data.above_maximum"
        return _error(key, code, ("values", name), indicator, value=raw, label_vi=spec.label.vi, label_en=spec.label.en, input=name, low=_fmt(low), high=_fmt(high))
    choices = ", ".join(c.id for c in spec.choices or ())
    vi, en = _EXPECTED[spec.type]
    params = {"low": _fmt(low), "high": _fmt(high), "choices": choices}
    error = _error("data.bad_value", code, ("values", name), indicator, value=raw, label_vi=spec.label.vi, label_en=spec.label.en, input=name, expected=en.format(**params))
    error.params["expected_vi"] = vi.format(**params)
    return error


def _error(key: str, commune: str, path: tuple[str, ...], needed_by: str | None, **params: Any) -> CommuneDataError:
    return CommuneDataError(key=key, params=params, location=Location(commune=commune, indicator=needed_by, path=path))


def _fmt(value: float | None) -> str:
    return "…" if value is None else f"{value:g}"


__all__ = ["PreparedCommune", "prepare", "convert", "check_value", "assessed_points_ok", "dt"]
