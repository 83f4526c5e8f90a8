"""Generated communes for benchmarks: realistic spreads of every input of a ruleset, some values missing.

Two shapes of the same data: NumPy columns for the column-wise evaluator (cheap at a million rows), and
`CommuneData` records for engines that take one commune at a time (built for a sample only).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import chuanxa
from chuanxa.engine.columnar import ColumnarEvaluator

MISSING_SHARE = 0.01


def generate_columns(engine: Any, n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Columns of `n` communes for `engine` (a CompiledRuleset), in the ColumnarEvaluator's layout."""
    rng = np.random.default_rng(seed)
    columnar = ColumnarEvaluator(engine)
    rs = engine.ruleset
    cols: dict[str, np.ndarray] = {}
    for name, spec in rs.inputs.items():
        if spec.derived:
            continue
        if spec.type == "yes_no":
            values = (rng.random(n) < 0.9).astype(float)
        elif spec.type == "percent":
            values = np.round(np.clip(rng.normal(88 if "stunting" not in name else 18, 8, n), 0, 100), 1)
        elif spec.type == "count":
            values = np.round(rng.uniform(3, 3000, n))
        else:
            values = np.round(rng.uniform(0, 100, n), 2)
        values[rng.random(n) < MISSING_SHARE] = np.nan
        cols[name] = values
    for spec_name, spec in rs.inputs.items():  # keep parts consistent: a count of households with X ≤ households
        if spec.derived and spec.expr and "/" in spec.expr:
            numerator, denominator = [s.strip() for s in spec.expr.split("*")[0].split("/")]
            if numerator in cols and denominator in cols:
                cols[numerator] = np.floor(cols[denominator] * np.clip(rng.normal(0.93, 0.04, n), 0, 1))
    regions = [columnar.vocab.code(r.id) for r in rs.classification.regions]
    terrains = rs.classification.terrains
    cols["region"] = rng.choice(regions, n).astype(float)
    picks = rng.integers(0, len(terrains), n)
    cols["terrain"] = np.array([columnar.vocab.code(t.id) for t in terrains])[picks]
    cols["terrain_group"] = np.array([columnar.vocab.code(t.group) for t in terrains])[picks]
    cols["distance_km"] = np.round(rng.uniform(0.5, 25, n), 1)
    cols["difficult_terrain"] = (rng.random(n) < 0.1).astype(float)
    cols["zone_given"] = np.where(rng.random(n) < 0.2, rng.integers(1, 4, n), np.nan).astype(float)
    for ci in engine.indicators:
        if ci.model.kind == "assessed":
            step = getattr(ci.model, "step", None) or ci.model.max_points
            levels = int(round(ci.model.max_points / step))
            points = np.minimum(levels, rng.binomial(levels, 0.85, n) + (rng.random(n) < 0.3)) * step
            points = points.astype(float)
            points[rng.random(n) < MISSING_SHARE] = np.nan
            cols[f"assessed:{ci.model.id}"] = points
    # float64, as officers' decimals are: 89.4 stays 89.4 for every engine (float32 storage turned it into 89.4000015258789
    # and 0.3 into 0.30000001 in the commune records and tables made from these columns).
    return {name: np.asarray(values, dtype=np.float64) for name, values in cols.items()}


def columns_to_communes(engine: Any, columns: dict[str, np.ndarray], rows: range) -> list[chuanxa.CommuneData]:
    """The same communes as commune records (for per-commune engines)."""
    columnar = ColumnarEvaluator(engine)
    names = {code: text for text, code in columnar.vocab.codes.items()}
    rs = engine.ruleset
    out = []
    for i in rows:
        values: dict[str, Any] = {}
        for name, spec in rs.inputs.items():
            if spec.derived or np.isnan(columns[name][i]):
                continue
            v = float(columns[name][i])
            values[name] = bool(v) if spec.type == "yes_no" else v
        assessed = {key.split(":", 1)[1]: {"points": float(col[i])} for key, col in columns.items() if key.startswith("assessed:") and not np.isnan(col[i])}
        zone = None if np.isnan(columns["zone_given"][i]) else int(columns["zone_given"][i])
        commune = {"code": f"G{i}", "name": f"Xã {i}", "region": names[columns["region"][i]], "terrain": names[columns["terrain"][i]],
                   "distance_km": float(columns["distance_km"][i]), "difficult_terrain": bool(columns["difficult_terrain"][i]), "zone": zone}
        out.append(chuanxa.CommuneData.model_validate({"commune": commune, "values": values, "assessed": assessed}))
    return out
