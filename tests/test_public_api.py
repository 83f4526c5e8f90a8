"""`import chuanxa` is the one public import: every exported name resolves, and the planning, monitoring and
report functions are reachable from it."""

from __future__ import annotations

from pathlib import Path

import chuanxa

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_every_exported_name_resolves() -> None:
    for name in chuanxa.__all__:
        assert getattr(chuanxa, name) is not None, name
    assert {"score", "score_many", "summarise_many", "simulate", "plan", "plan_targets", "merge_communes", "Watcher", "render_report"} <= set(chuanxa.__all__)


def test_planning_is_reachable_from_the_top_level() -> None:
    commune = EXAMPLES / "xa-thieu-giao.yaml"
    simulation = chuanxa.simulate(commune, {"health_insurance_rate": 95})
    assert simulation.before.verdict is not simulation.after.verdict
    found = chuanxa.plan(commune, costs=chuanxa.CostModel.load(EXAMPLES / "costs.yaml"))
    assert found.feasible and found.steps and found.verdict_after is chuanxa.Verdict.RECOGNISED
