"""The documented JSON form of results (the contract: docs/results-json.md), written at array speed.

A batch document (schema 2) holds its communes one per line. By default (`detail="compact"`) the text that is
the same for every commune of a ruleset (indicator and criterion titles, rules in words, sources, notes, input
labels and units) is written once under `"rulesets"` (at the end), keyed by the ruleset's content hash, and
left out of each commune; `detail="full"` repeats it in every commune, as schema 1 did. `read_results` reads
either form (and schema 1 files) back into the same result records.

Encoding is orjson over the records' own state, not pydantic's serializer: the records are trusted and already
typed, and the compact form is a cheap key removal per record (benchmarks/RESULTS.md has the measurement).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ValidationError

from chuanxa.engine.batching import paused_gc
from chuanxa.engine.results import (BatchResult, CommuneIdentity, CommuneResult, CriterionResult, FailureReason, Gap, GapTarget, IndicatorResult, RowProblem, RulesetStamp,
                                    SummaryBatch, ThresholdUsed)
from chuanxa.wording import gap_text, indicator_rule, notice_text, problem_json, reason_text, region_text, table_notice_json, with_rule
from chuanxa.errors import CommuneDataError, Location

SCHEMA_VERSION = 3
Detail = Literal["compact", "full"]
DETAILS: tuple[Detail, ...] = ("compact", "full")

#: Fields that depend only on the ruleset, per record type: in compact form they are written once per ruleset.
INDICATOR_STATIC = ("criterion", "title", "kind", "max", "provisional", "knockout", "rule", "source", "note")
GAP_STATIC = ("criterion", "title", "max", "input", "unit", "provisional", "label", "input_type")
CRITERION_STATIC = ("title",)


def commune_json(result: CommuneResult) -> dict[str, Any]:
    """One commune's documented JSON data, sentences of reasons and gaps included."""
    return result.to_json_dict()


def encode_commune(result: CommuneResult) -> bytes:
    """One commune's full result as `chuanxa score FILE --format json` and `POST /api/v1/score` give it: the data
    of `commune_json` with a two-space indent, in UTF-8 (the text `dumps(commune_json(result))` writes), encoded
    by orjson from the record's state (about six times faster than pydantic's dump and `json.dumps`)."""
    encoder = _Encoder(compact=False, share=False)
    encoder.result = encoder.item = result  # its reasons' and place's sentences read it
    return orjson.dumps(result, default=encoder.default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2)


def batch_json(batch: BatchResult | SummaryBatch, detail: Detail = "compact") -> dict[str, Any]:  # for small batches
    """The batch document as plain data (what `encode_batch` writes)."""
    return orjson.loads(encode_batch(batch, detail))  # type: ignore[no-any-return]


def encode_batch(batch: BatchResult | SummaryBatch, detail: Detail = "compact") -> bytearray:
    """The batch document in UTF-8: `{"schema_version": 3, "detail", "results" or "summaries": [one commune per
    line], "rejected", "unknown_columns", "column_hints", "skipped_sheets", "rulesets" (compact only)}`."""
    items = batch.results if isinstance(batch, BatchResult) else batch.summaries
    return encode_stream(items, lambda: batch, detail)


def encode_stream(items: Iterable[BaseModel], rest: Callable[[], BatchResult | SummaryBatch], detail: Detail = "compact") -> bytearray:
    """The batch document of `items` (results or summaries, encoded as they come, so each can be let go once
    written) and of the other fields of `rest()`, called when the items are exhausted (a `ScoreRun`'s envelope).

    The document is built in one buffer (no list of lines joined into a second copy); `write_stream` writes the
    same bytes to a file as they are encoded."""
    out = bytearray()
    write_stream(out.extend, items, rest, detail)
    return out


