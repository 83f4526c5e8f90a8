"""Issue 14 item 2 for an indicator KIND: a new kind is one module (its declaration, its kind class and one
`register_kind` call), and every engine scores it with nothing else changed.

The kind here, `band`, gives a level's points when an input lies inside the level's band [low, high] (a value
that must be neither too low nor too high, e.g. a ratio of staff to population). It is defined in this test
module the way a plugin module would define it, registered for the tests of this module only, and scored by
the per-commune engine, the column-wise evaluator, the durable-rules engine and the planner; the ruleset
checks read its declared parts, and an incomplete or mismatched kind class is refused when registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import orjson
import pytest
from pydantic import Field

import chuanxa
from chuanxa.criteria.expressions import BoolOp, Name
from chuanxa.criteria.model import Comparison, IndicatorBase, Part, RulesetPart
from chuanxa.engine.columnar import REASONS, STATUSES, VERDICTS, ColumnarEvaluator
from chuanxa.engine.kinds import KINDS, KindContext, KindLabel, Outcome, model_kinds, register_kind, status_for, unregister_kind
from chuanxa.engine.lowering import Level, Lowered, applies_node, comparison_node
from chuanxa.engine.results import GapTarget, Reason, Status

from generated import build
from test_engine_regressions import _commune, _indicator, _tree


# --- the kind module: what a contributor writes (and nothing else in the package) ---
class BandLevel(RulesetPart):
    points: float
    low: float
    high: float


class BandIndicator(IndicatorBase):
    """Points by the best level whose band [low, high] holds the input."""

    kind: Literal["band"]
    input: str
    levels: tuple[BandLevel, ...] = Field(min_length=1)

    def parts(self) -> Iterator[Part]:
        yield "levels", None, ("levels",)  # the checks: level points within the maximum, the best at the maximum
        for index, level in enumerate(self.levels):  # the checks: the input is declared and numeric
            yield "comparison", (Comparison(input=self.input, op=">=", threshold=level.low), ("levels", index, "low")), ()
            yield "comparison", (Comparison(input=self.input, op="<=", threshold=level.high), ("levels", index, "high")), ()


class BandKind:
    model = BandIndicator
    label = KindLabel("khoảng", "band")  # its name; the score sheet writes "Khoảng" before its rule
    shows_threshold = False
    gap_kind = "condition"
    plan_as = "condition"  # a plan brings the value into a band (one step, as a condition to meet)
    evidence_only = False
    records_follow_values = False

    def __init__(self, ind: BandIndicator, ctx: KindContext) -> None:
        self.ind = ind
        self.reads = (ind.input,)
        self.levels = sorted(ind.levels, key=lambda lv: -lv.points)

    def lower(self, ctx: KindContext, award_not_applicable: bool) -> Lowered:
        ind = self.ind
        levels = tuple(Level(lv.points, BoolOp(op="and", values=(comparison_node(ind.input, ">=", lv.low), comparison_node(ind.input, "<=", lv.high))))
                       for lv in self.levels)
        return Lowered(ind.id, ind.max_points, applies_node(ind, ctx.env), award_not_applicable, ((Name(ind.input), Reason.MISSING_VALUE),), levels,
                       Reason.CONDITION_NOT_MET)

    def hit(self, index: int, env: Any) -> Outcome:
        points = self.levels[index].points
        return Outcome(points, *status_for(points, self.ind.max_points))

    def failed(self, env: Any) -> Outcome:
        return Outcome(0.0, Status.NOT_MET, Reason.CONDITION_NOT_MET)

    @staticmethod
    def rule_text(ind: Any, words: Any) -> str:
        """Its rule, in the words `chuanxa.wording` gives for the reader's language (its own word for "in" a band)."""
        inside = "trong khoảng" if words.lang == "vi" else "in"
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        return f"{words.input(ind.input)} " + words.levels([f"{inside} [{words.number(lv.low)}, {words.number(lv.high)}]{words.award(lv.points)}" for lv in levels])

    def targets(self, env: Any, points: float) -> tuple[GapTarget, ...]:
        return tuple(GapTarget(op=None, target=None, change=None, points=lv.points, gain=lv.points - points) for lv in reversed(self.levels) if lv.points > points)
