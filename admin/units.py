"""The administrative units as data: the official list after the 2025 reform (34 provinces, 3,321 communes,
wards and special zones, from the `vietnam-provinces` package) and the 63 former provinces (bundled table).

Everything here is a lookup; nothing is guessed silently: `resolve_place` returns what it found and a notice for
every inference (a former province mapped to the current one, a code not in the current list, a region derived).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from chuanxa.communes.values import fold

#: The day the two-level local government began (communes merged, districts abolished) [S].
REFORM_DATE = "2025-07-01"

#: Unit types of the official list, and those of old records (thị trấn no longer exists).
UNIT_TYPES = ("xa", "phuong", "dac_khu")
_TYPE_WORDS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu", "thi_tran": "thị trấn"}
_NAME_PREFIX = re.compile(r"^(xa|phuong|dac khu|thi tran)\s+")
_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp)\s+")


@dataclass(frozen=True)
class Province:
    code: int
    name: str  # official name, e.g. "Thanh Hóa", "Thành phố Hà Nội"
    former: tuple[int, ...]  # codes of the former provinces it was made of


@dataclass(frozen=True)
class FormerProvince:
    code: int
    name: str
    current: int  # the current province's code
    region: str  # one of 1300's 7 socio-economic regions (ids of docs/ids.md)


@dataclass(frozen=True)
class Unit:
    """A commune, ward or special zone of the official list."""

    code: int
    name: str
    unit_type: str  # "xa", "phuong" or "dac_khu"
    province: int


@lru_cache(maxsize=2048)
def _key(text: str) -> str:
    """A province name as a lookup key: no case, no diacritics, no punctuation, no "Tỉnh"/"Thành phố"."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    return _PROVINCE_PREFIX.sub("", words)


class AdminUnits:
    """The official lists, loaded once (`admin_units()`)."""

    def __init__(self) -> None:
        import yaml

        # The package's own data, plain safe YAML: libyaml's loader when PyYAML has it (10x faster).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        table = yaml.load(resources.files("chuanxa.admin").joinpath("data/former_provinces.yaml").read_text(encoding="utf-8"), Loader=loader)
        self.former = {int(p["code"]): FormerProvince(int(p["code"]), p["name"], int(p["current"]), p["region"]) for p in table["provinces"]}
        parts: dict[int, list[int]] = {}
        for item in self.former.values():
            parts.setdefault(item.current, []).append(item.code)
        names, units = official_list()
        self.provinces = {code: Province(code, name, tuple(parts.get(code, ()))) for code, name in names.items()}
        self.units = {unit.code: unit for unit in units}
        self.current_names = {_key(p.name): p.code for p in self.provinces.values()}
        self.current_names.update({"hcm": 79, "tphcm": 79, "sai gon": 79})
        self.former_names: dict[str, int] = {}
        for p in table["provinces"]:
            for name in (p["name"], *p.get("aliases", ())):
                self.former_names[_key(name)] = int(p["code"])
        runs = yaml.load(resources.files("chuanxa.admin").joinpath("data/old_commune_codes.yaml").read_text(encoding="utf-8"), Loader=loader)["runs"]
        self.runs = sorted((int(first), int(last), int(province)) for province, first, last in runs)

    def province(self, text: str) -> Province | None:
        """The current province named `text` (official name, short name or a usual abbreviation)."""
        code = self.current_names.get(_key(text))
        return self.provinces[code] if code is not None else None

    def former_province(self, text: str) -> FormerProvince | None:
        code = self.former_names.get(_key(text))
        return self.former[code] if code is not None else None

    def unit(self, code: str | int | None) -> Unit | None:
        number = _code_number(code)
        return self.units.get(number) if number is not None else None

    def former_province_of_code(self, code: str | int | None) -> FormerProvince | None:
        """The former province a commune code (old or new) was issued in; None for a code outside the lists."""
        number = _code_number(code)
        if number is None or number < self.runs[0][0] or number > self.runs[-1][1] + 50:
            return None
        import bisect

        index = bisect.bisect_right(self.runs, (number, float("inf"), 0)) - 1
        return self.former[self.runs[index][2]]

    def regions_of(self, province: Province) -> set[str]:
        return {self.former[code].region for code in province.former}

    def province_names(self) -> list[str]:
        return [p.name for p in self.provinces.values()] + [p.name for p in self.former.values()]


def _code_number(code: str | int | None) -> int | None:
    if code is None:
        return None
    text = str(code).strip()
    return int(text) if text.isdigit() and len(text) <= 5 else None


def official_list() -> tuple[dict[int, str], list[Unit]]:
    """The official list of the `vietnam-provinces` package: province code → name, and its communes, wards and
    special zones. Read from the data file the package ships beside its code, without importing the package:
    its Python form (an enum of 3,321 members and one object per unit) costs ten times as long, in every
    process that reads a commune. From that Python form when the file is not there."""
    spec = importlib.util.find_spec("vietnam_provinces")
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        file = Path(folder) / "data" / "nested-divisions.json"
        if file.is_file():
            tree = json.loads(file.read_text(encoding="utf-8"))
            return ({int(p["code"]): p["name"] for p in tree},
                    [Unit(int(w["code"]), w["name"], _unit_type(w["division_type"]), int(p["code"])) for p in tree for w in p["wards"]])
    return official_list_from_objects()


def official_list_from_objects() -> tuple[dict[int, str], list[Unit]]:
    """`official_list` from the package's Python objects."""
    from vietnam_provinces import Province as VP, Ward

    return ({int(p.code): p.name for p in VP.iter_all()},
            [Unit(int(w.code), w.name, _unit_type(w.division_type.value), int(w.province_code)) for w in Ward.iter_all()])


def _unit_type(division_type: str) -> str:
    return fold(division_type).replace(" ", "_")


@lru_cache(maxsize=1)
def admin_units() -> AdminUnits:
    """The official lists (loaded on first use)."""
    return AdminUnits()


def unit_type_from_name(name: str | None) -> str | None:
    """"Xã Thiệu Giao" → "xa"; "Thị trấn …" → "thi_tran" (old records); None without a type word."""
    found = _NAME_PREFIX.match(fold(name or ""))
    return found.group(1).replace(" ", "_") if found else None


def unit_type_words(unit_type: str | None) -> str:
    return _TYPE_WORDS.get(unit_type or "", unit_type or "")


def short_name(name: str) -> str:
    """"Phường Đông Tiến" → "dong tien" (folded, without the type word) for comparing names."""
    return _NAME_PREFIX.sub("", fold(name))


def versions() -> dict[str, str]:
    """Installed versions of the packages that hold the unit lists (for `chuanxa --version`)."""
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {}
    for package in ("vietnam-provinces", "vietnamadminunits"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    try:
        import vietnam_provinces

        found["vietnam-provinces data"] = str(getattr(vietnam_provinces, "__data_version__", "?"))
    except ImportError:  # pragma: no cover - a required dependency
        pass
    return found


def suggestions(text: str, limit: int = 3) -> list[str]:
    import difflib

    names = admin_units().province_names()
    keys = {_key(n): n for n in names}
    return [keys[k] for k in difflib.get_close_matches(_key(text), list(keys), n=limit, cutoff=0.6)]


__all__ = ["AdminUnits", "FormerProvince", "Province", "Unit", "REFORM_DATE", "UNIT_TYPES", "admin_units", "unit_type_from_name",
           "unit_type_words", "short_name", "versions", "suggestions"]
