"""Place a commune in the current administrative list: its province (a former name mapped to the current one),
its unit type, and the socio-economic region of Decision 1300 that its thresholds use, with the reason.

`resolve_commune_fields` works on the raw commune mapping before validation (so every way in — files, tables,
library dicts, merges — is resolved the same way); `notices_for` and `region_reason` say by code what was
inferred, for every result (`chuanxa.wording` words them).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from chuanxa.communes.values import is_blank

from .units import REFORM_DATE, admin_units, short_name, unit_type_from_name

#: Why a region was used: given in the data; from the former province; from the former province a commune code
#: was issued in; from a province whose former provinces all lie in one region; or unknown.
REGION_SOURCES = ("given", "former_province", "commune_code", "province", "unknown")


def resolve_commune_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of a raw commune mapping with `province` current, `former_province`, `former_district`,
    `province_code`, `unit_type`, `region` and `region_source` filled in where the lists tell them.

    Idempotent; an unknown province is left as written (the model's check then names it)."""
    data = dict(raw)
    if not is_blank(data.get("district")) and is_blank(data.get("former_district")):
        data["former_district"] = data["district"]
    data.pop("district", None)
    units = admin_units()
    province_text = None if is_blank(data.get("province")) else str(data["province"]).strip()
    former = units.former_province(str(data["former_province"])) if not is_blank(data.get("former_province")) else None
    current = units.province(province_text) if province_text else None
    if current is None and province_text:
        named_former = units.former_province(province_text)
        if named_former is not None:  # an old province name: map it, keep what was written
            former = named_former
            if is_blank(data.get("former_province")):
                data["former_province"] = province_text
            current = units.provinces[named_former.current]
            data["province"] = current.name
    unit = units.unit(data.get("code"))
    official = unit is not None and (current is None or unit.province == current.code) and _same_name(unit.name, data.get("name"))
    if current is None and official and unit is not None:
        current = units.provinces[unit.province]
        data["province"] = current.name
    if current is not None:
        data["province_code"] = current.code
    if is_blank(data.get("unit_type")):
        data["unit_type"] = unit.unit_type if official and unit is not None else unit_type_from_name(data.get("name"))
    else:  # "Phường", "đặc khu" or an id: the id
        data["unit_type"] = unit_type_from_name(f"{data['unit_type']} x") or data["unit_type"]
    if not is_blank(data.get("region")):
        data.setdefault("region_source", "given")
        return data
    region, source = _derive_region(units, current, former, data.get("code"))
    data["region"], data["region_source"] = region, source
    return data


def _derive_region(units: Any, current: Any, former: Any, code: Any) -> tuple[str | None, str]:
    if former is not None:
        return former.region, "former_province"
    if current is None:
        return None, "unknown"
    issued_in = units.former_province_of_code(code)
    if issued_in is not None and issued_in.current == current.code:
        return issued_in.region, "commune_code"
    regions = units.regions_of(current)
    if len(regions) == 1:
        return next(iter(regions)), "province"
    return None, "unknown"


def _same_name(official: str, given: Any) -> bool:
    if is_blank(given):
        return True
    return short_name(official) == short_name(str(given))


#: The fields `resolve_commune_fields` reads or fills; it leaves every other field of a commune as it is.
PLACE_FIELDS = frozenset({"code", "name", "unit_type", "province", "province_code", "former_province", "district", "former_district", "region",
                          "region_source"})


def code_and_name_facts(code: Any, name: Any) -> tuple[Any, ...]:
    """All that `resolve_commune_fields` reads of a commune's code and name (raw cells, as it gets them): two raw
    mappings equal but for code and name, with equal facts, resolve to equal mappings but for code and name. The
    column-wise table reader resolves a table once per distinct place this way; keep it and `PLACE_FIELDS` in
    step with the function above (a property test compares them)."""
    units = admin_units()
    unit = units.unit(code)
    return unit, unit is not None and _same_name(unit.name, name), unit_type_from_name(name), units.former_province_of_code(code)


def region_reason(source: str | None, province: str | None, code: str | None) -> tuple[str, dict[str, str]]:
    """Why the region was used, as a catalogue key (`region.*` in chuanxa/messages.py) and the place names of its
    sentence beyond the identity's own fields (`chuanxa.wording.region_text` renders it)."""
    if source == "given" or source is None:
        return "region.given", {}
    if source == "former_province":
        return "region.former_province", {}
    if source == "commune_code":
        issued = admin_units().former_province_of_code(code)
        return "region.commune_code", {"issued_in": issued.name if issued else "?"}
    if source == "province":
        return "region.province", {}
    return _unknown_region(province)


@lru_cache(maxsize=1024)
def _unknown_region(province: str | None) -> tuple[str, dict[str, str]]:
    units = admin_units()
    current = units.province(province) if province else None
    spans = ", ".join(sorted(units.regions_of(current))) if current else ""
    return ("region.unknown_spans", {"spans": spans}) if spans else ("region.unknown", {})


@lru_cache(maxsize=4096)
def notices_for(code: str, name: str, province: str | None, former_province: str | None, former_district: str | None, former: tuple[str, ...],
                as_of: dt.date | None) -> tuple[str, ...]:
    """The codes of what was inferred or is out of date about a commune's place, each said once
    (`place.<code>` in the catalogue; `chuanxa.wording.notice_text` renders one from the commune's identity)."""
    units = admin_units()
    found: list[str] = []
    if former_province and province:
        found.append("FORMER_PROVINCE")
    if former_district:
        found.append("FORMER_DISTRICT")
    unit = units.unit(code)
    if unit is None:
        found.append("CODE_NOT_CURRENT")
    elif not _same_name(unit.name, name):
        found.append("CODE_NAME_DIFFERS")
    if former and as_of is not None and as_of < dt.date.fromisoformat(REFORM_DATE):
        found.append("ASSESSED_BEFORE_MERGER")
    return tuple(found)


def known_province(text: str) -> bool:
    units = admin_units()
    return units.province(text) is not None or units.former_province(text) is not None


__all__ = ["resolve_commune_fields", "code_and_name_facts", "PLACE_FIELDS", "region_reason", "notices_for", "REGION_SOURCES", "known_province"]
