"""GoRules ZEN (`zen-engine`): one decision table per indicator (hit policy "first"), all in one graph."""

from __future__ import annotations

import json
from typing import Any

from .rows import Row

NAME = "GoRules ZEN (decision tables)"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(float(value))


def _cell(op: str, value: Any) -> str:
    if op == "null":
        return "$ == null"
    if op == "==":
        return _literal(value)
    return f"{op} {_literal(value)}"


def translate(rows: list[list[Row]]) -> str:
    """The JDM graph (JSON) of the ruleset."""
    nodes: list[dict[str, Any]] = [{"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
                                   {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}}]
    edges = []
    for j, table in enumerate(rows):
        fields = sorted({f for row in table for f, _, _ in row.conditions})
        inputs = [{"id": f"i{j}_{k}", "name": f, "type": "expression", "field": f} for k, f in enumerate(fields)]
        outputs = [{"id": f"p{j}", "name": f"p{j}", "type": "expression", "field": f"p{j}"}, {"id": f"s{j}", "name": f"s{j}", "type": "expression", "field": f"s{j}"}]
        rules = []
        for r, row in enumerate(table):
            cells = {f"i{j}_{k}": "" for k in range(len(fields))}
            for field, op, value in row.conditions:
                cells[f"i{j}_{fields.index(field)}"] = _cell(op, value)
            rules.append({"_id": f"r{j}_{r}", **cells, f"p{j}": repr(float(row.points)), f"s{j}": json.dumps(row.status)})
        nodes.append({"id": f"t{j}", "type": "decisionTableNode", "name": f"indicator {j}", "position": {"x": 300, "y": 40 * j},
                      "content": {"hitPolicy": "first", "inputs": inputs, "outputs": outputs, "rules": rules}})
        edges += [{"id": f"a{j}", "sourceId": "in", "targetId": f"t{j}", "type": "edge"}, {"id": f"b{j}", "sourceId": f"t{j}", "targetId": "out", "type": "edge"}]
    return json.dumps({"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges})


class Engine:
    def __init__(self, rows: list[list[Row]]) -> None:
        import zen

        self.k = len(rows)
        self.decision = zen.ZenEngine().create_decision(translate(rows))

    def decide(self, env: dict[str, Any]) -> list[tuple[float, str]]:
        result = self.decision.evaluate(env)["result"]
        return [(float(result[f"p{j}"]), result[f"s{j}"]) for j in range(self.k)]
