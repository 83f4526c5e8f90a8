"""Code outside the recognition rule reads the rule's answers instead of working a piece of the rule out again
(issue 14: one source of truth per scoring rule). Each test here failed while a consumer had its own copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.engine.prepare import prepare
from chuanxa.errors import CommuneDataError
from chuanxa.planning.costs import CostModel
from chuanxa.planning.options import list_options
from chuanxa.reports.model import build_report

from generated import INPUTS, REGIONS, TERRAINS, ZONING, build, generated_communes, ruleset_trees


def _indicator(ident: str, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "title": {"vi": ident, "en": ident}, "source": "test", "provisional": False, **fields}


def _tree(criteria: list[list[dict[str, Any]]], **recognition: Any) -> dict[str, Any]:
    tops = [round(sum(i["max_points"] for i in inds), 6) for inds in criteria]
    return {
        "ruleset": {"id": "consumers", "version": "2024-01-01", "title": {"vi": "Thử", "en": "Test"}, "legal_basis": {"vi": "Không", "en": "None"},
                    "issued": "2024-01-01", "effective": "2024-01-01", "total_points": round(sum(tops), 6)},
        "classification": {"regions": REGIONS, "terrains": TERRAINS, "zoning": ZONING},
        "inputs": INPUTS,
        "criteria": [{"id": str(n + 1), "title": {"vi": f"TC {n + 1}", "en": f"C {n + 1}"}, "max_points": top, "indicators": inds}
                     for n, (inds, top) in enumerate(zip(criteria, tops))],
        "recognition": {"min_total_share": 0.5, "min_criterion_share": 0.5, **recognition},
    }


def _commune(**values: Any) -> chuanxa.CommuneData:
    return chuanxa.CommuneData.model_validate({"commune": {"code": "K1", "name": "Xã Thử", "terrain": "dong_bang", "distance_km": 4}, "values": values})


def _knockout_ruleset(knockouts: bool) -> chuanxa.Ruleset:
    return build(_tree([[_indicator("ko", kind="yes_no", max_points=1, input="yn", expected=True, knockout=True),
                         _indicator("rate", kind="threshold", max_points=2, input="p1", op=">=", levels=[{"points": 2, "threshold": 50}])]],
                       knockouts=knockouts))


def test_with_knock_outs_turned_off_no_indicator_fails_as_one_on_any_engine_nor_in_the_gaps() -> None:
    """`recognition.knockouts: false`: the commune below a knock-out's need is recognised, and nothing says the
    knock-out failed (indicator mark, `knockouts_failed` per commune and column-wise) or that its gap blocks a
    knock-out. With knock-outs on, the same commune has all of these (so the test reads real marks)."""
    failing = _commune(yn=False, p1=60.0)
    for knockouts in (True, False):
        ruleset = _knockout_ruleset(knockouts)
        result = chuanxa.score(failing, ruleset)
        table = chuanxa.summarise_many([failing] * 40, ruleset, column_wise=True)
        gap = next(g for g in result.gaps if g.indicator == "ko")
        marked = (result.indicators[0].knockout_failed, result.knockouts_failed, table.summaries[0].knockouts_failed, "knockout" in gap.blocks, gap.priority == 0)
        assert marked == ((True, ("ko",), ("ko",), True, True) if knockouts else (False, (), (), False, False)), knockouts
        assert result.verdict is (chuanxa.Verdict.NOT_RECOGNISED if knockouts else chuanxa.Verdict.RECOGNISED)


def test_a_knock_out_lacking_its_answer_blocks_a_knock_out_only_when_knock_outs_are_on() -> None:
    missing = _commune(p1=60.0)
    for knockouts in (True, False):
        gap = next(g for g in chuanxa.score(missing, _knockout_ruleset(knockouts)).gaps if g.indicator == "ko")
        assert ("knockout" in gap.blocks) is knockouts


def _knock_out_blocks(ruleset: chuanxa.Ruleset, commune: chuanxa.CommuneData) -> tuple[dict[str, bool], dict[str, bool]] | None:
    """Per indicator with a gap, whether its gap blocks a knock-out, and whether the planner requires the knock-out's
    points of it; None for a commune the engine refuses."""
    engine = chuanxa.compiled(ruleset)
    try:
        prepared = prepare(engine, commune)
    except CommuneDataError:
        return None
    result = engine.evaluate_prepared(prepared)
    choices = {c.indicator: c.minimum_after > 0 for c in list_options(engine, result, prepared.env, CostModel(), derived=prepared.derived)}
    gaps = {g.indicator: "knockout" in g.blocks for g in result.gaps}
    return gaps, {i: choices[i] for i in gaps if i in choices}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_gap_list_and_the_planner_agree_on_which_knock_outs_must_be_met(data: st.DataObject) -> None:
    """On generated rulesets (knock-outs on and off, `knockout_min_points`, applicability, missing data), a gap blocks
    a knock-out exactly when the planner requires that indicator to reach a knock-out's points: both read the rule's
    `counts_as_knockout` and its `knockout_failed`, not a copy of the condition each."""
    tree = data.draw(ruleset_trees())
    ruleset = build(tree)
    for _ in range(5):
        found = _knock_out_blocks(ruleset, data.draw(generated_communes(tree)))
        if found is not None:
            gaps, planner = found
            assert {i: gaps[i] for i in planner} == planner


def test_a_commune_report_colours_each_criterion_by_the_rules_floor_met() -> None:
    """A criterion whose every indicator does not apply (excluded: its maximum is 0) meets its floor of 0. The
    commune chart once worked the colour out again from the share (0 of 0 points: 0% < 50%, red)."""
    ruleset = build(_tree([[_indicator("a", kind="yes_no", max_points=1, input="yn", expected=True)],
                           [_indicator("b", kind="threshold", max_points=2, input="p1", op=">=", levels=[{"points": 2, "threshold": 50}], applies_when="c2 > 10")]]))
    result = chuanxa.score(_commune(yn=True, p1=10.0, c2=5.0), ruleset)
    assert [c.floor_met for c in result.criteria] == [True, True] and result.criteria[1].max == 0
    chart = build_report([result], "en").communes[0]["chart"]
    assert chart.count('fill="#2e7d32"') == 2 and 'fill="#c62828"' not in chart


def test_a_required_value_unknown_decides_before_a_level_on_every_engine() -> None:
    """The form's steps in order (`engine/lowering.py`): a required value unknown gives missing data before any level.
    The durable engine once read its fired rules first, so a level holding on another of its parts (here: the input
    in the band, or the answer yes) scored there while every other engine said missing data. Shown with a kind
    registered here (`band`'s model, levels "in the band or yn"), as a plugin would write it."""
    pytest.importorskip("durable.lang")
    from chuanxa.criteria.expressions import BoolOp, Name
    from chuanxa.engine.durable_engine import DurableEngine
    from chuanxa.engine.kinds import register_kind, unregister_kind
    from chuanxa.engine.lowering import Level, Lowered, applies_node, comparison_node
    from chuanxa.engine.results import Reason

    from test_added_kind import BandKind, _ruleset

    class BandOrYes(BandKind):
        def lower(self, ctx: Any, award_not_applicable: bool) -> Lowered:
            ind = self.ind
            levels = tuple(Level(lv.points, BoolOp(op="or", values=(comparison_node(ind.input, ">=", lv.low), comparison_node("yn", "==", True))))
                           for lv in self.levels)
            return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), levels,
                           Reason.CONDITION_NOT_MET)

    register_kind("band", BandOrYes)
    try:
        engine = chuanxa.compiled(_ruleset(note="band or yes"))  # its own content hash: engines and durable rules are kept by it
        unreported = chuanxa.CommuneData.model_validate({"commune": {"code": "K1", "name": "Xã", "terrain": "dong_bang"}, "values": {"yn": True}})
        core = engine.evaluate(unreported).indicators[0]
        durable = DurableEngine(engine).evaluate(unreported).indicators[0]
        table = chuanxa.summarise_many([unreported] * 40, engine.ruleset, column_wise=True).summaries[0]
        assert (core.status, core.reason, core.points) == (chuanxa.Status.MISSING_DATA, Reason.MISSING_VALUE, 0.0)
        assert (durable.status, durable.reason, durable.points) == (core.status, core.reason, core.points)
        assert (table.statuses["1"], table.points["1"]) == (core.status, core.points)
    finally:
        unregister_kind("band")