def write_stream(write: Callable[[bytes], Any], items: Iterable[BaseModel], rest: Callable[[], BatchResult | SummaryBatch], detail: Detail = "compact") -> None:
    """`encode_stream`, each part handed to `write` (e.g. a file's) as soon as it is encoded: memory stays flat.

    `rulesets` comes last: it is complete only once every commune is written. The cyclic garbage collector is
    paused: the records hold no cycles, and its passes over a million live records cost more than the encoding."""
    encoder = _Encoder(compact=detail == "compact")
    write(b'{"schema_version":%d,\n"detail":' % SCHEMA_VERSION + orjson.dumps(detail))
    with paused_gc():
        first = True
        for item in items:
            write((b',\n"%s":[\n' % (b"results" if isinstance(item, CommuneResult) else b"summaries") if first else b",\n") + encoder.record(item))
            first = False
        batch = rest()
        for name, value in batch.__dict__.items():
            if name in ("results", "summaries"):
                if first:  # no items: the list is empty
                    write(b",\n" + orjson.dumps(name) + b":[]")
                else:
                    write(b"\n]")
                continue
            write(b",\n" + orjson.dumps(name) + b":")
            if name == "rejected" and value:
                write(b"[\n" + b",\n".join(encoder.record(item) for item in value) + b"\n]")
            elif name == "notices":  # each with its sentences (`chuanxa.wording`)
                write(orjson.dumps([table_notice_json(notice) for notice in value], option=orjson.OPT_NON_STR_KEYS))
            else:
                write(orjson.dumps(value, default=_plain, option=orjson.OPT_NON_STR_KEYS))
    if encoder.compact:
        static = {sha: {k: v for k, v in section.items() if v != {}} for sha, section in encoder.static.items()}
        write(b',\n"rulesets":' + orjson.dumps(static, default=_plain))
    write(b"}\n")


