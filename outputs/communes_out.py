"""Write commune data (e.g. merged communes) back to CSV, XLSX (headers are input ids) or JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chuanxa.communes.model import CommuneData
from chuanxa.criteria.model import Ruleset
from chuanxa.fileio import write_text

from .cells import SafeCsvWriter, append_row, save_workbook

_IDENTITY = ("code", "name", "unit_type", "province", "former_province", "former_district", "former", "sites", "region", "terrain", "distance_km",
             "difficult_terrain", "zone")


def write_communes(communes: Sequence[CommuneData], path: Path, ruleset: Ruleset, protect: bool = True) -> None:
    """One row per commune in a table the readers accept again; JSON keeps the commune-file structure.
    Written atomically; CSV text that would start a formula is protected unless `protect` is False."""
    if path.suffix.lower() == ".json":
        write_text(path, json.dumps([c.model_dump(mode="json") for c in communes], ensure_ascii=False, indent=2))
        return
    inputs = [name for name, spec in ruleset.inputs.items() if not spec.derived]
    headers = list(_IDENTITY) + ["as_of"] + inputs
    rows = [[_cell(_identity(c, f)) for f in _IDENTITY] + [_cell(c.as_of)] + [_cell(c.values.get(name)) for name in inputs] for c in communes]
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
    info = commune.commune
    if field == "region" and info.region_source != "given":
        return None  # derived from the place: derived again when read back
    if field == "sites":
        return "; ".join(site.name for site in info.sites)
    return getattr(info, field)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return round(value, 4)
    return value
