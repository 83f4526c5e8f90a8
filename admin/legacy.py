"""Old three-level addresses (commune, district, province) mapped to the new unit, with the optional extra
`chuanxa[old-addresses]` (the `vietnamadminunits` package; it pulls geopy and shapely)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .units import Unit, admin_units

if TYPE_CHECKING:
    from chuanxa.communes.model import CommuneData


def new_unit_of_old_address(commune: str, district: str, province: str) -> Unit | None:
    """The current commune, ward or special zone that an old commune became, e.g. "Xã Thiệu Giao", "Huyện Thiệu
    Hóa", "Tỉnh Thanh Hóa" → Phường Đông Tiến (15853); None when the address is not recognised.

    Raises ImportError (with the install command) without the optional extra."""
    try:
        from vietnamadminunits import convert_address
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("pip install 'chuanxa[old-addresses]' to map old addresses (needs vietnamadminunits)") from exc
    try:
        found = convert_address(f"{commune}, {district}, {province}")
    except Exception:  # the package raises plain exceptions for addresses it cannot parse
        return None
    code = getattr(found, "ward_code", None)
    return admin_units().unit(code) if code else None




def draft_merge_mapping(communes: Sequence["CommuneData"]) -> tuple[dict[str, Any], list[str]]:
    """A merge mapping (the `merge` command's file) drafted from old records: each old commune is placed in the
    new unit its three-level address maps to, and old communes landing in the same unit become its predecessors.
    Returns the mapping and the old codes whose address could not be mapped (to be placed by hand)."""
    groups: dict[int, tuple[Unit, list[str]]] = {}
    unmapped: list[str] = []
    units = admin_units()
    for data in communes:
        info = data.commune
        province = info.former_province or info.province
        found = new_unit_of_old_address(info.name, info.former_district or "", province or "") if province else None
        if found is None:
            unmapped.append(info.code)
            continue
        groups.setdefault(found.code, (found, []))[1].append(info.code)
    merges = [{"new": {"code": f"{unit.code:05d}", "name": unit.name, "province": units.provinces[unit.province].name}, "predecessors": codes}
              for unit, codes in sorted(groups.values(), key=lambda item: item[0].code)]
    return {"merges": merges}, unmapped


__all__ = ["new_unit_of_old_address", "draft_merge_mapping"]
