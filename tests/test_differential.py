"""Differential test: every engine gives the same answer on generated rulesets.

For each generated ruleset (see `generated.py`) and its generated communes, the per-commune engine, the
column-wise evaluator, the durable-rules engine and the planner must agree: on every indicator's points,
status and reason, on every criterion and on the verdict; a commune the per-commune engine refuses (a derived
rate beyond its bounds) is flagged by the column-wise evaluator too; every improvement the planner offers
reaches, when applied alone, exactly the points it promises; and a plan the planner's own arithmetic (floors and
shares) calls feasible makes the commune recognised when the engine scores it.

CI runs `RULESETS` generated rulesets of `COMMUNES` communes each (50 × 40 = 2,000 communes, about a minute).
A larger run for maintainers (nightly, or before a release):

    CHUANXA_DIFF_RULESETS=1000 CHUANXA_DIFF_COMMUNES=200 python -m pytest tests/test_differential.py -q
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.engine.columnar import REASONS, STATUSES, VERDICTS, ColumnarEvaluator
from chuanxa.engine.prepare import prepare
from chuanxa.errors import CommuneDataError
from chuanxa.planning.costs import CostModel
from chuanxa.planning.groups import shared_inputs
from chuanxa.planning.options import list_options
from chuanxa.planning.plan import apply_options

from generated import FEATURES, build, commune_features, features, fewest_steps, generated_communes, ruleset_trees

RULESETS = int(os.environ.get("CHUANXA_DIFF_RULESETS", "50"))
COMMUNES = int(os.environ.get("CHUANXA_DIFF_COMMUNES", "40"))
PLANNED = 6  # communes per ruleset whose every planning option is applied and re-scored

try:
    from chuanxa.engine.durable_engine import DurableEngine, durable_available
except ImportError:  # pragma: no cover - the module itself imports durable lazily
    durable_available = lambda: False  # noqa: E731
SEEN: dict[str, Any] = {"rulesets": 0, "communes": 0, "refused": 0, "options": 0, "plans": 0, "feasible plans": 0, "feasible plans over a shared input": 0, "plans checked against every combination": 0, "features": set()}


def _key(result: chuanxa.CommuneResult) -> list[tuple[Any, ...]]:
    return [(i.id, i.points, i.status, i.reason) for i in result.indicators]


def _column_wise(evaluator: ColumnarEvaluator, scored: list[tuple[chuanxa.CommuneData, chuanxa.CommuneResult]]) -> None:
    table = evaluator.evaluate(evaluator.columns_from_prepared([prepare(evaluator.engine, data) for data, _ in scored]))
    assert not table.out_of_bounds.any()
    for row, (data, expected) in enumerate(scored):
        got = [(i.id, float(table.points[row, j]), STATUSES[table.status[row, j]], REASONS[table.reason[row, j]]) for j, i in enumerate(expected.indicators)]
        assert got == _key(expected), data
        assert table.criterion_points[row].tolist() == [c.points for c in expected.criteria]
        assert table.floor_met[row].tolist() == [c.floor_met for c in expected.criteria]
        assert (float(table.total[row]), float(table.total_max[row])) == (expected.total.points, expected.total.max)
        assert VERDICTS[table.verdict[row]] is expected.verdict, data
        assert bool(table.provisional_decides[row]) == expected.provisional_decides


def _refused_column_wise(evaluator: ColumnarEvaluator, refused: list[chuanxa.CommuneData]) -> None:
    """Rows the per-commune engine refuses for a derived value beyond its bounds are flagged column-wise."""
    valid = [data.model_copy(update={"values": {k: v for k, v in data.values.items() if k != "c1"}}) for data in refused]
    columns = evaluator.columns_from_prepared([prepare(evaluator.engine, data) for data in valid])
    columns["c1"] = np.array([float(data.values["c1"]) for data in refused])
    assert evaluator.evaluate(columns).out_of_bounds.all()


def _planner(engine: chuanxa.CompiledRuleset, data: chuanxa.CommuneData, result: chuanxa.CommuneResult) -> None:
    """Each option the planner lists, applied on its own, gives the indicator exactly the points it promises."""
    prepared = prepare(engine, data)
    for choices in list_options(engine, result, prepared.env, CostModel(), derived=prepared.derived):
        for option in choices.options:
            after = engine.evaluate(apply_options(data, [option]))
            SEEN["options"] += 1
            assert after.indicator(option.indicator).points == option.points_after, (option, data)


def _plan_reaches_what_the_planner_computed(ruleset: chuanxa.Ruleset, data: chuanxa.CommuneData) -> None:
    """The planner's own evaluation (the points each criterion and the total still need, from the floors and the
    recognition shares) agrees with the engine: a plan it calls feasible makes the commune recognised when scored."""
    found = chuanxa.plan(data, ruleset)
    SEEN["plans"] += 1
    if found.feasible:
        SEEN["feasible plans"] += 1
        shared = shared_inputs(chuanxa.compiled(ruleset))  # inputs read by several indicators: planned as one group
        SEEN["feasible plans over a shared input"] += any(step.input in shared for step in found.steps)
        assert found.verdict_after is chuanxa.Verdict.RECOGNISED, (found, data)
    fewest = fewest_steps(ruleset, data, most=512)
    if fewest is not False:  # few enough combinations to try them all: a plan found is as short as the best of them
        SEEN["plans checked against every combination"] += 1
        # the planner finds a plan exactly when one exists (cf. test_planner_known_defects.py, defect 3), as short as the best
        assert found.feasible is (fewest is not None), (found.blockers, fewest, data)
        if found.feasible:
            assert len(found.steps) == fewest, (found, fewest, data)


@settings(max_examples=RULESETS, deadline=None, derandomize=False, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_engine_agrees_on_generated_rulesets(data: st.DataObject) -> None:
    tree = data.draw(ruleset_trees())
    _compare_engines(tree, (data.draw(generated_communes(tree)) for _ in range(COMMUNES)))


def _compare_engines(tree: dict[str, Any], communes: Iterable[chuanxa.CommuneData]) -> None:
    """Every engine on one generated ruleset and its communes (see the module docstring), counted in `SEEN`."""
    ruleset = build(tree)
    engine = chuanxa.compiled(ruleset)
    durable = DurableEngine(engine) if durable_available() else None
    scored: list[tuple[chuanxa.CommuneData, chuanxa.CommuneResult]] = []
    refused: list[chuanxa.CommuneData] = []
    SEEN["features"] |= features(tree)
    for index, commune in enumerate(communes):
        SEEN["features"] |= commune_features(tree, commune)
        try:
            expected = engine.evaluate(commune)
        except CommuneDataError as exc:
            assert exc.key == "data.derived_out_of_bounds"
            refused.append(commune)
            if durable is not None:
                with pytest.raises(CommuneDataError):
                    durable.evaluate(commune)
            continue
        scored.append((commune, expected))
        assert expected.summary() == chuanxa.score(commune, ruleset).summary()
        if durable is not None:
            assert durable.evaluate(commune) == expected  # indicators, criteria, verdict, explanations and gaps
        if index < PLANNED and expected.verdict is not chuanxa.Verdict.RECOGNISED:
            _planner(engine, commune, expected)
            _plan_reaches_what_the_planner_computed(ruleset, commune)
    evaluator = ColumnarEvaluator(engine)
    if scored:
        _column_wise(evaluator, scored)
    if refused:
        _refused_column_wise(evaluator, refused)
    SEEN["rulesets"] += 1
    SEEN["communes"] += len(scored) + len(refused)
    SEEN["refused"] += len(refused)


def test_the_differential_run_covered_enough(request: pytest.FixtureRequest) -> None:
    """Runs after the property above (same module, file order): it really scored what the docstring promises."""
    if SEEN["rulesets"] == 0:
        pytest.skip("the differential test did not run in this session (selected on its own?)")
    print(f"\ndifferential run: {({k: v for k, v in SEEN.items() if k != 'features'})}, {len(SEEN['features'])} features")
    assert SEEN["rulesets"] >= min(RULESETS, 50)
    assert SEEN["communes"] >= min(RULESETS * COMMUNES, 2000)
    assert SEEN["refused"] > 0 and SEEN["options"] > 0 and SEEN["feasible plans"] > 0 and SEEN["feasible plans over a shared input"] > 0
    # every kind and operator, tables by zone and region, derived inputs, applicability, knock-outs, points in tenths,
    # missing values and values on a threshold were in the generated rulesets and communes the engines compared.
    # Hypothesis does not draw uniformly: about one run in fifteen missed one of the nine operators, which is then
    # compared on every engine in a ruleset written for it (a threshold by zone and a condition with that operator).
    for feature in sorted(FEATURES - SEEN["features"]):
        if feature.startswith("op "):
            _compare_engines(*_operator_case(feature.removeprefix("op ")))
    assert FEATURES <= SEEN["features"], sorted(FEATURES - SEEN["features"])


def _operator_case(op: str) -> tuple[dict[str, Any], list[chuanxa.CommuneData]]:
    """A generated-style ruleset using `op` in a threshold by zone and in a condition, and communes on, beside and
    without each threshold (the operator's share of a differential run, when hypothesis did not draw it)."""
    tree = ruleset_trees_example()
    tree["criteria"] = [{"id": "1", "title": {"vi": "Một", "en": "One"}, "max_points": 3.0, "indicators": [
        {"id": "1", "title": {"vi": "1", "en": "1"}, "kind": "threshold", "max_points": 2.0, "source": "generated", "provisional": False,
         "input": "p1", "op": op, "levels": [{"points": 2.0, "threshold": {"by": "zone", "values": {"1": 90.0, "2": 80.0, "3": 70.0}}},
                                             {"points": 0.7, "threshold": 50.0}]},
        {"id": "2", "title": {"vi": "2", "en": "2"}, "kind": "conditions", "max_points": 1.0, "source": "generated", "provisional": False,
         "levels": [{"points": 1.0, "when": {"all": [{"input": "n1", "op": op, "threshold": 10.0}, {"input": "yn", "op": "==", "threshold": True}]}}]}]}]
    tree["ruleset"]["total_points"] = 3.0
    communes = [chuanxa.CommuneData.model_validate({"commune": {"code": "G1", "name": "Xã Sinh", "terrain": "dong_bang", "distance_km": distance,
                                                                "region": "tay_nguyen"},
                                                    "values": {k: v for k, v in (("p1", p1), ("n1", n1), ("yn", True)) if v is not None}})
                for distance in (2.0, 15.0) for p1 in (49.9, 50.0, 79.9, 80.0, 90.0, None) for n1 in (9.9, 10.0, 10.1, None)]
    return tree, communes


def ruleset_trees_example() -> dict[str, Any]:
    """The fixed parts of a generated ruleset (header, classification, inputs, recognition)."""
    from generated import INPUTS, REGIONS, TERRAINS, ZONING

    return {"ruleset": {"id": "generated", "version": "2024-01-01", "title": {"vi": "Sinh tự động", "en": "Generated"},
                        "legal_basis": {"vi": "Không", "en": "None"}, "issued": "2024-01-01", "effective": "2024-01-01", "total_points": 1.0},
            "classification": {"regions": REGIONS, "terrains": TERRAINS, "zoning": ZONING}, "inputs": INPUTS,
            "recognition": {"min_total_share": 0.7, "min_criterion_share": 0.5}}
