"""Where a problem the loader finds in the resolved ruleset sits on the edited sheet: a YAML path such as
`criteria[0].indicators[4].levels[0].threshold` becomes the cell the officer typed (`Bảng điểm!H12`)."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import Ruleset

#: ("criterion", id, column) / ("indicator", id, column) / ("level", id, index, column) / ("info", field) → cell
Cells = dict[tuple[Any, ...], str]

_COLUMNS = {"max_points": "max", "knockout_min_points": "max", "title": "title_vi", "levels": "max", "points": "points",
            "threshold": "threshold", "when": "threshold", "op": "op", "source": "source", "note": "note",
            "provisional": "provisional", "knockout": "knockout"}
_INFO = {"id": "id", "title": "title_vi", "legal_basis": "legal_basis_vi"}


def cell_of(path: tuple[Any, ...], merged: dict[str, Any], cells: Cells, base: Ruleset) -> str | None:
    """The cell behind the value at `path` of the merged tree, or None when no cell wrote it."""
    if path[:1] == ("ruleset",):
        if path[1:2] == ("total_points",):  # a total that no longer adds up comes from a criterion's maximum
            return next((cells[k] for k in (("criterion", c, "max") for c in _changed_criteria(merged, base)) if k in cells), None)
        return cells.get(("info", _INFO.get(str(path[1]) if len(path) > 1 else "", "effective")))
    if path[:1] != ("criteria",) or len(path) < 2 or not isinstance(path[1], int):
        return None
    crit = merged["criteria"][path[1]]
    rest = path[2:]
    if rest[:1] != ("indicators",) or len(rest) < 2:
        return cells.get(("criterion", str(crit["id"]), _column(rest)))
    ind_id = str(crit["indicators"][rest[1]]["id"])
    rest = rest[2:]
    if rest[:1] == ("levels",) and len(rest) > 1 and isinstance(rest[1], int):
        key = ("level", ind_id, rest[1])
        return cells.get(key + (_column(rest[2:]),)) or cells.get(key + ("row",))
    return cells.get(("indicator", ind_id, _column(rest))) or cells.get(("indicator", ind_id, "row"))


def _changed_criteria(merged: dict[str, Any], base: Ruleset) -> list[str]:
    old = {c.id: c.max_points for c in base.criteria}
    return [str(c["id"]) for c in merged["criteria"] if old.get(str(c["id"])) != c.get("max_points")]


def _column(rest: tuple[Any, ...]) -> str:
    return _COLUMNS.get(str(rest[0]) if rest else "", "row")
