"""The durable-rules engine agrees with the core engine, indicator by indicator."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.cli.main import main

from test_properties import communes, rulesets_under_test

pytest.importorskip("durable.lang", reason="durable-rules is an optional extra: pip install 'chuanxa[durable]'")

from chuanxa.engine.durable_engine import DurableEngine  # noqa: E402


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_both_engines_agree_on_every_indicator_criterion_and_verdict(mini: chuanxa.Ruleset, data: st.DataObject) -> None:
    for ruleset in rulesets_under_test(mini):
        core = chuanxa.compiled(ruleset)
        durable = DurableEngine(core)
        commune = data.draw(communes(ruleset))
        a, b = core.evaluate(commune), durable.evaluate(commune)
        for x, y in zip(a.indicators, b.indicators):
            assert (x.id, x.points, x.status, x.reason) == (y.id, y.points, y.status, y.reason)
        assert [c.points for c in a.criteria] == [c.points for c in b.criteria]
        assert a.verdict is b.verdict
        assert a == b  # explanations and gaps too


def test_two_versions_load_side_by_side_and_a_version_registers_once() -> None:
    old = DurableEngine(chuanxa.compiled("qd1300@2023-03-09"))
    new = DurableEngine(chuanxa.compiled("qd1300@2023-03-20"))
    again = DurableEngine(chuanxa.compiled("qd1300@2023-03-20"))
    assert old.name != new.name == again.name
    commune = chuanxa.CommuneData.model_validate({"commune": {"code": "1", "name": "X", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4},
                                                  "values": {"stunting_rate_under5": 10}})
    assert old.evaluate(commune).indicator(35).points == 0  # as published: "≥ 16.5"
    assert new.evaluate(commune).indicator(35).points == 2  # corrected by 1453: "≤ 16.5"


def test_score_with_the_durable_engine_from_the_cli(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    assert main(["score", "examples/xa-thieu-giao.yaml", "--engine", "durable", "--format", "json"]) == 0
    durable = json.loads(capsys.readouterr().out)
    assert main(["score", "examples/xa-thieu-giao.yaml", "--format", "json"]) == 0
    core = json.loads(capsys.readouterr().out)
    assert durable == core  # every indicator, criterion, reason and gap, as the core engine gives them
    assert durable["total"]["points"] == chuanxa.score("examples/xa-thieu-giao.yaml").total.points


def test_the_library_scores_on_durable_rules_when_asked() -> None:
    from pathlib import Path

    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    core, durable = chuanxa.score(example), chuanxa.score(example, engine="durable")
    assert [(i.id, i.points, i.status) for i in durable.indicators] == [(i.id, i.points, i.status) for i in core.indicators]
    assert durable.verdict is core.verdict
    table = Path(__file__).parent.parent / "examples" / "thieu_hoa_2024.csv"
    assert [r.summary() for r in chuanxa.score_many(table, engine="durable").results] == [r.summary() for r in chuanxa.score_many(table).results]
