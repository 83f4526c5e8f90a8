"""Indicator kinds: one class per kind, registered here, in `KINDS` (the one registry).

A new decision is new YAML and at most one new kind, never a new evaluation loop. A kind class lowers its
indicator to the intermediate form every engine compiles (`engine/lowering.py`), explains the outcomes the form
decides, lists its gap targets, writes its rule in words and says how its points are raised in a plan. What a
kind declares in YAML (its parts for the load-time checks, its template hint) is its model class in
`criteria/model.py`, which the registration ties to the kind: a kind the model does not know is refused.
"""

from __future__ import annotations

from typing import Any

from .assessed import AssessedKind
from .base import NOT_ASSESSED, Env, KindContext, KindLabel, Outcome, SheetCells, resolve_threshold, status_for, unmet_comparisons
from .conditions import ConditionsKind
from .threshold import ThresholdKind
from .yes_no import YesNoKind

KindEvaluator = ThresholdKind | YesNoKind | ConditionsKind | AssessedKind

#: What every kind class provides: its intermediate form (`lower`, which every engine compiles: per commune, NumPy,
#: durable rules), the outcomes it explains (`hit`, `failed`) and its gap targets (`targets`), its rule in words
#: (`rule_text(ind, words)`: it arranges the rule, `chuanxa.wording` gives the words in the reader's language), what its gaps, plans and reports are about (`gap_kind`, `plan_as`, `evidence_only`, `shows_threshold`), whether
#: its records follow from the values it reads alone (`records_follow_values`: the per-commune engine may then share them
#: between communes with the same answers), what people call it (`label`, a `KindLabel`: its name in vi and en, and the
#: score sheet's words for its rule) and its declaration (`model`, the ruleset model's class for the kind). Optional:
#: `sheet`, a `SheetCells` saying how the ruleset score sheet lays out its rule (without one: in words, edited in YAML).
KIND_PROTOCOL = ("model", "lower", "hit", "failed", "targets", "plan_as", "rule_text", "gap_kind", "evidence_only", "shows_threshold",
                 "records_follow_values", "label")

#: The registry of indicator kinds: `kind:` in YAML → its class. Fill it with `register_kind` only.
KINDS: dict[str, Any] = {}


def kind_label(name: str) -> KindLabel:
    """What people call kind `name` (its class's `label`); a kind no longer registered, by its bare name."""
    cls = KINDS.get(name)
    return cls.label if cls is not None else KindLabel(name, name, sheet=name)


def model_kinds() -> frozenset[str]:
    """The kinds the ruleset model accepts (the tags of its indicator union)."""
    from chuanxa.criteria.model import declared_kind, indicator_models

    return frozenset(declared_kind(cls) for cls in indicator_models())  # type: ignore[misc]


def register_kind(name: str, cls: Any) -> None:
    """Register the class of indicator kind `name`, and its declaration (`cls.model`) with the ruleset model, so
    that `kind: name` loads. Refused (ValueError): a name registered twice, a class lacking part of
    `KIND_PROTOCOL`, or a declaration that is not an indicator's (`IndicatorBase` with `kind: Literal[name]`) or
    is another kind's. A new kind is one module: its declaration, this class and a `register_kind` call."""
    from chuanxa.criteria.model import add_indicator_model, declared_kind

    if name in KINDS:
        raise ValueError(f"indicator kind {name!r} is registered already")
    lacking = [part for part in KIND_PROTOCOL if not hasattr(cls, part)]
    if lacking:
        raise ValueError(f"indicator kind {name!r}: {cls.__name__} lacks {lacking}")
    if not isinstance(cls.label, KindLabel):
        raise ValueError(f"indicator kind {name!r}: {cls.__name__}.label is not a KindLabel (its name in vi and en)")
    declared = declared_kind(cls.model)
    if declared is None:
        raise ValueError(f"unknown indicator kind {name!r}: {cls.__name__}.model is not an indicator declaration (IndicatorBase with kind: Literal[{name!r}])")
    if declared != name:
        raise ValueError(f"indicator kind {name!r}: {cls.__name__}.model declares kind {declared!r}")
    add_indicator_model(cls.model)
    KINDS[name] = cls


def unregister_kind(name: str) -> None:
    """Remove a kind registered at run time (a plugin unloaded, a test finished); the bundled kinds stay."""
    from chuanxa.criteria.model import remove_indicator_model

    if name in _BUNDLED:
        raise ValueError(f"indicator kind {name!r} is bundled and cannot be removed")
    cls = KINDS.pop(name, None)
    if cls is not None:
        remove_indicator_model(cls.model)


_BUNDLED = ("threshold", "yes_no", "conditions", "assessed")
for _name, _cls in zip(_BUNDLED, (ThresholdKind, YesNoKind, ConditionsKind, AssessedKind)):
    register_kind(_name, _cls)
if set(KINDS) != model_kinds():  # a kind added to the model without its class fails here, at import
    raise ImportError(f"indicator kinds without a class: {sorted(model_kinds() - set(KINDS))}")

__all__ = ["KINDS", "KIND_PROTOCOL", "AssessedKind", "ConditionsKind", "Env", "KindContext", "KindEvaluator", "KindLabel", "NOT_ASSESSED", "Outcome", "SheetCells", "ThresholdKind",
           "YesNoKind", "kind_label", "model_kinds", "register_kind", "unregister_kind", "resolve_threshold", "status_for", "unmet_comparisons"]
