"""The entry form applies the table reader's fraction rule to the one commune it holds: a rate typed as "0,956" is
refused with both readings under its field (95,6% or 0,956%?), never silently read as 0.956% (a lost point the
officer does not see); "0,956%" with its sign is never in doubt, and a stored rate below 1% comes back with its sign."""

from __future__ import annotations

from hypothesis import given, strategies as st

import chuanxa
from chuanxa.communes.model import CommuneInfo
from chuanxa.web.forms import Entry, check_entry, read_entry

ENGINE = chuanxa.compiled("qd1300@2023-03-20")
INFO = CommuneInfo(code="1", name="Xã Một", region="bac_trung_bo", terrain="dong_bang")


def test_a_rate_typed_as_a_fraction_is_refused_with_both_readings_under_its_field() -> None:
    entry = read_entry({"v.health_insurance_rate": "0,956", "v.station_staff": "6"})
    data, vi = check_entry(ENGINE, INFO, entry, "vi")
    _, en = check_entry(ENGINE, INFO, entry, "en")
    assert data is None and set(vi) == set(en) == {"v.health_insurance_rate"}
    assert vi["v.health_insurance_rate"].startswith("0,956 — có phải 95,6%?")
    assert en["v.health_insurance_rate"].startswith("0.956 — did you mean 95.6%?")


@given(st.sampled_from(["95,6", "0,956%", "0", "1", "100", "0.5 %"]))
def test_a_percentage_a_person_wrote_unambiguously_is_accepted(text: str) -> None:
    data, errors = check_entry(ENGINE, INFO, read_entry({"v.health_insurance_rate": text}), "vi")
    assert errors == {} and data is not None


@given(st.floats(min_value=0.001, max_value=0.999))
def test_any_plain_number_strictly_between_0_and_1_is_in_doubt_and_its_sign_settles_it(value: float) -> None:
    text = f"{value:g}"
    _, errors = check_entry(ENGINE, INFO, read_entry({"v.full_immunisation_rate": text}), "en")
    assert set(errors) == {"v.full_immunisation_rate"}
    _, errors = check_entry(ENGINE, INFO, read_entry({"v.full_immunisation_rate": text + "%"}), "en")
    assert errors == {}


def test_a_stored_rate_below_one_percent_is_shown_with_its_sign_and_saves_again_unchanged() -> None:
    stored = Entry(values={"health_insurance_rate": 0.5, "station_staff": 0.5, "full_immunisation_rate": "0,7"})
    shown = stored.form_values(ENGINE)
    assert (shown["v.health_insurance_rate"], shown["v.full_immunisation_rate"], shown["v.station_staff"]) == ("0.5%", "0,7%", "0.5")
    data, errors = check_entry(ENGINE, INFO, read_entry(shown | {"v.station_staff": "6"}), "vi")
    assert errors == {} and data is not None
    assert ENGINE.evaluate(data).indicator("5").values["health_insurance_rate"] == 0.5
