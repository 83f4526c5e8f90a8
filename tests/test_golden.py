"""Golden cases: small readable data files under tests/golden/, one parametrised test, one id per case.

Each file names a ruleset and a base commune; each case changes a few fields (`values`, `commune`,
`assessed`; a value of null removes the field) and states what must come out.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import chuanxa
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


@pytest.mark.parametrize("spec,case", _cases())
def test_golden_case(spec: dict[str, Any], case: dict[str, Any]) -> None:
    folders = [FIXTURES / f for f in spec.get("fixtures", [])]
    registry = Registry(folders, include_bundled=True, use_env=False)
    engine = chuanxa.compiled(registry.load(spec["ruleset"]))
    result = engine.evaluate(chuanxa.CommuneData.model_validate(_apply(spec["base"], case)))
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