# --- end of the kind module ---


@pytest.fixture(autouse=True)
def band_kind() -> Iterator[None]:
    register_kind("band", BandKind)
    try:
        yield
    finally:
        unregister_kind("band")


def _ruleset(**extra: Any) -> chuanxa.Ruleset:
    band = _indicator("1", kind="band", input="n1", max_points=2.0, levels=[{"points": 2.0, "low": 10, "high": 20}, {"points": 0.5, "low": 5, "high": 30}],
                      **extra)
    return build(_tree([band, _indicator("2", kind="yes_no", input="yn", max_points=1.0)], floor=0.2, total=0.5))


COMMUNES = [_commune({"n1": n1, "yn": True}) for n1 in (4.9, 5.0, 9.99, 10.0, 15.0, 20.0, 20.01, 30.0, 30.5, None)]
WANT = [(0.0, "not_met"), (0.5, "partly_met"), (0.5, "partly_met"), (2.0, "met"), (2.0, "met"), (2.0, "met"), (0.5, "partly_met"), (0.5, "partly_met"),
        (0.0, "not_met"), (0.0, "missing_data")]


def test_a_registered_kind_loads_from_a_ruleset_and_is_scored_per_commune() -> None:
    results = [chuanxa.score(c, _ruleset()) for c in COMMUNES]
    assert [(r.indicator("1").points, r.indicator("1").status.value) for r in results] == WANT
    assert chuanxa.indicator_rule(results[3].ruleset, "1") == "n1 in [10, 20] → 2; in [5, 30] → 0.5"  # the JSON's rule, as its kind writes it
    assert [r.verdict for r in results[:4]] == [chuanxa.Verdict.NOT_RECOGNISED, chuanxa.Verdict.RECOGNISED, chuanxa.Verdict.RECOGNISED, chuanxa.Verdict.RECOGNISED]
    assert results[-1].verdict is chuanxa.Verdict.INCOMPLETE


def test_the_column_wise_evaluator_scores_the_new_kind_as_the_per_commune_engine() -> None:
    ruleset = _ruleset()
    evaluator = ColumnarEvaluator(chuanxa.compiled(ruleset))
    table = evaluator.evaluate(evaluator.columns_from_communes(COMMUNES))
    want = [chuanxa.score(c, ruleset) for c in COMMUNES]
    assert [[(float(table.points[n, j]), STATUSES[table.status[n, j]], REASONS[table.reason[n, j]]) for j in range(2)] for n in range(len(COMMUNES))] == \
        [[(i.points, i.status, i.reason) for i in r.indicators] for r in want]
    assert [VERDICTS[v] for v in table.verdict] == [r.verdict for r in want]
    summaries = chuanxa.summarise_many(COMMUNES * 4, ruleset, column_wise=True)
    assert summaries.column_wise and [s.points["1"] for s in summaries.summaries[:10]] == [p for p, _ in WANT]


def test_the_durable_rules_engine_scores_the_new_kind_from_its_lowered_levels() -> None:
    from chuanxa.engine.durable_engine import durable_available

    if not durable_available():
        pytest.skip("durable_rules is not installed (extra `durable`)")
    ruleset = _ruleset(applies_when="c2 > 10")
    communes = [c.model_copy(update={"values": {**c.values, "c2": c2}}) for c in COMMUNES for c2 in (5, 50)]
    assert [chuanxa.score(c, ruleset, engine="durable") for c in communes] == [chuanxa.score(c, ruleset) for c in communes]


