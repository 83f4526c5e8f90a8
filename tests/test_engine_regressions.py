"""Regressions found by the differential fuzzer and the design review: three disagreements between engines and
two cache defects. Each test fails on the code as it was before the fix."""

from __future__ import annotations

import copy
import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
import yaml

import chuanxa
from chuanxa.engine.columnar import VERDICTS, ColumnarEvaluator
from chuanxa.errors import CommuneDataError, CostsFileError

from generated import INPUTS, REGIONS, TERRAINS, ZONING, build

FIXTURES = Path(__file__).parent / "fixtures"


def _tree(indicators: list[dict[str, Any]], *, floor: float = 0.5, total: float = 0.8) -> dict[str, Any]:
    top = round(sum(i["max_points"] for i in indicators), 6)
    return {
        "ruleset": {"id": "regress", "version": "2024-01-01", "title": {"vi": "Thử", "en": "Test"}, "legal_basis": {"vi": "Không", "en": "None"},
                    "issued": "2024-01-01", "effective": "2024-01-01", "total_points": top},
        "classification": {"regions": REGIONS, "terrains": TERRAINS, "zoning": ZONING},
        "inputs": INPUTS,
        "criteria": [{"id": "1", "title": {"vi": "Một", "en": "One"}, "max_points": top, "indicators": indicators}],
        "recognition": {"min_total_share": total, "min_criterion_share": floor},
    }


def _indicator(ident: str, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "title": {"vi": ident, "en": ident}, "source": "test", "provisional": False, **fields}


def _commune(values: dict[str, Any] | None = None, assessed: dict[str, Any] | None = None) -> chuanxa.CommuneData:
    return chuanxa.CommuneData.model_validate({"commune": {"code": "R1", "name": "Xã", "region": "tay_nguyen", "terrain": "dong_bang", "distance_km": 4},
                                               "values": values or {}, "assessed": assessed or {}})


def test_a_floor_of_0_7_met_with_tenths_of_points_is_met_column_wise_too() -> None:
    # 0.7 in float32 is 0.69999999: the column-wise path used to find the floor missed and refuse recognition.
    ruleset = build(_tree([_indicator("1", kind="assessed", max_points=1.0, step=0.1)], floor=0.7, total=0.7))
    communes = [_commune(assessed={"1": {"points": 0.7}})] * 40
    per_commune = chuanxa.score(communes[0], ruleset)
    assert per_commune.verdict is chuanxa.Verdict.RECOGNISED
    summaries = chuanxa.summarise_many(communes, ruleset)
    assert summaries.column_wise
    assert {s.verdict for s in summaries.summaries} == {chuanxa.Verdict.RECOGNISED}
    assert summaries.summaries[0].points == {"1": 0.7}


def test_a_date_input_is_scored_column_wise() -> None:
    # `type: date` crashed the column-wise path (exit 3), which turns on by itself from 32 communes.
    ruleset = build(_tree([_indicator("1", kind="conditions", max_points=1.0, levels=[{"points": 1.0, "when": {"expr": "d2 >= d1"}}])]))
    communes = [_commune({"d1": "2024-01-15", "d2": d2}) for d2 in ("2024-01-14", "2024-01-15", "16/01/2024", None)] * 10
    summaries = chuanxa.summarise_many(communes, ruleset)
    assert summaries.column_wise and not summaries.rejected
    assert [s.verdict for s in summaries.summaries] == [chuanxa.score(c, ruleset).verdict for c in communes]
    assert [s.points["1"] for s in summaries.summaries[:4]] == [0.0, 1.0, 1.0, 0.0]


