"""Scoring on the small `mini` ruleset: statuses, explanations, recognition boundaries, gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

import chuanxa
from chuanxa import Reason, Status, Verdict
from chuanxa.criteria.registry import Registry

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_complete_good_commune_is_recognised(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune())
    assert result.verdict is Verdict.RECOGNISED and result.recognised is True
    assert result.total.points == 10 and result.reasons == ()
    assert result.gaps == ()


def test_exactly_at_a_threshold_passes_and_just_below_drops_a_level(mini_engine, make_commune) -> None:
    at = mini_engine.evaluate(make_commune(values={"immunisation_rate": 95.0})).indicator(1)
    below = mini_engine.evaluate(make_commune(values={"immunisation_rate": 94.99})).indicator(1)
    assert (at.points, at.status) == (2, Status.MET)
    assert (below.points, below.status, below.reason) == (1, Status.PARTLY_MET, Reason.LEVEL_MET)
    assert below.threshold.value == 90 and below.threshold.points == 1


def test_lower_is_better_uses_the_regional_ceiling(mini_engine, make_commune) -> None:
    delta = mini_engine.evaluate(make_commune(values={"stunting_rate": 16.5})).indicator(2)
    north = mini_engine.evaluate(make_commune(values={"stunting_rate": 16.6}, commune={"region": "trung_du_mien_nui_phia_bac"})).indicator(2)
    over = mini_engine.evaluate(make_commune(values={"stunting_rate": 16.6})).indicator(2)
    assert delta.status is Status.MET and delta.threshold.key == "dong_bang_song_hong"
    assert north.status is Status.MET and north.threshold.value == 24
    assert over.reason is Reason.ABOVE_CEILING and over.points == 0


def test_the_zone_threshold_follows_the_zone_given_or_derived(mini_engine, make_commune) -> None:
    # 480/500 = 96%: zone 1 needs 95, so it passes; with 470 (94%) zone 1 fails but zone 2 (90) passes.
    derived = mini_engine.evaluate(make_commune(values={"households_latrine": 470}, commune={"distance_km": 2.0}))
    given = mini_engine.evaluate(make_commune(values={"households_latrine": 470}, commune={"distance_km": 2.0, "zone": 2}))
    assert (derived.zone, derived.zone_source, derived.indicator(3).points) == (1, "derived", 0)
    assert (given.zone, given.zone_source, given.indicator(3).points) == (2, "given", 2)


@pytest.mark.parametrize("terrain,distance,difficult,zone", [
    ("dong_bang", 2.9, False, 1), ("dong_bang", 3.0, False, 2), ("dong_bang", 14.9, False, 2), ("dong_bang", 15, False, 3),
    ("mien_nui", 4.9, False, 2), ("mien_nui", 5, False, 3), ("mien_nui", 3, True, 3), ("mien_nui", 2.9, True, 2),
])
def test_the_zoning_rule_of_1300_is_applied_at_its_boundaries(mini_engine, make_commune, terrain, distance, difficult, zone) -> None:
    result = mini_engine.evaluate(make_commune(commune={"terrain": terrain, "distance_km": distance, "difficult_terrain": difficult}))
    assert result.zone == zone


def test_a_missing_value_is_reported_not_zeroed_and_makes_the_verdict_incomplete(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"has_doctor": None}))
    doctor = result.indicator(4)
    assert (doctor.status, doctor.reason, doctor.points) == (Status.MISSING_DATA, Reason.MISSING_VALUE, 0)
    assert result.verdict is Verdict.INCOMPLETE and result.recognised is None
    assert "MISSING_DATA" in {r.code.value for r in result.reasons}
    assert result.gaps[0].kind == "missing"


def test_missing_data_does_not_hide_a_certain_failure(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"has_doctor": None, "immunisation_rate": 50, "stunting_rate": 40}))
    assert result.verdict is Verdict.NOT_RECOGNISED and result.recognised is False


def test_a_derived_rate_is_computed_from_its_parts_and_an_empty_denominator_is_missing(mini_engine, make_commune) -> None:
    assert mini_engine.evaluate(make_commune()).indicator(3).values == {"latrine_rate": 96.0}
    empty = mini_engine.evaluate(make_commune(values={"households": 0, "households_latrine": 0})).indicator(3)
    assert empty.status is Status.MISSING_DATA


def test_total_exactly_eighty_percent_is_recognised_and_just_below_is_not(mini_engine, make_commune) -> None:
    at = mini_engine.evaluate(make_commune(values={"immunisation_rate": 91}, assessed={"5": {"points": 1}}))
    below = mini_engine.evaluate(make_commune(values={"immunisation_rate": 91}, assessed={"5": {"points": 0.5}}))
    assert at.total.points == 8 and at.verdict is Verdict.RECOGNISED
    assert below.total.points == 7.5 and below.verdict is Verdict.NOT_RECOGNISED
    assert [r.code.value for r in below.reasons] == ["TOTAL_BELOW_MINIMUM"]


def test_a_criterion_at_exactly_half_passes_its_floor(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"has_doctor": False}, assessed={"5": {"points": 2}}))
    workforce = result.criterion(2)
    assert (workforce.points, workforce.floor, workforce.floor_met) == (2, 2, True)


def test_a_criterion_below_half_fails_even_with_enough_total(tmp_path, make_commune) -> None:
    engine = chuanxa.compiled(_variant(tmp_path, min_total_share=0.5))
    result = engine.evaluate(make_commune(values={"has_doctor": False}, assessed={"5": {"points": 0.5}}))
    assert result.total.share >= 0.5
    assert [r.code.value for r in result.reasons] == ["CRITERION_BELOW_FLOOR"]
    assert result.gaps[0].blocks[0] == "criterion:2" and result.gaps[0].priority == 1


def test_a_failed_knockout_refuses_recognition_whatever_the_total(tmp_path, make_commune) -> None:
    engine = chuanxa.compiled(_variant(tmp_path, knockout_indicator="4"))
    result = engine.evaluate(make_commune(values={"has_doctor": False}, assessed={"5": {"points": 2}}))
    assert result.total.share == 0.8
    assert result.verdict is Verdict.NOT_RECOGNISED
    assert result.knockouts_failed == ("4",)
    assert result.reasons[0].code.value == "KNOCKOUT_FAILED"
    assert result.gaps[0].indicator == "4" and result.gaps[0].priority == 0


def test_assessors_points_override_the_data_and_both_are_shown(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"immunisation_rate": 80}, assessed={"1": {"points": 2, "note": "Số liệu điều chỉnh"}}))
    ind = result.indicator(1)
    assert (ind.points, ind.status, ind.data_points, ind.data_status) == (2, Status.ASSESSED, 0, Status.NOT_MET)
    assert ind.assessed_note == "Số liệu điều chỉnh"


def test_not_applicable_indicators_leave_the_total_when_the_rule_excludes_them(tmp_path, make_commune) -> None:
    engine = chuanxa.compiled(_variant(tmp_path, applies_when="zone != 1"))
    result = engine.evaluate(make_commune(commune={"distance_km": 1.0}))
    assert result.indicator(4).status is Status.NOT_APPLICABLE
    assert result.total.max == 8 and result.criterion(2).max == 2


def test_explanations_carry_rule_values_threshold_and_source(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"immunisation_rate": 92.0}))
    ind = result.indicator(1)
    assert chuanxa.indicator_rule(result.ruleset, ind.id) == "immunisation_rate >= 95 → 2; >= 90 → 1"  # the JSON's rule
    assert ind.values == {"immunisation_rate": 92.0}
    assert ind.source == "test" and ind.provisional is False


def test_gap_messages_say_how_far_and_what_it_earns(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune(values={"immunisation_rate": 92.0}))
    gap = next(g for g in result.gaps if g.indicator == "1")
    assert gap.targets[0].target == 95 and gap.targets[0].change == pytest.approx(3.0) and gap.targets[0].gain == 1
    assert "92.0% → 95.0%: +3.0 points of percentage, +1 points" in chuanxa.gap_text(gap).en
    assert "điểm phần trăm" in chuanxa.gap_text(gap).vi


def test_provisional_indicators_are_counted_and_flagged_when_they_decide(mini_engine, make_commune) -> None:
    result = mini_engine.evaluate(make_commune())
    assert result.provisional_count == 2
    assert result.provisional_decides is True  # 4 provisional points of 10 can flip an 80% rule


def test_the_json_result_follows_the_documented_contract(mini_engine, make_commune) -> None:
    data = mini_engine.evaluate(make_commune()).to_json_dict()
    assert set(data["ruleset"]) == {"id", "version", "sha256", "warning", "min_criterion_share", "min_total_share"} and len(data["ruleset"]["sha256"]) == 64
    assert (data["ruleset"]["min_criterion_share"], data["ruleset"]["min_total_share"]) == (mini_engine.ruleset.recognition.min_criterion_share,
                                                                                           mini_engine.ruleset.recognition.min_total_share)
    assert {"commune", "zone", "region", "total", "criteria", "indicators", "recognised", "reasons", "gaps", "provisional_count"} <= set(data)
    short = mini_engine.evaluate(make_commune(values={"immunisation_rate": None})).to_json_dict()  # missing data: a reason and a gap
    assert short["reasons"] and all(set(r) == {"code", "criterion", "indicator", "points", "required", "message"} for r in short["reasons"])
    assert short["gaps"] and all(set(g["message"]) == {"vi", "en"} and g["message"]["vi"] != g["message"]["en"] for g in short["gaps"])
    assert {"id", "points", "max", "floor_met"} <= set(data["criteria"][0])
    assert {"id", "criterion", "points", "max", "status", "reason", "provisional", "knockout"} <= set(data["indicators"][0])


def _variant(tmp_path: Path, knockout_indicator: str | None = None, min_total_share: float | None = None, applies_when: str | None = None) -> chuanxa.Ruleset:
    """An overlay of `mini` written as YAML, as a province would."""
    lines = ["ruleset:", "  id: mini_variant", "  version: 2020-01-01", "  extends: mini@2020-01-01",
             "  title: {vi: Biến thể, en: Variant}", "  legal_basis: {vi: thử, en: test}", "  issued: 2020-01-01", "  effective: 2020-01-01"]
    if knockout_indicator or applies_when:
        lines += ["criteria:", "  - id: 2", "    indicators:", "      - id: 4"]
        lines += ["        knockout: true"] if knockout_indicator else []
        lines += [f"        applies_when: \"{applies_when}\""] if applies_when else []
    if min_total_share is not None:
        lines += ["recognition:", f"  min_total_share: {min_total_share}"]
    (tmp_path / "variant.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Registry([FIXTURES / "rulesets", tmp_path], include_bundled=False, use_env=False).load("mini_variant")


def test_shared_result_records_are_read_only_and_equal_to_fresh_ones() -> None:
    """Records that depend only on assessed points are interned across communes; nobody may change them."""
    import copy
    import json
    import pickle

    example = Path(__file__).parent.parent / "examples" / "xa-thieu-giao.yaml"
    first, second = chuanxa.score(example), chuanxa.score(example)
    evidence = [r for r in first.indicators if not r.values]
    assert evidence and all(a is b for a, b in zip(evidence, (r for r in second.indicators if not r.values)))
    with pytest.raises(TypeError):
        evidence[0].values["x"] = 1  # type: ignore[index]
    assert json.loads(second.model_dump_json()) == json.loads(copy.deepcopy(second).model_dump_json()) == json.loads(pickle.loads(pickle.dumps(second)).model_dump_json())
