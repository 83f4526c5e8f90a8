"""The validated ruleset model (pydantic, frozen, unknown keys forbidden).

The model mirrors the YAML one to one (see docs/ruleset-format.md); cross-field rules that need the whole
ruleset (points adding up, inputs being declared, expressions type-checking) live in `checks.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from .operators import HIGHER_IS_BETTER, OPERATORS

#: The symbols of the operator table (`criteria/operators.py`), and nothing else (a type checker sees a str).
if TYPE_CHECKING:
    Op = str
else:
    Op = Literal[tuple(OPERATORS)]
InputType = Literal["percent", "number", "count", "yes_no", "choice", "date"]
AggregateMethod = Literal["sum", "weighted_mean", "mean", "all", "any", "min", "max"]
ZoneNumber = Literal[1, 2, 3]



def _as_text_id(value: Any) -> Any:
    # YAML reads `id: 35` as an int; ids are names, so `35` and "35" are the same indicator.
    return str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_as_text_id)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A sentence in Vietnamese and English."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class Aggregation(_Model):
    """How an input combines when communes merge."""

    method: AggregateMethod
    weight: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"method": data} if isinstance(data, str) else data


class Choice(_Model):
    id: Id
    vi: str
    en: str

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"id": data, "vi": str(data), "en": str(data)} if isinstance(data, (str, int)) else data


class SiteRule(_Model):
    """How a station-level input combines across the sites (điểm trạm) of one station, e.g. when `merge` turns
    the stations of merged communes into sites. 1300 predates sites, so each rule is a declared choice."""

    method: Literal["sum", "mean", "all", "any", "min", "max"]  # no weighted mean: sites have no declared weights
    provisional: bool = True
    note: str = Field(min_length=1)


class InputDef(_Model):
    """One item of commune data that rules read, or a value derived from others by `expr`."""

    type: InputType
    label: Text
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    help: Text | None = None
    choices: tuple[Choice, ...] | None = None
    aggregate: Aggregation | None = None
    sites: SiteRule | None = None  # a station-level input: how it combines across the station's sites
    expr: str | None = None
    source: str | None = None
    note: str | None = None

    @property
    def derived(self) -> bool:
        return self.expr is not None

    def bounds(self) -> tuple[float | None, float | None]:
        """The declared bounds, with the implied ones of percents (0–100) and counts (≥ 0)."""
        low, high = self.min, self.max
        if self.type == "percent":
            low = 0.0 if low is None else low
            high = 100.0 if high is None else high
        if self.type == "count" and low is None:
            low = 0.0
        return low, high


class Region(_Model):
    id: Id
    vi: str
    en: str


class Terrain(_Model):
    id: Id
    vi: str
    en: str
    group: Literal["lowland", "remote"]


class ZoneRule(_Model):
    zone: ZoneNumber
    when: str
    note: str | None = None


class Zoning(_Model):
    """The zoning rule as data: the first rule whose `when` holds gives the zone, else `default`."""

    rules: tuple[ZoneRule, ...]
    default: ZoneNumber = 2
    source: str | None = None
    note: str | None = None


class Classification(_Model):
    regions: tuple[Region, ...]
    terrains: tuple[Terrain, ...]
    zoning: Zoning


class ThresholdTable(_Model):
    """A threshold that depends on the commune's socio-economic region or its zone."""

    by: Literal["region", "zone"]
    values: dict[Id, float]


Threshold = Union[ThresholdTable, bool, float, str]


class Comparison(_Model):
    """`input op threshold`, the structured condition the engine can measure distances to."""

    input: str
    op: Op
    threshold: Threshold


class AllOf(_Model):
    all: tuple["Condition", ...] = Field(min_length=1)


class AnyOf(_Model):
    any: tuple["Condition", ...] = Field(min_length=1)


class ExprCondition(_Model):
    expr: str


def _condition_tag(data: Any) -> str | None:
    if isinstance(data, dict):
        for key in ("all", "any", "expr"):
            if key in data:
                return key
        return "compare"
    tags: dict[type, str] = {Comparison: "compare", AllOf: "all", AnyOf: "any", ExprCondition: "expr"}
    return tags.get(type(data))


