"""Merged communes become one station with several sites; the recognition lifecycle on a small history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

import chuanxa
from chuanxa.planning.merge import MergeMapping, merge_details
from chuanxa.planning.recognitions import load_histories, standings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BASE = {"terrain": "dong_bang", "distance_km": 5}


def _old(code: str, name: str, staff: int, doctor: bool, water: bool) -> chuanxa.CommuneData:
    return chuanxa.CommuneData.model_validate({"commune": {"code": code, "name": name, "province": "Thanh Hóa", "district": "Thiệu Hóa", **BASE},
                                              "as_of": 2024, "values": {"station_staff": staff, "has_doctor": doctor, "station_clean_water": water}})


def test_merging_three_old_communes_into_one_ward_gives_one_station_with_three_sites_and_says_how() -> None:
    ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    olds = [_old("16039", "Xã Thiệu Giao", 5, False, True), _old("16070", "Xã Thiệu Châu", 4, True, True), _old("16073", "Xã Thiệu Tân", 6, False, False)]
    mapping = MergeMapping.model_validate({"merges": [{"new": {"code": "15853", "name": "Phường Đông Tiến", "province": "Thanh Hóa", **BASE},
                                                        "predecessors": ["16039", "16070", "16073"]}]})
    (merged,) = merge_details(mapping, olds, ruleset)
    info = merged.data.commune
    assert [s.former_commune for s in info.sites] == ["16039", "16070", "16073"] and info.former == ("16039", "16070", "16073")
    assert info.unit_type == "phuong" and info.former_district is None  # no district for a commune born after districts ended
    # staff add up across sites, a doctor at any site serves the station, clean water must hold at every site
    assert merged.data.values == {"station_staff": 15.0, "has_doctor": True, "station_clean_water": False}
    words = " ".join(chuanxa.merge_note_text(note).en for note in merged.notes)
    assert "3 sites" in words and "added up" in words and "at least one site" in words and "every site" in words and "provisional" in words
    assert "inherits no recognition" in words
    result = chuanxa.score(merged.data, ruleset)
    assert "ASSESSED_BEFORE_MERGER" in [n.code for n in result.commune.notices]  # data dated 2024, ward born 2025


def test_every_station_level_input_declares_a_provisional_rule_for_its_sites() -> None:
    ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    station = {"station_staff", "has_doctor", "station_clean_water", "station_hygienic_latrine", "medical_waste_managed", "has_inpatient_beds"}
    assert {name for name, spec in ruleset.inputs.items() if spec.sites is not None} == station
    assert all(ruleset.inputs[name].sites.provisional and ruleset.inputs[name].sites.note for name in station)


HISTORY = {"communes": [
    {"code": "15820", "name": "Xã Thiệu Toán", "recognitions": [{"decision": "1234/QĐ-UBND", "date": "2023-06-15", "body": "UBND tỉnh Thanh Hóa",
                                                                "ruleset": "qd1300@2023-03-20", "score": 84.5}]},
    {"code": "15835", "name": "Xã Thiệu Trung"},
    {"code": "15853", "name": "Phường Đông Tiến", "former": ["16036", "16039"],
     "recognitions": [{"decision": "987/QĐ-UBND", "date": "15/05/2022", "ruleset": "qd4667@2014-11-07", "score": 82}]},
    {"code": "15778", "name": "Xã Thiệu Tiến", "recognitions": [{"decision": "555/QĐ-UBND", "date": "2020-04-01", "ruleset": "qd4667@2014-11-07"}]},
    {"code": "15796", "name": "Xã Thiệu Quang", "recognitions": [{"decision": "2222/QĐ-UBND", "date": "2025-11-20"}]},
]}


def test_the_recognition_listing_gives_the_expected_rows(tmp_path: Path) -> None:
    path = tmp_path / "lich-su.yaml"
    path.write_text(yaml.safe_dump(HISTORY, allow_unicode=True), encoding="utf-8")
    rows = {s.code: s for s in standings(load_histories(path), dt.date(2026, 3, 1), within_months=12)}
    assert (rows["15820"].status, rows["15820"].expires, rows["15820"].months_left) == ("expiring", dt.date(2026, 6, 15), 3)
    assert rows["15835"].status == "never_recognised"
    merged = rows["15853"]
    assert merged.status == "never_recognised" and merged.decision is None  # the 2022 decision belonged to the old communes
    assert [n.code for n in merged.notes] == ["DECISION_PREDATES_COMMUNE", "MERGED_NO_INHERITANCE"]
    words = [chuanxa.standing_note_text(n).en for n in merged.notes]
    assert "predates the commune" in words[0] and "inherits no recognition" in words[1]
    assert (rows["15778"].status, rows["15778"].expires) == ("expired", dt.date(2023, 4, 1))
    assert (rows["15796"].status, rows["15796"].expires) == ("valid", dt.date(2028, 11, 20))


def test_the_recognitions_command_lists_only_communes_needing_attention(capsys) -> None:
    from chuanxa.cli.main import main

    assert main(["recognitions", str(EXAMPLES / "recognitions.yaml"), "--as-of", "2026-03-01", "--format", "csv", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(",")[:4] for line in lines[1:]] == [["15820", "Xã Thiệu Toán", "Thanh Hóa", "expiring"], ["15835", "Xã Thiệu Trung", "Thanh Hóa", "never_recognised"],
                                                           ["15853", "Phường Đông Tiến", "Thanh Hóa", "never_recognised"], ["15778", "Xã Thiệu Tiến", "Thanh Hóa", "expired"]]


def test_validity_and_maintenance_are_ruleset_data() -> None:
    validity = chuanxa.load_ruleset("qd1300@2023-03-20").recognition.validity
    assert validity is not None and (validity.years, validity.maintenance_every_years) == (3, 1)


def test_a_csv_history_with_one_row_per_decision_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "lich-su.csv"
    path.write_text("Mã xã,Tên xã,Tỉnh,Xã cũ,Số quyết định,Ngày,Cơ quan ban hành,Bộ tiêu chí,Điểm\n"
                    "15820,Xã Thiệu Toán,Thanh Hóa,,1234/QĐ-UBND,15/06/2023,UBND tỉnh Thanh Hóa,qd1300@2023-03-20,\"84,5\"\n"
                    "15835,Xã Thiệu Trung,Thanh Hóa,,,,,,\n"
                    "15853,Phường Đông Tiến,Thanh Hóa,16036; 16039,987/QĐ-UBND,10/05/2022,UBND tỉnh Thanh Hóa,qd4667@2014-11-07,82\n", encoding="utf-8")
    rows = {s.code: s for s in standings(load_histories(path), dt.date(2026, 3, 1))}
    assert (rows["15820"].status, rows["15820"].score, rows["15820"].expires) == ("expiring", 84.5, dt.date(2026, 6, 15))
    assert rows["15835"].status == "never_recognised" and rows["15853"].status == "never_recognised"


def test_a_bad_date_in_a_history_is_a_located_error(tmp_path: Path) -> None:
    import pytest

    from chuanxa.errors import CommuneDataError

    path = tmp_path / "lich-su.yaml"
    path.write_text("communes:\n  - {code: '1', name: Xã A, recognitions: [{decision: '1/QĐ', date: 'hôm qua'}]}\n", encoding="utf-8")
    with pytest.raises(CommuneDataError) as caught:
        load_histories(path)
    assert caught.value.location.file == str(path) and "recognitions" in caught.value.location.path
