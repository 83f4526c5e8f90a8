"""Generated rulesets and communes for the differential tests (hypothesis strategies).

A generated ruleset uses every indicator kind and every comparison operator, thresholds by zone and by region,
a derived input (a rate of two counts, bounded 0–100), a date and a choice input, applicability, knock-outs,
points on steps such as 0.1 and 0.3, and recognition shares other than one half. Communes take values on
every threshold and just beside it, missing values, and counts whose rate leaves its bounds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any, Literal

from hypothesis import strategies as st

import chuanxa
from chuanxa.criteria.loader import build_ruleset
from chuanxa.criteria.model import Ruleset
from chuanxa.criteria.operators import OPERATORS
from chuanxa.engine.prepare import prepare
from chuanxa.planning.costs import CostModel
from chuanxa.planning.options import list_options
from chuanxa.planning.plan import apply_options

REGIONS = [
    {"id": "trung_du_mien_nui_phia_bac", "vi": "Trung du và miền núi phía Bắc", "en": "Northern midlands and mountains"},
    {"id": "dong_bang_song_hong", "vi": "Đồng bằng sông Hồng", "en": "Red River Delta"},
    {"id": "tay_nguyen", "vi": "Tây Nguyên", "en": "Central Highlands"},
]
TERRAINS = [
    {"id": "dong_bang", "vi": "đồng bằng", "en": "lowland", "group": "lowland"},
    {"id": "mien_nui", "vi": "miền núi", "en": "mountainous", "group": "remote"},
]
ZONING = {"rules": [
    {"zone": 3, "when": "terrain_group == 'remote' and (distance_km >= 5 or (difficult_terrain and distance_km >= 3))"},
    {"zone": 1, "when": "terrain_group == 'lowland' and distance_km < 3"},
], "default": 2}

NUMERIC = {  # numeric inputs: (type, low, high) of the values generated
    "p1": ("percent", 0.0, 100.0), "p2": ("percent", 0.0, 100.0), "n1": ("number", 0.0, 50.0), "c1": ("count", 0.0, 400.0),
}
INPUTS: dict[str, Any] = {
    "p1": {"type": "percent", "unit": "%", "label": {"vi": "Tỷ lệ một", "en": "Rate one"}},
    "p2": {"type": "percent", "unit": "%", "label": {"vi": "Tỷ lệ hai", "en": "Rate two"}},
    "n1": {"type": "number", "min": 0, "max": 50, "label": {"vi": "Số đo", "en": "Measure"}},
    "c1": {"type": "count", "label": {"vi": "Số hộ đạt", "en": "Households meeting"}},
    "c2": {"type": "count", "label": {"vi": "Số hộ", "en": "Households"}},
    "rate": {"type": "percent", "unit": "%", "label": {"vi": "Tỷ lệ hộ đạt", "en": "Share of households"}, "expr": "c1 / c2 * 100"},
    "yn": {"type": "yes_no", "label": {"vi": "Có", "en": "Has"}},
    "ch": {"type": "choice", "label": {"vi": "Loại", "en": "Type"}, "choices": ["a", "b", "c"]},
    "d1": {"type": "date", "label": {"vi": "Ngày kế hoạch", "en": "Plan date"}},
    "d2": {"type": "date", "label": {"vi": "Ngày kiểm tra", "en": "Inspection date"}},
}
THRESHOLD_INPUTS = ["p1", "p2", "n1", "c1", "rate"]
OPS = list(OPERATORS)  # every operator of the table, the symbols as the decisions print them (≥ ≤ ≠) included
STEPS = [0.1, 0.25, 0.3, 0.5, 1.0]
APPLIES = ["c2 > 10", "zone == 3", "yn", "ch != 'c'", "region == 'tay_nguyen'"]
EXPRS = ["d2 >= d1", "ch in ['a', 'b']", "p1 + p2 >= 150", "yn and n1 < 20", "not yn or c1 >= 100", "min(p1, p2) > 60"]


def _points(step: float, units: int) -> float:
    return round(step * units, 6)


@st.composite
def _threshold_value(draw: st.DrawFn, name: str, by_table: bool) -> Any:
    low, high = (0.0, 100.0) if name == "rate" else NUMERIC[name][1:]
    value = st.integers(int(low), int(high)).map(float) if name == "c1" else st.integers(int(low * 10), int(high * 10)).map(lambda v: v / 10)
    if not by_table:
        return draw(value)
    by = draw(st.sampled_from(["zone", "region"]))
    keys = ["1", "2", "3"] if by == "zone" else [r["id"] for r in REGIONS]
    return {"by": by, "values": {k: draw(value) for k in keys}}


@st.composite
def _comparison(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["number", "number", "yes_no", "choice"]))
    if kind == "yes_no":
        return {"input": "yn", "op": draw(st.sampled_from(["==", "!="])), "threshold": draw(st.booleans())}
    if kind == "choice":
        return {"input": "ch", "op": draw(st.sampled_from(["==", "!="])), "threshold": draw(st.sampled_from(["a", "b", "c"]))}
    name = draw(st.sampled_from(THRESHOLD_INPUTS))
    return {"input": name, "op": draw(st.sampled_from(OPS)), "threshold": draw(_threshold_value(name, draw(st.booleans())))}


def _condition(depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.one_of(_comparison(), st.sampled_from(EXPRS).map(lambda e: {"expr": e}))
    if depth >= 1:
        return leaf
    nested = st.lists(_condition(depth + 1), min_size=1, max_size=3)
    return st.one_of(leaf, leaf, nested.map(lambda parts: {"all": parts}), nested.map(lambda parts: {"any": parts}))


@st.composite
def _indicator(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["threshold", "threshold", "yes_no", "conditions", "assessed"]))
    step = draw(st.sampled_from(STEPS))
    top_units = draw(st.integers(1, 7))
    maximum = _points(step, top_units)
    ind: dict[str, Any] = {"id": ident, "title": {"vi": f"Chỉ tiêu {ident}", "en": f"Indicator {ident}"}, "kind": kind, "max_points": maximum,
                           "source": "generated", "provisional": draw(st.booleans())}
    lower = sorted(draw(st.sets(st.integers(0, top_units - 1), max_size=2)), reverse=True)
    units = [top_units, *lower]
    if kind == "threshold" and draw(st.integers(0, 7)) == 0:  # a yes/no or choice input against a threshold, one level
        answer = draw(st.sampled_from(["yn", "ch"]))
        ind |= {"input": answer, "op": draw(st.sampled_from([op for op in OPS if OPERATORS[op].direction is None])),
                "levels": [{"points": maximum, "threshold": draw(st.booleans()) if answer == "yn" else draw(st.sampled_from(["a", "b", "c"]))}]}
    elif kind == "threshold":
        name = draw(st.sampled_from(THRESHOLD_INPUTS))
        ind |= {"input": name, "op": draw(st.sampled_from(OPS))}
        by_table = draw(st.booleans())
        ind["levels"] = [{"points": _points(step, u), "threshold": draw(_threshold_value(name, by_table))} for u in units]
    elif kind == "yes_no":
        ind |= {"input": "yn", "expected": draw(st.booleans())}
    elif kind == "conditions":
        ind["levels"] = [{"points": _points(step, u), "when": draw(_condition())} for u in units]
    else:
        ind["step"] = step
    if draw(st.integers(0, 4)) == 0:
        ind["applies_when"] = draw(st.sampled_from(APPLIES))
    if draw(st.integers(0, 3)) == 0:
        ind["knockout"] = True
        if draw(st.booleans()) and top_units > 1:
            ind["knockout_min_points"] = _points(step, draw(st.integers(1, top_units)))
    return ind


@st.composite
def ruleset_trees(draw: st.DrawFn) -> dict[str, Any]:
    """A ruleset as the YAML tree a user would write."""
    criteria = []
    counter = 0
    for c in range(draw(st.integers(1, 4))):
        indicators = []
        for _ in range(draw(st.integers(1, 4))):
            counter += 1
            indicators.append(draw(_indicator(str(counter))))
        criteria.append({"id": str(c + 1), "title": {"vi": f"Tiêu chí {c + 1}", "en": f"Criterion {c + 1}"},
                         "max_points": round(sum(i["max_points"] for i in indicators), 6), "indicators": indicators})
    total = round(sum(c["max_points"] for c in criteria), 6)
    return {
        "ruleset": {"id": "generated", "version": "2024-01-01", "title": {"vi": "Sinh tự động", "en": "Generated"},
                    "legal_basis": {"vi": "Không", "en": "None"}, "issued": "2024-01-01", "effective": "2024-01-01", "total_points": total},
        "classification": {"regions": REGIONS, "terrains": TERRAINS, "zoning": ZONING},
        "inputs": INPUTS,
        "criteria": criteria,
        "recognition": {"min_total_share": draw(st.sampled_from([0.5, 0.7, 0.8, 0.9])), "min_criterion_share": draw(st.sampled_from([0.5, 0.7, 0.3])),
                        "knockouts": draw(st.booleans()), "not_applicable": draw(st.sampled_from(["exclude", "award"]))},
    }


def build(tree: dict[str, Any]) -> Ruleset:
    return build_ruleset(tree)


def _numbers_in(node: Any, name: str, found: set[float]) -> None:
    """Every threshold the ruleset sets on input `name` (where values on and beside a threshold come from)."""
    if isinstance(node, dict):
        if node.get("input") == name:
            for level in node.get("levels", [node]):
                threshold = level.get("threshold")
                if isinstance(threshold, dict):
                    found.update(threshold["values"].values())
                elif isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
                    found.add(float(threshold))
        for value in node.values():
            _numbers_in(value, name, found)
    elif isinstance(node, list):
        for value in node:
            _numbers_in(value, name, found)


@st.composite
def _number(draw: st.DrawFn, tree: dict[str, Any], name: str) -> float | None:
    kind, low, high = NUMERIC[name]
    near: set[float] = set()
    _numbers_in(tree["criteria"], name, near)
    choices = sorted(near) or [low]
    pick = draw(st.integers(0, 5))
    if pick == 0:
        return None
    if pick <= 3:
        value = draw(st.sampled_from(choices)) + draw(st.sampled_from([0.0, 0.0, -0.1, 0.1, -1.0, 1.0]))
    else:
        value = draw(st.floats(low, high, allow_nan=False))
    value = min(max(value, low), high)
    return float(round(value)) if kind == "count" else value


@st.composite
def generated_communes(draw: st.DrawFn, tree: dict[str, Any]) -> chuanxa.CommuneData:
    """A commune for the generated ruleset `tree`: values on and beside its thresholds, some missing."""
    values: dict[str, Any] = {name: draw(_number(tree, name)) for name in NUMERIC}
    rate_thresholds: set[float] = set()
    _numbers_in(tree["criteria"], "rate", rate_thresholds)
    households = draw(st.one_of(st.none(), st.sampled_from([0.0, 8.0, 200.0, 400.0])))
    values["c2"] = households
    if households and draw(st.integers(0, 3)):
        share = draw(st.sampled_from(sorted(rate_thresholds) or [50.0])) / 100 if draw(st.booleans()) else draw(st.floats(0, 1))
        values["c1"] = float(min(400, round(households * share)))
    values["yn"] = draw(st.one_of(st.none(), st.booleans()))
    values["ch"] = draw(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])))
    for name in ("d1", "d2"):
        values[name] = draw(st.one_of(st.none(), st.sampled_from([dt.date(2024, 1, 15), dt.date(2024, 6, 30), dt.date(2024, 1, 15)])))
    assessed = {}
    for crit in tree["criteria"]:
        for ind in crit["indicators"]:
            if (ind["kind"] == "assessed" and draw(st.integers(0, 3))) or draw(st.integers(0, 9)) == 0:
                step = ind.get("step") or ind["max_points"]
                assessed[ind["id"]] = {"points": _points(step, draw(st.integers(0, round(ind["max_points"] / step))))}
    commune = {
        "code": "G1", "name": "Xã Sinh",
        "region": draw(st.one_of(st.sampled_from([r["id"] for r in REGIONS]), st.none())),
        "terrain": draw(st.sampled_from([t["id"] for t in TERRAINS])),
        "distance_km": draw(st.one_of(st.none(), st.sampled_from([2.0, 3.0, 5.0, 15.0]))),
        "difficult_terrain": draw(st.booleans()),
        "zone": draw(st.one_of(st.none(), st.none(), st.sampled_from([1, 2, 3]))),
    }
    return chuanxa.CommuneData.model_validate({"commune": commune, "values": {k: v for k, v in values.items() if v is not None}, "assessed": assessed})


def features(tree: dict[str, Any]) -> set[str]:
    """What a generated ruleset exercises, by name (the differential test checks a CI run saw every one)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "op" in node:
                found.add(f"op {node['op']}")
            if isinstance(node.get("threshold"), dict):
                found.add(f"table by {node['threshold']['by']}")
            if node.get("input") == "rate":
                found.add("derived input")
            for key in ("all", "any", "expr"):
                if key in node:
                    found.add(f"condition {key}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for crit in tree["criteria"]:
        for ind in crit["indicators"]:
            found.add(f"kind {ind['kind']}")
            if ind["kind"] == "threshold" and ind["input"] in ("yn", "ch"):
                found.add("threshold on a yes/no or choice input")
            points = [ind["max_points"], ind.get("step") or 0.0, *(level["points"] for level in ind.get("levels", []))]
            if any(round(p * 10) % 5 for p in points):
                found.add("points in tenths")  # steps such as 0.1 and 0.3: 0.3, 0.7… are not exact in binary
            if "applies_when" in ind:
                found.add("applicability")
            if ind.get("knockout"):
                found.add("knockout")
            walk(ind)
    return found


def commune_features(tree: dict[str, Any], commune: chuanxa.CommuneData) -> set[str]:
    """What a generated commune exercises: missing values, values exactly on a threshold."""
    found = {"missing value"} if any(name not in commune.values for name in NUMERIC) else set()
    for name in NUMERIC:
        near: set[float] = set()
        _numbers_in(tree["criteria"], name, near)
        if commune.values.get(name) in near:
            found.add("value on a threshold")
    return found


#: Everything a CI run of the differential test must have exercised.
FEATURES = frozenset({*(f"kind {k}" for k in ("threshold", "yes_no", "conditions", "assessed")), *(f"op {op}" for op in OPS),
                      "table by zone", "table by region", "derived input", "applicability", "knockout", "points in tenths",
                      "condition all", "condition any", "condition expr", "missing value", "value on a threshold",
                      "threshold on a yes/no or choice input"})


def fewest_steps(ruleset: Ruleset, data: chuanxa.CommuneData, most: float = math.inf) -> int | None | Literal[False]:
    """The fewest of the planner's options (at most one per indicator, each input set once) that make the commune
    recognised when the engine scores them, by trying every combination; None when none does, False when there are
    more than `most` combinations."""
    engine = chuanxa.compiled(ruleset)
    prepared = prepare(engine, data)
    lists = [(None, *c.options) for c in list_options(engine, engine.evaluate(data), prepared.env, CostModel(), derived=prepared.derived)]
    if math.prod(len(x) for x in lists) > most:
        return False
    best: int | None = None
    for combo in itertools.product(*lists):
        taken = [o for o in combo if o is not None]
        inputs = [o.input for o in taken if o.kind in ("value", "answer")]
        if len(inputs) != len(set(inputs)) or (best is not None and len(taken) >= best):
            continue
        try:
            after = engine.evaluate(apply_options(data, taken))
        except chuanxa.CommuneDataError:
            continue
        if after.verdict is chuanxa.Verdict.RECOGNISED:
            best = len(taken)
    return best
