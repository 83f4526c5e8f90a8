"""A province-year is counted against the province's own target, else the national milestone of that year (data)."""

from __future__ import annotations

from typing import Any


def test_without_its_own_target_a_province_is_counted_against_the_national_milestone_of_the_year(world: Any) -> None:
    from chuanxa.store import units

    with world.session() as session:
        assert units.target_of(session, world.province, 2024) == (0.9, 2030)
        assert units.target_of(session, world.province, 2030) == (0.9, 2030)
        assert units.target_of(session, world.province, 2031) == (0.95, 2035)  # NQ 262/2025: 95% by 2035


def test_a_province_target_set_by_its_officers_wins_over_the_national_one(world: Any) -> None:
    from chuanxa.store import units
    from chuanxa.store.models import ProvinceTarget

    with world.session() as session:
        session.add(ProvinceTarget(province_code=world.province, year=2028, share=0.8))
    with world.session() as session:
        assert units.target_of(session, world.province, 2024) == (0.8, 2028)
        assert units.target_of(session, "khac", 2024) == (0.9, 2030)
