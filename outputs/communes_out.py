"""Write commune data (e.g. merged communes) back to CSV or XLSX laid out like the data-entry template (its
headers, yes/no as "có"/"không", counts as whole numbers, region and terrain by name), or to JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.communes.templates import COMMUNE_COLUMNS, entry_inputs, input_header
from chuanxa.communes.values import fold, parse_number
from chuanxa.criteria.model import Ruleset
from chuanxa.messages import Lang


def write_communes(communes: Sequence[CommuneData], path: Path, ruleset: Ruleset, lang: Lang = "vi") -> None:
    """One row per commune in the template's layout, which the readers accept again; JSON keeps the
    commune-file structure."""
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps([c.model_dump(mode="json") for c in communes], ensure_ascii=False, indent=2), encoding="utf-8")
        return
    inputs = entry_inputs(ruleset)
    headers = [vi if lang == "vi" else en for _, vi, en in COMMUNE_COLUMNS] + [input_header(spec, lang) for _, spec in inputs]
    names: dict[str, dict[str, str]] = {"region": {}, "terrain": {}}
    for kind, items in (("region", ruleset.classification.regions), ("terrain", ruleset.classification.terrains)):
        for item in items:
            for word in (item.id, item.vi, item.en):
                names[kind][fold(word)] = item.vi if lang == "vi" else item.en
    rows = []
    for c in communes:
        identity = [getattr(c.commune, f, None) if f != "as_of" else c.as_of for f, _, _ in COMMUNE_COLUMNS]
        identity = [names[f].get(fold(v), v) if f in names and isinstance(v, str) else v for (f, _, _), v in zip(COMMUNE_COLUMNS, identity)]
        rows.append([_cell(v, lang) for v in identity] + [_cell(c.values.get(name), lang, spec.type) for name, spec in inputs])
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        book.save(path)
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def _cell(value: Any, lang: Lang, kind: str = "") -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and kind in ("count", "percent", "number"):
        try:
            value = parse_number(value, whole=kind == "count")
        except ValueError:
            return value
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, float) and (kind == "count" or value.is_integer()):
        return int(round(value))
    if isinstance(value, float):
        return round(value, 4)
    return value