def test_a_derived_rate_beyond_its_bounds_is_refused_by_a_column_wise_sweep_as_per_commune() -> None:
    # 240 of 200 households is a 120% rate: the per-commune path refuses it; a column-wise sweep used to score it.
    ruleset = build(_tree([_indicator("1", kind="threshold", input="rate", op=">=", max_points=1.0, levels=[{"points": 1.0, "threshold": 90}])]))
    commune = _commune({"c2": 200, "c1": 150})
    with pytest.raises(CommuneDataError) as one:
        chuanxa.sweep(commune, {"c1": [150, 240]}, ruleset, column_wise=False)
    with pytest.raises(CommuneDataError) as columns:
        chuanxa.sweep(commune, {"c1": [150, 240]}, ruleset, column_wise=True)
    assert one.value.key == columns.value.key == "data.derived_out_of_bounds"
    assert one.value.message("en") == columns.value.message("en")
    fine = chuanxa.sweep(commune, {"c1": [150, 180, 200]}, ruleset, column_wise=True)
    assert [p.verdict.value for p in fine.points] == ["not_recognised", "recognised", "recognised"]


def test_the_column_wise_table_marks_rows_whose_derived_value_leaves_its_bounds() -> None:
    ruleset = build(_tree([_indicator("1", kind="threshold", input="rate", op=">=", max_points=1.0, levels=[{"points": 1.0, "threshold": 90}])]))
    evaluator = ColumnarEvaluator(chuanxa.compiled(ruleset))
    columns = evaluator.columns_from_communes([_commune({"c2": 200, "c1": 150})] * 3)
    columns["c1"] = columns["c1"].copy()
    columns["c1"][1] = 240.0
    table = evaluator.evaluate(columns)
    assert table.out_of_bounds.tolist() == [False, True, False]
    assert [VERDICTS[v] for v in table.verdict[[0, 2]]] == [chuanxa.Verdict.NOT_RECOGNISED] * 2


def test_the_costs_check_is_made_for_every_new_ruleset_even_at_a_reused_address(tmp_path: Path) -> None:
    # CostModel remembered checked rulesets by id() without keeping them alive: a new ruleset at a freed
    # address skipped the unknown-id check (33 times in 50).
    costs_file = tmp_path / "costs.yaml"
    costs_file.write_text('indicators:\n  "7": {cost: 3}\n', encoding="utf-8")
    costs = chuanxa.CostModel.load(costs_file)
    with_seven = _tree([_indicator("7", kind="assessed", max_points=1.0)])
    without = _tree([_indicator("8", kind="assessed", max_points=1.0)])
    refused = 0
    for _ in range(50):
        fine = build(copy.deepcopy(with_seven))
        costs.check(fine)
        del fine
        gc.collect()
        with pytest.raises(CostsFileError):
            costs.check(build(copy.deepcopy(without)))
        refused += 1
    assert refused == 50


def _write_ruleset(folder: Path, points_for_level: float) -> None:
    source = yaml.safe_load((FIXTURES / "rulesets" / "mini_2020-01-01.yaml").read_text(encoding="utf-8"))
    source["ruleset"]["id"] = "edited"
    source["criteria"][0]["indicators"][0]["levels"][1]["points"] = points_for_level
    (folder / "edited.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")


def test_an_edited_ruleset_file_is_seen_by_the_next_load(tmp_path: Path) -> None:
    _write_ruleset(tmp_path, 1.0)
    assert chuanxa.load_ruleset("edited", as_of=2024, rulesets_dirs=[tmp_path]).indicator("1").levels[1].points == 1.0
    _write_ruleset(tmp_path, 1.5)
    again = chuanxa.load_ruleset("edited", as_of=2024, rulesets_dirs=[tmp_path])
    assert again.indicator("1").levels[1].points == 1.5
    assert chuanxa.compiled(again).stamp.sha256 != chuanxa.compiled(chuanxa.load_ruleset("mini", as_of=2024, rulesets_dirs=[FIXTURES / "rulesets"])).stamp.sha256


def test_a_changed_chuanxa_rulesets_variable_is_seen_by_the_next_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHUANXA_RULESETS", raising=False)
    with pytest.raises(chuanxa.RulesetNotFoundError):
        chuanxa.load_ruleset("edited", as_of=2024)
    _write_ruleset(tmp_path, 1.0)
    monkeypatch.setenv("CHUANXA_RULESETS", str(tmp_path))
    assert chuanxa.load_ruleset("edited", as_of=2024).ruleset.id == "edited"
    monkeypatch.delenv("CHUANXA_RULESETS")
    with pytest.raises(chuanxa.RulesetNotFoundError):
        chuanxa.load_ruleset("edited", as_of=dt.date(2024, 1, 1))


