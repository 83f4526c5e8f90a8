"""Rulesets survive a YAML round trip; tables give the same answers whatever their row and column order."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.criteria.registry import Registry
from chuanxa.planning import plan

from test_planning import communes_for, small_rulesets

ROOT = Path(__file__).parent.parent


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ruleset=small_rulesets())
def test_generated_rulesets_round_trip_through_yaml(tmp_path_factory, ruleset: chuanxa.Ruleset) -> None:
    folder = tmp_path_factory.mktemp("rt")
    text = yaml.safe_dump(ruleset.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)
    (folder / "gen.yaml").write_text(text, encoding="utf-8")
    loaded = Registry([folder], include_bundled=False, use_env=False).load("gen")
    assert loaded == ruleset


def test_every_bundled_ruleset_round_trips_through_its_resolved_yaml(tmp_path: Path) -> None:
    registry = Registry(use_env=False)
    for ref in registry.entries:
        ruleset = registry.load(ref)
        data = ruleset.model_dump(mode="json", exclude_none=True)
        data["ruleset"].pop("extends", None)  # the resolved form stands alone
        folder = tmp_path / ref.replace("@", "_")
        folder.mkdir()
        (folder / "r.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        again = Registry([folder], include_bundled=False, use_env=False).load(ref)
        assert again.model_dump(exclude={"ruleset": {"extends"}}) == ruleset.model_dump(exclude={"ruleset": {"extends"}})


def test_shuffling_rows_and_columns_of_a_table_changes_no_answer(tmp_path: Path) -> None:
    source = (ROOT / "examples" / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(source)))
    header, body = rows[0], rows[1:]
    rng = random.Random(20241124)
    order = list(range(len(header)))
    rng.shuffle(order)
    rng.shuffle(body)
    shuffled = tmp_path / "shuffled.csv"
    with open(shuffled, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header[i] for i in order])
        writer.writerows([[row[i] for i in order] for row in body])
    engine = chuanxa.compiled("qd1300@2023-03-20")
    original = {r.commune.code: r for r in chuanxa.score_many(ROOT / "examples" / "thieu_hoa_2024.csv", engine).results}
    again = {r.commune.code: r for r in chuanxa.score_many(shuffled, engine).results}
    assert original == again


@settings(max_examples=30, deadline=None)
@given(data=st.data(), seed=st.integers(0, 1000))
def test_shuffling_a_communes_values_never_changes_its_plan(data: st.DataObject, seed: int) -> None:
    ruleset = data.draw(small_rulesets())
    engine = chuanxa.compiled(ruleset)
    commune = data.draw(communes_for(ruleset))
    items = list(commune.values.items())
    random.Random(seed).shuffle(items)
    assert plan(commune, engine) == plan(commune.model_copy(update={"values": dict(items)}), engine)


def test_results_read_back_from_their_own_json() -> None:
    import json
    from pathlib import Path

    import chuanxa

    root = Path(__file__).parent.parent / "examples"
    result = chuanxa.score(root / "xa-thieu-giao.yaml")
    assert result.gaps, "the example has gaps, whose computed message must not block reading back"
    assert chuanxa.CommuneResult.model_validate_json(result.model_dump_json()) == result
    assert chuanxa.CommuneResult.model_validate(json.loads(json.dumps(result.to_json_dict()))) == result
    batch = chuanxa.score_many(root / "thieu_hoa_2024.csv")
    assert chuanxa.BatchResult.model_validate_json(batch.model_dump_json()) == batch