def encode_document(data: BaseModel | Mapping[str, BaseModel]) -> bytes:
    """A document record (a target plan, or plans by name) as indented JSON: pydantic's JSON-mode fields, written by
    orjson (the standard library's indenting encoder took seconds on a national plan)."""
    plain = data.model_dump(mode="json") if isinstance(data, BaseModel) else {name: value.model_dump(mode="json") for name, value in data.items()}
    return orjson.dumps(plain, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class _Encoder:
    """Encodes result records one by one; in compact form it moves ruleset-only fields to `static`."""

    def __init__(self, compact: bool, share: bool = True) -> None:
        self.compact = compact
        self.share = share  # shared records written from their bytes (not for indented output)
        self.seen: dict[int, Any] = {}  # records met once, by id
        self.encoded: dict[int, tuple[Any, orjson.Fragment]] = {}  # records met more than once: their bytes
        self.static: dict[str, dict[str, Any]] = {}  # ruleset sha256 → {id, version, criteria, indicators, gaps}
        self.held: dict[tuple[str, str, str], tuple[Any, ...]] = {}  # (sha256, record type, id) → its static values
        self.section: dict[str, Any] | None = None
        self.sha = ""
        self.messages: dict[int, tuple[Any, Any]] = {}  # sentences of gaps and reasons by record: interned records are shared
        self.result: CommuneResult | None = None  # the commune being written (its reasons' sentences read it)
        self.item: Any = None  # the result or summary being written (its place's sentences read its date)
        self.rules_of: Any = None  # the stamp whose rules `rules` holds (indicator id → rule)
        self.rules: dict[str, str] = {}

    def record(self, item: BaseModel) -> bytes:
        stamp = getattr(item, "ruleset", None)
        if self.compact and stamp is not None:
            self.sha = stamp.sha256
            self.section = self.static.get(self.sha) or self.static.setdefault(self.sha, {"id": stamp.id, "version": stamp.version, "criteria": {}, "indicators": {}, "gaps": {}})
        else:
            self.section = None
        self.result = item if isinstance(item, CommuneResult) else None
        self.item = item
        return orjson.dumps(item, default=self.default, option=orjson.OPT_NON_STR_KEYS)

    def default(self, obj: Any) -> Any:
        """What orjson writes for a record: its state, ruleset-only fields left out in compact form, sentences added.

        A record met a second time is written from its encoded bytes (kept as an `orjson.Fragment`): the engine
        shares its immutable records (most indicator results, gaps, thresholds) between communes, and every field
        of a record, hence its bytes, is fixed once it is built. Bytes are not kept for indented output."""
        key = id(obj)
        found = self.encoded.get(key)
        if found is not None:
            return found[1]
        if self.share and type(obj) in _SHARED:
            if self.seen.pop(key, None) is obj:
                state = self._state(obj)
                if len(self.encoded) >= SHARED_CACHE:
                    self.encoded.clear()
                encoded = self.encoded[key] = (obj, orjson.Fragment(orjson.dumps(state, default=self.default, option=orjson.OPT_NON_STR_KEYS)))
                return encoded[1]
            if len(self.seen) >= SHARED_CACHE:
                self.seen.clear()
            self.seen[key] = obj  # kept, so that its id is not reused by another record while it is remembered
        return self._state(obj)

    def _state(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Gap:
            state = self._strip(obj.__dict__, GAP_STATIC, _GAP_GET, "gaps", obj.indicator, "gap")
            state["message"] = self._message(obj)
            return state
        if kind is CommuneIdentity:
            return self._place(obj)
        if kind is RowProblem:
            return problem_json(obj)
        if kind is FailureReason and self.result is not None:
            state = obj.__dict__.copy()
            state["message"] = self._message(obj)
            return state
        if kind is IndicatorResult:  # with its rule, which its kind writes from the ruleset the result's stamp names
            state = with_rule(obj.__dict__, self._rule(obj.id))
            return self._strip(state, INDICATOR_STATIC, _INDICATOR_GET, "indicators", obj.id, "indicator") if self.section is not None else state
        if self.section is not None:
            if kind is CriterionResult:
                return self._strip(obj.__dict__, CRITERION_STATIC, _CRITERION_GET, "criteria", obj.id, "criterion")
        return _plain(obj)

    def _strip(self, state: dict[str, Any], keys: tuple[str, ...], get: Callable[[dict[str, Any]], Any], where: str, ident: str, tag: str) -> dict[str, Any]:
        """The record's state without the fields its ruleset section holds. The first record of an id fills the
        section; a later record whose value differs (built by hand, say) keeps that field inline."""
        out = state.copy()
        if self.section is None:
            return out
        values = get(state)
        key = (self.sha, tag, ident)
        known = self.held.get(key)
        if known is None:
            known = self.held[key] = values
            self.section[where].setdefault(ident, {}).update(zip(keys, values))
        if known == values:  # the usual case: the very same objects, compared by identity first
            for name in keys:
                del out[name]
        else:
            for name, mine, theirs in zip(keys, values, known):
                if mine == theirs:
                    del out[name]
        return out

    def _rule(self, indicator_id: str) -> str:
        """The rule of an indicator of the commune being written, in the notation (`chuanxa.wording.indicator_rule`)."""
        stamp = self.result.ruleset if self.result is not None else None
        if stamp is None:
            return ""
        if stamp is not self.rules_of:
            self.rules_of, self.rules = stamp, {}
        found = self.rules.get(indicator_id)
        if found is None:
            found = self.rules[indicator_id] = indicator_rule(stamp, indicator_id)
        return found

    def _place(self, commune: CommuneIdentity) -> dict[str, Any]:
        """The identity's state with its `region_reason` (before `notices`) and each notice's `message`."""
        out = {k: v for k, v in commune.__dict__.items() if k != "notices"}
        reason = region_text(commune)
        out["region_reason"] = reason.__dict__ if reason is not None else None
        as_of = getattr(self.item, "as_of", None)
        out["notices"] = [{"code": n.code, "message": notice_text(n, commune, as_of).__dict__} for n in commune.notices]
        return out

    def _message(self, record: Gap | FailureReason) -> Any:
        """The record's sentence (`chuanxa.wording`), built once per record: a reason's words depend only on the
        numbers of its record, which the engine shares only between communes where they are the same."""
        found = self.messages.get(id(record))
        if found is not None:
            return found[1]
        message = (gap_text(record) if isinstance(record, Gap) else reason_text(record, self.result)).__dict__  # type: ignore[arg-type]
        if len(self.messages) < MESSAGE_CACHE:
            self.messages[id(record)] = (record, message)  # the record is kept so that its id is not reused
        return message


#: Sentences kept per encoding: enough for the shared (interned) gap and reason records, which come first and repeat.
MESSAGE_CACHE = 4096
#: Records remembered per encoding (met once; met again, with their bytes): about 1,200 communes' worth of records
#: met once (some 16 per commune). Either table is emptied when full, so a shared record is encoded again at most
#: once per emptying (counted on 10,000 communes: the same hits with 20,000 as with a million remembered).
SHARED_CACHE = 20_000
#: The records the engine shares between communes (interned): each is encoded once and then copied as bytes.
_SHARED = frozenset((IndicatorResult, CriterionResult, Gap, GapTarget, ThresholdUsed, FailureReason, RulesetStamp))


_INDICATOR_GET = itemgetter(*INDICATOR_STATIC)
_GAP_GET = itemgetter(*GAP_STATIC)
def _CRITERION_GET(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state["title"],)  # itemgetter of one key would not give a tuple


def _plain(obj: Any) -> Any:
    """What orjson cannot write itself: records as their state, anything else as its text."""
    if isinstance(obj, BaseModel):
        return obj.__dict__
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    return str(obj)


def read_results(source: str | Path | bytes | bytearray | dict[str, Any]) -> BatchResult | SummaryBatch:
    """A results document (a path, its bytes or its parsed data) read back into result records: schema 2 in
    compact or full form, and schema 1. A file that is not one raises `CommuneDataError`."""
    where = str(source) if isinstance(source, (str, Path)) else None
    try:
        data = source if isinstance(source, dict) else orjson.loads(Path(source).read_bytes() if isinstance(source, (str, Path)) else source)
    except (OSError, orjson.JSONDecodeError) as exc:
        raise _unreadable(where, str(exc)) from None
    if not isinstance(data, dict) or not ("results" in data or "summaries" in data):
        raise _unreadable(where, "no 'results' or 'summaries' list")
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise _unreadable(where, f"schema_version {version} is newer than this chuanxa reads ({SCHEMA_VERSION})")
    static = data.get("rulesets") or {}
    fields = {k: v for k, v in data.items() if k not in ("schema_version", "detail", "rulesets")}
    items = "results" if "results" in fields else "summaries"
    fields[items] = [_restored(item, static) for item in fields[items]]
    try:
        return (BatchResult if items == "results" else SummaryBatch).model_validate(fields)
    except ValidationError as exc:
        raise _unreadable(where, str(exc).splitlines()[0]) from None


def _restored(item: dict[str, Any], static: dict[str, Any]) -> dict[str, Any]:
    """A compact commune with its ruleset's static fields put back (its own inline fields win)."""
    section = static.get((item.get("ruleset") or {}).get("sha256", ""))
    if not section:
        return item
    indicators, gaps, criteria = section.get("indicators", {}), section.get("gaps", {}), section.get("criteria", {})
    out = dict(item)
    if "indicators" in item:
        out["indicators"] = [{**_pick(indicators.get(i.get("id")), INDICATOR_STATIC), **i} for i in item["indicators"]]
    if "gaps" in item:
        out["gaps"] = [{**_pick(gaps.get(g.get("indicator")), GAP_STATIC), **g} for g in item["gaps"]]
    out["criteria"] = [{**_pick(criteria.get(c.get("id")), CRITERION_STATIC), **c} for c in item.get("criteria", ())]
    return out


def _pick(entry: dict[str, Any] | None, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: entry[k] for k in keys if k in entry} if entry else {}


def _unreadable(where: str | None, detail: str) -> CommuneDataError:
    return CommuneDataError(key="results.unreadable", params={"detail": detail}, location=Location(file=where))


__all__ = ["SCHEMA_VERSION", "DETAILS", "Detail", "batch_json", "commune_json", "dumps", "encode_batch", "encode_commune", "encode_document", "encode_stream", "read_results",
           "write_stream"]
