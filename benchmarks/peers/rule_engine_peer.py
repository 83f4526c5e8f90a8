"""`rule-engine`: one compiled expression per decision row, first match wins."""

from __future__ import annotations

import json
from typing import Any

from .rows import Row

NAME = "rule-engine (expressions)"


def _expression(row: Row) -> str:
    if not row.conditions:
        return "true"
    parts = []
    for field, op, value in row.conditions:
        if op == "null":
            parts.append(f"{field} == null")
        else:
            literal = ("true" if value else "false") if isinstance(value, bool) else json.dumps(value) if isinstance(value, str) else repr(float(value))
            parts.append(f"{field} {op} {literal}")
    return " and ".join(parts)


class Engine:
    def __init__(self, rows: list[list[Row]]) -> None:
        import rule_engine

        context = rule_engine.Context(default_value=None)
        self.tables = [[(rule_engine.Rule(_expression(row), context=context), row.points, row.status) for row in table] for table in rows]

    def decide(self, env: dict[str, Any]) -> list[tuple[float, str]]:
        out = []
        for table in self.tables:
            for rule, points, status in table:
                if rule.matches(env):
                    out.append((points, status))
                    break
        return out
