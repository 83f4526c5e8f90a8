"""Golden cases: the test cases that ship beside the rulesets (`rulesets/*.cases.yaml`, and the small test
ruleset's under tests/fixtures/rulesets/), run by the same runner as `chuanxa rulesets test`, one test id
per case, through every engine (per commune, column-wise and durable-rules).

Each file names a ruleset and a base commune; each case changes a few fields (`values`, `commune`,
`assessed`; a value of null removes the field) and states what must come out.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import chuanxa
import chuanxa.api
from chuanxa.authoring.case_text import outcome_lines
from chuanxa.authoring.cases import base_data, cases_next_to, default_ruleset_ref, load_cases, run_case
from chuanxa.criteria.registry import Registry

BUNDLED = Path(str(resources.files("chuanxa.rulesets")))
FIXTURES = Path(__file__).parent / "fixtures" / "rulesets"
CASE_FILES = cases_next_to(BUNDLED) + cases_next_to(FIXTURES)
REGISTRY = Registry([FIXTURES], include_bundled=True, use_env=False)


def _cases() -> list[Any]:
    found = []
    for path in CASE_FILES:
        spec, tree = load_cases(path)
        for index, case in enumerate(spec.cases):
            found.append(pytest.param(path, spec, case, tree["cases"].lines[index][1], id=f"{path.name.removesuffix('.cases.yaml')}::{case.name}"))
    return found


def _engines() -> list[str]:
    from chuanxa.engine.durable_engine import durable_available

    return ["core", "column-wise"] + (["durable"] if durable_available() else [])


def _column_wise(engine: chuanxa.CompiledRuleset, commune: chuanxa.CommuneData) -> chuanxa.CommuneResult:
    """The column-wise evaluator's answer, checked against the per-commune one and returned as it (the
    column-wise evaluator builds no explanations; its points, statuses, reasons, criteria and verdict must match)."""
    from chuanxa.engine.columnar import REASONS, STATUSES, VERDICTS, ColumnarEvaluator

    full = engine.evaluate(commune)
    evaluator: ColumnarEvaluator = chuanxa.api.columnar(engine)
    table = evaluator.evaluate(evaluator.columns_from_communes([commune]))
    got = [(i.id, float(table.points[0, j]), STATUSES[table.status[0, j]], REASONS[table.reason[0, j]]) for j, i in enumerate(full.indicators)]
    assert got == [(i.id, i.points, i.status, i.reason) for i in full.indicators]
    assert table.criterion_points[0].tolist() == [c.points for c in full.criteria] and table.floor_met[0].tolist() == [c.floor_met for c in full.criteria]
    assert VERDICTS[table.verdict[0]] is full.verdict and float(table.total[0]) == full.total.points
    return full


def _durable(engine: chuanxa.CompiledRuleset, commune: chuanxa.CommuneData) -> chuanxa.CommuneResult:
    return chuanxa.evaluator(engine, "durable")(commune)


EVALUATE = {"core": None, "column-wise": _column_wise, "durable": _durable}


def test_every_bundled_ruleset_with_golden_cases_ships_them_beside_it() -> None:
    assert {p.name for p in cases_next_to(BUNDLED)} == {f"{e.path.stem}.cases.yaml" for e in REGISTRY.entries.values() if e.bundled}


@pytest.mark.parametrize("engine_name", _engines())
@pytest.mark.parametrize("path,spec,case,line", _cases())
def test_golden_case(path: Path, spec: Any, case: Any, line: int, engine_name: str) -> None:
    outcome = run_case(case, base_data(spec.base, path), spec.ruleset or default_ruleset_ref(path), REGISTRY, str(path), line, evaluate=EVALUATE[engine_name])
    assert outcome.error is None and outcome.passed, "\n".join(outcome_lines(outcome, "en"))
