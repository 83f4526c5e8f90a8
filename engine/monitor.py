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

from .compiled import CompiledRuleset
from .results import CommuneResult

Event = dict[str, Any]
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
            self.summaries[data.commune.code] = _summary(self.evaluate(data))

    def state(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (what `save` writes)."""
        return {"version": STATE_VERSION, "ruleset": self.engine.stamp.model_dump(mode="json"), "positions": self.positions,
                "communes": {code: {"data": data.model_dump(mode="json"), "summary": self.summaries.get(code)} for code, data in self.communes.items()}}

    def restore(self, state: Mapping[str, Any]) -> None:
        """Continue from data given by `state()`."""
        self.positions.update(state.get("positions") or {})
        for code, entry in (state.get("communes") or {}).items():
            self.communes[code] = CommuneData.model_validate(entry["data"])
            self.summaries[code] = entry.get("summary") or _summary(self.evaluate(self.communes[code]))

    def save(self, path: str | Path) -> None:
        """Write the state atomically (a crash mid-write never leaves a half file). `chuanxa watch --state`
        keeps a journal instead (`chuanxa.engine.journal`), so that each update does not rewrite everything."""
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
            return [_error_event(None, None, number, "dòng lồng nhau quá sâu, không phải một bản cập nhật.", "the line is nested far too deeply to be an update.")]
        except json.JSONDecodeError as exc:
            return [_error_event(None, None, number, f"dòng không phải JSON hợp lệ (lỗi ở ký tự thứ {exc.colno}).", f"the line is not valid JSON ({exc.msg} at character {exc.colno}).")]
        except ValueError:
            return [_error_event(None, None, number, "mỗi dòng phải là một đối tượng JSON {…}.", "each line must be a JSON object {…}.")]
        return self.process(update, number)

    def line_too_long(self, number: int | None, limit: int) -> list[Event]:
        """The event for a line longer than any update (it is not read, so it changes nothing)."""
        return [_error_event(None, None, number, f"dòng dài hơn {limit:,} ký tự, không phải một bản cập nhật: bỏ qua.",
                             f"the line is longer than {limit:,} characters, not an update: skipped.")]

    def process(self, update: Mapping[str, Any], number: int | None = None) -> list[Event]:
        """Apply one update `{commune, date, values, assessed, commune_info}` and return its events."""
        info = update.get("commune_info")
        code = str(update.get("commune") or (info.get("code") if isinstance(info, Mapping) else None) or "")
        date = update.get("date")
        if not code:
            return [_error_event(None, date, number, "dòng cập nhật thiếu mã xã (\"commune\").", "the update lacks the commune code (\"commune\").")]
        try:
            stale = self._older_than_state(code, date)
            if stale is not None:
                return [{"event": "out_of_order", "commune": code, "date": date, "line": number, "state_date": stale,
                         "message": {"vi": f"Bản cập nhật ngày {date} cũ hơn số liệu đang theo dõi (ngày {stale}): không áp dụng.",
                                     "en": f"This update of {date} is older than the state being watched ({stale}): not applied."}}]
            data = self._apply(code, update)
            result = self.evaluate(data)
        except ChuanxaError as exc:
            return [_error_event(code or None, date, number, exc.message("vi"), exc.message("en"))]
        except ValidationError as exc:
            return [_error_event(code or None, date, number, *_describe_invalid(exc))]
        except (OverflowError, RecursionError) as exc:
            return [_error_event(code or None, date, number, "cập nhật có số quá lớn hoặc lồng nhau quá sâu.", f"the update holds a number too large or nesting too deep ({_first_line(exc)}).")]
        except (ValueError, TypeError, AttributeError) as exc:
            return [_error_event(code or None, date, number, "cập nhật không đúng dạng: 'values' và 'assessed' phải là bảng {mã: giá trị}.",
                                 f"malformed update ({_first_line(exc)}): 'values' and 'assessed' must be objects {{id: value}}.")]
        before = self.summaries.get(code)
        after = _summary(result)
        self.communes[code], self.summaries[code] = data, after
        events = _compare(before, after)
        for event in events:
            event.update(commune=code, date=date, line=number)
        return events

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


def _summary(result: CommuneResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "total": result.total.points,
        "floors": {c.id: c.floor_met for c in result.criteria},
        "criteria": {c.id: c.points for c in result.criteria},
        "knockouts_failed": list(result.knockouts_failed),
        "provisional_decides": result.provisional_decides,
    }


def _compare(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Event]:
    if before is None:
        return [{"event": "commune_added", "before": None, "after": after["verdict"], "total": after["total"],
                 "message": {"vi": f"Xã mới được theo dõi: {_VERDICT_VI[after['verdict']]} ({after['total']:g} điểm).", "en": f"Now watching this commune: {_VERDICT_EN[after['verdict']]} ({after['total']:g} points)."}}]
    events: list[Event] = []
    if before["verdict"] != after["verdict"]:
        events.append({"event": "verdict_changed", "before": before["verdict"], "after": after["verdict"], "total": after["total"],
                       "message": {"vi": f"Kết luận thay đổi: {_VERDICT_VI[before['verdict']]} → {_VERDICT_VI[after['verdict']]} ({after['total']:g} điểm).",
                                   "en": f"Verdict changed: {_VERDICT_EN[before['verdict']]} → {_VERDICT_EN[after['verdict']]} ({after['total']:g} points)."}})
    for crit, met in after["floors"].items():
        if before["floors"].get(crit, True) and not met:
            events.append({"event": "criterion_below_floor", "criterion": crit, "before": before["criteria"].get(crit), "after": after["criteria"][crit],
                           "message": {"vi": f"Tiêu chí {crit} xuống dưới mức tối thiểu.", "en": f"Criterion {crit} fell below its floor."}})
        elif not before["floors"].get(crit, True) and met:
            events.append({"event": "criterion_above_floor", "criterion": crit, "before": before["criteria"].get(crit), "after": after["criteria"][crit],
                           "message": {"vi": f"Tiêu chí {crit} đã đạt mức tối thiểu.", "en": f"Criterion {crit} rose above its floor."}})
    for ind in sorted(set(after["knockouts_failed"]) - set(before["knockouts_failed"]), key=_natural):
        events.append({"event": "knockout_failed", "indicator": ind, "message": {"vi": f"Không đạt chỉ tiêu điểm liệt {ind}.", "en": f"Knock-out indicator {ind} failed."}})
    for ind in sorted(set(before["knockouts_failed"]) - set(after["knockouts_failed"]), key=_natural):
        events.append({"event": "knockout_cleared", "indicator": ind, "message": {"vi": f"Đã đạt lại chỉ tiêu điểm liệt {ind}.", "en": f"Knock-out indicator {ind} cleared."}})
    if after["provisional_decides"] and not before["provisional_decides"]:
        events.append({"event": "provisional_decides", "message": {"vi": "Kết luận nay phụ thuộc vào các chỉ tiêu tạm thời.", "en": "Provisional indicators now decide the verdict."}})
    return events


_VERDICT_VI = {"recognised": "đạt chuẩn", "not_recognised": "chưa đạt chuẩn", "incomplete": "chưa đủ số liệu"}
_VERDICT_EN = {"recognised": "recognised", "not_recognised": "not recognised", "incomplete": "incomplete (data missing)"}


def _natural(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (10**9, text)


def _error_event(code: str | None, date: Any, number: int | None, vi: str, en: str) -> Event:
    return {"event": "error", "commune": code, "date": date, "line": number, "message": {"vi": vi, "en": en}}


def _describe_invalid(exc: ValidationError) -> tuple[str, str]:
    """A pydantic error about an update, as one sentence per language naming the field."""
    from chuanxa.criteria.loader import describe_invalid, plain_location

    first = exc.errors()[0]
    where = ".".join(plain_location(first))
    vi, en = describe_invalid(first)
    return f"cập nhật không hợp lệ ở '{where}': {vi}.", f"invalid update at '{where}': {en}."


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
