"""What a data-entry template holds for a ruleset: the commune columns, the inputs a person enters, their
headers and allowed values in words (the readers match these headers; `chuanxa.outputs.templates` writes the
files)."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.model import InputDef, Ruleset
from chuanxa.messages import Lang

#: Commune columns of a table template: (field, Vietnamese header, English header).
COMMUNE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("code", "Mã xã", "Code"),
    ("name", "Tên xã", "Name"),
    ("province", "Tỉnh", "Province"),
    ("former_province", "Tỉnh cũ", "Former province"),
    ("former_district", "Huyện (cũ)", "Former district"),
    ("region", "Vùng kinh tế - xã hội", "Region"),
    ("terrain", "Địa hình", "Terrain"),
    ("distance_km", "Khoảng cách (km)", "Distance (km)"),
    ("difficult_terrain", "Địa hình đặc biệt khó khăn", "Difficult terrain"),
    ("zone", "Vùng", "Zone"),
    ("as_of", "Năm đánh giá", "Year"),
)


def entry_inputs(ruleset: Ruleset) -> list[tuple[str, InputDef]]:
    """Inputs a person enters (derived inputs are computed), in declaration order."""
    return [(name, spec) for name, spec in ruleset.inputs.items() if not spec.derived]


def input_header(spec: InputDef, lang: Lang) -> str:
    text = spec.label.get(lang)
    return f"{text} ({spec.unit})" if spec.unit else text


def table_headers(ruleset: Ruleset, lang: Lang) -> list[str]:
    headers = [vi if lang == "vi" else en for _, vi, en in COMMUNE_COLUMNS]
    headers += [input_header(spec, lang) for _, spec in entry_inputs(ruleset)]
    for ind in ruleset.indicators:
        if ind.entered_by_assessors:  # the kind says so (a hint of its declaration)
            headers.append(assessed_header(ind, lang))
            headers.append(f"Ghi chú {ind.id}" if lang == "vi" else f"Note {ind.id}")
    return headers


def assessed_header(ind: Any, lang: Lang) -> str:
    """The header of an assessed column, with the indicator's title and maximum (the reader finds the id in it):
    "Điểm thẩm định 1 — Xã có Ban Chỉ đạo … (tối đa 3)"."""
    if lang == "vi":
        return f"Điểm thẩm định {ind.id} — {ind.title.vi} (tối đa {ind.max_points:g})"
    return f"Assessed {ind.id} — {ind.title.en} (max {ind.max_points:g})"


def allowed_text(spec: InputDef, lang: Lang) -> str:
    """What a cell may hold, in words: "0–100", "có/không", "a, b, c"."""
    if spec.type == "yes_no":
        return "có/không" if lang == "vi" else "yes/no"
    if spec.type == "choice":
        return ", ".join(c.vi if lang == "vi" else c.en for c in spec.choices or ())
    if spec.type == "date":
        return "YYYY-MM-DD"
    low, high = spec.bounds()
    return f"{plain_number(low)}–{plain_number(high)}" if low is not None or high is not None else ""


def plain_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
