"""Golden cases: small readable data files under tests/golden/, one parametrised test, one id per case.

Each file names a ruleset and a base commune; each case changes a few fields (`values`, `commune`,
`assessed`; a value of null removes the field) and states what must come out.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

import chuanxa
import chuanxa.api
from chuanxa.criteria.registry import Registry

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures"


def _cases() -> list[Any]:
    found = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            found.append(pytest.param(spec, case, id=f"{path.stem}::{case['name']}"))
    return found


def _apply(base: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for section in ("commune", "values", "assessed"):
        for key, value in (case.get(section) or {}).items():
            if value is None:
                data.setdefault(section, {}).pop(str(key), None)
                data.setdefault(section, {}).pop(key, None)
            else:
                data.setdefault(section, {})[key] = value
    return data


@functools.cache
def _engine(fixtures: tuple[str, ...], ref: str) -> chuanxa.CompiledRuleset:
    registry = Registry([FIXTURES / f for f in fixtures], include_bundled=True, use_env=False)
    return chuanxa.compiled(registry.load(ref))


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


@pytest.mark.parametrize("engine_name", _engines())
@pytest.mark.parametrize("spec,case", _cases())
def test_golden_case(spec: dict[str, Any], case: dict[str, Any], engine_name: str) -> None:
    engine = _engine(tuple(spec.get("fixtures", [])), spec["ruleset"])
    commune = chuanxa.CommuneData.model_validate(_apply(spec["base"], case))
    if engine_name == "core":
        result = engine.evaluate(commune)
    elif engine_name == "durable":
        result = chuanxa.evaluator(engine, "durable")(commune)
    else:
        result = _column_wise(engine, commune)
    expect = case["expect"]
    for ind_id, wanted in (expect.get("indicators") or {}).items():
        got = result.indicator(ind_id)
        for field, value in wanted.items():
            actual = getattr(got, field)
            actual = getattr(actual, "value", actual)
            if field == "threshold":
                actual = got.threshold.value if got.threshold else None
            assert actual == value, f"indicator {ind_id}.{field}: {actual!r} != {value!r}"
    for crit_id, wanted in (expect.get("criteria") or {}).items():
        got = result.criterion(crit_id)
        for field, value in wanted.items():
            assert getattr(got, field) == value, f"criterion {crit_id}.{field}"
    if "verdict" in expect:
        assert result.verdict.value == expect["verdict"], [r.message.en for r in result.reasons]
    if "total" in expect:
        assert result.total.points == expect["total"]
    if "zone" in expect:
        assert result.zone == expect["zone"]
    if "reasons" in expect:
        assert [r.code.value for r in result.reasons] == expect["reasons"]