def test_the_planner_raises_the_new_kind_to_its_best_band_and_the_plan_scores_as_it_promises() -> None:
    from chuanxa.engine.prepare import prepare
    from chuanxa.planning.costs import CostModel
    from chuanxa.planning.options import list_options
    from chuanxa.planning.plan import apply_options

    ruleset = _ruleset()
    commune = _commune({"n1": 31.0, "yn": False})
    path = chuanxa.plan(commune, ruleset)
    assert path.feasible and path.verdict_after is chuanxa.Verdict.RECOGNISED
    assert [(s.indicator, s.kind, s.points_after) for s in path.steps if s.indicator == "1"] in ([("1", "condition", 0.5)], [("1", "condition", 2.0)])
    engine = chuanxa.compiled(ruleset)
    result, prepared = engine.evaluate(commune), prepare(engine, commune)
    offered = [o for choices in list_options(engine, result, prepared.env, CostModel(), derived=prepared.derived) for o in choices.options if o.indicator == "1"]
    assert sorted(o.points_after for o in offered) == [0.5, 2.0]
    for option in offered:  # each option, applied alone, gives exactly the points it promises
        assert engine.evaluate(apply_options(commune, [option])).indicator("1").points == option.points_after


def test_the_ruleset_checks_read_the_new_kinds_declared_parts() -> None:
    band = _indicator("1", kind="band", input="undeclared", max_points=2.0, levels=[{"points": 2.0, "low": 10, "high": 20}])
    with pytest.raises(chuanxa.RulesetError) as caught:
        build(_tree([band]))
    assert "undeclared" in caught.value.message("en")
    too_many = _indicator("1", kind="band", input="n1", max_points=2.0, levels=[{"points": 3.0, "low": 10, "high": 20}])
    with pytest.raises(chuanxa.RulesetError):
        build(_tree([too_many]))
    unknown_key = _indicator("1", kind="band", input="n1", max_points=2.0, levels=[{"points": 2.0, "low": 10, "hihg": 20}])
    with pytest.raises(chuanxa.RulesetError) as caught:
        build(_tree([unknown_key]))
    assert caught.value.location.path[-1] == "hihg" and "band" not in caught.value.location.path


def test_an_incomplete_or_mismatched_kind_class_is_refused_and_an_unregistered_kind_does_not_load() -> None:
    class Other(BandKind):  # complete, but its declaration is the band's
        pass

    incomplete = type("Incomplete", (), {name: getattr(BandKind, name) for name in ("model", "lower", "hit", "failed", "rule_text", "gap_kind")})
    with pytest.raises(ValueError, match=r"lacks \['targets', 'plan_as'"):
        register_kind("band2", incomplete)
    with pytest.raises(ValueError, match="declares kind 'band'"):
        register_kind("band2", Other)
    with pytest.raises(ValueError, match="registered already"):
        register_kind("band", BandKind)
    with pytest.raises(ValueError, match="label is not a KindLabel"):  # its name in both languages, not a bare string
        register_kind("band2", type("Unnamed", (Other,), {"label": "band"}))
    with pytest.raises(ValueError, match="not an indicator declaration"):
        register_kind("band2", type("Plain", (Other,), {"model": dict}))
    assert "band" in model_kinds() and "band2" not in model_kinds() and "band2" not in KINDS
    unregister_kind("band")
    try:
        with pytest.raises(chuanxa.RulesetError) as caught:
            _ruleset()
        assert "band" in caught.value.message("en")
    finally:
        register_kind("band", BandKind)


