"""Merged communes (2025 reform): build each new commune's data from its predecessors' data, using how each
input declares it aggregates, then score it like any commune.

Counts add up; rates are re-weighted by their declared denominators; yes/no facts combine by all/any;
derived inputs are recomputed from merged parts, never averaged. A value missing in any predecessor stays
missing (partial sums would under-count). Assessed points are not carried over: the new commune needs a new
appraisal. The predecessors' stations become the sites (điểm trạm) of one station: station-level inputs
combine by their ruleset's `sites` rule, and `merge_details` says how each was combined. Districts no longer
exist: the new commune gets none; its predecessors are listed in `former`.

The notes on a merged commune are records (`MergeNote`: a code with the names, input and rule they name); their words
come from `chuanxa.wording.merge_note_text`, and a `MergedCommune`'s JSON writes them beside each note as `vi` and `en`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, ValidationError, model_serializer

from chuanxa.communes.model import CommuneData, CommuneInfo
from chuanxa.criteria.model import Aggregation, Ruleset, Text
from chuanxa.criteria.yamlio import load_yaml_file, strip
from chuanxa.errors import CommuneDataError, Location

from .notes import CodedNote, with_note_words


class MergeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    new: CommuneInfo
    predecessors: tuple[str, ...]
    as_of: int | str | None = None


class MergeMapping(BaseModel):
    """`merges: [{new: {code, name, …, distance_km}, predecessors: [old codes]}]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    merges: tuple[MergeEntry, ...]


def load_mapping(path: Path) -> MergeMapping:
    raw = strip(load_yaml_file(path))
    try:
        return MergeMapping.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CommuneDataError(key="data.bad_field", params={"field": ".".join(str(p) for p in first["loc"]), "value": first.get("input"), "expected": first["msg"], "expected_vi": "Kiểm tra tệp gộp xã."},
                               location=Location(file=str(path), path=tuple(str(p) for p in first["loc"]))) from None


class MergeNote(CodedNote):
    """A note on a merged commune (its sentence: `chuanxa.wording.merge_note_text`, written into the JSON beside the
    record as `vi` and `en`): STATION_SITES (one station, its sites), INPUT_COMBINED (how a station-level input
    combined across the sites, by its ruleset's `sites` rule) or NO_INHERITANCE (no recognition, no assessed points
    carried over)."""

    code: Literal["STATION_SITES", "INPUT_COMBINED", "NO_INHERITANCE"]
    commune: str | None = None  # STATION_SITES: the new commune's name…
    sites: tuple[str, ...] = ()  # …and its sites' names
    input: str | None = None  # INPUT_COMBINED: the input's id…
    label: Text | None = None  # …its label, as the ruleset words it (kept so the note reads without the ruleset)…
    method: str | None = None  # …the sites rule's method (sum, any, all, min, max, mean)…
    provisional: bool = False  # …and whether that rule is provisional


class MergedCommune(BaseModel):
    """A new commune built by `merge_details`, and notes on how its station's inputs were combined."""

    model_config = ConfigDict(frozen=True)

    data: CommuneData
    notes: tuple[MergeNote, ...]

    @model_serializer(mode="wrap")
    def _with_sentences(self, handler: SerializerFunctionWrapHandler) -> Any:
        from chuanxa.wording import merge_note_text

        return with_note_words(handler(self), self.notes, merge_note_text)


def merge_communes(mapping: MergeMapping, communes: Sequence[CommuneData], ruleset: Ruleset, source: str | None = None) -> list[CommuneData]:
    """One `CommuneData` per merge entry; raises `CommuneDataError` naming the new commune and the input."""
    return [item.data for item in merge_details(mapping, communes, ruleset, source)]


def merge_details(mapping: MergeMapping, communes: Sequence[CommuneData], ruleset: Ruleset, source: str | None = None) -> list[MergedCommune]:
    """As `merge_communes`, with notes on the station's sites and how staffing and facilities were combined."""
    by_code = {c.commune.code: c for c in communes}
    merged = []
    for entry in mapping.merges:
        missing = [code for code in entry.predecessors if code not in by_code]
        if missing:
            raise _error(source, entry.new.code, None, f"predecessor communes not found in the data: {', '.join(missing)}", f"không tìm thấy xã cũ: {', '.join(missing)}")
        parts = [by_code[code] for code in entry.predecessors]
        values = {name: value for name, value in _merged_values(ruleset, parts, entry.new.code, source).items() if value is not None}
        as_of = entry.as_of if entry.as_of is not None else parts[0].as_of
        identity = entry.new
        if identity.distance_km is None:
            # The new station's distance decides the zone; without it, assume the main site is the nearest old station.
            distances = [p.commune.distance_km for p in parts if p.commune.distance_km is not None]
            identity = identity.model_copy(update={"distance_km": min(distances) if distances else None})
        identity = _new_identity(identity, parts)
        merged.append(MergedCommune(data=CommuneData.model_validate({"commune": identity, "as_of": as_of, "values": values}),  # a text date is parsed by the model
                                    notes=_station_notes(ruleset, identity, parts)))
    return merged


def _new_identity(identity: CommuneInfo, parts: Sequence[CommuneData]) -> CommuneInfo:
    """The new commune's place: the predecessors' current province when they share it, the predecessors as
    `former`, their stations as sites. No district: districts were abolished with the reform."""
    raw = identity.model_dump(exclude_defaults=True, exclude={"region", "region_source"} if identity.region_source != "given" else set())
    if identity.province is None:
        provinces = {p.commune.province for p in parts}
        if len(provinces) == 1 and None not in provinces:
            raw["province"] = provinces.pop()
            raw.pop("province_code", None)
            formers = {p.commune.former_province for p in parts}
            if len(formers) == 1 and None not in formers:
                raw["former_province"] = formers.pop()  # all in one former province: its region follows
    terrains = {p.commune.terrain for p in parts}
    if identity.terrain is None and len(terrains) == 1 and None not in terrains:
        raw["terrain"] = terrains.pop()  # all predecessors agree (a drafted mapping may give none)
    raw.setdefault("former", [p.commune.code for p in parts])
    if not identity.sites:
        raw["sites"] = [{"name": f"Điểm trạm {p.commune.name}", "former_commune": p.commune.code} for p in parts]
    raw.pop("former_district", None)
    return CommuneInfo.model_validate(raw)


def _station_notes(ruleset: Ruleset, identity: CommuneInfo, parts: Sequence[CommuneData]) -> tuple[MergeNote, ...]:
    notes = [MergeNote(code="STATION_SITES", commune=identity.name, sites=tuple(site.name for site in identity.sites))]
    for name, spec in ruleset.inputs.items():
        if spec.sites is None or all(p.values.get(name) is None for p in parts):
            continue
        notes.append(MergeNote(code="INPUT_COMBINED", input=name, label=spec.label, method=spec.sites.method, provisional=spec.sites.provisional))
    notes.append(MergeNote(code="NO_INHERITANCE"))
    return tuple(notes)


def _merged_values(ruleset: Ruleset, parts: Sequence[CommuneData], code: str, source: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, spec in ruleset.inputs.items():
        given = [p.values.get(name) for p in parts]
        if spec.derived:
            if any(v is not None for v in given) and not _parts_present(ruleset, name, parts):
                raise _error(source, code, name, "is entered directly in a predecessor, without the parts it is computed from; give the parts", "được nhập trực tiếp ở xã cũ mà thiếu các số liệu thành phần; hãy nhập các số liệu thành phần")
            continue  # recomputed from the merged parts when scored
        if all(v is None for v in given):
            continue
        rule = spec.aggregate if spec.sites is None else Aggregation(method=spec.sites.method)  # a station-level input: across sites
        if rule is None:
            raise _error(source, code, name, "declares no aggregation in the ruleset, so it cannot be merged", "không khai báo cách gộp trong bộ tiêu chí nên không thể gộp")
        if any(v is None for v in given):
            values[name] = None  # missing in one predecessor: the merged value is unknown, not a partial sum
            continue
        values[name] = _aggregate(rule.method, rule.weight, given, parts, name, code, source)
    return values


def _aggregate(method: str, weight: str | None, given: list[Any], parts: Sequence[CommuneData], name: str, code: str, source: str | None) -> Any:
    numbers = given
    if method == "sum":
        return sum(float(v) for v in numbers)
    if method == "mean":
        return sum(float(v) for v in numbers) / len(numbers)
    if method == "min":
        return min(numbers)
    if method == "max":
        return max(numbers)
    if method in ("all", "any"):
        from chuanxa.communes.values import parse_yes_no

        flags = [parse_yes_no(v) for v in numbers]
        return all(flags) if method == "all" else any(flags)
    weights: list[Any] = [p.values.get(weight) for p in parts]  # type: ignore[arg-type]
    if any(w is None for w in weights):
        raise _error(source, code, name, f"is a mean weighted by '{weight}', which is missing in a predecessor", f"là trung bình có trọng số theo '{weight}', nhưng một xã cũ thiếu '{weight}'")
    total: float = sum(float(w) for w in weights)
    if total == 0:
        return None
    return sum(float(v) * float(w) for v, w in zip(numbers, weights)) / total


def _parts_present(ruleset: Ruleset, name: str, parts: Sequence[CommuneData]) -> bool:
    from chuanxa.criteria.checks import expression_env
    from chuanxa.criteria.expressions import parse_expression

    names = parse_expression(ruleset.inputs[name].expr or "", expression_env(ruleset)).names
    return all(all(p.values.get(n) is not None for n in names if n in ruleset.inputs) for p in parts)


def _error(source: str | None, code: str, name: str | None, en: str, vi: str) -> CommuneDataError:
    field = name or "predecessors"
    return CommuneDataError(key="data.merge", params={"field": field, "commune": code, "detail": en, "detail_vi": vi},
                            location=Location(file=source, commune=code, path=("values", name) if name else ("predecessors",)))


__all__ = ["MergeMapping", "MergeEntry", "MergedCommune", "MergeNote", "load_mapping", "merge_communes", "merge_details"]
