"""Old three-level addresses (commune, district, province) mapped to the new unit, with the optional extra
`chuanxa[old-addresses]` (the `vietnamadminunits` package; it pulls geopy and shapely)."""

from __future__ import annotations

from .units import Unit, admin_units


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


__all__ = ["new_unit_of_old_address"]