def test_the_officer_facing_outputs_take_the_new_kind_without_an_edit(tmp_path: Path) -> None:
    """Templates, the rule in words, the JSON results, the report and the score sheet read a kind through its class
    and its declaration's hints: none names the bundled kinds in a way a new kind falls through."""
    from chuanxa.authoring.sheet_export import export_score_sheet
    from chuanxa.authoring.sheet_import import import_score_sheet
    from chuanxa.outputs.jsonout import encode_batch, read_results
    from chuanxa.outputs.ruleset_view import rule_words
    from chuanxa.outputs.templates import csv_template, yaml_template, write_xlsx_template
    from chuanxa.reports.model import build_report

    ruleset = _ruleset()
    band = ruleset.indicator("1")
    assert rule_words(band, ruleset, "en") == "Measure in [10, 20]: 2 points; in [5, 30]: 0.5 points"  # its own words, not the assessed kind's
    assert chuanxa.rule_text(band, ruleset, "vi") == f"{ruleset.inputs['n1'].label.vi} trong khoảng [10, 20]: 2 điểm; trong khoảng [5, 30]: 0,5 điểm"
    assert "  n1: null" in yaml_template(ruleset, "vi").splitlines() and "Measure" in csv_template(ruleset, "en").splitlines()[0].split(",")
    assert '"1": {points' not in yaml_template(ruleset, "vi")  # not a points column: the band is scored from data
    write_xlsx_template(ruleset, "vi", tmp_path / "t.xlsx")
    batch = chuanxa.score_many(COMMUNES, ruleset)
    written = encode_batch(batch)
    assert orjson.loads(written)["rulesets"][batch.results[0].ruleset.sha256]["indicators"]["1"]["rule"] == "n1 in [10, 20] → 2; in [5, 30] → 0.5"
    again = read_results(bytes(written))
    assert [r.indicator("1").points for r in again.results] == [p for p, _ in WANT]
    assert encode_batch(again) == written  # the rules the file wrote are written again
    report = build_report(batch.results, "en")
    shown = [next(i for c in commune["criteria"] for i in c["indicators"] if i["id"] == "1") for commune in report.communes]
    assert [(i["points"], i["status"], i["evidence"]) for i in shown[3:5]] == [("2", "met", "10"), ("2", "met", "15")]
    export_score_sheet(ruleset, tmp_path / "s.xlsx")
    unedited = import_score_sheet(tmp_path / "s.xlsx", ruleset)
    assert not unedited.changed and unedited.ruleset.criteria == ruleset.criteria


def _sheet_edit(path: Path, indicator: str, edits: dict[str, Any], *, add_row: bool = False) -> None:
    """Type `edits` (column heading → value) into `indicator`'s row of the score sheet; `add_row`: a level row below it."""
    import openpyxl

    from chuanxa.authoring.sheet_layout import SHEET

    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    heading = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Tiêu chí")
    cols = {sheet.cell(heading, c).value: c for c in range(1, sheet.max_column + 1)}
    row = next(r for r in range(heading + 2, sheet.max_row + 1) if sheet.cell(r, 2).value == indicator)
    if add_row:
        sheet.insert_rows(row + 1)
        row += 1
    for column, value in edits.items():
        sheet.cell(row, cols[column]).value = value
    book.save(path)


def test_the_score_sheet_shows_the_new_kinds_own_words_and_rule_and_round_trips_its_edits(tmp_path: Path) -> None:
    """The band's levels have no rows on the sheet (their columns are a threshold's): its row names the kind in its
    own words with its whole rule, the fields every indicator has are edited there, and its levels are kept."""
    import openpyxl

    from chuanxa.authoring.sheet_export import export_score_sheet
    from chuanxa.authoring.sheet_import import import_score_sheet
    from chuanxa.authoring.sheet_layout import SHEET

    ruleset = _ruleset()
    path = tmp_path / "s.xlsx"
    export_score_sheet(ruleset, path)
    rows = [row for row in openpyxl.load_workbook(path)[SHEET].iter_rows(values_only=True) if row[1] in ("1", "2")]
    assert [row[:3] for row in rows] == [(None, "1", "1"), (None, "2", "2")]  # no level rows under the band
    assert "Khoảng: Số đo trong khoảng [10, 20]: 2 điểm; trong khoảng [5, 30]: 0,5 điểm" in rows[0]
    _sheet_edit(path, "1", {"Nội dung": "Số cán bộ trên 1000 dân", "Căn cứ": "QĐ 1300, chỉ tiêu 1", "Ghi chú": "thử", "Điểm liệt (x)": "x"})
    edited = import_score_sheet(path, ruleset)
    assert edited.overlay["criteria"] == [{"id": "1", "indicators": [{"id": "1", "title": {"vi": "Số cán bộ trên 1000 dân"}, "source": "QĐ 1300, chỉ tiêu 1",
                                                                       "note": "thử", "knockout": True}]}]
    band = edited.ruleset.indicator("1")
    assert (band.kind, band.title.vi, band.knockout, band.levels) == ("band", "Số cán bộ trên 1000 dân", True, ruleset.indicator("1").levels)
    assert [chuanxa.score(c, edited.ruleset).indicator("1").points for c in COMMUNES] == [p for p, _ in WANT]


