"""The result records hold codes and numbers; their sentences (reasons, gaps) are built by the text module from
them, and every floor a renderer writes is the ruleset's own share, never a fixed "50%"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import chuanxa
from chuanxa.engine.results import FailureReason, Gap
from chuanxa.outputs.jsonout import encode_batch, read_results
from chuanxa.outputs.table import commune_table
from chuanxa.reports.model import build_report

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def strict() -> chuanxa.Ruleset:
    """QĐ 1300 with a 70% criterion floor and an 80% total (a province's stricter rule)."""
    base = chuanxa.load_ruleset("qd1300@2023-03-20")
    rule = base.recognition.model_copy(update={"min_criterion_share": 0.7, "min_total_share": 0.8})
    return base.model_copy(update={"recognition": rule})


@pytest.fixture(scope="module")
def failing(strict: chuanxa.Ruleset) -> chuanxa.CommuneResult:
    result = chuanxa.score(EXAMPLES / "xa-thieu-giao.yaml", ruleset=strict)
    assert {r.code.value for r in result.reasons} >= {"CRITERION_BELOW_FLOOR"}
    return result


def test_reasons_and_gaps_carry_no_sentence_of_their_own(failing: chuanxa.CommuneResult) -> None:
    assert "message" not in FailureReason.model_fields and "message" not in Gap.model_fields
    assert not hasattr(failing.reasons[0], "message") and not hasattr(failing.gaps[0], "message")
    assert "message" not in failing.model_dump(mode="json")["reasons"][0]  # the data alone; the JSON writer adds the words


def test_a_floor_reason_names_the_rulesets_own_share(failing: chuanxa.CommuneResult) -> None:
    reason = next(r for r in failing.reasons if r.code.value == "CRITERION_BELOW_FLOOR")
    crit = failing.criterion(reason.criterion or "")
    text = chuanxa.reason_text(reason, failing)
    assert text.en == f"Criterion {crit.id} scores {crit.points:g}/{crit.max:g}, below its floor of {crit.floor:g} (70%)."
    assert text.vi.startswith(f"Tiêu chí {crit.id} đạt ") and "(70%)" in text.vi
    total = [chuanxa.reason_text(r, failing).en for r in failing.reasons if r.code.value == "TOTAL_BELOW_MINIMUM"]
    assert all("(80%)" in t for t in total)


def test_every_renderer_writes_the_rulesets_floor_and_no_other(failing: chuanxa.CommuneResult) -> None:
    for lang in ("vi", "en"):
        report = build_report([failing], lang)
        assert report.L["floor"] == ("Mức tối thiểu (70%)" if lang == "vi" else "Floor (70%)")
        assert ">70%</text>" in report.area_chart and ">70%</text>" in report.communes[0]["chart"]
        shown = commune_table(failing, lang) + json.dumps(report.communes[0], ensure_ascii=False) + report.area_chart
        assert "(50%)" not in shown and ">50%<" not in shown


def test_the_json_writes_each_reasons_and_gaps_sentence_and_reads_back_without_them(failing: chuanxa.CommuneResult) -> None:
    batch = chuanxa.BatchResult(results=(failing,))
    for detail in ("compact", "full"):
        data = json.loads(encode_batch(batch, detail))
        commune = data["results"][0]
        assert [r["message"] for r in commune["reasons"]] == [chuanxa.reason_text(r, failing).model_dump() for r in failing.reasons]
        assert [g["message"] for g in commune["gaps"]] == [chuanxa.gap_text(g).model_dump() for g in failing.gaps]
        assert commune["reasons"] == failing.to_json_dict()["reasons"]
        assert read_results(data) == batch


def test_a_schema_2_file_without_the_rule_shares_reads_and_renders_its_floor_from_the_criteria(failing: chuanxa.CommuneResult) -> None:
    data = json.loads(encode_batch(chuanxa.BatchResult(results=(failing,)), "full"))
    data["schema_version"] = 2
    for key in ("min_criterion_share", "min_total_share"):
        del data["results"][0]["ruleset"][key]
    old = read_results(data).results[0]  # type: ignore[union-attr]
    assert old.ruleset.min_criterion_share is None
    reason = next(r for r in old.reasons if r.code.value == "CRITERION_BELOW_FLOOR")
    assert "(70%)" in chuanxa.reason_text(reason, old).en and build_report([old], "en").L["floor"] == "Floor (70%)"


def test_the_published_schema_of_a_result_matches_its_json_sentences_included(failing: chuanxa.CommuneResult) -> None:
    import jsonschema

    schema = chuanxa.CommuneResult.model_json_schema(mode="serialization")  # what the HTTP API publishes for /score
    data = failing.to_json_dict()
    assert data["reasons"] and data["gaps"]
    jsonschema.validate(data, schema)
    bad = json.loads(json.dumps(data))
    bad["gaps"][0]["message"] = "one language only"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
