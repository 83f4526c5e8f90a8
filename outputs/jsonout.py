"""The documented JSON form of results (schema in the README)."""

from __future__ import annotations

import json
from typing import Any

from chuanxa.engine.results import BatchResult, CommuneResult, SummaryBatch

SCHEMA_VERSION = 1


def commune_json(result: CommuneResult) -> dict[str, Any]:
    return result.to_json_dict()


def batch_json(batch: BatchResult | SummaryBatch) -> dict[str, Any]:
    """`{"schema_version", "results": [commune…], "rejected": [{source,row,commune,errors}], "unknown_columns"}`
    (summaries: `"summaries"` instead of `"results"`, and `"column_wise"`)."""
    return {"schema_version": SCHEMA_VERSION, **batch.to_json_dict()}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
