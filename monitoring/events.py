"""The events `chuanxa watch` emits, as JSON-ready dicts with their message in both languages.

The watcher compares a commune's standing before and after an update (`standing`, then `changes`); each event
carries a `message` `{vi, en}` filled from the message catalogue (`watch.event.*`, `watch.line.*`,
`watch.update.*`), so the wording lives with every other sentence a user reads.
"""

from __future__ import annotations

from typing import Any

from chuanxa.engine.results import CommuneResult
from chuanxa.messages import render

Event = dict[str, Any]


def text(key: str, **params: Any) -> dict[str, str]:
    """The catalogue message `key` in both languages, as an event's `message`."""
    return {"vi": render(key, "vi", params), "en": render(key, "en", params)}


def standing(result: CommuneResult) -> dict[str, Any]:
    """What the events compare: verdict, total, floors, criteria points, failed knock-outs, provisional weight."""
    return {
        "verdict": result.verdict.value,
        "total": result.total.points,
        "floors": {c.id: c.floor_met for c in result.criteria},
        "criteria": {c.id: c.points for c in result.criteria},
        "knockouts_failed": list(result.knockouts_failed),
        "provisional_decides": result.provisional_decides,
    }


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Event]:
    """The events between two standings (a commune seen for the first time is `commune_added`)."""
    if before is None:
        return [{"event": "commune_added", "before": None, "after": after["verdict"], "total": after["total"],
                 "message": text("watch.event.commune_added", total=after["total"], **_verdict("after", after["verdict"]))}]
    events: list[Event] = []
    if before["verdict"] != after["verdict"]:
        words = _verdict("before", before["verdict"]) | _verdict("after", after["verdict"])
        events.append({"event": "verdict_changed", "before": before["verdict"], "after": after["verdict"], "total": after["total"],
                       "message": text("watch.event.verdict_changed", total=after["total"], **words)})
    for crit, met in after["floors"].items():
        was_met = before["floors"].get(crit, True)
        if was_met != met:
            name = "criterion_above_floor" if met else "criterion_below_floor"
            events.append({"event": name, "criterion": crit, "before": before["criteria"].get(crit), "after": after["criteria"][crit],
                           "message": text(f"watch.event.{name}", criterion=crit)})
    failed, cleared = set(after["knockouts_failed"]), set(before["knockouts_failed"])
    for name, indicators in (("knockout_failed", failed - cleared), ("knockout_cleared", cleared - failed)):
        events.extend({"event": name, "indicator": ind, "message": text(f"watch.event.{name}", indicator=ind)} for ind in sorted(indicators, key=_natural))
    if after["provisional_decides"] and not before["provisional_decides"]:
        events.append({"event": "provisional_decides", "message": text("watch.event.provisional_decides")})
    return events


def out_of_order(code: str, date: Any, number: int | None, state_date: str) -> Event:
    """An update older than the state being watched (not applied)."""
    return {"event": "out_of_order", "commune": code, "date": date, "line": number, "state_date": state_date,
            "message": text("watch.event.out_of_order", date=date, state_date=state_date)}


def error(code: str | None, date: Any, number: int | None, message: dict[str, str]) -> Event:
    """A line or update that could not be applied (it changes nothing)."""
    return {"event": "error", "commune": code, "date": date, "line": number, "message": message}


def _verdict(role: str, verdict: str) -> dict[str, str]:
    key = f"watch.verdict.{verdict}"
    return {f"{role}_vi": render(key, "vi", {}), f"{role}_en": render(key, "en", {})}


def _natural(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (10**9, value)