def test_every_operators_words_come_from_the_operator_table_alone() -> None:
    """The score sheet writes each operator as the table's words and reads the words and the symbol back as its ASCII
    spelling; the ruleset views print the same words. No module keeps a table of its own (an operator added to the
    table needed two more before)."""
    import re
    from pathlib import Path

    from chuanxa.authoring.sheet_layout import OPS_READ, OPS_WORDS
    from chuanxa.criteria.operators import OPERATORS
    from chuanxa.outputs.ruleset_view import rule_words

    for symbol, op in OPERATORS.items():
        assert OPS_READ[OPS_WORDS[symbol]] == OPS_READ[symbol] == op.durable and OPERATORS[op.durable].scalar is op.scalar
    ruleset = build(_tree([[_indicator("t", kind="threshold", max_points=1, input="p1", op="!=", levels=[{"points": 1, "threshold": 50}])]]))
    assert "≠ 50" in rule_words(ruleset.indicators[0], ruleset, "en")
    root = Path(__file__).parent.parent
    for path in root.glob("[a-z]*/**/*.py"):
        if path.parts[len(root.parts)] not in ("tests", "build", "benchmarks") and path.relative_to(root).as_posix() != "criteria/operators.py":
            assert not re.search(r"[\"']≥[\"']\s*[:,}]", path.read_text(encoding="utf-8")), path  # a table entry


