"""The per-commune engine shares immutable records between communes (by outcome and the values read, see
`CompiledIndicator.keep` and `engine/gaps.py`): sharing must never change an answer. Each commune's JSON is the same
whatever the communes scored before it, a shared record cannot be changed through another commune, and a zero keeps
its sign."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import chuanxa
from chuanxa.communes.readers import read_commune_file
from chuanxa.engine.compiled import compile_ruleset

sys.path.insert(0, str(Path(__file__).parent.parent))
from benchmarks.generate import columns_to_communes, generate_columns  # noqa: E402

REF = "qd1300@2023-03-20"


def _fresh() -> chuanxa.CompiledRuleset:
    return compile_ruleset(chuanxa.compiled(REF).ruleset)  # no record shared yet


def test_every_commune_gets_the_answer_of_an_engine_that_scored_the_communes_in_the_other_order() -> None:
    engine = _fresh()
    communes = columns_to_communes(engine, generate_columns(engine, 400, seed=21), range(400))
    forward = [engine.evaluate(c).model_dump_json() for c in communes + communes]  # the second pass reads shared records
    other = _fresh()
    backward = [other.evaluate(c).model_dump_json() for c in reversed(communes)][::-1]
    assert forward[:400] == backward
    assert forward[400:] == backward


def test_a_record_shared_between_communes_cannot_be_changed_through_one_of_them() -> None:
    engine = _fresh()
    base = read_commune_file(Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml").model_dump()
    first = engine.evaluate(chuanxa.CommuneData.model_validate(base))
    base["commune"]["code"] = "other"
    second = engine.evaluate(chuanxa.CommuneData.model_validate(base))
    shared = [a for a, b in zip(first.indicators, second.indicators) if a is b and a.values]
    assert shared  # records with values read are shared…
    with pytest.raises(TypeError):
        shared[0].values[next(iter(shared[0].values))] = 0.0  # …and read-only


@pytest.mark.parametrize("first, then", [(0.0, -0.0), (-0.0, 0.0)])
def test_a_zero_keeps_its_sign_after_the_other_zero_was_scored(first: float, then: float) -> None:
    engine = _fresh()
    commune = columns_to_communes(engine, generate_columns(engine, 1, seed=2), range(1))[0].model_dump()
    for value in (first, then):
        commune["values"]["health_insurance_rate"] = value
        result = engine.evaluate(chuanxa.CommuneData.model_validate(commune))
    record = next(i for i in result.indicators if "health_insurance_rate" in i.values)
    assert math.copysign(1.0, record.values["health_insurance_rate"]) == math.copysign(1.0, then)
    gap = next(g for g in result.gaps if g.input == "health_insurance_rate")
    assert math.copysign(1.0, gap.value) == math.copysign(1.0, then)
