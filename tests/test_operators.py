"""The operator table: each row is consistent with itself, and an operator added to it (the symbols "≥", "≤",
"≠" as the decisions print them) works on every engine with nothing else changed."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import chuanxa
from chuanxa.criteria.operators import OPERATORS
from chuanxa.engine.columnar import REASONS, STATUSES, VERDICTS

from generated import build
from test_engine_regressions import _commune, _indicator, _tree

VALUES = [-1.0, 0.0, 4.99, 5.0, 5.01, 6.0, 100.0]


@pytest.mark.parametrize("symbol", list(OPERATORS))
def test_each_operator_row_agrees_with_itself(symbol: str) -> None:
    op = OPERATORS[symbol]
    array = op.array(np.array(VALUES), np.full(len(VALUES), 5.0))
    assert array.tolist() == [op.scalar(v, 5.0) for v in VALUES]
    assert [OPERATORS[op.negation].scalar(v, 5.0) for v in VALUES] == [not op.scalar(v, 5.0) for v in VALUES]
    for unit, threshold in ((1.0, 5.5), (1.0, 5.0), (0.01, 5.0)):
        goal = op.reachable(threshold, unit)
        if goal is None:
            assert symbol == "==" and threshold == 5.5  # no count equals 5.5
            continue
        assert op.scalar(goal, threshold) and (unit != 1.0 or float(goal).is_integer())  # a count's goal is a whole number
        assert abs(goal - threshold) <= unit + 1e-9  # the nearest such value


def _pair(symbol: str, ascii_symbol: str) -> tuple[chuanxa.Ruleset, chuanxa.Ruleset]:
    tree = _tree([_indicator("1", kind="threshold", input="p1", op=symbol, max_points=2.0,
                             levels=[{"points": 2.0, "threshold": {"by": "zone", "values": {1: 95, 2: 90, 3: 80}}}, {"points": 1.0, "threshold": 70}]),
                  _indicator("2", kind="conditions", max_points=1.0, levels=[{"points": 1.0, "when": {"all": [{"input": "n1", "op": symbol, "threshold": 10}]}}])])
    plain = copy.deepcopy(tree)
    plain["criteria"][0]["indicators"][0]["op"] = ascii_symbol
    plain["criteria"][0]["indicators"][1]["levels"][0]["when"]["all"][0]["op"] = ascii_symbol
    return build(tree), build(plain)


@pytest.mark.parametrize("symbol,ascii_symbol", [("≥", ">="), ("≤", "<="), ("≠", "!=")])
def test_an_operator_as_printed_in_the_decision_scores_as_its_ascii_twin_on_every_engine(symbol: str, ascii_symbol: str) -> None:
    from chuanxa.engine.durable_engine import durable_available

    printed, plain = _pair(symbol, ascii_symbol)
    communes = [_commune({"p1": p1, "n1": n1}) for p1 in (60.0, 70.0, 89.9, 90.0, 95.0, None) for n1 in (9.0, 10.0, 11.0)]
    engines = ["core", "durable"] if durable_available() else ["core"]
    for engine in engines:
        got = [chuanxa.score(c, printed, engine=engine) for c in communes]
        want = [chuanxa.score(c, plain) for c in communes]
        assert [[(i.points, i.status, i.reason) for i in r.indicators] for r in got] == [[(i.points, i.status, i.reason) for i in r.indicators] for r in want]
        assert [r.verdict for r in got] == [r.verdict for r in want]
    evaluator = chuanxa.ColumnarEvaluator(chuanxa.compiled(printed))
    table = evaluator.evaluate(evaluator.columns_from_communes(communes))
    want = [chuanxa.score(c, plain) for c in communes]
    assert [[(float(table.points[n, j]), STATUSES[table.status[n, j]], REASONS[table.reason[n, j]]) for j in range(2)] for n in range(len(communes))] == \
        [[(i.points, i.status, i.reason) for i in r.indicators] for r in want]
    assert [VERDICTS[v] for v in table.verdict] == [r.verdict for r in want]


def test_the_planner_reaches_a_threshold_written_with_a_printed_operator() -> None:
    printed, _ = _pair("≥", ">=")
    path = chuanxa.plan(_commune({"p1": 85.0, "n1": 12.0}), printed)
    assert path.feasible and [(s.input, s.value_after, s.points_after) for s in path.steps] == [("p1", 90.0, 2.0)]


def test_an_operator_not_in_the_table_is_refused_when_the_ruleset_loads() -> None:
    tree = _tree([_indicator("1", kind="threshold", input="p1", op="=>", max_points=1.0, levels=[{"points": 1.0, "threshold": 90}])])
    with pytest.raises(chuanxa.RulesetError) as caught:
        build(tree)
    assert caught.value.location.path[-1] == "op"
    assert "'>='" in caught.value.message("en") and "'≥'" in caught.value.message("en")


def test_an_indicator_kind_is_registered_once_and_only_when_the_model_knows_it() -> None:
    from chuanxa.engine.kinds import KIND_PROTOCOL, KINDS, ThresholdKind, model_kinds, register_kind

    assert set(KINDS) == model_kinds() == {"threshold", "yes_no", "conditions", "assessed"}
    assert all(hasattr(cls, part) for cls in KINDS.values() for part in KIND_PROTOCOL)
    with pytest.raises(ValueError, match="declares kind 'threshold'"):
        register_kind("ratio", ThresholdKind)  # a kind is known by its declaration (tests/test_added_kind.py adds one)
    with pytest.raises(ValueError, match="unknown indicator kind 'ratio'"):
        register_kind("ratio", type("Ratio", (ThresholdKind,), {"model": dict}))
    with pytest.raises(ValueError, match="registered already"):
        register_kind("threshold", ThresholdKind)
    KINDS.pop("yes_no")
    try:
        with pytest.raises(ValueError, match="declares kind 'threshold'"):
            register_kind("yes_no", ThresholdKind)  # a class whose declaration is another kind's
    finally:
        from chuanxa.engine.kinds import YesNoKind

        register_kind("yes_no", YesNoKind)


def test_every_engine_dispatches_on_the_kind_class_not_on_its_name() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).parent.parent
    modules = ("engine/columnar.py", "engine/compiled.py", "engine/durable_engine.py", "engine/rules_text.py", "engine/recognition.py", "engine/summary.py",
               "engine/lowering.py", "planning/options.py", "planning/optimise.py", "criteria/checks.py", "communes/templates.py", "reports/model.py",
               "outputs/templates.py", "outputs/ruleset_view.py", "web/forms.py")
    for module in modules:
        text = (root / module).read_text(encoding="utf-8")
        assert not re.search(r"\bkind\s*(==|!=|in)\s*[\"'(]", text), module
        assert not re.search(r"isinstance\([^)]*(Threshold|YesNo|Conditions|Assessed)(Indicator|Kind)\b", text), module
