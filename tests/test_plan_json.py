"""A plan read back from its JSON is the plan that was written: equal records, and the same sentences in both
languages (`chuanxa.step_text`, `chuanxa.blocker_text`), with no ruleset at hand; the JSON keeps every field it had
before plans could be read back, with the same values (docs/results-json.md, "Plans")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import chuanxa
from chuanxa.planning import CostModel, Plan, TargetPlan
from chuanxa.planning.costs import CostsFile
from chuanxa.planning.plan import Blocker

from generated import build, generated_communes, ruleset_trees

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DOC = (ROOT / "docs" / "results-json.md").read_text(encoding="utf-8")

#: The fields a step and a blocker had in the JSON before plans could be read back (a blocker was its sentence only).
STEP_FIELDS_BEFORE = {"indicator", "criterion", "kind", "input", "value_before", "value_after", "points_before", "points_after", "gain", "cost", "message"}
BLOCKER_FIELDS_BEFORE = {"vi", "en"}


def _words(plan: Plan) -> list[Any]:
    return [chuanxa.step_text(s, plan) for s in plan.steps] + [chuanxa.blocker_text(b) for b in plan.blockers]


def assert_reads_back(plan: Plan) -> None:
    back = Plan.model_validate_json(plan.model_dump_json())
    assert back == plan
    assert _words(back) == _words(plan)
    assert back.model_dump(mode="json") == plan.model_dump(mode="json")  # and is written again as it was


def _mini_stuck(mini: chuanxa.Ruleset, costs: dict[str, Any]) -> Plan:
    commune = chuanxa.CommuneData.model_validate({"commune": {"code": "X", "name": "Xã X", "region": "dong_bang_song_hong", "terrain": "dong_bang", "distance_km": 4},
                                                  "values": {"immunisation_rate": 50, "stunting_rate": 30, "households": 10, "households_latrine": 1,
                                                             "has_doctor": False}, "assessed": {"5": 0}})
    return chuanxa.plan(commune, mini, CostModel(CostsFile.model_validate(costs)))


def _knockout_ruleset(tmp_path: Path) -> Path:
    """The mini ruleset with its doctor indicator (4) a knock-out, in a rulesets folder of its own."""
    text = (ROOT / "tests" / "fixtures" / "rulesets" / "mini_2020-01-01.yaml").read_text(encoding="utf-8")
    marked = text.replace("        input: has_doctor\n        max_points: 2\n", "        input: has_doctor\n        max_points: 2\n        knockout: true\n")
    assert marked != text
    folder = tmp_path / "rulesets"
    folder.mkdir()
    (folder / "mini_2020-01-01.yaml").write_text(marked, encoding="utf-8")
    return folder


def _no_doctor_commune(tmp_path: Path) -> Path:
    path = tmp_path / "xa.yaml"
    path.write_text("commune: {code: X1, name: Xã Một, region: dong_bang_song_hong, terrain: dong_bang, distance_km: 4}\nruleset: mini@2020-01-01\n"
                    "values: {children_under_1: 120, immunisation_rate: 96, stunting_rate: 12, households: 500, households_latrine: 480, has_doctor: false}\n"
                    "assessed: {'5': {points: 2, note: Có kế hoạch}}\n", encoding="utf-8")
    return path


def test_the_example_plans_read_back_equal_with_the_same_step_sentences() -> None:
    for costs in (None, EXAMPLES / "costs.yaml"):
        found = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", "qd1300@2023-03-20", costs)
        assert found.steps and all(s.label is not None for s in found.steps if s.kind == "value")
        assert_reads_back(found)


def _barred(tmp_path: Path) -> Path:
    """A costs file under which only collecting data is possible: most of the example district has no plan."""
    path = tmp_path / "barred.yaml"
    path.write_text("default: {possible: false, note: không có kinh phí}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("costs", ["example", "barred"])
def test_every_plan_of_a_district_reads_back_and_so_does_the_target_plan(tmp_path: Path, costs: str) -> None:
    targets = chuanxa.plan_targets(EXAMPLES / "thieu_hoa_2024.csv", target_share=1.0, costs=EXAMPLES / "costs.yaml" if costs == "example" else _barred(tmp_path))
    plans = [*targets.chosen, *targets.not_chosen, *targets.infeasible, *targets.already]
    assert len(plans) == 15 and any(p.blockers if costs == "barred" else p.steps for p in plans)
    for found in plans:
        assert_reads_back(found)
    assert TargetPlan.model_validate_json(targets.model_dump_json()) == targets


def test_a_plan_with_blockers_reads_back_and_says_the_same_in_both_languages(mini: chuanxa.Ruleset) -> None:
    stuck = _mini_stuck(mini, {"indicators": {"4": {"possible": False}, "5": {"possible": False}}})
    assert not stuck.feasible and {b.code for b in stuck.blockers} >= {"CRITERION_UNREACHABLE"}
    assert_reads_back(stuck)


def test_the_json_keeps_the_fields_it_had_with_their_values_and_adds_the_records_words() -> None:
    found = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", "qd1300@2023-03-20", EXAMPLES / "costs.yaml")
    step, written = found.steps[0], found.model_dump(mode="json")["steps"][0]
    assert STEP_FIELDS_BEFORE <= set(written)
    assert {k: written[k] for k in STEP_FIELDS_BEFORE - {"message"}} == step.model_dump(mode="json", include=STEP_FIELDS_BEFORE)
    assert written["message"] == chuanxa.step_text(step, found).model_dump()
    assert written["label"] == {"vi": "Tỷ lệ phụ nữ đẻ được khám thai ít nhất 3 lần trong 3 thời kỳ",
                                "en": "Share of women giving birth with at least 3 antenatal visits"}
    assert (written["unit"], written["op"], written["answer"]) == ("%", ">=", None)


def test_a_blocker_is_written_as_its_record_with_its_sentence_where_it_was(mini: chuanxa.Ruleset) -> None:
    stuck = _mini_stuck(mini, {"indicators": {"4": {"possible": False}, "5": {"possible": False}}})
    for blocker, written in zip(stuck.blockers, stuck.model_dump(mode="json")["blockers"], strict=True):
        assert BLOCKER_FIELDS_BEFORE <= set(written)
        assert {k: written[k] for k in ("vi", "en")} == chuanxa.blocker_text(blocker).model_dump()
        assert Blocker.model_validate(written) == blocker


def test_the_documented_plan_fields_are_the_writers(tmp_path: Path) -> None:
    """docs/results-json.md lists each step's and each blocker's fields; the writer writes those, no more, no fewer."""
    documented = {record: {f.strip() for f in fields.split(",")} for record, fields in re.findall(r"^\| `(steps|blockers)\[\]` \| `([^|]*)` \|", DOC, re.M)}
    found = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", "qd1300@2023-03-20", EXAMPLES / "costs.yaml")
    assert documented["steps"] == set(found.model_dump(mode="json")["steps"][0])
    stuck = chuanxa.plan_targets(EXAMPLES / "thieu_hoa_2024.csv", target_share=1.0, costs=_barred(tmp_path)).infeasible
    assert stuck and all(documented["blockers"] == set(b) for p in stuck for b in p.model_dump(mode="json")["blockers"])
    plan_fields = re.search(r"^A plan: `\{([^}]*)\}`", DOC, re.M)
    assert plan_fields is not None and {f.strip() for f in plan_fields.group(1).split(",")} == set(found.model_dump(mode="json"))


@pytest.mark.parametrize("input_name,threshold,value", [("ch", "a", "b"), ("yn", True, False)])
def test_an_answer_step_reads_back_with_the_answer_it_asks_for(input_name: str, threshold: object, value: object) -> None:
    from test_engine_regressions import _commune, _indicator, _tree

    ruleset = build(_tree([_indicator("1", kind="threshold", input=input_name, op="==", max_points=1.0, levels=[{"points": 1.0, "threshold": threshold}])]))
    found = chuanxa.plan(_commune({input_name: value}), ruleset)
    assert [(s.kind, s.value_after) for s in found.steps] == [("answer", threshold)]
    assert (found.steps[0].answer is not None) is (input_name == "ch")
    assert_reads_back(found)


def test_a_blocker_code_from_a_newer_version_is_shown_by_its_code() -> None:
    later = Blocker.model_validate({"code": "BUDGET_SPENT", "vi": "…", "en": "…"})
    words = chuanxa.blocker_text(later)
    assert "BUDGET_SPENT" in words.vi and "BUDGET_SPENT" in words.en and words.vi != words.en


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_plans_on_generated_rulesets_read_back_equal_with_the_same_words(data: st.DataObject) -> None:
    tree = data.draw(ruleset_trees())
    ruleset = build(tree)
    indicators = [i["id"] for c in tree["criteria"] for i in c["indicators"]]
    barred = data.draw(st.lists(st.sampled_from(indicators), max_size=2, unique=True))
    costs = CostModel(CostsFile.model_validate({"indicators": {i: {"possible": False} for i in barred}, "default": {"per_point": 3}})) if barred else None
    for _ in range(3):
        try:
            found = chuanxa.plan(data.draw(generated_communes(tree)), ruleset, costs)
        except chuanxa.CommuneDataError:
            continue  # the generated data are invalid on purpose now and then (a rate beyond its bounds)
        assert_reads_back(found)


# --- why a required indicator cannot improve: codes worded in both languages, the costs file's note as written ---


def test_an_indicator_the_costs_file_bars_is_explained_in_both_languages_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chuanxa.cli.main import main

    folder, commune = _knockout_ruleset(tmp_path), _no_doctor_commune(tmp_path)
    bare, noted = tmp_path / "bare.yaml", tmp_path / "noted.yaml"
    bare.write_text("indicators:\n  '4': {possible: false}\n", encoding="utf-8")
    noted.write_text("indicators:\n  '4': {possible: false, note: 'chưa tuyển được bác sĩ năm nay'}\n", encoding="utf-8")
    said = {}
    for costs in (bare, noted):
        for lang in ("vi", "en"):
            assert main(["plan", str(commune), "--rulesets", str(folder), "--costs", str(costs), *(["--lang", "en"] if lang == "en" else [])]) == 1
            said[costs.stem, lang] = capsys.readouterr().out
    assert "Chỉ tiêu 4 bắt buộc phải cải thiện nhưng không thể: tệp chi phí ghi là không thể cải thiện." in said["bare", "vi"]
    assert "Indicator 4 must improve but cannot: the costs file marks it impossible." in said["bare", "en"]
    assert "tệp chi phí ghi là không thể cải thiện (chưa tuyển được bác sĩ năm nay)." in said["noted", "vi"]
    assert "the costs file marks it impossible (chưa tuyển được bác sĩ năm nay)." in said["noted", "en"]  # the user's words as written
    assert not any(re.search(r"marked impossible|no option reaches", said[k]) for k in said if k[1] == "vi")
    assert main(["plan", str(commune), "--rulesets", str(folder), "--costs", str(noted), "--format", "json"]) == 1
    written = json.loads(capsys.readouterr().out)
    blocker = next(b for b in written["blockers"] if b["code"] == "INDICATOR_BLOCKED")
    assert (blocker["indicator"], blocker["cause"], blocker["note"]) == ("4", "COSTS_IMPOSSIBLE", "chưa tuyển được bác sĩ năm nay")
    assert Plan.model_validate(written).blockers[0] == Blocker.model_validate(blocker)


def test_an_input_rule_that_bars_every_option_is_the_costs_files_doing_too(tmp_path: Path) -> None:
    folder, commune = _knockout_ruleset(tmp_path), _no_doctor_commune(tmp_path)
    costs = tmp_path / "costs.yaml"
    costs.write_text("inputs:\n  has_doctor: {possible: false, note: thiếu biên chế}\n", encoding="utf-8")
    engine = chuanxa.compiled("mini@2020-01-01", rulesets_dirs=(folder,))
    found = chuanxa.plan(commune, engine, CostModel.load(costs))
    assert [(b.code, b.cause, b.note) for b in found.blockers] == [("INDICATOR_BLOCKED", "COSTS_IMPOSSIBLE", "thiếu biên chế")]


def test_a_required_indicator_with_no_option_at_all_says_so_in_both_languages() -> None:
    words = chuanxa.blocker_text(Blocker(code="INDICATOR_BLOCKED", indicator="7", cause="NO_OPTION"))
    assert words.vi == "Chỉ tiêu 7 bắt buộc phải cải thiện nhưng không thể: không có cách cải thiện nào đạt số điểm bắt buộc."
    assert words.en == "Indicator 7 must improve but cannot: no option reaches the required points."


# --- a plan file: written with -o, read back by `chuanxa.read_plan`, shown again by `chuanxa plan-show` ---


def test_a_saved_plan_is_shown_again_in_the_words_plan_printed_in_either_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chuanxa.cli.main import main

    saved = tmp_path / "ke-hoach.json"
    args = ["plan", str(EXAMPLES / "xa-thieu-giao.yaml"), "--costs", str(EXAMPLES / "costs.yaml")]
    assert main([*args, "-o", str(saved)]) == 0 and capsys.readouterr().out == ""
    assert chuanxa.read_plan(saved) == chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", costs=EXAMPLES / "costs.yaml")
    for lang in (["--lang", "en"], []):
        assert main([*args, *lang]) == 0
        printed = capsys.readouterr().out
        assert main(["plan-show", str(saved), *lang]) == 0
        assert capsys.readouterr().out == printed and "4.5" in printed


def test_saved_target_plans_are_shown_again_by_province_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chuanxa.cli.main import main

    for extra in ([], ["--by-province"]):
        saved = tmp_path / f"targets{len(extra)}.json"
        args = ["plan-targets", str(EXAMPLES / "thieu_hoa_2024.csv"), "--target-share", "0.9", "--costs", str(EXAMPLES / "costs.yaml"), *extra]
        main([*args, "-o", str(saved)])
        capsys.readouterr()
        main(args)
        printed = capsys.readouterr().out
        back = chuanxa.read_plan(saved)
        assert isinstance(back, dict if extra else TargetPlan)
        assert main(["plan-show", str(saved)]) == 0
        assert capsys.readouterr().out == printed and "Xã Thiệu Giao" in printed


def test_a_plan_saved_on_windows_reads_back(tmp_path: Path) -> None:
    found = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", costs=EXAMPLES / "costs.yaml")
    text = json.dumps(found.model_dump(mode="json"), ensure_ascii=False, indent=2)
    for name, data in (("bom", b"\xef\xbb\xbf" + text.encode("utf-8")), ("utf16", text.encode("utf-16"))):  # Notepad; PowerShell 5's `>`
        (tmp_path / name).write_bytes(data)
        assert chuanxa.read_plan(tmp_path / name) == found


@pytest.mark.parametrize("content,words", [(b"{\"a\": 1}", "không có lộ trình"), (b"not json", "không phải là tệp lộ trình"),
                                           (b"{\"commune\": \"1\", \"feasible\": true}", "không phải là tệp lộ trình")])
def test_a_file_that_is_not_a_plan_is_refused_in_both_languages_with_its_name(tmp_path: Path, content: bytes, words: str,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from chuanxa.cli.main import main

    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(chuanxa.CommuneDataError) as caught:
        chuanxa.read_plan(path)
    assert words in caught.value.message("vi") and "not a chuanxa plan" in caught.value.message("en") and "x.json" in str(caught.value.location.file)
    assert main(["plan-show", str(path)]) == 2 and words in capsys.readouterr().err
    assert main(["plan-show", str(path), "--lang", "en"]) == 2 and "not a chuanxa plan JSON file" in capsys.readouterr().err


def test_a_plan_written_before_plans_could_be_read_back_still_reads(tmp_path: Path, mini: chuanxa.Ruleset) -> None:
    """Older files: steps without the ruleset's words (their input named instead), blockers as sentences only."""
    found = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml", costs=EXAMPLES / "costs.yaml")
    older = found.model_dump(mode="json")
    older["steps"] = [{k: v for k, v in s.items() if k not in ("op", "label", "unit", "answer")} for s in older["steps"]]
    back = chuanxa.read_plan(older)
    assert isinstance(back, Plan) and [s.value_after for s in back.steps] == [s.value_after for s in found.steps]
    assert chuanxa.step_text(back.steps[0], back).en == "Raise antenatal_3_visits_rate from 78.5 to 80: +1 point, cost 4.5"
    stuck = _mini_stuck(mini, {"indicators": {"4": {"possible": False}, "5": {"possible": False}}}).model_dump(mode="json")
    stuck["blockers"] = [{"vi": b["vi"], "en": b["en"]} for b in stuck["blockers"]]
    back = chuanxa.read_plan(stuck)
    assert isinstance(back, Plan) and back.blockers and {b.code for b in back.blockers} == {"UNRECORDED"}
    assert "plan again" in chuanxa.blocker_text(back.blockers[0]).en and "lập lại lộ trình" in chuanxa.blocker_text(back.blockers[0]).vi


def test_a_saved_plan_shows_again_the_warning_its_ruleset_gave(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chuanxa.cli.main import main

    written = chuanxa.plan(EXAMPLES / "xa-thieu-giao.yaml").model_dump(mode="json")
    written["ruleset"]["warning"] = {"vi": "KHÔNG DÙNG ĐỂ CÔNG NHẬN", "en": "NOT FOR CERTIFICATION"}
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
    assert main(["plan-show", str(saved), "--lang", "en"]) == 0
    shown = capsys.readouterr()
    assert shown.err.startswith(f"qd1300@{written['ruleset']['version']}: NOT FOR CERTIFICATION") and "NOT FOR" not in shown.out
    assert main(["plan-show", str(saved)]) == 0 and "KHÔNG DÙNG ĐỂ CÔNG NHẬN" in capsys.readouterr().err
