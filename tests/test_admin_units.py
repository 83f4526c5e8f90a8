"""Administrative units after the 2025 reform: the official list, former provinces, 1300 regions, notices."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import chuanxa
from chuanxa.admin import admin_units
from chuanxa.communes.model import CommuneInfo
from chuanxa.errors import CommuneDataError
from chuanxa.wording import notice_text, region_text

UNITS = admin_units()
REGIONS = {"trung_du_mien_nui_phia_bac", "dong_bang_song_hong", "bac_trung_bo", "duyen_hai_nam_trung_bo", "tay_nguyen", "dong_nam_bo",
           "dong_bang_song_cuu_long"}
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_official_list_has_34_provinces_and_3321_units() -> None:
    assert len(UNITS.provinces) == 34 and len(UNITS.units) == 3321
    assert {u.unit_type for u in UNITS.units.values()} == {"xa", "phuong", "dac_khu"}


def test_the_official_list_read_from_the_package_s_data_file_equals_its_python_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys

    from chuanxa.admin.units import official_list, official_list_from_objects

    monkeypatch.delitem(sys.modules, "vietnam_provinces", raising=False)
    from_file = official_list()
    assert "vietnam_provinces" not in sys.modules  # the data file is read without importing the package
    assert from_file[0] == official_list_from_objects()[0]
    assert sorted(from_file[1], key=lambda u: u.code) == sorted(official_list_from_objects()[1], key=lambda u: u.code)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no data file found: the objects are read
    assert official_list() == official_list_from_objects()


def test_every_commune_of_the_official_list_resolves_to_its_province_type_and_a_region() -> None:
    for unit in UNITS.units.values():
        info = CommuneInfo(code=str(unit.code), name=unit.name)
        assert info.province_code == unit.province and info.unit_type == unit.unit_type, unit
        assert info.region in REGIONS, unit
        # the code was issued in a former province that became part of the commune's province
        assert UNITS.former_province_of_code(unit.code).current == unit.province, unit


def test_every_former_province_maps_to_a_current_one_and_to_one_of_1300s_regions() -> None:
    assert len(UNITS.former) == 63
    assert {f.region for f in UNITS.former.values()} == REGIONS
    for former in UNITS.former.values():
        assert former.current in UNITS.provinces
        info = CommuneInfo(code="X1", name="Xã Mẫu", province=former.name)
        assert info.province_code == former.current
        if UNITS.province(former.name) is None:  # a name that no longer exists: mapped, kept, and its region used
            assert info.province == UNITS.provinces[former.current].name and info.former_province == former.name
            assert info.region == former.region and info.region_source == "former_province"
        explicit = CommuneInfo(code="X1", name="Xã Mẫu", former_province=former.name)
        assert explicit.province_code is None or explicit.province_code == former.current
        assert explicit.region == former.region
    assert sum(len(p.former) for p in UNITS.provinces.values()) == 63


SPANNING = {  # current province → {former province: its region}
    "Phú Thọ": {"Phú Thọ": "trung_du_mien_nui_phia_bac", "Hòa Bình": "trung_du_mien_nui_phia_bac", "Vĩnh Phúc": "dong_bang_song_hong"},
    "Bắc Ninh": {"Bắc Giang": "trung_du_mien_nui_phia_bac", "Bắc Ninh": "dong_bang_song_hong"},
    "Quảng Ngãi": {"Quảng Ngãi": "duyen_hai_nam_trung_bo", "Kon Tum": "tay_nguyen"},
    "Gia Lai": {"Bình Định": "duyen_hai_nam_trung_bo", "Gia Lai": "tay_nguyen"},
    "Lâm Đồng": {"Lâm Đồng": "tay_nguyen", "Đắk Nông": "tay_nguyen", "Bình Thuận": "duyen_hai_nam_trung_bo"},
    "Đắk Lắk": {"Đắk Lắk": "tay_nguyen", "Phú Yên": "duyen_hai_nam_trung_bo"},
    "Tây Ninh": {"Tây Ninh": "dong_nam_bo", "Long An": "dong_bang_song_cuu_long"},
}


def test_exactly_these_seven_provinces_span_two_former_regions() -> None:
    spanning = {p.name for p in UNITS.provinces.values() if len(UNITS.regions_of(p)) > 1}
    assert spanning == set(SPANNING)


@pytest.mark.parametrize("province", sorted(SPANNING))
def test_a_province_spanning_two_regions_gives_each_commune_the_region_of_its_former_province(province: str) -> None:
    current = UNITS.province(province)
    for former_name, region in SPANNING[province].items():
        former = UNITS.former_province(former_name)
        # by the former province's name, and by the code of a current commune issued there
        assert CommuneInfo(code="X1", name="Xã Mẫu", province=province, former_province=former_name).region == region
        unit = next(u for u in UNITS.units.values() if u.province == current.code and UNITS.former_province_of_code(u.code) is former)
        info = CommuneInfo(code=str(unit.code), name=unit.name, province=province)
        assert (info.region, info.region_source) == (region, "commune_code")
    # with neither, the region is unknown, and the result says what to give
    vague = CommuneInfo(code="X1", name="Xã Mẫu", province=province)
    assert vague.region is None and vague.region_source == "unknown"


def test_a_given_region_wins_over_the_derived_one() -> None:
    info = CommuneInfo(code="X1", name="Xã Mẫu", province="Bình Định", region="tay_nguyen")
    assert (info.region, info.region_source, info.province) == ("tay_nguyen", "given", "Gia Lai")


def test_an_unknown_province_is_refused_with_a_suggestion() -> None:
    with pytest.raises(CommuneDataError) as caught:
        chuanxa.score({"commune": {"code": "1", "name": "Xã A", "province": "Thanh Hoang"}, "values": {}})
    assert "Thanh Hóa" in caught.value.message("en") and caught.value.location.path == ("commune", "province")


def test_an_unknown_code_is_accepted_with_a_notice_and_a_district_is_kept_as_former_district() -> None:
    result = chuanxa.score(EXAMPLES / "xa-thieu-giao.yaml")
    codes = [n.code for n in result.commune.notices]
    assert "CODE_NOT_CURRENT" in codes and "FORMER_DISTRICT" in codes
    assert result.commune.former_district == "Thiệu Hóa" and result.commune.district == "Thiệu Hóa"


def _tables(tmp_path: Path) -> tuple[Path, Path]:
    """The same communes before the reform (old province names, districts, old codes) and after (new ones)."""
    with open(EXAMPLES / "thieu_hoa_2024.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:4]
    at = {name: header.index(name) for name in ("Mã xã", "Tên xã", "Tỉnh", "Huyện")}
    region = header.index("Vùng kinh tế - xã hội") if "Vùng kinh tế - xã hội" in header else None
    old, new = tmp_path / "truoc.csv", tmp_path / "sau.csv"
    new_rows = []
    for row, (code, name) in zip(body, [("15820", "Xã Thiệu Toán"), ("15835", "Xã Thiệu Trung"), ("15853", "Phường Đông Tiến")]):
        changed = list(row)
        changed[at["Mã xã"]], changed[at["Tên xã"]], changed[at["Huyện"]] = code, name, ""
        new_rows.append(changed)
    old_rows = [list(r) for r in body]
    if region is not None:  # let the region come from the place in both tables
        for r in old_rows + new_rows:
            r[region] = ""
    for path, content in ((old, old_rows), (new, new_rows)):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *content])
    return old, new


def test_a_pre_reform_and_a_post_reform_table_of_the_same_communes_score_identically(tmp_path: Path) -> None:
    old, new = _tables(tmp_path)
    before, after = chuanxa.score_many(old), chuanxa.score_many(new)
    assert not before.rejected and not after.rejected
    for a, b in zip(before.results, after.results):
        assert (a.total, a.verdict, a.region, [i.points for i in a.indicators]) == (b.total, b.verdict, b.region, [i.points for i in b.indicators])
        assert a.region == "bac_trung_bo"
        notices = {n.code for n in a.commune.notices}
        assert "FORMER_DISTRICT" in notices and notices & {"CODE_NOT_CURRENT", "CODE_NAME_DIFFERS"}  # an old code: unknown, or reused
        assert not b.commune.notices and b.commune.unit_type in ("xa", "phuong")


def test_a_former_province_in_an_old_table_is_mapped_with_a_notice() -> None:
    result = chuanxa.score({"commune": {"code": "21600", "name": "Xã Mẫu", "province": "Bình Định", "district": "Tuy Phước", "terrain": "dong_bang",
                                        "distance_km": 4}, "as_of": 2024, "values": {}})
    assert result.commune.province == "Gia Lai" and result.commune.former_province == "Bình Định"
    assert result.region == "duyen_hai_nam_trung_bo" and result.commune.region_source == "former_province"
    assert "FORMER_PROVINCE" in [n.code for n in result.commune.notices]
    reason = region_text(result.commune)
    assert reason is not None and "Bình Định" in reason.vi and "former province Bình Định" in reason.en
    (mapped,) = [n for n in result.commune.notices if n.code == "FORMER_PROVINCE"]
    assert notice_text(mapped, result.commune).en == ("The former province 'Bình Định' is now part of Gia Lai; the old name is kept as "
                                                      "'former_province'.")


def test_summaries_carry_the_same_place_as_full_results() -> None:
    data = {"commune": {"code": "15853", "name": "Phường Đông Tiến", "province": "Thanh Hóa", "terrain": "dong_bang", "distance_km": 4}, "values": {}}
    full = chuanxa.score(data)
    assert full.summary().commune == chuanxa.summarise_many([data], column_wise=True).summaries[0].commune


def test_the_version_names_the_package_holding_the_unit_lists(capsys) -> None:
    from chuanxa.cli.main import main

    main(["--version"])
    assert "vietnam-provinces 2025.10.1" in capsys.readouterr().out


def test_an_old_three_level_address_maps_to_the_new_unit() -> None:
    pytest.importorskip("vietnamadminunits", reason="the optional extra chuanxa[old-addresses] is not installed")
    from chuanxa.admin import new_unit_of_old_address

    found = new_unit_of_old_address("Xã Thiệu Giao", "Huyện Thiệu Hóa", "Tỉnh Thanh Hóa")
    assert found is not None and (found.code, found.name, found.unit_type) == (15853, "Phường Đông Tiến", "phuong")


def test_a_table_of_old_records_gives_a_draft_merge_mapping_that_merge_accepts(tmp_path: Path, capsys) -> None:
    pytest.importorskip("vietnamadminunits", reason="the optional extra chuanxa[old-addresses] is not installed")
    from chuanxa.cli.main import main

    draft = tmp_path / "gop.yaml"
    assert main(["reform-map", str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(draft)]) == 0
    import yaml

    merges = {m["new"]["code"]: m["predecessors"] for m in yaml.safe_load(draft.read_text(encoding="utf-8"))["merges"]}
    assert merges["15778"] == ["16042", "16045", "16060"] and merges["15853"] == ["16036", "16039"]  # Thiệu Tiến; Đông Tiến
    assert sum(len(p) for p in merges.values()) == 15  # every old commune placed
    assert main(["merge", str(draft), str(EXAMPLES / "thieu_hoa_2024.csv"), "-o", str(tmp_path / "moi.csv")]) == 0
    assert "4 điểm trạm" in capsys.readouterr().out  # Xã Thiệu Hóa: four old units, one station


def test_a_blank_former_province_of_the_template_still_keeps_the_old_name_and_unit_types_are_ids() -> None:
    info = CommuneInfo(code="1", name="Xã A", province="Bình Định", former_province="", unit_type="Phường")
    assert (info.province, info.former_province, info.unit_type) == ("Gia Lai", "Bình Định", "phuong")
    assert CommuneInfo(code="1", name="Xã A", province="Quảng Ngãi", unit_type="đặc khu").unit_type == "dac_khu"
