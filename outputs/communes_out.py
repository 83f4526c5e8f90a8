"""Write commune data (e.g. merged communes) back to CSV or XLSX laid out like the data-entry template (its
headers, yes/no as "có"/"không", counts as whole numbers, region and terrain by name), or to JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.communes.templates import COMMUNE_COLUMNS, entry_inputs, input_header
from chuanxa.communes.values import fold, parse_number
from chuanxa.criteria.model import Ruleset
from chuanxa.fileio import write_text
from chuanxa.messages import Lang

from .cells import SafeCsvWriter, append_row, save_workbook

#: Identity columns a merge result needs beyond the template's (the station's sites, the predecessors, the unit type).
_STATION_COLUMNS: tuple[tuple[str, str, str], ...] = (("unit_type", "Loại đơn vị", "Unit type"), ("former", "Xã cũ", "Former communes"),
                                                       ("sites", "Điểm trạm", "Sites"))


def write_communes(communes: Sequence[CommuneData], path: Path, ruleset: Ruleset, lang: Lang = "vi", protect: bool = True) -> None:
    """One row per commune in the template's layout (plus the station's sites and predecessors), which the readers
    accept again; JSON keeps the commune-file structure. Written atomically; CSV text that would start a formula
    is protected unless `protect` is False."""
    if path.suffix.lower() == ".json":
        write_text(path, json.dumps([c.model_dump(mode="json") for c in communes], ensure_ascii=False, indent=2))
        return
    inputs = entry_inputs(ruleset)
    columns = COMMUNE_COLUMNS + _STATION_COLUMNS
    headers = [vi if lang == "vi" else en for _, vi, en in columns] + [input_header(spec, lang) for _, spec in inputs]
    names: dict[str, dict[str, str]] = {"region": {}, "terrain": {}}
    for kind, items in (("region", ruleset.classification.regions), ("terrain", ruleset.classification.terrains)):
        for item in items:
            for word in (item.id, item.vi, item.en):
                names[kind][fold(word)] = item.vi if lang == "vi" else item.en
    rows = []
    for c in communes:
        identity = [_identity(c, f) for f, _, _ in columns]
        identity = [names[f].get(fold(v), v) if f in names and isinstance(v, str) else v for (f, _, _), v in zip(columns, identity)]
        rows.append([_cell(v, lang) for v in identity] + [_cell(c.values.get(name), lang, spec.type) for name, spec in inputs])
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        append_row(sheet, headers)
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        save_workbook(book, path)
        return
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer, protect)
    writer.writerow(headers)
    writer.writerows(rows)
    write_text(path, buffer.getvalue(), encoding="utf-8-sig")


def _identity(commune: CommuneData, field: str) -> Any:
    if field == "as_of":
        return commune.as_of
    info = commune.commune
    if field == "region" and info.region_source != "given":
        return None  # derived from the place: derived again when read back
    if field == "sites":
        return "; ".join(site.name for site in info.sites)
    return getattr(info, field)


def _cell(value: Any, lang: Lang, kind: str = "") -> Any:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
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
