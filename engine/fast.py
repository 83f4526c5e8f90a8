"""Building trusted result records without re-validating them.

The engine creates ~100 records per commune from values it has just computed; pydantic's `model_construct`
costs several microseconds each, which dominated per-commune time. `construct` fills defaults from a table
computed once per class and sets the instance state directly. Only for values the engine produced itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_DEFAULTS: dict[type, tuple[dict[str, Any], frozenset[str]]] = {}
_set = object.__setattr__


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


class StateTemplate:
    """The state of a record class the engine fills by hand: its fields in declaration order (pydantic serialises
    in the state's order), checked when the engine module is imported against the fields the engine fills. A field
    added to or removed from the model without the engine filling it fails at import, never as a missing value."""

    def __init__(self, cls: type[BaseModel], filled: tuple[str, ...]) -> None:
        fields = tuple(cls.model_fields)
        if set(fields) != set(filled):
            raise TypeError(f"{cls.__name__}: the engine fills {sorted(set(filled) - set(fields))} that the model lacks and not "
                            f"{sorted(set(fields) - set(filled))} that it has; update the engine's template with the model")
        self.cls = cls
        self.fields = fields

    def state(self, **values: Any) -> dict[str, Any]:
        """A state with every field (in declaration order) from `values`, which must name them all."""
        return {name: values[name] for name in self.fields}


def construct(cls: type[M], **values: Any) -> M:
    """An instance of `cls` holding `values` (missing fields take their declared defaults)."""
    table = _DEFAULTS.get(cls)
    if table is None:
        defaults = {name: field.get_default(call_default_factory=True) for name, field in cls.model_fields.items() if not field.is_required()}
        table = _DEFAULTS[cls] = (defaults, frozenset(cls.model_fields))
    defaults, names = table
    state = {**defaults, **values} if len(values) < len(names) else values
    obj = _new(cls)
    set_state(obj, state)
    set_fields_set(obj, set(names))
    set_extra(obj, None)
    set_private(obj, None)
    return obj


def from_state(cls: type[M], state: dict[str, Any]) -> M:
    """An instance of `cls` whose state is `state`, which must name every field (checked by count: a field added
    to the model and not to the caller's state is a TypeError at once, not a record missing an attribute)."""
    fields = _ALL_FIELDS.get(cls) or _all_fields(cls)
    if len(state) != len(fields):
        raise TypeError(f"{cls.__name__}: state names {sorted(state)}, the model has {sorted(fields)}")
    obj = _new(cls)
    set_state(obj, state)
    set_fields_set(obj, fields)
    set_extra(obj, None)
    set_private(obj, None)
    return obj


_ALL_FIELDS: dict[type, set[str]] = {}
_new = object.__new__


def _all_fields(cls: type[BaseModel]) -> set[str]:
    # Every field is set on records built here; one shared set per class (pydantic only reads it).
    fields = _ALL_FIELDS[cls] = set(cls.model_fields)
    return fields


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


def intern(table: dict[Any, M], key: Any, build: Callable[..., M], *args: Any) -> M:
    """The record `build(*args)` for `key`, built once and then shared: only for immutable records whose every
    field is fixed by `key` (points, statuses, notes), never by a commune's own values. Hot callers look the key
    up themselves first (`table.get(key) or intern(...)`) and call this only to build."""
    found = table.get(key)
    if found is None:
        found = build(*args)
        if len(table) < INTERN_LIMIT:
            table[key] = found
    return found
