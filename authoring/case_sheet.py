"""Test cases in a workbook (`NAME.cases.xlsx`): one row per case, for officers who would rather write cases
in Excel than in YAML.

Columns (headings matched without regard to case or diacritics):
- `Tên ca` / `case` — the case's name (required); `Bộ tiêu chí` / `ruleset` — optional;
- the commune's data as in a data-entry sheet: `Mã xã`, `Vùng KT-XH`, `Khoảng cách`…, input ids or labels,
  `Điểm thẩm định N` for assessed points;
- expectations, any of them, a blank cell meaning "not checked": `Mong đợi điểm 5` (`expect points 5`),
  `Mong đợi trạng thái 5` (`expect status 5`), `Mong đợi điểm tiêu chí 1` (`expect criterion points 1`),
  `Mong đợi tổng điểm` (`expect total`), `Mong đợi kết luận` (`expect verdict`), `Mong đợi vùng` (`expect zone`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chuanxa.communes.readers import match_headers
from chuanxa.communes.sheets import read_grids
from chuanxa.communes.values import fold
from chuanxa.errors import Location, RulesetError
from chuanxa.outputs.labels import STATUS, VERDICT

from .cases import Case, Expect

_NAME = ("ten ca", "case", "ca")
_RULESET = ("bo tieu chi", "ruleset")
_EXPECT = re.compile(r"^(?:mong doi|expect(?:ed)?)\s+(?P<what>.+?)(?:\s+(?P<id>[0-9]+[a-z]?))?$")
_FIELDS = {"diem": ("indicators", "points"), "points": ("indicators", "points"), "trang thai": ("indicators", "status"),
           "status": ("indicators", "status"), "diem tieu chi": ("criteria", "points"), "criterion points": ("criteria", "points"),
           "tong diem": ("total", None), "total": ("total", None), "ket luan": ("verdict", None), "verdict": ("verdict", None),
           "vung": ("zone", None), "zone": ("zone", None)}
_WORDS = {fold(text): code for table in (STATUS, VERDICT) for code, words in table.items() for text in (*words.values(), code)}


def read_case_sheet(path: Path, ruleset_for: Any, default_ref: str | None) -> list[tuple[Case, int]]:
    """Every case of the workbook's first sheet that has a case-name column, with its row number.

    `ruleset_for(ref)` gives the ruleset whose input labels the columns are matched against."""
    header, number, rows = _table(path)
    special, expect_columns = _special_columns(header, path, number)
    first_ref = next((str(r[special["ruleset"]]) for _, r in rows if "ruleset" in special and r[special["ruleset"]]), default_ref)
    if first_ref is None:
        raise RulesetError(key="cases.no_ruleset", params={"case": path.name}, location=Location(file=str(path), line=number))
    data_header = [("" if i in special.values() or i in expect_columns else h) for i, h in enumerate(header)]
    mapping, unknown = match_headers(data_header, ruleset_for(first_ref))
    if unknown:
        raise RulesetError(key="ruleset.unknown_key", params={"key": unknown[0]}, location=Location(file=str(path), line=number))
    return [(_case(row, special, expect_columns, mapping, path, line), line) for line, row in rows if not _blank(row[special["name"]])]


def _table(path: Path) -> tuple[list[str], int, list[tuple[int, list[Any]]]]:
    """The header (the first row holding a case-name heading) and the non-empty rows below it, read by the same
    hardened, limited reader as commune tables (a crafted workbook is refused before openpyxl parses it)."""
    for grid in read_grids(path):
        for position, (number, line) in enumerate(grid.rows):
            if any(fold(str(c)) in _NAME for c in line if c is not None):
                header = ["" if c is None else str(c) for c in line]
                body = [(n, cells + [None] * (len(header) - len(cells))) for n, cells in grid.rows[position + 1:]]
                return header, number, [(n, cells) for n, cells in body if any(not _blank(c) for c in cells)]
    raise RulesetError(key="ruleset.missing_key", params={"key": "Tên ca / case"}, location=Location(file=str(path)))


def _special_columns(header: list[str], path: Path, line: int) -> tuple[dict[str, int], dict[int, tuple[str, str | None, str | None]]]:
    special: dict[str, int] = {}
    expect: dict[int, tuple[str, str | None, str | None]] = {}
    for index, text in enumerate(header):
        key = fold(text)
        if key in _NAME and "name" not in special:
            special["name"] = index
        elif key in _RULESET:
            special["ruleset"] = index
        elif (found := _EXPECT.match(key)) is not None:
            if found["what"] not in _FIELDS:
                raise RulesetError(key="ruleset.unknown_key", params={"key": text, "suggestions": [w for w in _FIELDS if w[:2] == found["what"][:2]]},
                                   location=Location(file=str(path), line=line))
            section, field = _FIELDS[found["what"]]
            expect[index] = (section, field, found["id"])
    return special, expect


def _case(row: list[Any], special: dict[str, int], expect_columns: dict[int, tuple[str, str | None, str | None]],
          mapping: dict[int, tuple[str, ...]], path: Path, line: int) -> Case:
    data: dict[str, Any] = {"commune": {}, "values": {}, "assessed": {}}
    for index, target in mapping.items():
        if not _blank(row[index]):
            if target[0] == "assessed":
                data["assessed"].setdefault(target[1], {})[target[2]] = row[index]
            elif len(target) == 1:
                data[target[0]] = row[index]
            else:
                data[target[0]][target[1]] = row[index]
    expect: dict[str, Any] = {}
    for index, (section, field, item) in expect_columns.items():
        value = row[index]
        if _blank(value):
            continue
        value = _WORDS.get(fold(str(value)), value) if isinstance(value, str) else value
        if field is None:
            expect[section] = value
        else:
            expect.setdefault(section, {}).setdefault(item, {})[field] = value
    try:
        return Case(name=str(row[special["name"]]), ruleset=row[special["ruleset"]] if "ruleset" in special and row[special["ruleset"]] else None,
                    expect=Expect.model_validate(expect), **{k: v for k, v in data.items() if v})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise RulesetError(key="ruleset.invalid_field", params={"detail": f"{'.'.join(map(str, error['loc']))}: {error['msg']}",
                           "detail_vi": f"{'.'.join(map(str, error['loc']))}: {error['msg']}"}, location=Location(file=str(path), line=line)) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