@pytest.mark.parametrize("edits,add_row,key,column", [
    ({"So sánh": "≥", "Ngưỡng": 12}, False, "sheet.cell_unused", "G"),  # typed beside the band: would be dropped
    ({"Điểm của mức": 1, "Ngưỡng": 12}, True, "sheet.no_levels", "F"),  # a level row the band's levels cannot hold
])
def test_a_rule_typed_into_the_new_kinds_rows_is_refused_where_it_stands_not_dropped(edits: dict[str, Any], add_row: bool, key: str, column: str,
                                                                                      tmp_path: Path) -> None:
    from chuanxa.authoring.sheet_export import export_score_sheet
    from chuanxa.authoring.sheet_import import import_score_sheet

    ruleset = _ruleset()
    path = tmp_path / "s.xlsx"
    export_score_sheet(ruleset, path)
    _sheet_edit(path, "1", edits, add_row=add_row)
    with pytest.raises(chuanxa.RulesetError) as caught:
        import_score_sheet(path, ruleset)
    error = (caught.value.related or [caught.value])[0]
    assert error.key == key and error.location.cell == f"Bảng điểm!{column}{8 if add_row else 7}"
    assert all("band" in error.message(lang) for lang in ("vi", "en"))  # located, and naming the kind, in both languages


def test_rulesets_show_names_the_new_kind_in_its_own_words_in_both_languages(tmp_path: Path) -> None:
    import yaml
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    tree = _tree([_indicator("1", kind="band", input="n1", max_points=2.0, levels=[{"points": 2.0, "low": 10, "high": 20}]),
                  _indicator("2", kind="yes_no", input="yn", max_points=1.0)])
    (tmp_path / "regress.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    shown = {lang: CliRunner().invoke(cli, ["rulesets", "show", "regress", "--rulesets", str(tmp_path), "--lang", lang], catch_exceptions=False).output
             for lang in ("vi", "en")}
    kinds = {lang: [line.split()[3] for line in out.split("\n\n")[2].splitlines()[2:]] for lang, out in shown.items()}  # the indicators' table
    assert kinds == {"vi": ["khoảng", "có/không"], "en": ["band", "yes/no"]}


def test_a_kind_that_lays_out_its_rule_on_the_score_sheet_is_edited_there_by_its_hook_not_its_name(tmp_path: Path) -> None:
    """A kind's `sheet` (SheetCells) says which of its fields the sheet's cells edit: an added kind declaring threshold
    levels gets the threshold's comparison cell and level rows, and an edited threshold imports into its levels."""
    import openpyxl

    from chuanxa.authoring.sheet_export import export_score_sheet
    from chuanxa.authoring.sheet_import import import_score_sheet
    from chuanxa.authoring.sheet_layout import SHEET
    from chuanxa.criteria.model import ThresholdIndicator
    from chuanxa.engine.kinds import SheetCells, ThresholdKind

    class AtLeastIndicator(ThresholdIndicator):
        kind: Literal["at_least"]  # type: ignore[assignment]

    class AtLeastKind(ThresholdKind):
        model = AtLeastIndicator
        label = KindLabel("tối thiểu", "at least")
        sheet = SheetCells(op="op", levels="thresholds")

    register_kind("at_least", AtLeastKind)
    try:
        ruleset = build(_tree([_indicator("1", kind="at_least", input="n1", op=">=", max_points=2.0, levels=[{"points": 2.0, "threshold": 10}, {"points": 1.0, "threshold": 5}])]))
        path = tmp_path / "s.xlsx"
        export_score_sheet(ruleset, path)
        _sheet_edit(path, "1", {"So sánh": ">"})
        book = openpyxl.load_workbook(path)
        sheet = book[SHEET]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "1")
        words = [cell.value for cell in sheet[row]]
        assert "Tối thiểu" in words and ">" in words and [sheet.cell(row + n, 8).value for n in (1, 2)] == [10, 5]  # its words; a row per level
        sheet.cell(row + 1, 8).value = 12
        book.save(path)
        edited = import_score_sheet(path, ruleset)
        ind = edited.ruleset.indicator("1")
        assert (ind.kind, ind.op, [lv.threshold for lv in ind.levels]) == ("at_least", ">", [12.0, 5.0])
    finally:
        unregister_kind("at_least")
