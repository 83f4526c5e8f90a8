"""Building trusted result records without re-validating them.

The engine creates ~100 records per commune from values it has just computed; pydantic's `model_construct`
costs several microseconds each, which dominated per-commune time. A `Template` per record class, made from the
model's own `model_fields` when this module is imported, sets an instance's state directly. Each template is
checked at import against the fields the engine fills (`ENGINE_FILLS` here, or the template a module makes for
itself): a field added to or removed from a result model fails `import chuanxa.engine…` with a TypeError naming
it, never as a record missing an attribute. Only for values the engine produced itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from .results import CommuneIdentity, CommuneResult, CommuneSummary, CriterionResult, FailureReason, GapTarget, ThresholdUsed, Total

M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__
_new = object.__new__


def _slot_setter(name: str) -> Any:
    # BaseModel keeps its state in slots; calling the slot's own setter skips a name lookup per record
    # (~100 records per commune). Falls back to object.__setattr__ if pydantic ever stores them otherwise.
    descriptor = BaseModel.__dict__.get(name)
    setter = getattr(descriptor, "__set__", None)
    if setter is None:
        return lambda obj, value: _set(obj, name, value)
    return setter


set_state = _slot_setter("__dict__")
set_fields_set = _slot_setter("__pydantic_fields_set__")
set_extra = _slot_setter("__pydantic_extra__")
set_private = _slot_setter("__pydantic_private__")


class Template:
    """How the engine builds records of `cls` by hand: the model's fields in declaration order (pydantic
    serialises in the state's order) and one shared fields-set, from `cls.model_fields`. Made at import with the
    fields the engine fills (`filled`); any difference from the model is a TypeError at once."""

    def __init__(self, cls: type[BaseModel], filled: tuple[str, ...]) -> None:
        fields = tuple(cls.model_fields)
        if set(fields) != set(filled) or len(filled) != len(fields):
            raise TypeError(f"{cls.__name__}: the engine fills {sorted(set(filled) - set(fields))} that the model lacks and not "
                            f"{sorted(set(fields) - set(filled))} that it has; update the engine's template with the model")
        self.cls = cls
        self.fields = fields
        self.count = len(fields)
        self.fields_set = set(fields)  # shared by every record built here (pydantic only reads it)
        _TEMPLATES[cls] = self

    def state(self, **values: Any) -> dict[str, Any]:
        """A state with every field (in declaration order) from `values`, which must name them all."""
        return {name: values[name] for name in self.fields}

    def new(self, state: dict[str, Any]) -> Any:
        """A record whose state is `state` (every field, in declaration order: the caller's duty)."""
        obj = _new(self.cls)
        set_state(obj, state)
        set_fields_set(obj, self.fields_set)
        set_extra(obj, None)
        set_private(obj, None)
        return obj


#: The earlier name of `Template` (a module making its own).
StateTemplate = Template
_TEMPLATES: dict[type, Template] = {}


def construct(cls: type[M], **values: Any) -> M:
    """An instance of `cls` holding `values`, which name every field, in declaration order."""
    template = _TEMPLATES[cls]
    if len(values) != template.count:
        raise TypeError(f"{cls.__name__}: given {sorted(values)}, the model has {sorted(template.fields)}")
    return template.new(values)  # type: ignore[no-any-return]


def template_of(cls: type[BaseModel]) -> Template:
    """The template of `cls` (one of `ENGINE_FILLS`, or one a module made), for hot paths that build its state in
    declaration order themselves and call `.new(state)`."""
    return _TEMPLATES[cls]


def from_state(cls: type[M], state: dict[str, Any]) -> M:
    """An instance of `cls` whose state is `state`, which names every field in declaration order (checked by count:
    a field the caller left out is a TypeError at once, not a record missing an attribute)."""
    template = _TEMPLATES[cls]
    if len(state) != template.count:
        raise TypeError(f"{cls.__name__}: state names {sorted(state)}, the model has {sorted(template.fields)}")
    return template.new(state)  # type: ignore[no-any-return]


#: The fields the engine fills in the records it builds with `construct` and `from_state` (`compiled.py` declares
#: its own for indicator and gap records). Checked against the models when this module is imported.
ENGINE_FILLS: dict[type[BaseModel], tuple[str, ...]] = {
    Total: ("points", "max", "share", "minimum"),
    CriterionResult: ("id", "title", "points", "max", "floor", "floor_met", "missing", "provisional"),
    FailureReason: ("code", "criterion", "indicator", "points", "required"),
    ThresholdUsed: ("op", "value", "by", "key", "points", "input"),
    GapTarget: ("op", "target", "change", "points", "gain"),
    CommuneIdentity: ("code", "name", "unit_type", "province", "province_code", "former_province", "former_district", "region_source",
                      "notices"),
    CommuneResult: ("ruleset", "commune", "as_of", "zone", "zone_source", "region", "total", "criteria", "indicators", "verdict", "recognised",
                    "reasons", "gaps", "provisional_count", "provisional_decides", "knockouts_failed", "missing_count", "region_name"),
    CommuneSummary: ("ruleset", "commune", "as_of", "zone", "zone_source", "region", "total", "criteria", "verdict", "recognised", "reason_codes",
                     "knockouts_failed", "missing_count", "provisional_count", "provisional_decides", "points", "statuses"),
}
for _cls, _filled in ENGINE_FILLS.items():
    Template(_cls, _filled)


class FrozenDict(dict):  # type: ignore[type-arg]
    """A read-only dict: the `values` of result records that are interned (shared between communes), so that no
    consumer can change one commune's record through another's. Serialises, copies and pickles as a dict."""

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("result records are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> "FrozenDict":
        return self

    def __deepcopy__(self, memo: Any) -> "FrozenDict":
        return self


#: The `values` of an indicator that reads no data (evidence judged by the assessors).
NO_VALUES = FrozenDict()

#: An intern table stays below this many records (free-text notes could otherwise grow one without end).
INTERN_LIMIT = 2048


def intern(table: dict[Any, M], key: Any, build: Callable[..., M], *args: Any, limit: int = INTERN_LIMIT) -> M:
    """The record `build(*args)` for `key`, built once and then shared: only for immutable records whose every
    field is fixed by `key` (points, statuses, notes), never by a commune's own values. Hot callers look the key
    up themselves first (`table.get(key) or intern(...)`) and call this only to build."""
    found = table.get(key)
    if found is None:
        found = build(*args)
        if len(table) < limit:
            table[key] = found
    return found
