"""The commune records of a table read column by column (`chuanxa.engine.table_columns`), as the row reader
validates them, without validating a record per row.

Codes and names are checked by the commune model's own field types, one call per column; the fields the place
resolution leaves alone (terrain, distance, zone…) once per distinct cell, beside a valid code and name; the place
(province, former province, region…) once per distinct place and per distinct `code_and_name_facts`, all that the
resolution reads of a row's code and name (`chuanxa.admin.resolve`, whose property tests hold that). Each row's
record is then the place's record with the row's own code, name and other fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from chuanxa.admin.resolve import PLACE_FIELDS, code_and_name_facts
from chuanxa.communes.model import CommuneData, CommuneInfo
from chuanxa.communes.values import fold, is_blank

from .columnar import ColumnarEvaluator
from .fast import set_extra, set_fields_set, set_private, set_state
from .summary import Identity

_COMMUNE_PROBE = {"code": "0", "name": "0"}
#: The commune model's own code and name fields, to check a whole column of codes or names in one call.
_CODES: TypeAdapter[list[Any]] = TypeAdapter(list[Annotated[(CommuneInfo.model_fields["code"].annotation, *CommuneInfo.model_fields["code"].metadata)]])  # type: ignore[misc, arg-type]  # arg-type: pydantic 2.14 types TypeAdapter's argument
_NAMES: TypeAdapter[list[Any]] = TypeAdapter(list[Annotated[(CommuneInfo.model_fields["name"].annotation, *CommuneInfo.model_fields["name"].metadata)]])  # type: ignore[misc, arg-type]  # arg-type: pydantic 2.14 types TypeAdapter's argument
_ATTRIBUTES = ("region", "terrain", "terrain_group", "distance_km", "difficult_terrain", "zone_given")


def read_identities(cells: Sequence[Sequence[Any]], commune: Mapping[str, int], as_of_column: int | None, core: Any, evaluator: ColumnarEvaluator,
                    doubtful: np.ndarray) -> tuple[list[Identity | None], dict[str, np.ndarray]]:
    """Each row's commune record (validated as the row reader validates it) and the commune attribute columns, from
    the table's columns (`cells`; `commune`: field → column index); None where the record does not validate or the
    row is `doubtful` already (the row is then read again row by row).

    Checked column-wise: codes and names by the model's own field types, one call per column; the fields the place
    resolution does not touch (terrain, distance…) once per distinct cell; the place (province, region…) once per
    distinct place, since the resolution reads a row's code and name only through `code_and_name_facts`."""
    n = len(doubtful)
    found: list[Identity | None] = [None] * n
    attributes = {name: np.full(n, np.nan) for name in _ATTRIBUTES}
    if "code" not in commune or "name" not in commune:
        return found, attributes  # every row lacks a field the model needs: the row path says so
    raw_codes, raw_names = _present(cells[commune["code"]]), _present(cells[commune["name"]])
    codes, good_codes = _checked(_CODES, raw_codes)
    names, good_names = _checked(_NAMES, raw_names)
    good = ~doubtful & good_codes & good_names
    place_fields = [name for name in commune if name in PLACE_FIELDS and name not in ("code", "name")]
    places = list(zip(*(_typed(_present(cells[commune[name]])) for name in place_fields))) if place_fields else [()] * n
    free: dict[str, list[Any]] = {}  # the other fields' validated values (None: blank, left out as the row reader does)
    for name in commune:
        if name not in PLACE_FIELDS:
            free[name], valid = _free_field(name, _present(cells[commune[name]]))
            good &= valid
    terrain_ids, good_terrains = _classified(core.terrain_ids, free.get("terrain", [None] * n))
    good &= good_terrains
    as_of_cells = cells[as_of_column] if as_of_column is not None else (None,) * n
    dates: dict[tuple[type, Any], tuple[bool, Any]] = {}
    known: dict[tuple[Any, ...], int] = {}  # place → its index in `kinds` (−1: the place does not validate)
    kinds: list[tuple[CommuneInfo, str | None]] = []
    group = np.full(n, -1, dtype=np.intp)
    for i in np.flatnonzero(good).tolist():
        key = (places[i], code_and_name_facts(raw_codes[i], raw_names[i]))
        kind = known.get(key)
        if kind is None:
            kind = known[key] = _place_kind(dict(zip(place_fields, places[i])), raw_codes[i], raw_names[i], core, kinds)
        ok, as_of = read_as_of(as_of_cells[i], dates)
        if kind < 0 or not ok:
            continue
        info, region = kinds[kind]
        row = {name: values[i] for name, values in free.items() if values[i] is not None}
        found[i] = Identity(_with_fields(info, {"code": codes[i], "name": names[i], **row}, row), as_of, region)
        group[i] = kind
    accepted = group >= 0
    number = evaluator._number
    regions = np.array([number(region) for _, region in kinds] + [np.nan])
    attributes["region"] = regions[group]  # −1 picks the last: NaN for rows not accepted
    attributes["terrain"] = np.where(accepted, _numbers(terrain_ids, number), np.nan)
    attributes["terrain_group"] = np.where(accepted, _numbers([core.terrain_groups.get(t) if t else None for t in terrain_ids], number), np.nan)
    defaults = {name: CommuneInfo.model_fields[name].default for name in ("distance_km", "difficult_terrain", "zone")}
    for name, column in (("distance_km", "distance_km"), ("difficult_terrain", "difficult_terrain"), ("zone_given", "zone")):
        values = free.get(column, [None] * n)
        attributes[name] = np.where(accepted, _numbers([defaults[column] if v is None else v for v in values], number), np.nan)
    return found, attributes


