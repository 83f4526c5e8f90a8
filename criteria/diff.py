"""What changed between two ruleset versions: inputs, criteria, indicators (points, thresholds, flags)
and the recognition rule, as structured records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Ruleset

_INDICATOR_FIELDS = ("kind", "max_points", "input", "op", "levels", "expected", "step", "knockout", "knockout_min_points", "applies_when", "provisional", "title", "source", "note", "evidence")


@dataclass(frozen=True)
class Change:
    """One difference: `what` is added, removed or changed; `path` names the item and field."""

    what: str
    path: str
    before: Any = None
    after: Any = None


def diff_rulesets(old: Ruleset, new: Ruleset) -> list[Change]:
    """Changes from `old` to `new`, in ruleset order (metadata, inputs, criteria, indicators, recognition)."""
    changes: list[Change] = []
    changes += _diff_mapping("inputs", {k: v.model_dump(mode="json") for k, v in old.inputs.items()}, {k: v.model_dump(mode="json") for k, v in new.inputs.items()})
    old_crit = {c.id: c for c in old.criteria}
    new_crit = {c.id: c for c in new.criteria}
    for cid in _ordered(old_crit, new_crit):
        a, b = old_crit.get(cid), new_crit.get(cid)
        if a is None or b is None:
            changes.append(Change("added" if a is None else "removed", f"criterion {cid}", None if a is None else a.max_points, None if b is None else b.max_points))
            continue
        for field in ("max_points", "title", "provisional", "source", "note"):
            if getattr(a, field) != getattr(b, field):
                changes.append(Change("changed", f"criterion {cid}.{field}", _plain(getattr(a, field)), _plain(getattr(b, field))))
    old_ind = {i.id: i for i in old.indicators}
    new_ind = {i.id: i for i in new.indicators}
    for iid in _ordered(old_ind, new_ind):
        ia, ib = old_ind.get(iid), new_ind.get(iid)
        if ia is None or ib is None:
            changes.append(Change("added" if ia is None else "removed", f"indicator {iid}", None if ia is None else ia.max_points, None if ib is None else ib.max_points))
            continue
        for field in _INDICATOR_FIELDS:
            before, after = getattr(ia, field, None), getattr(ib, field, None)
            if before != after:
                changes.append(Change("changed", f"indicator {iid}.{field}", _plain(before), _plain(after)))
        if old.criterion_of(iid).id != new.criterion_of(iid).id:
            changes.append(Change("changed", f"indicator {iid}.criterion", old.criterion_of(iid).id, new.criterion_of(iid).id))
    changes += _diff_mapping("recognition", {"rule": old.recognition.model_dump(mode="json", exclude={"source", "note"})}, {"rule": new.recognition.model_dump(mode="json", exclude={"source", "note"})})
    return changes


def path_words(path: str, lang: str) -> str:
    """`indicator 35.op` → `chỉ tiêu 35.op` in Vietnamese (the field names stay the YAML keys an editor looks for)."""
    if lang != "vi":
        return path
    for word, vi in (("indicator ", "chỉ tiêu "), ("criterion ", "tiêu chí "), ("input ", "dữ liệu "), ("recognition rule.", "quy tắc công nhận: "),
                     ("recognition", "quy tắc công nhận"), ("classification", "phân loại")):
        if path.startswith(word):
            return vi + path[len(word):]
    return path


def value_words(value: Any, lang: str) -> str:
    """A value of a change as an officer reads it: a level as "ngưỡng 96 → 4 điểm", yes/no in words, whole numbers
    without ".0", a mapping as "key: value" parts; text as it is."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        if "points" in value and "threshold" in value:  # one level of a threshold indicator
            points = f"{value['points']:g}" if isinstance(value["points"], (int, float)) else str(value["points"])
            level = (f"ngưỡng {value_words(value['threshold'], lang)} → {points} điểm" if lang == "vi"
                     else f"threshold {value_words(value['threshold'], lang)} → {points} points")
            return level + (f" ({value_words(value['label'], lang)})" if value.get("label") else "")
        return "; ".join(f"{key}: {value_words(item, lang)}" for key, item in value.items() if item is not None)
    if isinstance(value, (list, tuple)):
        return " · ".join(value_words(item, lang) for item in value)
    return str(value)


def _diff_mapping(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for key in _ordered(old, new):
        if key not in new:
            changes.append(Change("removed", f"{prefix} {key}", old[key], None))
        elif key not in old:
            changes.append(Change("added", f"{prefix} {key}", None, new[key]))
        elif old[key] != new[key]:
            for field in sorted(set(old[key]) | set(new[key])):
                if old[key].get(field) != new[key].get(field):
                    changes.append(Change("changed", f"{prefix} {key}.{field}", old[key].get(field), new[key].get(field)))
    return changes


def _ordered(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(old) + [k for k in new if k not in old]


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
