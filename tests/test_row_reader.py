"""The row reader builds each commune record from its parts (issue 19): the records it keeps are the ones validating
the whole row gives, and a row refused anywhere is validated whole, so its errors are the whole validation's.

The reference here is `commune_from_mapping`, the whole validation of the commune file's model, applied to the
same row mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chuanxa
from chuanxa.communes import readers
from chuanxa.communes.readers import commune_from_mapping, read_table, row_record
from chuanxa.errors import CommuneDataError

from officer_style import officer_file
from test_officer_tables import FIXTURES
from test_table_columns import BAD_CELLS, EXAMPLES, ROWS, RULESET, TABLES, write_edited_table

COUNTRY_WIDE = chuanxa.load_ruleset(RULESET)


def _whole(raw: dict[str, Any]) -> Any:
    """The whole validation's record for a row mapping, or its error codes."""
    try:
        return commune_from_mapping(raw, file="t.csv", row=2)
    except CommuneDataError as exc:
        return [e.key for e in (exc.related or [exc])]


def _assert_parts_agree(raw: dict[str, Any]) -> None:
    whole = _whole(raw)
    built = row_record(raw)
    if isinstance(whole, list):
        assert built is None, f"a row the whole validation refuses ({whole}) is refused"
    elif built is not None:
        assert built == whole and built.model_fields_set == whole.model_fields_set
        assert built.model_dump() == whole.model_dump()


def _rows_of(path: Path, ruleset: Any = COUNTRY_WIDE) -> list[dict[str, Any]]:
    tables, _ = readers.find_tables(path, None, None, ruleset)
    raws = []
    for grid, found in tables:
        readers.read_fractions(grid, found, ruleset, str(path), [])
        raws += [readers._row_mapping(found.header, cells, found.mapping)[0] for _, cells in found.rows]
    return raws


def _reference_read(path: Path, ruleset: Any) -> tuple[list[Any], list[Any]]:
    """`read_table` as it was before records were built from parts: every row validated whole."""
    original, whole = readers.row_record, readers.commune_from_mapping
    validated: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        validated.append(1)
        return whole(*args, **kwargs)

    readers.row_record, readers.commune_from_mapping = (lambda raw: None), counted  # type: ignore[assignment]
    try:
        slow = read_table(path, ruleset)
    finally:
        readers.row_record, readers.commune_from_mapping = original, whole  # type: ignore[assignment]
    assert len(validated) == len(slow.rows) + len(slow.errors), "the reference validated every row whole"
    return ([(r.row, r.data, r.data.model_fields_set, r.columns, r.sheet) for r in slow.rows],
            [(n, [e.to_dict("en") for e in (exc.related or [exc])]) for n, exc in slow.errors])


def _assert_same_read(path: Path, ruleset: Any = COUNTRY_WIDE) -> None:
    fast = read_table(path, ruleset)
    rows, errors = _reference_read(path, ruleset)
    assert [(r.row, r.data, r.data.model_fields_set, r.columns, r.sheet) for r in fast.rows] == rows
    assert [(n, [e.to_dict("en") for e in (exc.related or [exc])]) for n, exc in fast.errors] == errors


@pytest.mark.parametrize("name", TABLES)
def test_every_example_row_is_built_as_the_whole_validation_builds_it(name: str) -> None:
    ruleset = chuanxa.load_ruleset("qd1300", as_of="2026-06-30") if "2026" in name else COUNTRY_WIDE
    raws = _rows_of(EXAMPLES / name, ruleset)
    assert raws
    for raw in raws:
        _assert_parts_agree(raw)
    built = [row_record(raw) for raw in raws]
    assert sum(record is not None for record in built) >= len(raws) - 2, "the usual row is built from its parts"
    _assert_same_read(EXAMPLES / name, ruleset)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_officers_layouts_read_the_same_from_parts(name: str, tmp_path: Path) -> None:
    _assert_same_read(officer_file(tmp_path, FIXTURES[name], name))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(BAD_CELLS)), min_size=1, max_size=8), st.booleans())
def test_generated_tables_with_bad_rows_read_the_same_from_parts(tmp_path: Path, edits: list, xlsx: bool) -> None:
    path = write_edited_table(tmp_path, edits, xlsx)
    _assert_same_read(path)
    read = read_table(path, COUNTRY_WIDE)
    assert len(read.rows) + len(read.errors) == len(ROWS), "every data row is kept or refused"


#: Cells as CSV and XLSX files hold them, including the ones a cache keyed by value alone would confuse (2, 2.0
#: and True; 0.0 and -0.0; "2" and 2).
CELLS = st.sampled_from(["2", "2.0", "2,5", " 3 ", "-1", "-0", "0", "x", "có", "", "1e400", "nan", 2, 2.0, True, False, 0.0, -0.0, -1.5, 1e300,
                         float("inf"), dt.datetime(2024, 12, 31), dt.date(2025, 6, 30), "2024", "31/12/2024", "2024-13-01", "Xã\x07", None])


@settings(max_examples=300, deadline=None)
@given(points=st.dictionaries(st.sampled_from(["1", "2", "5", "12", "99"]), st.tuples(CELLS, st.one_of(st.none(), CELLS)), max_size=4),
       as_of=st.one_of(st.none(), CELLS), zone=st.one_of(st.none(), CELLS), distance=st.one_of(st.none(), CELLS),
       terrain=st.one_of(st.none(), CELLS), province=st.sampled_from([None, "Thanh Hóa", "Gia Lai", "Bình Định", "Tỉnh Mẫu", 7]))
def test_a_row_built_from_parts_equals_the_whole_validation_or_is_validated_whole(points: dict, as_of: Any, zone: Any, distance: Any,
                                                                                   terrain: Any, province: Any) -> None:
    commune: dict[str, Any] = {"code": "16024", "name": "Xã Thiệu Đô"}
    for key, value in (("zone", zone), ("distance_km", distance), ("difficult_terrain", terrain), ("province", province)):
        if value is not None:
            commune[key] = value
    raw: dict[str, Any] = {"commune": commune, "values": {"health_insurance_rate": "95,5"},
                           "assessed": {ind: ({"points": p} if note is None else {"points": p, "note": note}) for ind, (p, note) in points.items()}}
    if as_of is not None:
        raw["as_of"] = as_of
    _assert_parts_agree(raw)
    _assert_parts_agree(raw)  # the second time from the caches


def test_a_row_with_a_field_the_model_does_not_know_is_validated_whole() -> None:
    raw = {"commune": {"code": "16024", "name": "Xã Thiệu Đô"}, "values": {}, "assessed": {}, "colour": "blue"}
    assert row_record(raw) is None
    assert _whole(raw) == ["data.unknown_field"]


def test_negative_zero_points_keep_their_sign_after_zero_was_read() -> None:
    base = {"commune": {"code": "16024", "name": "Xã Thiệu Đô"}, "values": {}}
    zero = row_record({**base, "assessed": {"5": {"points": 0.0}}})
    negative = row_record({**base, "assessed": {"5": {"points": -0.0}}})
    assert zero is not None and negative is not None
    assert str(zero.assessed["5"].points) == "0.0" and str(negative.assessed["5"].points) == "-0.0"
