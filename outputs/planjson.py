"""Plan documents read back into the records they were written from: what `chuanxa plan --format json`, `chuanxa
plan-targets --format json` (by province too) and the HTTP API (`POST /plan`, a province's targets) write
(docs/results-json.md, "Plans"). The sentences in a document are dropped and rebuilt from the records when shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from chuanxa.errors import CommuneDataError, Location
from chuanxa.planning.plan import Plan
from chuanxa.planning.targets import TargetPlan

PlanDocument = Plan | TargetPlan | dict[str, TargetPlan]


def read_plan(source: str | Path | bytes | bytearray | dict[str, Any]) -> PlanDocument:
    """A plan document (a path, its bytes or its parsed data) read back: one commune's `Plan`, a `TargetPlan`, or
    the target plans by province (name → `TargetPlan`). A file that is not one raises `CommuneDataError`."""
    where = str(source) if isinstance(source, (str, Path)) else None
    try:
        data = source if isinstance(source, dict) else orjson.loads(_unmarked(Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)))
    except (OSError, UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise _unreadable(where, str(exc)) from None
    if isinstance(data, dict) and isinstance(data.get("plan"), dict) and "province" in data:
        data = data["plan"]  # a province's targets as the HTTP API answers them: the plan under its province-year
    try:
        if isinstance(data, dict) and "feasible" in data and "commune" in data:
            return Plan.model_validate(data)
        if isinstance(data, dict) and "chosen" in data:
            return TargetPlan.model_validate(data)
        if isinstance(data, dict) and data and all(isinstance(v, dict) and "chosen" in v for v in data.values()):
            return {name: TargetPlan.model_validate(plan) for name, plan in data.items()}
    except ValidationError as exc:
        raise _unreadable(where, str(exc).splitlines()[0]) from None
    raise _unreadable(where, "no plan: neither 'feasible' and 'commune' nor 'chosen'", "không có lộ trình: thiếu 'feasible' và 'commune', hoặc 'chosen'")


def _unmarked(raw: bytes) -> bytes:
    """The document's UTF-8 as saved on Windows too: after a byte-order mark, or from UTF-16 (what PowerShell 5's `>` writes)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    return raw.removeprefix(b"\xef\xbb\xbf")


def _unreadable(where: str | None, detail: str, detail_vi: str | None = None) -> CommuneDataError:
    """`detail`: what went wrong, in English (a decoder's or validator's words, shown in both languages unless `detail_vi` is given)."""
    return CommuneDataError(key="plan.unreadable", params={"detail": detail, "detail_en": detail, "detail_vi": detail_vi or detail}, location=Location(file=where))


__all__ = ["PlanDocument", "read_plan"]