def _numbers(values: list[Any], number: Callable[[Any], float]) -> np.ndarray:
    """`number` of each value, once per distinct value (values here are hashable)."""
    table = {value: number(value) for value in set(values)}
    return np.fromiter(map(table.__getitem__, values), dtype=np.float64, count=len(values))


def _free_field(name: str, column: list[Any]) -> tuple[list[Any], np.ndarray]:
    """A field the place resolution leaves alone, validated by the commune model once per distinct cell (the cell
    beside a valid code and name: nothing else of the record bears on it), and where it validates."""
    seen: dict[Any, tuple[bool, Any]] = {None: (True, None)}
    keys = _typed(column)
    out: list[Any] = []
    good = np.ones(len(column), dtype=bool)
    for i, key in enumerate(keys):
        if key not in seen:
            try:
                seen[key] = (True, getattr(CommuneInfo.model_validate({**_COMMUNE_PROBE, name: column[i]}), name))
            except ValidationError:
                seen[key] = (False, None)
        ok, value = seen[key]
        good[i] = ok
        out.append(value)
    return out, good


def _classified(known: Mapping[str, str], raw: list[str | None]) -> tuple[list[str | None], np.ndarray]:
    """Regions or terrains as their ids, as `prepare` classifies them, and where they name a known one."""
    table = {value: known.get(fold(value)) if value is not None else None for value in set(raw)}
    ids = [table[value] for value in raw]
    return ids, np.array([value is None or found is not None for value, found in zip(raw, ids)], dtype=bool)


def _place_kind(place: dict[str, Any], code: Any, name: Any, core: Any, kinds: list[tuple[CommuneInfo, str | None]]) -> int:
    """The record of a place (validated with one row's code and name) appended to `kinds` with its region id: its
    index there, or −1 when the record does not validate or its region is not one of the ruleset's."""
    raw = {field_name: (value[1] if isinstance(value, _Typed) else value) for field_name, value in place.items() if value is not None}
    raw["code"], raw["name"] = code, name
    try:
        info = CommuneInfo.model_validate(raw)
    except ValidationError:
        return -1
    region = core.region_ids.get(fold(info.region)) if info.region is not None else None  # as `prepare` classifies it
    if info.region is not None and region is None:
        return -1
    kinds.append((info, region))
    return len(kinds) - 1


class _Typed(tuple):  # type: ignore[type-arg]
    """A cell with its type, in a column that mixes kinds of values (1, 1.0 and True are equal as keys)."""


def _typed(column: list[Any]) -> list[Any]:
    kinds = set(map(type, column)) - {type(None)}
    return column if len(kinds) <= 1 else [None if value is None else _Typed((value.__class__, value)) for value in column]


def _present(column: Sequence[Any]) -> list[Any]:
    """A column with blank cells as None (the row reader leaves them out of the record)."""
    blanks = {value for value in set(column) if is_blank(value)}
    return [None if value in blanks else value for value in column] if blanks else list(column)


def _checked(adapter: TypeAdapter[list[Any]], column: list[Any]) -> tuple[list[Any], np.ndarray]:
    """`column` validated by `adapter` (one field of the model), and where it validates."""
    good = np.ones(len(column), dtype=bool)
    try:
        return adapter.validate_python(column), good
    except ValidationError as exc:
        bad = {error["loc"][0] for error in exc.errors()}
    good[[int(i) for i in bad]] = False
    return adapter.validate_python(["0" if i in bad else value for i, value in enumerate(column)]), good


def _with_fields(info: CommuneInfo, values: dict[str, Any], given: Mapping[str, Any]) -> CommuneInfo:
    """A copy of a validated record with some fields replaced by values validated as the model validates them
    (`given`: the fields the row wrote, beyond the record's own)."""
    copy = object.__new__(CommuneInfo)
    set_state(copy, {**info.__dict__, **values})
    set_fields_set(copy, info.__pydantic_fields_set__ | given.keys() if given else info.__pydantic_fields_set__)
    set_extra(copy, None)
    set_private(copy, None)
    return copy


def read_as_of(raw: Any, seen: dict[tuple[type, Any], tuple[bool, Any]]) -> tuple[bool, Any]:
    """The assessment date or year of a cell as the commune model reads it (once per distinct cell)."""
    if is_blank(raw):
        return True, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # as the row reader does: 2024.0 from a workbook is the year 2024
    key = (raw.__class__, raw)
    if key not in seen:
        try:
            seen[key] = (True, CommuneData.model_validate({"commune": _COMMUNE_PROBE, "as_of": raw}).as_of)
        except ValidationError:
            seen[key] = (False, None)
    return seen[key]


__all__ = ["read_as_of", "read_identities"]
