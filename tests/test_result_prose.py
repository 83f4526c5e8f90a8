"""The result model holds codes, numbers, ids and the ruleset's (or the user's) own words, never a sentence the
engine, the planner or a table reader built: `chuanxa.wording` renders those wherever they are shown, and the JSON
writers add them (`message`, `region_reason`, an indicator's `rule`, a plan's `blockers`, a table notice's and a rejected row's
`message_vi`/`message_en`, a recognition standing's and a merged commune's `notes`) at write time, as they were before."""

from __future__ import annotations

import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import BaseModel

import chuanxa
from chuanxa.criteria.model import Text
from chuanxa.outputs.jsonout import encode_commune
from chuanxa.planning import CostModel, MergedCommune
from chuanxa.planning.costs import CostsFile
from chuanxa.planning.recognitions import CommuneHistory, standing

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: The records a library user, a renderer or the HTTP API receives.
RESULT_MODELS = (chuanxa.CommuneResult, chuanxa.BatchResult, chuanxa.SummaryBatch, chuanxa.Plan, chuanxa.TargetPlan, chuanxa.Simulation, chuanxa.Sweep,
                 chuanxa.Standing, MergedCommune)

#: Text-valued fields that carry words someone wrote (the ruleset's authors), copied, never composed.
RULESET_WORDS = {"RulesetStamp.warning", "CriterionResult.title", "IndicatorResult.title", "Gap.title", "Gap.label", "PlanStep.label", "PlanStep.answer",
                 "CommuneResult.region_name", "MergeNote.label"}
#: Names that were sentences built by the engine or planner; they live in `chuanxa.wording` and the JSON only.
RENDERED_NAMES = {"message", "messages", "message_vi", "message_en", "region_reason", "text", "sentence", "words", "blockers_text", "rule", "rules", "rule_text", "rule_words"}


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


