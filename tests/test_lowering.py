"""The one intermediate form (`engine/lowering.py`): every indicator lowered to ordered levels of predicates over
the expression AST, compiled per commune and to NumPy, read by the durable engine and the planner."""

from __future__ import annotations

import numpy as np
import pytest

import chuanxa
from chuanxa.criteria.expressions import Compare, Lookup, Name
from chuanxa.criteria.model import ThresholdTable
from chuanxa.engine.columnar_expr import Vocabulary, compile_array_node
from chuanxa.engine.expr_eval import compile_node
from chuanxa.engine.lowering import STATUS_OF, node_names
from chuanxa.engine.results import Reason, Status

REFS = ("qd1300@2023-03-20", "qd4667@2014-11-07")


def test_every_reason_has_one_status_and_unknown_data_is_missing_data() -> None:
    assert set(STATUS_OF) == set(Reason)
    assert {r for r, s in STATUS_OF.items() if s is Status.MISSING_DATA} == {Reason.MISSING_VALUE, Reason.MISSING_CLASSIFICATION, Reason.NOT_ASSESSED}


@pytest.mark.parametrize("ref", REFS)
def test_every_bundled_indicator_is_lowered_with_its_levels_best_first_and_its_maximum_on_top(ref: str) -> None:
    engine = chuanxa.compiled(ref)
    kinds = set()
    for ci in engine.indicators:
        lowered = ci.lowered
        kinds.add(ci.model.kind)
        points = [level.points for level in lowered.levels]
        assert points == sorted(points, reverse=True)
        assert lowered.max_points == ci.model.max_points
        assert (points[0] == lowered.max_points) if points else ci.model.kind == "assessed"
        assert set(ci.reads) <= lowered.reads | set(ci.reads)  # the kind's reads are what its levels read
        assert lowered.reads >= set(getattr(ci.model, "input", None) and [ci.model.input] or [])
    assert {"threshold", "yes_no", "assessed"} <= kinds


def test_a_table_lookup_gives_the_same_value_per_commune_and_column_wise_and_is_unknown_without_its_key() -> None:
    vocab = Vocabulary()
    for region in ("trung_du", "dong_bang"):
        vocab.code(region)
    node = Compare(left=Name("rate"), ops=(">=",), comparators=(Lookup(by="region", values=(("trung_du", 80.0), ("dong_bang", 90.0))),))
    rows = [{"rate": 85.0, "region": "trung_du"}, {"rate": 85.0, "region": "dong_bang"}, {"rate": 85.0, "region": None}, {"rate": None, "region": "trung_du"}]
    scalar = [compile_node(node)(row) for row in rows]
    assert scalar == [True, False, None, None]
    cols = {"rate": np.array([85.0, 85.0, 85.0, np.nan]), "region": np.array([vocab.code("trung_du"), vocab.code("dong_bang"), np.nan, vocab.code("trung_du")])}
    arrays = compile_array_node(node, vocab)(cols, 4)
    assert arrays[:2].tolist() == [1.0, 0.0] and np.isnan(arrays[2:]).all()
    zone = Lookup(by="zone", values=(("1", 10.0), ("2", 20.0), ("3", 30.0)))
    assert [compile_node(zone)({"zone": z}) for z in (1, 3, None)] == [10.0, 30.0, None]
    assert compile_array_node(zone, vocab)({"zone": np.array([1.0, 3.0, np.nan])}, 3)[:2].tolist() == [10.0, 30.0]
    assert node_names(node) == {"rate", "region"}


def test_the_planner_reads_a_level_threshold_for_the_commune_from_the_intermediate_form() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    ci = next(ci for ci in engine.indicators if ci.model.id == "35")  # a threshold table by region
    level = ci.lowered.levels[-1]
    assert level.shown is not None and isinstance(level.shown.threshold, ThresholdTable) and level.shown.threshold.by == "region"
    for region, value in level.shown.threshold.values.items():
        target = ci.form.targets({"region": region}, 0.0)[0]
        assert (target.points, target.op, target.value) == (level.points, level.shown.op, value)
    assert ci.form.targets({"region": None}, 0.0)[0].value is None  # unknown region: no value to reach
    assert ci.form.targets({}, ci.model.max_points) == []  # nothing above the maximum


def test_the_durable_engine_decides_every_bundled_example_as_the_per_commune_engine() -> None:
    pytest.importorskip("durable.lang")
    from pathlib import Path

    from chuanxa.communes.readers import read_commune_file
    from chuanxa.engine.durable_engine import DurableEngine

    example = read_commune_file(Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml")
    engine = chuanxa.compiled("qd1300@2023-03-20")
    core, durable = engine.evaluate(example), DurableEngine(engine).evaluate(example)
    assert [(i.id, i.points, i.status, i.reason, i.threshold) for i in durable.indicators] == [(i.id, i.points, i.status, i.reason, i.threshold) for i in core.indicators]


@pytest.mark.parametrize("ref", REFS)
def test_the_one_closure_for_input_versus_threshold_levels_decides_as_the_tree_by_tree_form(ref: str) -> None:
    engine = chuanxa.compiled(ref)
    checked = 0
    for ci in engine.indicators:
        name = getattr(ci.model, "input", None)
        if name is None:
            continue
        for value in (None, -1.0, 0.0, 49.99, 50.0, 80.0, 95.0, 100.0, True, False):
            for attrs in ({}, {"zone": 1}, {"zone": 3}, {"region": "trung_du_mien_nui_phia_bac"}, {"region": None}):
                env = {name: value, **attrs}
                try:
                    expected = ci.form.general_levels(env)
                except TypeError:
                    continue  # a number against a yes/no input: never given by `prepare`
                assert ci.form.decide_levels(env) == expected, (ci.model.id, env)
                checked += 1
    assert checked > 100