Condition = Annotated[
    Union[
        Annotated[Comparison, Tag("compare")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[ExprCondition, Tag("expr")],
    ],
    Discriminator(_condition_tag),
]


class ThresholdLevel(_Model):
    points: float
    threshold: Threshold
    label: Text | None = None


class ConditionLevel(_Model):
    points: float
    when: Condition
    label: Text | None = None


class _IndicatorBase(_Model):
    id: Id
    title: Text
    max_points: float = Field(gt=0)
    source: str
    provisional: bool
    note: str | None = None
    knockout: bool = False
    knockout_min_points: float | None = None
    applies_when: str | None = None
    evidence: Text | None = None

    #: Template hint: the assessors enter this kind's points in the commune table (a points and a notes column).
    entered_by_assessors: ClassVar[bool] = False

    def parts(self) -> Iterator[Part]:
        """What the kind declares, in YAML order, for the checks (`criteria/checks.py`), which know parts, not kinds:
        ("levels", None, path) levels whose points to check; ("comparison", (Comparison, path to its threshold),
        path of its input's owner) an input compared with a threshold; ("expression", text, path) a boolean
        expression; ("answer", input, path) an input that must be yes/no."""
        return iter(())


#: One declared part of an indicator: (what, the part, the YAML path below the indicator).
Part = tuple[str, Any, tuple[str | int, ...]]


class ThresholdIndicator(_IndicatorBase):
    """Points by the best level whose threshold the input meets."""

    kind: Literal["threshold"]
    input: str
    op: Op
    levels: tuple[ThresholdLevel, ...] = Field(min_length=1)

    def parts(self) -> Iterator[Part]:
        yield "levels", None, ("levels",)
        for li, level in enumerate(self.levels):
            yield "comparison", (Comparison(input=self.input, op=self.op, threshold=level.threshold), ("levels", li, "threshold")), ()


class YesNoIndicator(_IndicatorBase):
    """Full points when a yes/no input has the expected answer."""

    kind: Literal["yes_no"]
    input: str
    expected: bool = True

    def parts(self) -> Iterator[Part]:
        yield "answer", self.input, ("input",)


class ConditionsIndicator(_IndicatorBase):
    """Points by the best level whose structured condition holds."""

    kind: Literal["conditions"]
    levels: tuple[ConditionLevel, ...] = Field(min_length=1)

    def parts(self) -> Iterator[Part]:
        yield "levels", None, ("levels",)
        for li, level in enumerate(self.levels):
            yield from _condition_parts(level.when, ("levels", li, "when"))


def _condition_parts(cond: Any, path: tuple[str | int, ...]) -> Iterator[Part]:
    if isinstance(cond, Comparison):
        yield "comparison", (cond, path + ("threshold",)), path
    elif isinstance(cond, (AllOf, AnyOf)):
        key = "all" if isinstance(cond, AllOf) else "any"
        for index, sub in enumerate(cond.all if isinstance(cond, AllOf) else cond.any):
            yield from _condition_parts(sub, path + (key, index))
    else:
        yield "expression", cond.expr, path + ("expr",)


class AssessedIndicator(_IndicatorBase):
    """Points awarded by the assessors on evidence (documents, activities), 0 to `max_points`."""

    kind: Literal["assessed"]
    step: float | None = Field(default=None, gt=0)

    entered_by_assessors: ClassVar[bool] = True


Indicator = Annotated[
    Union[ThresholdIndicator, YesNoIndicator, ConditionsIndicator, AssessedIndicator],
    Field(discriminator="kind"),
]
IndicatorModel = ThresholdIndicator | YesNoIndicator | ConditionsIndicator | AssessedIndicator
#: The base of every kind's declaration (the model class a kind module defines for a new kind).
IndicatorBase = _IndicatorBase
RulesetPart = _Model  # the base of a part of a declaration (e.g. a new kind's levels): frozen, unknown keys refused
#: The declarations `kind:` may name, in the order of the tagged union; the bundled four, then those registered.
_DECLARED: list[type[_IndicatorBase]] = [ThresholdIndicator, YesNoIndicator, ConditionsIndicator, AssessedIndicator]


class Criterion(_Model):
    id: Id
    title: Text
    max_points: float = Field(gt=0)
    provisional: bool = False  # the criterion's own points (and so its floor) are not confirmed
    source: str | None = None
    note: str | None = None
    indicators: tuple[Indicator, ...] = Field(min_length=1)



def indicator_models() -> tuple[type[_IndicatorBase], ...]:
    """The model class of every kind a ruleset may name (`kind:` in YAML)."""
    return tuple(_DECLARED)


def declared_kind(cls: type[Any]) -> str | None:
    """The `kind:` tag a declaration class answers to (None when it is not a kind's declaration)."""
    if not (isinstance(cls, type) and issubclass(cls, _IndicatorBase) and "kind" in cls.model_fields):
        return None
    args: tuple[Any, ...] = getattr(cls.model_fields["kind"].annotation, "__args__", ())
    tag = args[0] if len(args) == 1 else None
    return tag if isinstance(tag, str) else None


def add_indicator_model(cls: type[_IndicatorBase]) -> None:
    """Let rulesets name the kind `cls` declares (called by `chuanxa.engine.kinds.register_kind`, with its class)."""
    if declared_kind(cls) is None:
        raise ValueError(f"{cls!r} is not an indicator declaration: a subclass of IndicatorBase with `kind: Literal[\"name\"]`")
    if cls not in _DECLARED:
        _DECLARED.append(cls)
        _rebuild()


def remove_indicator_model(cls: type[_IndicatorBase]) -> None:
    """The reverse of `add_indicator_model` for a kind added at run time (the bundled four stay)."""
    if cls in _DECLARED[4:]:
        _DECLARED.remove(cls)
        _rebuild()


def _rebuild() -> None:
    """The tagged union of the declared kinds, rebuilt into the models that hold indicators."""
    union = Annotated[Union[tuple(_DECLARED)], Field(discriminator="kind")]  # type: ignore[valid-type]
    Criterion.__pydantic_fields__["indicators"].annotation = tuple[union, ...]  # type: ignore[valid-type]
    Criterion.model_rebuild(force=True)
    Ruleset.model_rebuild(force=True)

class Validity(_Model):
    """How long a recognition lasts and how it is kept: `years` from the decision date, a `maintenance` check
    every so many years in between (duy trì), then re-recognition (công nhận lại)."""

    years: int = Field(gt=0)
    maintenance_every_years: int | None = Field(default=None, gt=0)
    renewal: Literal["re_recognition"] = "re_recognition"
    source: str | None = None
    note: str | None = None


class Recognition(_Model):
    """The recognition rule as data."""

    min_total_share: float = Field(default=0.8, ge=0, le=1)
    min_criterion_share: float = Field(default=0.5, ge=0, le=1)
    knockouts: bool = True
    not_applicable: Literal["exclude", "award"] = "exclude"
    validity: Validity | None = None
    source: str | None = None
    note: str | None = None


class Metadata(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: dt.date
    title: Text
    legal_basis: Text
    issued: dt.date
    effective: dt.date
    effective_until: dt.date | None = None
    supersedes: str | None = None
    extends: str | None = None
    total_points: float = Field(gt=0)
    source: str | None = None
    note: str | None = None
    warning: Text | None = None  # shown in every output that uses the ruleset (e.g. "not for certification")

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version.isoformat()}"


class Ruleset(_Model):
    """One resolved version of a criteria decision (after `extends` was applied)."""

    ruleset: Metadata
    classification: Classification
    inputs: dict[str, InputDef]
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    recognition: Recognition = Recognition()

    @property
    def ref(self) -> str:
        """`family@version`, e.g. `qd1300@2023-03-20`."""
        return self.ruleset.ref

    @property
    def indicators(self) -> tuple[IndicatorModel, ...]:
        return tuple(ind for crit in self.criteria for ind in crit.indicators)

    def indicator(self, indicator_id: str) -> IndicatorModel:
        for ind in self.indicators:
            if ind.id == str(indicator_id):
                return ind
        raise KeyError(indicator_id)

    def criterion_of(self, indicator_id: str) -> Criterion:
        for crit in self.criteria:
            if any(ind.id == str(indicator_id) for ind in crit.indicators):
                return crit
        raise KeyError(indicator_id)


AllOf.model_rebuild()
AnyOf.model_rebuild()
ConditionLevel.model_rebuild()