def test_the_floors_a_ruleset_states_are_those_its_communes_are_judged_by() -> None:
    """`rulesets show` prints the rule's own floors and minimum (`RecognitionRule.stated`): those of every commune
    whose indicators all apply, here with shares of 0.7 and 0.3 on points in tenths."""
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    ruleset = build(_tree([[_indicator("a", kind="threshold", max_points=0.7, input="p1", op=">=", levels=[{"points": 0.7, "threshold": 50}, {"points": 0.3, "threshold": 20}])],
                           [_indicator("b", kind="yes_no", max_points=0.3, input="yn", expected=True)]],
                          min_criterion_share=0.7, min_total_share=0.3))
    result = chuanxa.score(_commune(p1=30.0, yn=False), ruleset)
    floors, minimum = chuanxa.compiled(ruleset).recognition.stated()
    assert (floors, minimum) == ([c.floor for c in result.criteria], result.total.minimum) == ([0.49, 0.21], 0.3)
    assert CliRunner().invoke(cli, ["rulesets", "show", "qd1300@2023-03-20", "--lang", "en"]).output.count(" 4.5 ") == 1


def test_planning_many_communes_pauses_the_garbage_collector_only_when_the_caller_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector is the whole process's: a library call (the server plans in several threads) leaves it as it
    is unless `pause_gc=True` (the command line's choice)."""
    import gc

    import chuanxa.planning.batch as batch

    seen: list[bool] = []
    original = batch.prepare
    monkeypatch.setattr(batch, "prepare", lambda *args: seen.append(gc.isenabled()) or original(*args))
    assert gc.isenabled()
    communes = [_commune(yn=False, p1=60.0), _commune(yn=True, p1=10.0)]
    chuanxa.plan_targets(communes, _knockout_ruleset(True), target=2, cache=None)
    assert seen == [True, True] and gc.isenabled()
    chuanxa.plan_targets(communes, _knockout_ruleset(True), target=2, cache=None, pause_gc=True)
    assert seen[2:] == [False, False] and gc.isenabled()


def test_the_templates_points_check_accepts_exactly_the_points_the_engine_accepts(tmp_path: Path) -> None:
    """The workbook template checks assessed points with a formula: evaluated by LibreOffice on points on and off a
    step of 0.3, it answers as the engine's own test (`assessed_points_ok`). The formula once multiplied by the
    step's rounded reciprocal (3.33333) and refused 0.3, 0.6 and 0.9."""
    import shutil
    import subprocess

    from openpyxl import Workbook, load_workbook

    from chuanxa.engine.prepare import assessed_points_ok
    from chuanxa.outputs.templates import write_xlsx_template

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    ruleset = build(_tree([[_indicator("a", kind="assessed", max_points=0.9, step=0.3)], [_indicator("b", kind="assessed", max_points=3, step=0.75)]]))
    write_xlsx_template(ruleset, "en", tmp_path / "template.xlsx")
    sheet = load_workbook(tmp_path / "template.xlsx").worksheets[0]
    formulas = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "custom"}
    assert len(formulas) == 2
    values = [0.0, 0.3, 0.6, 0.75, 0.9, 1.5, 2.25, 3.0, 0.35, 1.0, 3.1, -0.3]
    book = Workbook()
    grid = book.active
    for row, value in enumerate(values, start=1):
        grid.cell(row=row, column=1, value=value)
        for column, formula in enumerate(formulas.values(), start=2):
            letter = next(k for k, v in formulas.items() if v == formula)
            grid.cell(row=row, column=column, value="=" + formula.replace(f"{letter}2", f"A{row}"))
    book.save(tmp_path / "check.xlsx")
    subprocess.run([soffice, "--headless", "--calc", "--convert-to", "csv", "--outdir", str(tmp_path), str(tmp_path / "check.xlsx")],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    answers = [line.split(",")[1:] for line in (tmp_path / "check.csv").read_text().splitlines()]
    limits = [(0.9, 0.3), (3.0, 0.75)]
    assert answers == [[str(assessed_points_ok(limit, value)).upper() for limit in limits] for value in values]
