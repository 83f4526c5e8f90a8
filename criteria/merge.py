"""Apply a correction or overlay (`extends`) to its base: only what differs is written in the overlay.

Mappings merge key by key; lists whose items carry an `id` (criteria, indicators, regions…) merge by id,
new ids are appended and `remove: true` drops an item; any other value replaces the base's. Positions
(file, line) travel with the values, so later errors point into whichever file wrote the value.
"""

from __future__ import annotations

from typing import Any

from chuanxa.errors import Location, RulesetError, close_matches

from .yamlio import LocatedDict, LocatedList, copy_tree

_OWN_METADATA = ("id", "version", "title", "legal_basis", "issued", "effective", "effective_until", "supersedes", "extends", "source", "note")


def apply_overlay(base: LocatedDict, overlay: LocatedDict) -> LocatedDict:
    """The base tree with the overlay applied; neither input is changed."""
    merged = merge_values(copy_tree(base), overlay, ())
    # Metadata describes the overlay itself: dates, legal basis and links are never inherited from the base.
    meta = merged.get("ruleset")
    if isinstance(meta, LocatedDict):
        for key in _OWN_METADATA:
            if key not in overlay.get("ruleset", {}) and key in meta:
                del meta[key]
    return merged


def merge_values(base: Any, overlay: Any, path: tuple[str | int, ...]) -> Any:
    if isinstance(base, dict) and isinstance(overlay, dict):
        return _merge_mappings(base, overlay, path)
    if _is_id_list(base) and _is_id_list(overlay):
        return _merge_by_id(base, overlay, path)
    return copy_tree(overlay)


def _merge_mappings(base: dict[str, Any], overlay: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    result = base if isinstance(base, LocatedDict) else LocatedDict(base)
    for key, value in overlay.items():
        result[key] = merge_values(result[key], value, path + (key,)) if key in result else copy_tree(value)
        if isinstance(overlay, LocatedDict) and key in overlay.lines:
            result.lines[key] = overlay.lines[key]
    return result


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) and "id" in item for item in value)


def _merge_by_id(base: list[Any], overlay: list[Any], path: tuple[str | int, ...]) -> LocatedList:
    result = base if isinstance(base, LocatedList) else LocatedList(base)
    if len(result.lines) < len(result):
        result.lines.extend([(None, 0)] * (len(result) - len(result.lines)))
    positions = {str(item["id"]): index for index, item in enumerate(result)}
    removed: set[int] = set()
    for index, item in enumerate(overlay):
        item_id = str(item["id"])
        where = overlay.lines[index] if isinstance(overlay, LocatedList) else (None, 0)
        if item.get("remove") is True:
            if item_id not in positions:
                raise RulesetError(
                    key="ruleset.remove_unknown",
                    params={"id": item_id, "suggestions": close_matches(item_id, positions)},
                    location=Location(file=where[0], line=where[1], path=path + (index,)),
                )
            removed.add(positions[item_id])
        elif item_id in positions:
            target = positions[item_id]
            result[target] = merge_values(result[target], item, path + (target,))
            result.lines[target] = where
        else:
            known_keys = set().union(*(set(existing) for existing in result)) if result else set()
            missing = sorted({"title", "kind", "max_points"} & known_keys - set(item))
            if missing:  # most likely a mistyped id meant to change an existing item
                raise RulesetError(key="ruleset.overlay_new_item", params={"id": item_id, "missing": ", ".join(missing), "suggestions": close_matches(item_id, positions)},
                                   location=Location(file=where[0], line=where[1], path=path + (index,)))
            positions[item_id] = len(result)
            result.append(copy_tree(item))
            result.lines.append(where)
    kept = LocatedList(item for i, item in enumerate(result) if i not in removed)
    kept.file, kept.line = result.file, result.line
    kept.lines = [line for i, line in enumerate(result.lines) if i not in removed]
    return kept
