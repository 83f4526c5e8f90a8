"""The search's pieces: the knapsack picks the documented cheapest choice (least cost, then the first in ruleset order)
over every combination; a commune's standing is the same from the column-wise arrays as from the per-commune engine;
options shared between communes are the options each commune would get on its own."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from benchmarks.generate import columns_to_communes, generate_columns
from chuanxa.engine.columnar import ColumnarEvaluator
from chuanxa.engine.prepare import prepare
from chuanxa.planning import CostModel
from chuanxa.planning.optimise import Need, solve
from chuanxa.planning.options import IndicatorChoices, Option, list_options
from chuanxa.planning.standing import of_columns, of_result

NATIONAL = "qd1300@2023-03-20"
ROOT = Path(__file__).parent.parent


@st.composite
def knapsacks(draw: st.DrawFn) -> tuple[list[IndicatorChoices], list[str], Need, dict[str, int]]:
    """Small instances with many ties: gains in halves, costs in few whole values, some indicators required."""
    choices, criteria, order = [], [], {}
    for c in range(draw(st.integers(1, 3))):
        criteria.append(f"C{c}")
        for _ in range(draw(st.integers(1, 3))):
            ident = str(len(order) + 1)
            order[ident] = len(order)
            options = tuple(Option(ident, f"C{c}", 0.0, draw(st.integers(1, 6)) / 2, "evidence", cost=(float(draw(st.integers(0, 3))), 1.0))
                            for _ in range(draw(st.integers(0, 3))))
            choices.append(IndicatorChoices(ident, f"C{c}", options, required=draw(st.integers(0, 4)) == 0))
    need = Need(criteria={c: draw(st.integers(0, 4)) / 2 for c in criteria}, total=draw(st.integers(0, 10)) / 2)
    return choices, criteria, need, order


def cheapest_by_enumeration(choices: list[IndicatorChoices], need: Need, order: dict[str, int]) -> Any:
    """Every combination (at most one option per indicator, one where required) that meets the need; the least rounded
    cost wins, then the sorted (position, points after) pairs that come first."""
    menus = [list(c.options) if c.required else [None, *c.options] for c in choices]
    best = None
    for combo in itertools.product(*menus):
        picked = [o for o in combo if o is not None]
        gains: dict[str, float] = {}
        for o in picked:
            gains[o.criterion] = gains.get(o.criterion, 0.0) + o.gain
        if any(gains.get(c, 0.0) < n for c, n in need.criteria.items()) or sum(gains.values()) < need.total:
            continue
        key = ((round(sum(o.cost[0] for o in picked), 9), round(sum(o.cost[1] for o in picked), 9)),
               tuple(sorted((order[o.indicator], o.points_after) for o in picked)))
        if best is None or key < best:
            best = key
    return best


@settings(max_examples=300, deadline=None)
@given(instance=knapsacks())
def test_the_knapsack_picks_the_least_cost_then_the_first_choice_in_ruleset_order(instance: Any) -> None:
    choices, criteria, need, order = instance
    found = solve(choices, criteria, need, order)
    expected = cheapest_by_enumeration(choices, need, order)
    if expected is None:
        assert found is None
        return
    assert found is not None
    got = ((round(found.cost[0], 9), round(found.cost[1], 9)), tuple(sorted((order[o.indicator], o.points_after) for o in found.options)))
    assert got == expected


def test_a_commune_stands_the_same_in_the_column_wise_arrays_as_in_its_own_result() -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, 120, seed=5), range(120))
    prepared = [prepare(engine, c) for c in communes]
    columnar = ColumnarEvaluator(engine)
    standings = of_columns(engine, columnar.evaluate(columnar.columns_from_prepared(prepared)), list(range(len(prepared))))
    for row, standing in zip(prepared, standings):
        expected = of_result(engine.evaluate_prepared(row))
        assert (standing.ruleset, standing.points, standing.minimum, standing.verdict, standing.criteria) == (
            expected.ruleset, expected.points, expected.minimum, expected.verdict, expected.criteria)
        assert [(j, tuple(s)) for j, s in standing.open] == [(j, (r.id, r.criterion, r.points, r.max, r.status, r.reason, r.knockout_failed))
                                                             for j, r in expected.open]
    assert any(s.open for s in standings)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), with_costs=st.booleans())
def test_options_shared_between_communes_are_those_each_commune_gets_alone(seed: int, with_costs: bool) -> None:
    engine = chuanxa.compiled(NATIONAL)
    communes = columns_to_communes(engine, generate_columns(engine, 40, seed=seed), range(40))
    model = CostModel.load(ROOT / "examples" / "costs.yaml") if with_costs else CostModel()
    memo: dict[Any, Any] = {}
    for data in communes:
        row = prepare(engine, data)
        before = engine.evaluate_prepared(row)
        alone = list_options(engine, before, row.env, model, derived=row.derived)
        assert list_options(engine, of_result(before), row.env, model, derived=row.derived, memo=memo) == alone
    assert memo  # some choices were shared