def test_a_result_field_the_engine_does_not_fill_fails_when_the_template_is_made() -> None:
    from pydantic import BaseModel

    from chuanxa.engine.fast import StateTemplate, from_state

    class Record(BaseModel):
        a: int
        b: int

    assert StateTemplate(Record, ("a", "b")).state(a=1, b=2) == {"a": 1, "b": 2}
    with pytest.raises(TypeError, match="'b'"):
        StateTemplate(Record, ("a",))
    with pytest.raises(TypeError):
        from_state(Record, {"a": 1})


def test_tables_name_the_rulesets_own_criterion_floor() -> None:
    from chuanxa.outputs.table import batch_table

    ruleset = build(_tree([_indicator("1", kind="assessed", max_points=1.0, step=0.1)], floor=0.7, total=0.7))
    batch = chuanxa.score_many([_commune(assessed={"1": {"points": 0.5}})], ruleset)
    assert "Criteria < 70%" in batch_table(batch, "en") and "TC < 70%" in batch_table(batch, "vi")
    assert "50%" not in batch_table(batch, "en")


def test_a_field_added_to_a_result_model_fails_when_the_engine_is_imported() -> None:
    import subprocess
    import sys

    for record in ("Total", "IndicatorResult", "CommuneResult"):
        code = ("from pydantic.fields import FieldInfo\n"
                "from chuanxa.engine import results\n"
                f"results.{record}.__pydantic_fields__['added_later'] = FieldInfo(annotation=int, default=0)\n"
                "import chuanxa.engine.compiled\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and "TypeError" in done.stderr and f"{record}:" in done.stderr and "added_later" in done.stderr, done.stderr[-800:]


def test_every_record_the_engine_builds_by_hand_holds_every_field_in_declaration_order() -> None:
    from pydantic import BaseModel

    def walk(record: object) -> None:
        if isinstance(record, BaseModel):
            assert list(record.__dict__) == list(type(record).model_fields), type(record).__name__
            for value in record.__dict__.values():
                walk(value)
        elif isinstance(record, (tuple, list)):
            for item in record:
                walk(item)

    engine = chuanxa.compiled("qd1300@2023-03-20")
    examples = Path(__file__).parent.parent / "examples"
    results = chuanxa.score_many(examples / "thieu_hoa_2024.csv").results
    assert any(r.reasons for r in results) and any(r.gaps for r in results)
    for result in results:
        walk(result)
        walk(result.summary())
    walk(chuanxa.summarise_many(examples / "thieu_hoa_2024.csv").summaries)
    assert engine.stamp.min_criterion_share == 0.5


def test_records_of_a_yes_no_indicator_are_shared_only_between_communes_with_the_same_answer() -> None:
    engine = chuanxa.compiled("qd1300@2023-03-20")
    yes_no = next(ci for ci in engine.indicators if ci.model.kind == "yes_no")
    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    base = chuanxa.score(example).indicator(yes_no.model.id)
    data = chuanxa.CommuneData.model_validate(yaml.safe_load(example.read_text(encoding="utf-8")))
    same = engine.evaluate(data.model_copy(update={"commune": data.commune.model_copy(update={"code": "99999"})}))
    flipped = engine.evaluate(data.model_copy(update={"values": {**data.values, yes_no.model.input: not data.values[yes_no.model.input]}}))
    assert same.indicator(yes_no.model.id) is base and flipped.indicator(yes_no.model.id) is not base
    assert flipped.indicator(yes_no.model.id).values == {yes_no.model.input: not data.values[yes_no.model.input]}
    assert flipped.indicator(yes_no.model.id).status is not base.status
    with pytest.raises(TypeError):
        base.values[yes_no.model.input] = None  # type: ignore[index]
