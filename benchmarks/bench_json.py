"""JSON encoders for full results (issue 19, item 2): why orjson, measured against pydantic-core's own serializer
and the standard library on the same records (CPU time, best of 3; every output checked equal first).

    python -m benchmarks.bench_json
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import chuanxa
from chuanxa.outputs.jsonout import CRITERION_STATIC, GAP_STATIC, INDICATOR_STATIC, encode_batch

from .tables import RULESET, generated_communes

N = 2_000


def best_cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(3):
        start = time.process_time()
        out = fn()
        times.append(time.process_time() - start)
    return min(times), out


def _unshared(encode: Callable[[], Any]) -> Any:
    """`encode` with no record written from its kept bytes: the encoder as it was before records were shared."""
    from chuanxa.outputs import jsonout

    kept = jsonout._SHARED
    jsonout._SHARED = frozenset()
    try:
        return encode()
    finally:
        jsonout._SHARED = kept


def _sentences_left_out(communes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Communes without the sentences of their reasons and gaps (which only chuanxa's encoder adds)."""
    return [{**c, **{k: [{f: v for f, v in item.items() if f != "message"} for item in c[k]] for k in ("reasons", "gaps")}} for c in communes]


def main() -> None:
    batch = chuanxa.score_many(generated_communes(N), RULESET)
    full = [result.to_json_dict() for result in batch.results]  # the documented objects, sentences of reasons and gaps included
    compact_exclude = {"results": {"__all__": {"indicators": {"__all__": set(INDICATOR_STATIC)}, "criteria": {"__all__": set(CRITERION_STATIC)},
                                               "gaps": {"__all__": set(GAP_STATIC)}}}}
    ways: list[tuple[str, Callable[[], Any], str]] = [
        ("standard library json, indent 2 (schema 1 as written before)", lambda: json.dumps(batch.model_dump(mode="json"), ensure_ascii=False, indent=2), "full"),
        ("pydantic-core model_dump_json, full", lambda: batch.model_dump_json(), "full"),
        ("pydantic-core model_dump_json, compact (exclude the ruleset text)", lambda: batch.model_dump_json(exclude=compact_exclude), "compact"),
        ("orjson over the records' state (chuanxa), full", lambda: encode_batch(batch, "full"), "full"),
        ("orjson over the records' state (chuanxa), compact", lambda: encode_batch(batch, "compact"), "compact"),
        ("  the same, each shared record encoded afresh (before orjson.Fragment)", lambda: _unshared(lambda: encode_batch(batch, "compact")), "compact"),
    ]
    compact = json.loads(encode_batch(batch))["results"]
    print(f"{N:,} full results of generated communes; CPU seconds, best of 3:")
    for label, fn, form in ways:
        seconds, out = best_cpu(fn)
        got = json.loads(out)["results"]
        expected = full if form == "full" else compact
        if label.startswith("pydantic") or label.startswith("standard"):  # the records' own fields: no sentences
            got, expected = _sentences_left_out(got), _sentences_left_out(expected)
        assert got == expected, label
        size = len(out.encode("utf-8")) if isinstance(out, str) else len(out)  # bytes as written, not characters
        print(f"  {label:70s} {seconds:6.2f} s  {size / N / 1024:5.1f} KB per commune")


if __name__ == "__main__":
    main()
