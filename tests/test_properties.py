"""Properties of scoring that must hold for any commune (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa import Status, Verdict
from chuanxa.criteria.model import Ruleset

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def value_for(spec: Any) -> st.SearchStrategy[Any]:
    """Any valid value of an input, or None (missing)."""
    low, high = spec.bounds()
    if spec.type == "yes_no":
        base: st.SearchStrategy[Any] = st.booleans()
    elif spec.type == "choice":
        base = st.sampled_from([c.id for c in spec.choices])
    elif spec.type == "count":
        base = st.integers(0, int(high) if high is not None else 5000).map(float)
    else:
        base = st.floats(low if low is not None else 0, high if high is not None else 1000, allow_nan=False)
    return st.one_of(st.none(), base)


@st.composite
def communes(draw: st.DrawFn, ruleset: Ruleset) -> chuanxa.CommuneData:
    values = {name: draw(value_for(spec)) for name, spec in ruleset.inputs.items() if not spec.derived}
    for spec in ruleset.inputs.values():  # keep a rate's parts consistent: households with X ≤ households
        if spec.expr and "/" in spec.expr:
            numerator, denominator = [part.strip() for part in spec.expr.split("*")[0].split("/")]
            if values.get(numerator) is not None and values.get(denominator) is not None:
                values[numerator] = float(int(values[denominator] * draw(st.floats(0, 1))))
    assessed = {}
    for ind in ruleset.indicators:
        if draw(st.booleans()) or ind.kind == "assessed" and draw(st.booleans()):
            step = getattr(ind, "step", None) or 0.5
            assessed[ind.id] = {"points": draw(st.integers(0, int(ind.max_points / step))) * step}
    commune = {
        "code": "X1", "name": "Xã Thử",
        "region": draw(st.sampled_from([r.id for r in ruleset.classification.regions])),
        "terrain": draw(st.sampled_from([t.id for t in ruleset.classification.terrains])),
        "distance_km": draw(st.one_of(st.none(), st.floats(0, 40, allow_nan=False))),
        "difficult_terrain": draw(st.booleans()),
        "zone": draw(st.one_of(st.none(), st.sampled_from([1, 2, 3]))),
    }
    return chuanxa.CommuneData.model_validate({"commune": commune, "values": {k: v for k, v in values.items() if v is not None}, "assessed": assessed})


def rulesets_under_test(mini: Ruleset) -> list[Ruleset]:
    found = [mini]
    for ref in chuanxa.registry().entries:
        found.append(chuanxa.load_ruleset(ref))
    return found


@SETTINGS
@given(data=st.data())
def test_points_stay_within_bounds_and_explanations_add_up(mini: Ruleset, data: st.DataObject) -> None:
    for ruleset in rulesets_under_test(mini):
        result = chuanxa.compiled(ruleset).evaluate(data.draw(communes(ruleset)))
        for ind in result.indicators:
            assert 0 <= ind.points <= ind.max
        for crit in result.criteria:
            assert abs(crit.points - sum(i.points for i in result.indicators if i.criterion == crit.id)) < 1e-6
            assert 0 <= crit.points <= crit.max + 1e-9
        assert abs(result.total.points - sum(c.points for c in result.criteria)) < 1e-6
        assert (result.verdict is Verdict.RECOGNISED) == (result.recognised is True)
        if result.missing_count:
            assert result.verdict is not Verdict.RECOGNISED


@SETTINGS
@given(data=st.data())
def test_raising_a_higher_is_better_value_never_lowers_points(mini: Ruleset, data: st.DataObject) -> None:
    for ruleset in rulesets_under_test(mini):
        engine = chuanxa.compiled(ruleset)
        commune = data.draw(communes(ruleset))
        before = engine.evaluate(commune)
        for ind in ruleset.indicators:
            if ind.kind != "threshold" or ind.op not in (">=", ">") or ruleset.inputs[ind.input].derived:
                continue
            spec = ruleset.inputs[ind.input]
            current = commune.values.get(ind.input)
            if current is None:
                continue
            high = spec.bounds()[1]
            step = data.draw(st.integers(0, 50)) if spec.type == "count" else data.draw(st.floats(0, 50))
            raised = min(float(current) + step, high if high is not None else float(current) + 50)
            after = engine.evaluate(commune.with_values(**{ind.input: raised}))
            assert after.indicator(ind.id).points >= before.indicator(ind.id).points


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_the_result_does_not_depend_on_the_order_of_values(mini: Ruleset, data: st.DataObject, seed: int) -> None:
    for ruleset in rulesets_under_test(mini):
        engine = chuanxa.compiled(ruleset)
        commune = data.draw(communes(ruleset))
        items = list(commune.values.items())
        random.Random(seed).shuffle(items)
        assessed = list(commune.assessed.items())
        random.Random(seed).shuffle(assessed)
        shuffled = commune.model_copy(update={"values": dict(items), "assessed": dict(assessed)})
        assert engine.evaluate(shuffled) == engine.evaluate(commune)


def best_commune(ruleset: Ruleset) -> chuanxa.CommuneData:
    """A commune built to meet every indicator of the ruleset at its best level."""
    values: dict[str, Any] = {}
    assessed: dict[str, Any] = {}
    for ind in ruleset.indicators:
        if ind.kind == "threshold":
            best = max(ind.levels, key=lambda lv: lv.points)
            threshold = best.threshold
            if hasattr(threshold, "values"):
                threshold = (max if ind.op in (">=", ">") else min)(threshold.values.values())
            spec = ruleset.inputs[ind.input]
            nudge = {">=": 0, ">": 0.01, "<=": 0, "<": -0.01, "==": 0}.get(ind.op, 0)
            target = threshold + nudge if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) else threshold
            if spec.derived:
                assessed[ind.id] = {"points": ind.max_points}
            else:
                values[ind.input] = target
        elif ind.kind == "yes_no":
            values[ind.input] = ind.expected
        else:
            assessed[ind.id] = {"points": ind.max_points}
    return chuanxa.CommuneData.model_validate({"commune": {"code": "B1", "name": "Xã Tốt", "region": ruleset.classification.regions[0].id,
                                                          "terrain": ruleset.classification.terrains[0].id, "distance_km": 4.0}, "values": values, "assessed": assessed})


def test_a_commune_generated_to_meet_every_indicator_is_recognised(mini: Ruleset) -> None:
    for ruleset in rulesets_under_test(mini):
        result = chuanxa.compiled(ruleset).evaluate(best_commune(ruleset))
        assert result.verdict is Verdict.RECOGNISED, (ruleset.ref, [chuanxa.reason_text(r, result).en for r in result.reasons])
        assert all(i.status in (Status.MET, Status.ASSESSED, Status.NOT_APPLICABLE) for i in result.indicators)
