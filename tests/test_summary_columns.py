"""Summaries kept as arrays (issue 19): identities checked column-wise rest on what the place resolution reads of a
commune's code and name; the summary CSV written from the arrays is byte for byte the CSV written from records;
the screen of a large table counts every commune while building records for its first lines only."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.admin.resolve import PLACE_FIELDS, code_and_name_facts, resolve_commune_fields
from chuanxa.admin.units import admin_units
from chuanxa.api import summarise_table_columns
from chuanxa.outputs.csvout import summaries_csv, summary_table_csv

RULESET = "qd1300@2023-03-20"
EXAMPLES = Path(__file__).parent.parent / "examples"
TABLES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".csv", ".xlsx"))

_UNITS = [admin_units().units[code] for code in sorted(admin_units().units)[::700][:6]]
#: Codes and names that often share facts: official codes written three ways, codes outside the lists.
CODES = [c for u in _UNITS for c in (str(u.code).zfill(5), u.code, f" {u.code} ")] + ["G1", "G2", "99999", "", None, "16024x"]
NAMES = [n for u in _UNITS for n in (u.name, u.name.lower(), u.name.split(" ", 1)[-1])] + ["Xã An", "Phường Bình", "Thị trấn Chợ", "Bình", "", None]
PLACES = {
    "province": st.sampled_from([None, "", "Thanh Hóa", "Gia Lai", "Bình Định", "Hà Nội", "Tỉnh Mẫu", *(admin_units().provinces[u.province].name for u in _UNITS)]),
    "former_province": st.sampled_from([None, "Bình Định", "Hà Giang", "Không Có"]),
    "district": st.sampled_from([None, "Huyện Mẫu", ""]),
    "region": st.sampled_from([None, "Bắc Trung Bộ", "dong_bang_song_hong"]),
    "unit_type": st.sampled_from([None, "", "phường", "xa"]),
    "former_district": st.sampled_from([None, "Huyện Cũ"]),
    "region_source": st.sampled_from([None, "given", "province"]),
    "province_code": st.sampled_from([None, 38]),
}
FREE = {"terrain": st.sampled_from([None, "núi", "hải đảo"]), "distance_km": st.sampled_from([None, "12,5", 3.0]),
        "difficult_terrain": st.sampled_from([None, "có", False]), "zone": st.sampled_from([None, 1, "3"]), "former": st.sampled_from([None, "16039; 16040"])}


def _present(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in raw.items() if value is not None}


def _without(resolved: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in resolved.items() if key not in keys}


#: Spellings of one code, and names of one unit, that often share their facts (drawn as pairs below).
_ALIKE_CODES = [[str(u.code).zfill(5), u.code, f" {u.code} "] for u in _UNITS] + [["G1", "G2", "16024x"], ["", None]]
_ALIKE_NAMES = [[u.name, u.name.lower(), u.name.upper()] for u in _UNITS] + [["Xã An", "Xã Bình", "xã Chợ"], ["Bình", "An"]]


def _pair(groups: list[list[Any]], pool: list[Any]) -> st.SearchStrategy[tuple[Any, Any]]:
    alike = st.sampled_from(groups).flatmap(lambda group: st.tuples(st.sampled_from(group), st.sampled_from(group)))
    return alike | st.tuples(st.sampled_from(pool), st.sampled_from(pool))


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries(PLACES), _pair(_ALIKE_CODES, CODES), _pair(_ALIKE_NAMES, NAMES))
def test_rows_alike_but_for_code_and_name_resolve_alike_when_their_code_and_name_facts_agree(place: dict[str, Any], codes: tuple[Any, Any],
                                                                                           names: tuple[Any, Any]) -> None:
    (code_a, code_b), (name_a, name_b) = codes, names
    if code_and_name_facts(code_a, name_a) != code_and_name_facts(code_b, name_b):
        return
    a = resolve_commune_fields(_present({**place, "code": code_a, "name": name_a}))
    b = resolve_commune_fields(_present({**place, "code": code_b, "name": name_b}))
    assert _without(a, "code", "name") == _without(b, "code", "name")


def test_the_facts_tell_apart_what_the_resolution_tells_apart() -> None:
    unit = _UNITS[0]
    province = admin_units().provinces[unit.province].name
    official = resolve_commune_fields({"code": str(unit.code), "name": unit.name, "province": province})
    renamed = resolve_commune_fields({"code": str(unit.code), "name": "Phường Khác Hẳn", "province": province})
    assert official["unit_type"] == unit.unit_type and code_and_name_facts(str(unit.code), unit.name) != code_and_name_facts(str(unit.code), "Phường Khác Hẳn")
    assert renamed["unit_type"] == "phuong"


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries(PLACES), st.fixed_dictionaries(FREE), st.sampled_from(CODES), st.sampled_from(NAMES))
def test_the_place_resolution_neither_reads_nor_changes_the_fields_outside_place_fields(place: dict[str, Any], free: dict[str, Any], code: Any,
                                                                                        name: Any) -> None:
    raw = _present({**place, "code": code, "name": name})
    given_free = _present(free)
    with_free = resolve_commune_fields({**raw, **given_free})
    given = {**raw, **given_free}
    missing = object()
    assert {key for key in set(given) | set(with_free) if given.get(key, missing) != with_free.get(key, missing)} <= PLACE_FIELDS, "added, dropped or changed"
    assert {key: with_free[key] for key in given_free} == given_free
    assert _without(with_free, *given_free) == resolve_commune_fields(raw)


def _csvs(path: Path, lang: str, protect: bool, **kwargs: Any) -> tuple[str, str]:
    found = summarise_table_columns(path, kwargs.pop("ruleset", RULESET), **kwargs)
    batch = found.batch()
    return summary_table_csv(found.table, found.found.rejected, lang, protect), summaries_csv(batch.summaries, batch.rejected, lang, protect)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", TABLES)
def test_the_summary_csv_from_arrays_is_the_csv_from_records(name: str, lang: str) -> None:
    kwargs: dict[str, Any] = {"ruleset": "qd1300", "as_of": "2026-06-30"} if "2026" in name else {}
    from_arrays, from_records = _csvs(EXAMPLES / name, lang, True, **kwargs)
    assert from_arrays == from_records and from_arrays.count("\n") > 2


def _edited_example(tmp_path: Path, edits: dict[tuple[int, int], str]) -> Path:
    rows = list(csv.reader(io.StringIO((EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig"))))
    for (row, column), value in edits.items():
        rows[row][column] = value
    path = tmp_path / "edited.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("protect", [True, False])
def test_text_a_spreadsheet_would_run_is_protected_alike_and_rejected_rows_are_listed_alike(tmp_path: Path, protect: bool) -> None:
    header = next(csv.reader(io.StringIO((EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig"))))
    name, code, rate = header.index("Tên xã"), header.index("Mã xã"), next(i for i, h in enumerate(header) if h.startswith("Tỷ lệ dân số tham gia"))
    path = _edited_example(tmp_path, {(1, name): "=HYPERLINK(\"x\")", (2, name): "+Xã Tăng", (3, rate): "chín mươi", (4, code): "16024"})
    from_arrays, from_records = _csvs(path, "vi", protect)
    assert from_arrays == from_records
    assert ("'=HYPERLINK" in from_arrays) is protect and "BỊ TỪ CHỐI" in from_arrays and "chín mươi" in from_arrays


def test_the_screen_of_a_large_summary_counts_every_commune_and_the_exit_code_reads_them_all(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from chuanxa.cli.main import cli

    rows = list(csv.reader(io.StringIO((EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    code = header.index("Mã xã")
    many = [[*row[:code], f"G{k}-{row[code]}", *row[code + 1:]] for k in range(16) for row in body]  # 240 communes, codes outside the lists
    table = tmp_path / "many.csv"
    with open(table, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *many])
    batch = chuanxa.summarise_many(table, RULESET)
    recognised = batch.recognised_count
    assert 0 < recognised < len(many)
    out = tmp_path / "many-out.csv"

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["batch", str(table), "-o", str(out), "--summary", "--ruleset", RULESET, *args], catch_exceptions=False,
                                    standalone_mode=False)
        return result.return_value, result.stdout

    code, screen = run("--lang", "en", "--fail-below")
    assert code == 1
    assert "… and 40 more communes in the results file" in screen and f"Recognised: {recognised}/240 communes" in screen
    assert batch.summaries[199].commune.code in screen and batch.summaries[200].commune.code not in screen
    assert out.read_text(encoding="utf-8-sig") == summaries_csv(batch.summaries, batch.rejected, "en").replace("\r\n", "\n")  # newlines read back as "\n"
    assert run()[0] == 0


def test_cells_of_different_kinds_in_one_commune_column_are_told_apart_as_the_row_reader_tells_them(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from test_table_columns import _assert_same, _both

    rows = list(csv.reader(io.StringIO((EXAMPLES / "thieu_hoa_2024.csv").read_text(encoding="utf-8-sig"))))
    header, body = rows[0], [list(r) for r in rows[1:]]
    code, zone, distance, hard = (header.index(h) for h in ("Mã xã", "Vùng", "Khoảng cách (km)", "Địa hình đặc biệt khó khăn"))
    kinds: list[dict[int, Any]] = [{zone: 1, code: int(body[0][code])}, {zone: "1"}, {zone: True}, {zone: 1.0, distance: "12,5"}, {distance: 12.5},
                                   {hard: True}, {hard: 1}, {hard: "có"}, {zone: "4"}, {distance: -1}, {code: float(body[10][code])}]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row, edits in zip(body, [*kinds, *({} for _ in body)]):
        sheet.append([edits.get(i, cell if cell != "" else None) for i, cell in enumerate(row)])
    path = tmp_path / "kinds.xlsx"
    book.save(path)
    fast, by_rows = _both(path)
    _assert_same(fast, by_rows)
    assert len(fast.summaries) + len(fast.rejected) == len(body) and fast.rejected, "some of these cells are refused"
