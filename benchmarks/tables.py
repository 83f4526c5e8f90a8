"""Generated communes written as an officer's table: Vietnamese headers (as the data-entry template has them),
yes/no as "có"/"không", assessed points in `Điểm thẩm định N` columns, some cells blank. The whole-process
benchmarks (`benchmarks.bench_e2e`) read these files through the CLI, exactly as a user's file is read.

    python -m benchmarks.tables 10000 /tmp/xa-10000.csv      # or .xlsx
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chuanxa
from chuanxa.communes.templates import COMMUNE_COLUMNS, entry_inputs, input_header

from .generate import columns_to_communes, generate_columns

RULESET = "qd1300@2023-03-20"


def generated_communes(n: int, seed: int = 19) -> list[chuanxa.CommuneData]:
    """`n` generated communes (the same for a given seed), codes G0 … G{n-1}."""
    engine = chuanxa.compiled(RULESET)
    return columns_to_communes(engine, generate_columns(engine, n, seed=seed), range(n))


def table_rows(communes: Sequence[chuanxa.CommuneData], ruleset: chuanxa.Ruleset) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of an officer's table holding `communes`."""
    inputs = entry_inputs(ruleset)
    assessed_ids = [ind.id for ind in ruleset.indicators if ind.kind == "assessed"]
    regions = {r.id: r.vi for r in ruleset.classification.regions}
    terrains = {t.id: t.vi for t in ruleset.classification.terrains}
    headers = [vi for _, vi, _ in COMMUNE_COLUMNS] + [input_header(spec, "vi") for _, spec in inputs]
    headers += [f"Điểm thẩm định {i}" for i in assessed_ids]
    rows = []
    for data in communes:
        c = data.commune
        commune = {"code": c.code, "name": c.name, "province": "Thanh Hóa", "former_province": "", "former_district": "Huyện Mẫu",
                   "region": regions.get(c.region or "", c.region), "terrain": terrains.get(c.terrain or "", c.terrain), "distance_km": c.distance_km,
                   "difficult_terrain": _cell(c.difficult_terrain), "zone": "" if c.zone is None else c.zone, "as_of": 2024}
        cells: list[Any] = [commune[name] for name, _, _ in COMMUNE_COLUMNS]  # in the template's column order, whatever it holds
        # A rate under 1% is written with its sign, as the fraction rule asks officers to ("0.2%", never a bare 0.2).
        cells += [_percent(data.values.get(name)) if spec.type == "percent" else _cell(data.values.get(name)) for name, spec in inputs]
        cells += [_cell(data.assessed[i].points) if i in data.assessed else "" for i in assessed_ids]
        rows.append(cells)
    return headers, rows


def write_table(communes: Sequence[chuanxa.CommuneData], path: Path) -> Path:
    """Write `communes` to `path` (.csv in UTF-8 with a BOM, as Excel writes it, or .xlsx)."""
    headers, rows = table_rows(communes, chuanxa.load_ruleset(RULESET))
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Dữ liệu")
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _percent(value: Any) -> Any:
    return f"{value}%" if isinstance(value, float) and 0 < value < 1 else _cell(value)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


if __name__ == "__main__":
    write_table(generated_communes(int(sys.argv[1])), Path(sys.argv[2]))
