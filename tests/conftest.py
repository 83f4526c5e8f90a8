"""Shared fixtures: the tiny `mini` ruleset, the bundled registry and a commune factory."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest

import chuanxa
from chuanxa.criteria.registry import Registry

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def mini_registry() -> Registry:
    return Registry([FIXTURES / "rulesets"], include_bundled=False, use_env=False)


@pytest.fixture(scope="session")
def mini(mini_registry: Registry) -> chuanxa.Ruleset:
    return mini_registry.load("mini")


@pytest.fixture(scope="session")
def mini_engine(mini: chuanxa.Ruleset) -> Any:
    return chuanxa.compiled(mini)


MINI_COMMUNE: dict[str, Any] = {
    "commune": {"code": "00001", "name": "Xã Mẫu", "province": "Hà Nội", "district": "Ba Vì", "region": "dong_bang_song_hong",
                "terrain": "dong_bang", "distance_km": 4.0, "difficult_terrain": False},
    "as_of": 2024,
    "values": {"children_under_1": 120, "immunisation_rate": 96.0, "stunting_rate": 12.0, "households": 500, "households_latrine": 480, "has_doctor": True},
    "assessed": {"5": {"points": 2, "note": "Kế hoạch đã ban hành"}},
}


@pytest.fixture
def make_commune() -> Callable[..., chuanxa.CommuneData]:
    """`make_commune(values={...}, commune={...}, assessed={...})` merges changes onto a recognised mini commune;
    a value of None removes the key."""

    def make(**changes: Any) -> chuanxa.CommuneData:
        data = copy.deepcopy(MINI_COMMUNE)
        for section, update in changes.items():
            if isinstance(update, dict):
                for key, value in update.items():
                    if value is None:
                        data[section].pop(key, None)
                    else:
                        data[section][key] = value
            else:
                data[section] = update
        return chuanxa.CommuneData.model_validate(data)

    return make


@pytest.fixture(scope="session")
def bundled() -> Registry:
    return Registry(use_env=False)
