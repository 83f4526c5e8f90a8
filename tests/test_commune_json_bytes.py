"""One commune's JSON (`chuanxa score FILE --format json`, `POST /api/v1/score`) written by orjson: the very text
`json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2)` gives, and the same values for any result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.errors import CommuneDataError
from chuanxa.outputs.jsonout import commune_json, dumps, encode_commune

sys.path.insert(0, str(Path(__file__).parent))
from generated import build, generated_communes, ruleset_trees  # noqa: E402

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("table", ["thieu_hoa_2024.csv", "gia_lai_2026.csv"])
def test_every_example_commune_gives_the_bytes_of_pydantic_and_json_dumps(table: str) -> None:
    batch = chuanxa.score_many(ROOT / "examples" / table)
    assert batch.results
    for result in batch.results:
        assert encode_commune(result).decode("utf-8") == dumps(commune_json(result)), result.commune.code


def test_the_single_example_file_too() -> None:
    result = chuanxa.score(ROOT / "examples" / "xa-thieu-giao.yaml")
    assert encode_commune(result).decode("utf-8") == dumps(commune_json(result))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_rulesets_and_communes_give_the_same_values(data: st.DataObject) -> None:
    tree = data.draw(ruleset_trees())
    engine = chuanxa.compiled(build(tree))
    for _ in range(4):
        try:
            result = engine.evaluate(data.draw(generated_communes(tree)))
        except CommuneDataError:
            continue
        assert json.loads(encode_commune(result)) == result.to_json_dict()
