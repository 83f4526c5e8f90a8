"""The result model holds codes, numbers, ids and the ruleset's (or the user's) own words, never a sentence the
engine or the planner built: `chuanxa.wording` renders those wherever they are shown, and the JSON writers add
them (`message`, `region_reason`, an indicator's `rule`, a plan's `blockers`) at write time, as they were before."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import chuanxa
from chuanxa.criteria.model import Text
from chuanxa.outputs.jsonout import encode_commune
from chuanxa.planning import CostModel
from chuanxa.planning.costs import CostsFile

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: The records a library user, a renderer or the HTTP API receives.
RESULT_MODELS = (chuanxa.CommuneResult, chuanxa.BatchResult, chuanxa.SummaryBatch, chuanxa.Plan, chuanxa.TargetPlan, chuanxa.Simulation, chuanxa.Sweep)

#: Text-valued fields that carry words someone wrote (the ruleset's authors), copied, never composed.
RULESET_WORDS = {"RulesetStamp.warning", "CriterionResult.title", "IndicatorResult.title", "Gap.title", "Gap.label", "PlanStep.label", "PlanStep.answer",
                 "CommuneResult.region_name"}
#: Names that were sentences built by the engine or planner; they live in `chuanxa.wording` and the JSON only.
RENDERED_NAMES = {"message", "messages", "region_reason", "text", "sentence", "words", "blockers_text", "rule", "rules", "rule_text", "rule_words"}


def _types(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is None:
        return {annotation}
    return set().union(*(_types(a) for a in typing.get_args(annotation)))


def _records(roots: tuple[type[BaseModel], ...]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    pending = list(roots)
    while pending:
        model = pending.pop()
        if model in found or model is Text:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending += [t for t in _types(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return found


def prose_fields(roots: tuple[type[BaseModel], ...]) -> list[str]:
    """Every field of the records reachable from `roots` that holds composed words: Text not listed as the ruleset's
    own, or a field named as a rendered sentence."""
    out = []
    for model in _records(roots):
        for name, field in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            if (Text in _types(field.annotation) and where not in RULESET_WORDS) or name in RENDERED_NAMES:
                out.append(where)
    return sorted(out)


def test_no_result_record_holds_a_sentence_built_by_the_engine_or_the_planner() -> None:
    assert prose_fields(RESULT_MODELS) == []
    names = {m.__name__ for m in _records(RESULT_MODELS)}
    assert {"CommuneIdentity", "Notice", "PlanStep", "Blocker", "FailureReason", "Gap", "CommuneSummary"} <= names  # the walk reaches them


def test_the_check_catches_a_sentence_that_comes_back() -> None:
    class Again(BaseModel):
        code: str
        message: Text
        rule: str  # an indicator's rule composed into its result again

    class AgainText(BaseModel):
        why: Text | None = None

    class Holder(BaseModel):
        items: tuple[Again, ...] = ()
        extra: dict[str, AgainText] = {}

    assert prose_fields((Holder,)) == ["Again.message", "Again.rule", "AgainText.why"]


def _commune(**place: Any) -> dict[str, Any]:
    return {"commune": {"terrain": "dong_bang", "distance_km": 4, **place}, "values": {}}


def test_a_communes_place_is_worded_from_its_identity_as_before() -> None:
    merged = chuanxa.score(_commune(code="15853", name="Phường Đông Tiến", province="Thanh Hóa", former=["16039", "16070"]) | {"as_of": "2024-05-01"})
    assert [n.code for n in merged.commune.notices] == ["ASSESSED_BEFORE_MERGER"]
    words = chuanxa.notice_text(merged.commune.notices[0], merged.commune, merged.as_of)
    assert words.vi == "Ngày đánh giá 01/05/2024 trước khi xã mới được thành lập (01/7/2025): số liệu thuộc các xã cũ."
    assert words.en == "Assessment dated 2024-05-01, before the merged commune existed (1 July 2025): the data belong to the old communes."
    assert chuanxa.region_text(merged.commune).en == "Region of the former province Thanh Hóa, where the commune's code was issued."  # type: ignore[union-attr]

    reused = chuanxa.score(_commune(code="15835", name="Xã Khác", province="Thanh Hóa"))
    (differs,) = reused.commune.notices
    assert differs.code == "CODE_NAME_DIFFERS" and chuanxa.notice_text(differs, reused.commune).en.startswith("Code '15835' is now Xã ")

    spread = chuanxa.score(_commune(code="1", name="Xã A", province="Gia Lai"))
    assert chuanxa.region_text(spread.commune).en == ("Region unknown: Gia Lai was formed from provinces in several regions "  # type: ignore[union-attr]
                                                       "(duyen_hai_nam_trung_bo, tay_nguyen). Give the former province or the region.")
    assert {n.code for n in spread.commune.notices} == {"CODE_NOT_CURRENT"}


def test_the_json_carries_the_place_sentences_and_reads_back_to_the_same_record() -> None:
    result = chuanxa.score(_commune(code="21600", name="Xã Mẫu", province="Bình Định", district="Tuy Phước") | {"as_of": 2024})
    data = result.to_json_dict()
    commune = data["commune"]
    assert list(commune)[-2:] == ["region_reason", "notices"]  # where the documents have always had them
    assert commune["region_reason"] == chuanxa.region_text(result.commune).model_dump()  # type: ignore[union-attr]
    assert [n["message"] for n in commune["notices"]] == [chuanxa.notice_text(n, result.commune, result.as_of).model_dump() for n in result.commune.notices]
    assert {n["code"] for n in commune["notices"]} == {"FORMER_PROVINCE", "FORMER_DISTRICT", "CODE_NOT_CURRENT"}
    assert json.loads(encode_commune(result)) == data
    assert chuanxa.CommuneResult.model_validate(json.loads(json.dumps(data))) == result


def test_a_plans_steps_and_blockers_are_worded_at_write_time() -> None:
    path = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", costs=CostModel.load(EXAMPLES / "costs.yaml"))
    written = path.model_dump(mode="json")
    assert [s["message"] for s in written["steps"]] == [chuanxa.step_text(s, path).model_dump() for s in path.steps]
    assert all(s["message"]["vi"].endswith(f"chi phí {s['cost']:g}") for s in written["steps"] if s["kind"] != "collect")
    assert chuanxa.Plan.model_validate(json.loads(json.dumps(written))).steps[0].indicator == path.steps[0].indicator

    nothing_possible = CostModel(CostsFile.model_validate({"default": {"possible": False}}))
    stuck = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", costs=nothing_possible)
    assert not stuck.feasible and stuck.blockers and all(b.code for b in stuck.blockers)
    assert stuck.model_dump(mode="json")["blockers"] == [chuanxa.blocker_text(b).model_dump() for b in stuck.blockers]
    total = [chuanxa.blocker_text(b) for b in stuck.blockers if b.code == "TOTAL_UNREACHABLE"]
    assert not total or total[0].vi.startswith("Tổng điểm chỉ có thể đạt tối đa ")


def _strings(data: Any) -> set[str]:
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return set().union(*map(_strings, data.values())) if data else set()
    if isinstance(data, (list, tuple)):
        return set().union(*map(_strings, data)) if data else set()
    return set()


def _rule_texts(ruleset: chuanxa.Ruleset) -> set[str]:
    return {chuanxa.rule_text(ind, ruleset, lang) for crit in ruleset.criteria for ind in crit.indicators for lang in (None, "vi", "en")}


@pytest.mark.parametrize("source", ["xa-thieu-giao.yaml", "thieu_hoa_2024.csv"])
def test_no_result_record_carries_an_indicators_rule_under_any_name(source: str) -> None:
    """An indicator's rule is its kind's text, written from the ruleset: no string of the records (only of the JSON) is one."""
    results = chuanxa.score_many(EXAMPLES / source).results if source.endswith(".csv") else (chuanxa.score(EXAMPLES / source),)
    ruleset = results[0].ruleset.definition
    assert isinstance(ruleset, chuanxa.Ruleset)
    rules = _rule_texts(ruleset)
    assert len(rules) > 40 and "0–3 (thẩm định / assessed)" in rules
    for result in results:
        assert not _strings(result.model_dump(mode="json")) & rules
        assert {item["rule"] for item in result.to_json_dict()["indicators"]} <= rules


def test_the_json_rule_is_the_notation_schema_3_has_always_written_and_officers_read_their_own_language() -> None:
    result = chuanxa.score(EXAMPLES / "xa-thieu-giao.yaml")
    written = {item["id"]: item["rule"] for item in json.loads(encode_commune(result))["indicators"]}
    assert (written["1"], written["5"], written["7"]) == ("0–3 (thẩm định / assessed)", "health_insurance_rate >= 95 → 4; >= 90 → 2", "has_doctor == yes → 3")
    assert written["13"].startswith("(station_clean_water == yes and station_hygienic_latrine == yes and medical_waste_managed == yes) → 2; ")
    ruleset = result.ruleset.definition
    assert isinstance(ruleset, chuanxa.Ruleset)
    assessed, threshold = ruleset.indicator("1"), ruleset.indicator("5")
    assert chuanxa.rule_text(assessed, ruleset, "vi") == "đoàn thẩm định chấm từ 0 đến 3 điểm theo minh chứng (bước 0,5)"
    assert chuanxa.rule_text(assessed, ruleset, "en") == "the appraisal team awards 0 to 3 points on evidence (in steps of 0.5)"
    assert chuanxa.rule_text(threshold, ruleset, "en") == "Share of the population with health insurance ≥ 95: 4 points; ≥ 90: 2 points"
    assert chuanxa.indicator_rule(result.ruleset, "5", "vi") == "Tỷ lệ dân số tham gia bảo hiểm y tế ≥ 95: 4 điểm; ≥ 90: 2 điểm"
    assert chuanxa.indicator_rule(result.ruleset, "13", "en").endswith(": 1 point")  # one point, in English


def test_a_result_read_back_writes_the_rules_of_its_file_again() -> None:
    result = chuanxa.score(EXAMPLES / "xa-thieu-giao.yaml")
    data = result.to_json_dict()
    edited = json.loads(json.dumps(data))
    edited["indicators"][0]["rule"] = "the rule a file of an older chuanxa wrote"
    again = chuanxa.CommuneResult.model_validate(edited)
    assert again == result and again.ruleset.definition == {item["id"]: item["rule"] for item in edited["indicators"]}
    assert again.to_json_dict() == edited and json.loads(encode_commune(again)) == edited
    by_hand = chuanxa.CommuneResult.model_validate({**json.loads(json.dumps(data)), "indicators": [{k: v for k, v in item.items() if k != "rule"} for item in data["indicators"]]})
    assert by_hand.to_json_dict() == data  # no rule given: the registry's ruleset of the stamp's id, version and content hash writes them


@pytest.mark.parametrize("lang,words,other", [("vi", "đoàn thẩm định chấm từ 0 đến", "the appraisal team"), ("en", "the appraisal team awards 0 to", "đoàn thẩm định")])
def test_rulesets_show_writes_each_rule_in_the_readers_language_not_the_jsons_mixed_notation(lang: str, words: str, other: str) -> None:
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    shown = CliRunner().invoke(cli, ["rulesets", "show", "qd1300", "--lang", lang], catch_exceptions=False).output
    assert words in shown and other not in shown and "thẩm định / assessed" not in shown and "→" not in shown
