"""What chuanxa knows about a commune before scoring: identity, classification, data values and the
points the appraisal team awarded. Values stay raw here; `chuanxa.engine.prepare` checks them against the
ruleset's declared types and bounds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import re

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chuanxa.criteria.model import Id

from .values import parse_date, parse_number


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _number_text(value: Any) -> Any:
    """A number typed as text the Vietnamese way ("6,5", "0,5") or with spaces; other values unchanged."""
    if isinstance(value, str) and value.strip():
        try:
            return parse_number(value)
        except ValueError:
            return value  # pydantic then says it is not a number
    return value


def _as_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


#: Control characters (other than tab and line breaks) cannot be typed on purpose, cannot be shown and cannot
#: be written to an XLSX file: a name or note holding one is rejected with its place, the rest still scored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(value: Any) -> Any:
    if isinstance(value, str) and (found := _CONTROL.search(value)):
        raise PydanticCustomError("control_character", "contains the invisible control character U+{code}", {"code": f"{ord(found.group()):04X}"})
    return value


Text = Annotated[str, AfterValidator(_printable)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none), BeforeValidator(_as_text), AfterValidator(_printable)]


def _text_list(value: Any) -> Any:
    """A list written in one table cell, "16039; 16040; Xã Thiệu Đô", as a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.replace("\n", ";").split(";") if part.strip()]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [_as_text(value)]
    return [_as_text(v) for v in value] if isinstance(value, (list, tuple)) else value


class Site(BaseModel):
    """A site (điểm trạm) of the commune's health station, e.g. the station of a commune merged into it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text = Field(min_length=1)
    former_commune: OptionalText = None  # the old commune (code or name) whose station this site was

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


def _sites(value: Any) -> Any:
    return _text_list(value) if isinstance(value, str) else value


class CommuneInfo(BaseModel):
    """Identity and classification of a commune (ids of docs/ids.md or Vietnamese names).

    The place is resolved against the official lists (`chuanxa.admin`): a former province name is mapped to the
    current province and kept as `former_province`; `district` (old records) is kept as `former_district`; the
    unit type and, unless given, the 1300 region are filled in, with `region_source` saying why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, BeforeValidator(_as_text), AfterValidator(_printable)] = Field(min_length=1)
    name: Text = Field(min_length=1)
    unit_type: OptionalText = None  # "xa", "phuong", "dac_khu" (or "thi_tran" in old records)
    province: OptionalText = None
    province_code: int | None = None
    former_province: OptionalText = None
    former_district: OptionalText = None
    former: Annotated[tuple[str, ...], BeforeValidator(_text_list)] = ()  # predecessor communes (codes or names), where known
    sites: Annotated[tuple[Site, ...], BeforeValidator(_sites)] = ()
    region: OptionalText = None
    region_source: OptionalText = None
    terrain: OptionalText = None
    distance_km: Annotated[float | None, BeforeValidator(_number_text), BeforeValidator(_blank_to_none)] = Field(default=None, ge=0, allow_inf_nan=False)
    difficult_terrain: Annotated[bool, BeforeValidator(lambda v: False if v is None else v)] = False
    zone: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(default=None, ge=1, le=3)

    @model_validator(mode="before")
    @classmethod
    def _yes_no_words(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("difficult_terrain"), str):
            from .values import parse_yes_no

            data = dict(data)
            data["difficult_terrain"] = parse_yes_no(data["difficult_terrain"])
        return data

    @model_validator(mode="before")
    @classmethod
    def _place(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        from chuanxa.admin import resolve_commune_fields

        return resolve_commune_fields(data)

    @field_validator("province")
    @classmethod
    def _known_province(cls, value: str | None) -> str | None:
        from chuanxa.admin.resolve import known_province
        from chuanxa.admin.units import suggestions

        if value is not None and not known_province(value):
            close = suggestions(value)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise ValueError(f"not a province of Viet Nam, current (34) or former (63).{hint}")
        return value

    @property
    def district(self) -> str | None:
        """The district of an old record (districts were abolished on 1 July 2025); same as `former_district`."""
        return self.former_district


class AssessedEntry(BaseModel):
    """Points the appraisal team awarded to an indicator, with a short note on the evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    points: Annotated[float, BeforeValidator(_number_text)] = Field(allow_inf_nan=False)
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"points": data} if isinstance(data, (int, float)) and not isinstance(data, bool) else data


def _as_of(value: Any) -> Any:
    """A year (2024) or a date, written as YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (as officers write it)."""
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) == 4:
            return int(text)
        try:
            return parse_date(text)
        except ValueError:
            raise ValueError("not a year or a date") from None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


#: The assessment date or year as a commune record holds it (a `TypeAdapter` of it checks one table cell).
AsOf = Annotated[dt.date | int | None, BeforeValidator(_as_of)]


class CommuneData(BaseModel):
    """One commune's file: identity, the date or year assessed, data values and assessed points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    commune: CommuneInfo
    as_of: AsOf = None
    values: dict[str, Any] = {}
    assessed: dict[Id, AssessedEntry] = {}
    ruleset: str | None = None  # optional `family@version` the file was prepared for

    def with_values(self, **changes: Any) -> "CommuneData":
        """A copy with some data values replaced (what-if)."""
        return self.model_copy(update={"values": {**self.values, **changes}})