def _untyped_records(annotation: Any) -> bool:
    """A list of plain dicts (`tuple[dict[str, Any], ...]`): records without a type, which can carry any sentence."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (tuple, list) and args:
        return typing.get_origin(args[0]) is dict or args[0] is dict or any(_untyped_records(a) for a in args)
    return any(_untyped_records(a) for a in args)


def prose_fields(roots: tuple[type[BaseModel], ...]) -> list[str]:
    """Every field of the records reachable from `roots` that holds composed words: Text not listed as the ruleset's
    own, a field named as a rendered sentence, or a list of untyped dicts (the shape rejected rows' and table
    notices' words used to hide in)."""
    out = []
    for model in _records(roots):
        for name, field in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            if (Text in _types(field.annotation) and where not in RULESET_WORDS) or name in RENDERED_NAMES or _untyped_records(field.annotation):
                out.append(where)
    return sorted(out)


def test_no_result_record_holds_a_sentence_built_by_the_engine_or_the_planner() -> None:
    assert prose_fields(RESULT_MODELS) == []
    names = {m.__name__ for m in _records(RESULT_MODELS)}
    assert {"CommuneIdentity", "Notice", "PlanStep", "Blocker", "FailureReason", "Gap", "CommuneSummary", "RowError", "RowProblem", "ProblemLocation",
            "TableNotice", "StandingNote", "MergeNote"} <= names  # the walk reaches them


def test_the_check_catches_a_sentence_that_comes_back() -> None:
    class Again(BaseModel):
        code: str
        message: Text
        rule: str  # an indicator's rule composed into its result again

    class AgainText(BaseModel):
        why: Text | None = None

    class AgainRow(BaseModel):
        errors: tuple[dict[str, Any], ...] = ()  # {code, message_vi, message_en}, as rejected rows had them

    class AgainNotice(BaseModel):
        code: str
        message_en: str

    class AgainStanding(BaseModel):
        notes: tuple[Text, ...] = ()  # a recognition standing's notes, as they were built before they were records

    class Holder(BaseModel):
        items: tuple[Again, ...] = ()
        extra: dict[str, AgainText] = {}
        rejected: tuple[AgainRow, ...] = ()
        notices: tuple[AgainNotice, ...] | None = None
        standing: AgainStanding | None = None

    assert prose_fields((Holder,)) == ["Again.message", "Again.rule", "AgainNotice.message_en", "AgainRow.errors", "AgainStanding.notes", "AgainText.why"]


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
    assert [{k: b[k] for k in ("vi", "en")} for b in stuck.model_dump(mode="json")["blockers"]] == [chuanxa.blocker_text(b).model_dump() for b in stuck.blockers]
    assert chuanxa.Plan.model_validate(json.loads(json.dumps(stuck.model_dump(mode="json")))) == stuck  # the sentences are dropped, the records read back
    total = [chuanxa.blocker_text(b) for b in stuck.blockers if b.code == "TOTAL_UNREACHABLE"]
    assert not total or total[0].vi.startswith("Tổng điểm chỉ có thể đạt tối đa ")


# --- table notices and rejected rows: codes with their place and numbers, worded by `chuanxa.wording` ---

def _officer_table(folder: Path) -> Path:
    """The example table with a title row above it, a totals row under it, and two communes with bad cells."""
    import csv

    with open(EXAMPLES / "thieu_hoa_2024.csv", encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rows[1][header.index("Tổng số hộ gia đình (hộ)")] = "nhiều"
    rows[3][header.index("Mã xã")] = ""
    path = folder / "bang.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["BẢNG TỔNG HỢP KẾT QUẢ"], header, *rows, ["", "Tổng cộng"]])
    return path


def _strings(value: Any) -> set[str]:
    """Every string held anywhere in a record (fields, tuples, dicts such as `params`)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, BaseModel):
        return _strings(value.__dict__)
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()), *(_strings(k) for k in value))
    if isinstance(value, (tuple, list)):
        return set().union(*(_strings(v) for v in value))
    return set()


def test_a_tables_notices_and_rejected_rows_are_codes_worded_only_when_shown(tmp_path: Path) -> None:
    batch = chuanxa.score_many(_officer_table(tmp_path), "qd1300@2023-03-20")
    assert [n.code for n in batch.notices] == ["notice.header_row", "notice.title_rows", "notice.totals_row"]
    assert [(n.rows, n.params) for n in batch.notices] == [((2,), {"columns": len(_header_columns())}), ((1,), {}), ((18,), {})]
    assert [(r.row, [p.code for p in r.errors]) for r in batch.rejected] == [(4, ["data.bad_value"]), (6, ["data.missing_field"])]
    bad = batch.rejected[0].errors[0]
    assert (bad.location.row, bad.location.column, bad.location.path, bad.params["value"]) == (4, "Tổng số hộ gia đình (hộ)", "values.households", "nhiều")

    words = [chuanxa.table_notice_text(n) for n in batch.notices] + [chuanxa.problem_text(p) for r in batch.rejected for p in r.errors]
    assert words[1].vi == "hàng 1: bỏ qua: tiêu đề phía trên bảng." and words[1].en == "row 1: skipped: title rows above the table."
    assert words[3].en.endswith(", row 4, column 'Tổng số hộ gia đình (hộ)', commune 16024, indicator 23: The value 'nhiều' is not valid for 'Households' "
                                "(households): expected a whole number, 0 or more (e.g. 120).")
    assert ", hàng 4, cột 'Tổng số hộ gia đình (hộ)', xã 16024, chỉ tiêu 23: Giá trị 'nhiều' không hợp lệ cho " in words[3].vi
    held = _strings(batch.rejected) | _strings(batch.notices)
    assert not {w for text in words for w in (text.vi, text.en)} & held  # no record holds a sentence…
    assert not any(" bỏ qua" in s or "skipped" in s or "không hợp lệ" in s or "not valid" in s for s in held)  # …nor a piece of one


def _header_columns() -> list[str]:
    import csv

    with open(EXAMPLES / "thieu_hoa_2024.csv", encoding="utf-8-sig", newline="") as handle:
        return [c for c in next(csv.reader(handle)) if c]


def test_the_json_writes_the_same_words_beside_the_codes_and_reads_back_to_the_same_records(tmp_path: Path) -> None:
    from chuanxa.outputs.jsonout import encode_batch

    for batch in (chuanxa.score_many(_officer_table(tmp_path), "qd1300@2023-03-20"), chuanxa.summarise_many(_officer_table(tmp_path), "qd1300@2023-03-20")):
        for data in (json.loads(encode_batch(batch)), batch.to_json_dict()):
            assert data["notices"] == [{"code": n.code, "sheet": None, "rows": list(n.rows), "params": n.params,
                                        "message_vi": chuanxa.table_notice_text(n).vi, "message_en": chuanxa.table_notice_text(n).en} for n in batch.notices]
            written = data["rejected"][0]["errors"][0]
            problem = batch.rejected[0].errors[0]
            assert list(written) == ["error", "code", "message", "location", "params", "message_en", "message_vi"]
            assert (written["error"], written["code"], written["message_vi"], written["message_en"]) == (
                "CommuneDataError", "data.bad_value", chuanxa.problem_text(problem).vi, chuanxa.problem_text(problem).en)
            assert chuanxa.problem_text(problem).vi.endswith(": " + written["message"]) and written["message"].startswith("Giá trị 'nhiều'")  # no place
            assert written["location"] == {"file": str(tmp_path / "bang.csv"), "path": "values.households", "row": 4, "column": "Tổng số hộ gia đình (hộ)",
                                           "commune": "16024", "indicator": "23"}
        assert chuanxa.read_results(encode_batch(batch)) == batch  # nothing lost: the codes, places and numbers come back


def test_every_table_notice_code_has_words_in_both_languages() -> None:
    import string

    from chuanxa.communes.notices import NOTICE_CODES
    from chuanxa.messages import CATALOGUE

    for code in sorted(NOTICE_CODES):
        names = {name for lang in ("vi", "en") for _, name, _, _ in string.Formatter().parse(CATALOGUE[code][lang]) if name}
        notice = chuanxa.TableNotice.of(code, "Biểu 01", (7, 8, 9, 12), {name: "X1" for name in names})
        words = chuanxa.table_notice_text(notice)
        assert words.vi.startswith("[Biểu 01] hàng 7–9, 12: ") and words.en.startswith("[Biểu 01] rows 7–9, 12: "), code
        assert words.vi != words.en and "{" not in words.vi + words.en, code
        assert not names or ("X1" in words.vi and "X1" in words.en), code  # its numbers are in the words


def test_a_notice_or_problem_code_without_words_is_refused() -> None:
    from pydantic import ValidationError

    from chuanxa.communes import notices

    with pytest.raises(ValidationError, match="unknown table notice code 'notice.sideways'"):
        chuanxa.TableNotice(code="notice.sideways", sheet=None)
    with pytest.raises(ValidationError, match="not in the message catalogue"):
        chuanxa.RowProblem(error="CommuneDataError", code="data.no_such_message")
    with pytest.raises(LookupError, match="notice.sideways"):  # what importing the reader does with a code the catalogue lacks
        notices.check_catalogue(notices.NOTICE_CODES | {"notice.sideways"})
    notices.check_catalogue()


def test_every_notice_the_readers_make_is_a_registered_code() -> None:
    import re

    from chuanxa.communes.notices import NOTICE_CODES

    root = Path(__file__).resolve().parents[1]
    made = {code for path in (root / "communes").glob("*.py") for code in re.findall(r'"(notice\.\w+)"', path.read_text(encoding="utf-8"))}
    assert made and made <= NOTICE_CODES


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_cli_and_the_csv_word_the_notices_and_rejected_rows_from_the_records(tmp_path: Path, lang: str) -> None:
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    table = _officer_table(tmp_path)
    batch = chuanxa.score_many(table, "qd1300@2023-03-20")
    done = CliRunner().invoke(cli, ["score", str(table), "--ruleset", "qd1300@2023-03-20", "--lang", lang], catch_exceptions=False)
    note, rejected = ("Ghi chú: ", "Bị từ chối: ") if lang == "vi" else ("Note: ", "Rejected: ")
    assert done.stderr.splitlines()[:5] == ([note + chuanxa.table_notice_text(n).get(lang) for n in batch.notices]
                                            + [rejected + chuanxa.problem_text(r.errors[0]).get(lang) for r in batch.rejected])
    assert done.stderr.splitlines()[1] == ("Ghi chú: hàng 1: bỏ qua: tiêu đề phía trên bảng." if lang == "vi" else "Note: row 1: skipped: title rows above the table.")
    csv_text = CliRunner().invoke(cli, ["score", str(table), "--ruleset", "qd1300@2023-03-20", "--lang", lang, "--format", "csv"]).stdout
    assert chuanxa.problem_text(batch.rejected[1].errors[0]).get(lang) in csv_text


def test_the_published_schema_of_a_batch_matches_its_json_notices_and_rejected_rows_included(tmp_path: Path) -> None:
    import jsonschema

    for batch in (chuanxa.score_many(_officer_table(tmp_path), "qd1300@2023-03-20"), chuanxa.summarise_many(_officer_table(tmp_path), "qd1300@2023-03-20")):
        schema = type(batch).model_json_schema(mode="serialization")
        data = json.loads(json.dumps(batch.to_json_dict()))
        assert data["notices"] and data["rejected"]
        jsonschema.validate(data, schema)
        for broken in ({**data, "notices": [{k: v for k, v in data["notices"][0].items() if k != "message_en"}]},
                       {**data, "rejected": [{**data["rejected"][0], "errors": [{**data["rejected"][0]["errors"][0], "message_vi": None}]}]}):
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(broken, schema)


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


# --- a recognition standing's notes and a merged commune's notes: codes and what they name, worded by `chuanxa.wording` ---

#: The words `chuanxa recognitions` printed for the example history on 1 March 2026 before notes were records.
STANDING_WORDS = {
    "15820": [("Quá hạn kiểm tra duy trì hằng năm (hạn 20/06/2025).", "Yearly maintenance check overdue (due 2025-06-20)."),
              ("Chuẩn bị hồ sơ công nhận lại.", "Prepare the re-recognition dossier.")],
    "15853": [("Quyết định 987/QĐ-UBND (10/05/2022) có trước khi xã được thành lập (01/07/2025): không tính.",
               "Decision 987/QĐ-UBND (2022-05-10) predates the commune (2025-07-01): not counted."),
              ("Xã mới sáp nhập từ 16036, 16039: không kế thừa công nhận của các xã cũ.", "Merged from 16036, 16039: inherits no recognition from the old communes.")],
    "15778": [("Cần công nhận lại.", "Re-recognition needed.")],
}


def _standings() -> list[chuanxa.Standing]:
    return chuanxa.standings(chuanxa.load_histories(EXAMPLES / "recognitions.yaml"), dt.date(2026, 3, 1))


def test_a_recognition_standings_notes_are_codes_with_dates_worded_as_before() -> None:
    rows = {s.code: s for s in _standings()}
    assert [(n.code, n.due) for n in rows["15820"].notes] == [("MAINTENANCE_OVERDUE", dt.date(2025, 6, 20)), ("PREPARE_RERECOGNITION", None)]
    assert [(n.code, n.decision, n.date, n.established, n.former) for n in rows["15853"].notes] == [
        ("DECISION_PREDATES_COMMUNE", "987/QĐ-UBND", dt.date(2022, 5, 10), dt.date(2025, 7, 1), ()), ("MERGED_NO_INHERITANCE", None, None, None, ("16036", "16039"))]
    assert [n.code for n in rows["15778"].notes] == ["RERECOGNITION_NEEDED"] and rows["15796"].notes == ()
    words = {code: [(w.vi, w.en) for w in map(chuanxa.standing_note_text, rows[code].notes)] for code in STANDING_WORDS}
    assert words == STANDING_WORDS
    held = _strings(list(rows.values()))
    assert not {w for pairs in STANDING_WORDS.values() for pair in pairs for w in pair} & held  # no record holds a sentence…
    assert not any("không tính" in s or "not counted" in s or "overdue" in s or "công nhận lại" in s or "Merged from" in s or "20/06/2025" in s for s in held)  # …nor a piece


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_recognitions_command_writes_each_notes_words_beside_its_code_and_the_json_reads_back(lang: str) -> None:
    import csv

    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    rows = _standings()
    run = ["recognitions", str(EXAMPLES / "recognitions.yaml"), "--as-of", "2026-03-01", "--all", "--lang", lang]
    written = json.loads(CliRunner().invoke(cli, [*run, "--format", "json"], catch_exceptions=False).stdout)["communes"]
    assert [[{"vi": n["vi"], "en": n["en"]} for n in s["notes"]] for s in written] == [[chuanxa.standing_note_text(n).model_dump() for n in s.notes] for s in rows]
    assert written[2]["notes"][0] == {"code": "DECISION_PREDATES_COMMUNE", "decision": "987/QĐ-UBND", "date": "2022-05-10", "established": "2025-07-01",
                                      "vi": STANDING_WORDS["15853"][0][0], "en": STANDING_WORDS["15853"][0][1]}  # only what the code names, then its words
    assert [chuanxa.Standing.model_validate(s) for s in written] == rows  # the sentences are dropped, the records read back
    shown = CliRunner().invoke(cli, [*run, "--format", "csv"], catch_exceptions=False).stdout
    notes = [row[-1] for row in list(csv.reader(shown.strip().splitlines()))[1:]]
    assert notes == [" ".join(chuanxa.standing_note_text(n).get(lang) for n in s.notes) for s in rows]
    text = CliRunner().invoke(cli, [*run], catch_exceptions=False).stdout
    assert all(" ".join(pair[0 if lang == "vi" else 1] for pair in pairs) in text for pairs in STANDING_WORDS.values())


def _merged() -> list[MergedCommune]:
    from chuanxa.communes.readers import read_table

    ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    communes = [row.data for row in read_table(EXAMPLES / "thieu_hoa_2024.csv", ruleset).rows]
    return chuanxa.merge_details(chuanxa.load_mapping(EXAMPLES / "merge_mapping.yaml"), communes, ruleset)


def test_a_merged_communes_notes_are_codes_with_the_input_and_its_sites_rule_worded_as_before() -> None:
    ward = _merged()[1]
    assert [n.code for n in ward.notes] == ["STATION_SITES", *["INPUT_COMBINED"] * 6, "NO_INHERITANCE"]
    sites, staff = ward.notes[0], ward.notes[1]
    assert (sites.commune, sites.sites) == ("Phường Đông Tiến", ("Điểm trạm Xã Tân Châu", "Điểm trạm Xã Thiệu Giao"))
    assert (staff.input, staff.method, staff.provisional, staff.label) == ("station_staff", "sum", True, chuanxa.load_ruleset("qd1300@2023-03-20").inputs["station_staff"].label)
    words = [chuanxa.merge_note_text(n) for n in ward.notes]
    assert words[0].vi == "Phường Đông Tiến: một trạm y tế với 2 điểm trạm (Điểm trạm Xã Tân Châu, Điểm trạm Xã Thiệu Giao)."
    assert words[0].en == "Phường Đông Tiến: one health station with 2 sites (Điểm trạm Xã Tân Châu, Điểm trạm Xã Thiệu Giao)."
    assert words[1].vi == "Số nhân lực làm việc tại trạm y tế: cộng số của các điểm trạm (tạm thời: QĐ 1300 ban hành trước khi có điểm trạm)."
    assert words[2].en == "A doctor works at the health station: yes if at least one site has it (provisional: 1300 predates sites)."
    assert words[-1].en == "The new commune inherits no recognition from the old communes; their assessed points are not carried over."
    held = _strings(ward.notes)
    assert not {w for text in words for w in (text.vi, text.en)} & held
    assert not any("một trạm y tế" in s or "health station with" in s or "added up" in s or "predates sites" in s or "tạm thời" in s for s in held)
    settled = staff.model_copy(update={"provisional": False, "method": "max"})  # a rule that is not provisional has no mark
    assert chuanxa.merge_note_text(settled).en == "Staff working at the health station: the highest value among the sites."


def test_a_merged_communes_json_writes_each_notes_words_and_reads_back_and_the_merge_command_prints_them(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    merged = _merged()
    for item in merged:
        written = item.model_dump(mode="json")
        assert [{"vi": n["vi"], "en": n["en"]} for n in written["notes"]] == [chuanxa.merge_note_text(n).model_dump() for n in item.notes]
        assert written["notes"][-1] == {"code": "NO_INHERITANCE", **chuanxa.merge_note_text(item.notes[-1]).model_dump()}
        assert MergedCommune.model_validate(json.loads(json.dumps(written))) == item
    for lang in ("vi", "en"):
        shown = CliRunner().invoke(cli, ["merge", str(EXAMPLES / "merge_mapping.yaml"), str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(tmp_path / f"moi-{lang}.csv"),
                                         "--lang", lang], catch_exceptions=False).stdout
        for item in merged:
            lines = [("  " if n else "") + chuanxa.merge_note_text(note).get(lang) for n, note in enumerate(item.notes)]
            assert "\n".join(lines) in shown


def test_every_standing_and_merge_note_code_and_sites_rule_has_words_in_both_languages() -> None:
    from chuanxa.criteria.model import SiteRule
    from chuanxa.messages import render

    day = dt.date(2025, 2, 3)
    for code in typing.get_args(chuanxa.StandingNote.model_fields["code"].annotation):
        words = chuanxa.standing_note_text(chuanxa.StandingNote(code=code, decision="9/QĐ", date=day, established=day, former=("1", "2"), due=day))
        assert words.vi != words.en and "{" not in words.vi + words.en and words.vi != code, code
    label = Text(vi="Nhãn", en="Label")
    for code in typing.get_args(chuanxa.MergeNote.model_fields["code"].annotation):
        for method in typing.get_args(SiteRule.model_fields["method"].annotation):
            words = chuanxa.merge_note_text(chuanxa.MergeNote(code=code, commune="Xã A", sites=("B", "C"), input="x", label=label, method=method, provisional=True))
            assert words.vi != words.en and "{" not in words.vi + words.en and words.vi != code, (code, method)
            if code == "INPUT_COMBINED":  # the sites rule in words, never its method's name
                assert all(render(f"merge.method.{method}", lang, {}) in words.get(lang) for lang in ("vi", "en")), method


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dates=st.lists(st.dates(dt.date(2015, 1, 1), dt.date(2029, 12, 31)), min_size=0, max_size=4), kinds=st.lists(st.booleans(), min_size=4, max_size=4),
       on=st.dates(dt.date(2016, 1, 1), dt.date(2032, 12, 31)), merged=st.booleans())
def test_any_standings_notes_name_their_dates_in_both_languages_and_its_json_reads_back(dates: list[dt.date], kinds: list[bool], on: dt.date, merged: bool) -> None:
    history = CommuneHistory.model_validate({
        "code": "15853", "name": "Phường Đông Tiến", "former": ["16036", "16039"] if merged else [],
        "recognitions": [{"decision": f"{i + 1}/QĐ-UBND", "date": day, "kind": "maintenance" if kinds[i] and i else "recognition"} for i, day in enumerate(dates)]})
    found = standing(history, on)
    for note in found.notes:
        words = chuanxa.standing_note_text(note)
        for day in (note.date, note.established, note.due):
            assert day is None or (f"{day:%d/%m/%Y}" in words.vi and day.isoformat() in words.en)
        assert note.decision is None or (note.decision in words.vi and note.decision in words.en)
        assert ("16036, 16039" in words.vi) == (note.code == "MERGED_NO_INHERITANCE")
    assert chuanxa.Standing.model_validate(json.loads(json.dumps(found.model_dump(mode="json")))) == found
