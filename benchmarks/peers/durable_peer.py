"""durable_rules used directly: a rule per decision row, one fact per commune; the first matching row wins."""

from __future__ import annotations

import itertools
from typing import Any

from .rows import Row

NAME = "durable_rules (direct)"
_FIRED: dict[str, list[tuple[int, int]]] = {}
_IDS = itertools.count()


def _test(m: Any, field: str, op: str, value: Any) -> Any:
    if op == "null":
        return getattr(m, f"null_{field}") == True  # noqa: E712 - durable's comparison syntax
    attr = getattr(m, field)
    return {">=": attr >= value, ">": attr > value, "<=": attr <= value, "<": attr < value, "==": attr == value, "!=": attr != value}[op]


def _recorder(j: int, r: int) -> Any:
    def fired(c: Any) -> None:
        _FIRED[c.m.fact].append((j, r))
    return fired


class Engine:
    def __init__(self, rows: list[list[Row]]) -> None:
        import durable.lang as lang

        self.lang = lang
        self.rows = rows
        self.name = f"bench_peer_{next(_IDS)}"
        with lang.ruleset(self.name):
            for j, table in enumerate(rows):
                for r, row in enumerate(table):
                    if not row.conditions:
                        continue  # the default row: taken when no other row matched
                    test = None
                    for field, op, value in row.conditions:
                        part = _test(lang.m, field, op, value)
                        test = part if test is None else (test & part)
                    lang.when_all(test)(_recorder(j, r))
            # A catch-all on `sid` itself makes durable loop for ever: it is the session key, so match another field.
            lang.when_all(+lang.m.fact)(_ignore)
        lang.get_host()
        self.fields = sorted({f for table in rows for row in table for f, _, _ in row.conditions})

    def decide(self, env: dict[str, Any]) -> list[tuple[float, str]]:
        sid = f"p{next(_IDS)}"
        fact: dict[str, Any] = {"sid": sid, "fact": sid}
        for field in self.fields:
            value = env.get(field)
            if value is None:
                fact[f"null_{field}"] = True
            else:
                fact[field] = value
        _FIRED[sid] = []
        self.lang.assert_fact(self.name, fact)
        self.lang.delete_state(self.name, sid)
        fired = _FIRED.pop(sid)
        first: dict[int, int] = {}
        for j, r in fired:
            first[j] = min(r, first.get(j, r))
        out = []
        for j, table in enumerate(self.rows):
            row = table[first[j]] if j in first else table[-1]
            out.append((row.points, row.status))
        return out


def _ignore(c: Any) -> None:
    """Every fact matches this rule (durable raises for unhandled facts)."""
