"""Live monitoring: apply updates to communes as they arrive and report what matters when it changes.

A `Watcher` keeps each commune's data, re-scores it after every update and emits events: the verdict changed
(recognised ↔ not recognised, or incomplete), a criterion fell below or rose above its floor, a knock-out
failed or cleared, provisional indicators newly decide the verdict. A bad update becomes an `error` event and
never stops the stream. `save`/`load` keep the state in a JSON file so a restart loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from chuanxa.communes.model import AssessedEntry, CommuneData, CommuneInfo
from chuanxa.errors import ChuanxaError, CommuneDataError, Location

from chuanxa.engine.compiled import CompiledRuleset
from chuanxa.engine.results import CommuneResult

from . import events
from .events import Event, text
STATE_VERSION = 1


class Watcher:
    """Keeps communes' state and turns updates into events (JSON-ready dicts)."""

    def __init__(self, engine: CompiledRuleset, evaluate: Callable[[CommuneData], CommuneResult] | None = None) -> None:
        self.engine = engine
        self.evaluate = evaluate or engine.evaluate
        self.communes: dict[str, CommuneData] = {}
        self.summaries: dict[str, dict[str, Any]] = {}
        self.positions: dict[str, Any] = {}  # input file → {lines, sha256} applied, so a restart resumes after them

    # --- state ---
    def seed(self, communes: Iterable[CommuneData]) -> None:
        """Start from known communes without emitting events (their current state is the baseline)."""
        for data in communes:
            self.communes[data.commune.code] = data
            self.summaries[data.commune.code] = events.standing(self.evaluate(data))

    def state(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (what `save` writes)."""
        return {"version": STATE_VERSION, "ruleset": self.engine.stamp.model_dump(mode="json"), "positions": self.positions,
                "communes": {code: {"data": data.model_dump(mode="json"), "summary": self.summaries.get(code)} for code, data in self.communes.items()}}

    def restore(self, state: Mapping[str, Any]) -> None:
        """Continue from data given by `state()`."""
        self.positions.update(state.get("positions") or {})
        for code, entry in (state.get("communes") or {}).items():
            self.communes[code] = CommuneData.model_validate(entry["data"])
            self.summaries[code] = entry.get("summary") or events.standing(self.evaluate(self.communes[code]))

    def save(self, path: str | Path) -> None:
        """Write the state atomically (a crash mid-write never leaves a half file). `chuanxa watch --state`
        keeps a journal instead (`chuanxa.monitoring.journal`), so that each update does not rewrite everything."""
        from chuanxa.fileio import write_text

        write_text(Path(path), json.dumps(self.state(), ensure_ascii=False))

    def load(self, path: str | Path) -> None:
        """Continue from a state written by `save` (a damaged file is a `StateFileError` naming it)."""
        from .journal import load_snapshot

        load_snapshot(self, Path(path))

    # --- updates ---
    def feed(self, lines: Iterable[str]) -> Iterator[Event]:
        """Events for JSON lines of updates (blank lines are skipped)."""
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield from self.process_line(line, number)

    def process_line(self, line: str, number: int | None = None) -> list[Event]:
        try:
            update = json.loads(line)
            if not isinstance(update, dict):
                raise ValueError("an update must be a JSON object")
        except RecursionError:
            return [events.error(None, None, number, text("watch.line.nested"))]
        except json.JSONDecodeError as exc:
            return [events.error(None, None, number, text("watch.line.not_json", column=exc.colno, detail=exc.msg))]
        except ValueError:
            return [events.error(None, None, number, text("watch.line.not_object"))]
        return self.process(update, number)

    def line_too_long(self, number: int | None, limit: int) -> list[Event]:
        """The event for a line longer than any update (it is not read, so it changes nothing)."""
        return [events.error(None, None, number, text("watch.line.too_long", limit=limit))]

    def process(self, update: Mapping[str, Any], number: int | None = None) -> list[Event]:
        """Apply one update `{commune, date, values, assessed, commune_info}` and return its events."""
        info = update.get("commune_info")
        code = str(update.get("commune") or (info.get("code") if isinstance(info, Mapping) else None) or "")
        date = update.get("date")
        if not code:
            return [events.error(None, date, number, text("watch.update.no_commune"))]
        try:
            stale = self._older_than_state(code, date)
            if stale is not None:
                return [events.out_of_order(code, date, number, stale)]
            data = self._apply(code, update)
            result = self.evaluate(data)
        except ChuanxaError as exc:
            return [events.error(code or None, date, number, {"vi": exc.message("vi"), "en": exc.message("en")})]
        except ValidationError as exc:
            return [events.error(code or None, date, number, _describe_invalid(exc))]
        except (OverflowError, RecursionError) as exc:
            return [events.error(code or None, date, number, text("watch.update.too_large", detail=_first_line(exc)))]
        except (ValueError, TypeError, AttributeError) as exc:
            return [events.error(code or None, date, number, text("watch.update.malformed", detail=_first_line(exc)))]
        before = self.summaries.get(code)
        after = events.standing(result)
        self.communes[code], self.summaries[code] = data, after
        found = events.changes(before, after)
        for event in found:
            event.update(commune=code, date=date, line=number)
        return found

    def _older_than_state(self, code: str, date: Any) -> str | None:
        """The state's date when `date` is older than it (a late report must not overwrite newer data)."""
        current = self.communes.get(code)
        if current is None or date is None or current.as_of is None:
            return None
        from chuanxa.criteria.registry import as_of_date

        if as_of_date(date) < as_of_date(current.as_of):
            return as_of_date(current.as_of).isoformat()
        return None

    def _apply(self, code: str, update: Mapping[str, Any]) -> CommuneData:
        current = self.communes.get(code)
        info = update.get("commune_info")
        if current is None:
            if not info:
                raise CommuneDataError(key="watch.new_commune", params={"code": code}, location=Location(commune=code or None))
            current = CommuneData(commune=CommuneInfo.model_validate({"code": code, **info}))
        elif info:
            current = current.model_copy(update={"commune": CommuneInfo.model_validate({**current.commune.model_dump(), **info, "code": code})})
        values = {**current.values, **(update.get("values") or {})}
        values = {k: v for k, v in values.items() if v is not None}  # null removes a value
        assessed = dict(current.assessed)
        for ind, entry in (update.get("assessed") or {}).items():
            if entry is None:
                assessed.pop(str(ind), None)
            else:
                try:
                    assessed[str(ind)] = AssessedEntry.model_validate(entry)
                except ValidationError:
                    raise CommuneDataError(key="watch.bad_assessed", params={"indicator": ind, "value": entry}, location=Location(commune=code, indicator=str(ind))) from None
        as_of = update.get("date") or current.as_of
        return CommuneData.model_validate({**current.model_dump(), "values": values, "assessed": {k: v.model_dump() for k, v in assessed.items()}, "as_of": as_of})


def _describe_invalid(exc: ValidationError) -> dict[str, str]:
    """A pydantic error about an update, as one sentence per language naming the field."""
    from chuanxa.criteria.loader import describe_invalid, plain_location

    first = exc.errors()[0]
    vi, en = describe_invalid(first)
    return text("watch.update.invalid", where=".".join(plain_location(first)), detail_vi=vi, detail=en)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
