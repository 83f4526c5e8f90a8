"""Provinces and communes (the administrative units) and a commune's classification by year.

Units are loaded from ONE function, `load_units`, fed by records: today from a commune table's own columns
(`records_from_communes`); the official list of units (the 2025 reform issue) plugs in by producing the same
records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from chuanxa.communes.model import CommuneData
from chuanxa.store.errors import not_found
from chuanxa.store.models import Commune, CommuneClass, Province, ProvinceTarget


@dataclass(frozen=True, kw_only=True)
class UnitRecord:
    """One commune of the unit list, with its classification in `year` (None: not known)."""

    code: str
    name: str
    province_code: str
    province_name: str
    district: str | None = None
    kind: str = "xa"
    year: int | None = None
    region: str | None = None
    terrain: str | None = None
    distance_km: float | None = None
    difficult_terrain: bool = False
    zone: int | None = None


def province_code_for(name: str) -> str:
    """A stable code for a province known only by name ("Thanh Hóa" → "thanh-hoa") until official codes are loaded."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:16] or "unknown"


def records_from_communes(communes: Iterable[CommuneData], year: int) -> list[UnitRecord]:
    """Unit records from commune data (a table's code, name, province, district and classification columns)."""
    records = []
    for data in communes:
        info = data.commune
        province = info.province or "?"
        records.append(UnitRecord(code=info.code, name=info.name, province_code=province_code_for(province), province_name=province,
                                  district=info.district, year=year, region=info.region, terrain=info.terrain, distance_km=info.distance_km,
                                  difficult_terrain=info.difficult_terrain, zone=info.zone))
    return records


def load_units(session: Session, records: Iterable[UnitRecord]) -> int:
    """Create or update provinces, communes and classifications from `records` (in order: a later record of a
    commune wins); returns how many records. A few statements per 500 records, whatever their number."""
    records = list(records)
    for start in range(0, len(records), CHUNK):
        _load_chunk(session, records[start:start + CHUNK])
    session.flush()
    return len(records)


CHUNK = 500  # records per statement: well under the bound-parameter limits of SQLite and PostgreSQL


def _load_chunk(session: Session, records: list[UnitRecord]) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two imports naming the same new province at once both succeed
    provinces = {r.province_code: r.province_name for r in reversed(records)}  # the first record's name, as one at a time did
    _insert_new(session, Province, [{"code": code, "name": name} for code, name in provinces.items()])
    communes: dict[str, dict[str, object]] = {}
    for r in reversed(records):
        communes[r.code] = {"code": r.code, "name": r.name, "province_code": r.province_code, "district": r.district, "kind": r.kind}
    _insert_new(session, Commune, list(communes.values()))
    loaded = {c.code: c for c in session.scalars(select(Commune).where(Commune.code.in_(list(communes))))}
    for record in records:
        commune = loaded.get(record.code)
        if commune is not None and (commune.name, commune.district) != (record.name, record.district or commune.district):
            commune.name, commune.district = record.name, record.district or commune.district
    dated = {(r.code, r.year): r for r in records if r.year is not None}  # the last record of a commune and year wins
    if not dated:
        return
    classes = {(k.commune_code, k.year): k for k in session.scalars(
        select(CommuneClass).where(CommuneClass.commune_code.in_(sorted({code for code, _ in dated})), CommuneClass.year.in_(sorted({y for _, y in dated}))))}
    new = []
    for key, record in dated.items():
        found = classes.get(key)
        if found is None:
            new.append({"commune_code": record.code, "year": record.year, "region": record.region, "terrain": record.terrain,
                        "distance_km": record.distance_km, "difficult_terrain": record.difficult_terrain, "zone": record.zone})
        else:
            _classify(found, record)
    if new:
        session.execute(insert(CommuneClass), new)


def _insert_new(session: Session, table: type[Province] | type[Commune], rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["code"]), rows)


def set_classification(session: Session, record: UnitRecord) -> CommuneClass:
    found = session.scalars(select(CommuneClass).where(CommuneClass.commune_code == record.code, CommuneClass.year == record.year)).first()
    if found is None:
        found = CommuneClass(commune_code=record.code, year=record.year)
        session.add(found)
    _classify(found, record)
    return found


def _classify(found: CommuneClass, record: UnitRecord) -> None:
    found.region, found.terrain, found.distance_km = record.region, record.terrain, record.distance_km
    found.difficult_terrain, found.zone = record.difficult_terrain, record.zone


def communes_by_code(session: Session, codes: Iterable[str]) -> dict[str, Commune]:
    """The communes of `codes` that exist, in one query per 500."""
    wanted = sorted(set(codes))
    found: dict[str, Commune] = {}
    for start in range(0, len(wanted), CHUNK):
        found |= {c.code: c for c in session.scalars(select(Commune).where(Commune.code.in_(wanted[start:start + CHUNK])))}
    return found


def classification(session: Session, code: str, year: int) -> CommuneClass | None:
    """The classification in force in `year`: that year's, else the latest before it, else the earliest after."""
    rows = session.scalars(select(CommuneClass).where(CommuneClass.commune_code == code).order_by(CommuneClass.year)).all()
    return _in_force(list(rows), year)


def classifications(session: Session, codes: Iterable[str], year: int) -> dict[str, Any]:
    """`classification` of many communes, in one query per 500 (rows with the classification's columns as
    attributes, not ORM objects: read-only, and a tenth of the cost)."""
    wanted = sorted(set(codes))
    by_code: dict[str, list[Any]] = {code: [] for code in wanted}
    columns = (CommuneClass.commune_code, CommuneClass.year, CommuneClass.region, CommuneClass.terrain, CommuneClass.distance_km,
               CommuneClass.difficult_terrain, CommuneClass.zone)
    for start in range(0, len(wanted), CHUNK):
        for row in session.execute(select(*columns).where(CommuneClass.commune_code.in_(wanted[start:start + CHUNK])).order_by(CommuneClass.year)):
            by_code[row.commune_code].append(row)
    return {code: _in_force(rows, year) for code, rows in by_code.items()}


def _in_force(rows: list[Any], year: int) -> Any:
    """Of one commune's classifications (by year), that of `year`, else the latest before, else the earliest after."""
    before = [row for row in rows if row.year <= year]
    return before[-1] if before else (rows[0] if rows else None)


def commune(session: Session, code: str) -> Commune:
    found = session.get(Commune, code)
    if found is None:
        raise not_found("commune", code)
    return found


def communes(session: Session, province: str | None = None) -> list[Commune]:
    query = select(Commune).order_by(Commune.province_code, Commune.code)
    if province:
        query = query.where(Commune.province_code == province)
    return list(session.scalars(query))


def target_of(session: Session, province: str, year: int) -> tuple[float, int]:
    """`(share, by year)` a province-year is counted against: the province's own latest target, else the national
    milestone that applies in `year` (bundled data: 90% by 2030, then 95% by 2035)."""
    from chuanxa.planning.provinces import target_for

    found = session.scalars(select(ProvinceTarget).where(ProvinceTarget.province_code == province).order_by(ProvinceTarget.year.desc())).first()
    if found is not None:
        return found.share, found.year
    national = target_for(year)
    return national.share, national.year
