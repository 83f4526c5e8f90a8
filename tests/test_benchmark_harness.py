"""The benchmark refuses to time an engine whose answers differ (checked here on small data, no timing)."""

from __future__ import annotations

import chuanxa
from benchmarks.generate import columns_to_communes, generate_columns
from benchmarks.run import EngineRun, check_agreement, reference_answers, timed


def test_an_engine_with_a_wrong_answer_gets_no_timing() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    communes = columns_to_communes(engine, generate_columns(engine, 20, seed=3), range(20))
    reference = reference_answers(engine, communes)
    wrong = [(list(points), verdict) for points, verdict in reference]
    wrong[5] = ([(points + 1, status) if j == 3 else (points, status) for j, (points, status) in enumerate(wrong[5][0])], wrong[5][1])
    measured: list[str] = []
    run = EngineRun("deliberately wrong")
    timed(run, lambda: wrong, reference, lambda r: measured.append(r.name))
    assert not run.agreed and measured == []
    assert "commune 5, indicator position 3" in run.why


def test_an_engine_with_equal_answers_is_timed() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    communes = columns_to_communes(engine, generate_columns(engine, 10, seed=4), range(10))
    reference = reference_answers(engine, communes)
    measured: list[str] = []
    run = EngineRun("same")
    timed(run, lambda: reference, reference, lambda r: measured.append(r.name))
    assert run.agreed and measured == ["same"]
    assert check_agreement(reference, reference) == ""


def test_every_peer_translation_agrees_with_chuanxa_on_a_small_sample() -> None:
    import pytest

    from benchmarks.peers import rule_engine_peer, zen_peer
    from benchmarks.peers.rows import aggregate, decision_rows, peer_input

    engine = chuanxa.compiled("qd1300@2023-03-20")
    communes = columns_to_communes(engine, generate_columns(engine, 40, seed=5), range(40))
    reference = reference_answers(engine, communes)
    rows = decision_rows(engine)
    inputs = [peer_input(engine, c) for c in communes]
    for module in (zen_peer, rule_engine_peer):
        try:
            peer = module.Engine(rows)
        except ImportError:
            pytest.skip(f"{module.NAME} is not installed")
        answers = [aggregate(engine, peer.decide(env), assessed) for env, assessed in inputs]
        assert check_agreement(answers, reference) == "", module.NAME


def test_generated_communes_hold_decimals_as_an_officer_types_them() -> None:
    from benchmarks.tables import generated_communes

    decimals = [v for data in generated_communes(60) for v in data.values.values() if isinstance(v, float) and not v.is_integer()]
    assert decimals and all(len(repr(v).split(".")[1]) <= 2 for v in decimals), [v for v in decimals if len(repr(v)) > 8][:3]
