"""What-if: re-score a commune with changed values or assessed points, before and after side by side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from chuanxa.workspace import CommuneLike, RulesetLike, as_commune, compiled
from chuanxa.communes.model import AssessedEntry
from chuanxa.engine.results import CommuneResult


class CriterionChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    before: float
    after: float
    floor_met_before: bool
    floor_met_after: bool


class Simulation(BaseModel):
    """Before and after a set of changes, with what changed."""

    model_config = ConfigDict(frozen=True)

    changes: dict[str, Any]
    assessed: dict[str, float]
    before: CommuneResult
    after: CommuneResult
    criteria: tuple[CriterionChange, ...]
    gaps_closed: tuple[str, ...]  # indicators that had a gap before and none after
    gaps_opened: tuple[str, ...]

    @property
    def verdict_changed(self) -> bool:
        return self.before.verdict is not self.after.verdict

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form: `before` and `after` as the documented commune JSON (with the sentences of their reasons and gaps)."""
        return self.model_dump(mode="json") | {"before": self.before.to_json_dict(), "after": self.after.to_json_dict()}


def simulate(commune: CommuneLike, changes: Mapping[str, Any] | None = None, assessed: Mapping[str, float] | None = None,
             ruleset: RulesetLike = None, *, as_of: Any = None) -> Simulation:
    """Score `commune` as it is and with `changes` (input id → value; None removes a value) and `assessed`
    (indicator id → points), using the same ruleset for both.

    Example:
        >>> s = simulate("examples/xa-thieu-giao.yaml", {"health_insurance_rate": 95})  # doctest: +SKIP
        >>> s.before.verdict, s.after.verdict  # doctest: +SKIP
    """
    data = as_commune(commune)
    engine = compiled(ruleset, as_of=as_of if as_of is not None else data.as_of)
    values = {k: v for k, v in {**data.values, **(changes or {})}.items() if v is not None}
    points = {**data.assessed, **{str(k): AssessedEntry(points=v, note="mô phỏng / what-if") for k, v in (assessed or {}).items()}}
    changed = data.model_copy(update={"values": values, "assessed": points})
    before, after = engine.evaluate(data), engine.evaluate(changed)
    criteria = tuple(CriterionChange(id=b.id, before=b.points, after=a.points, floor_met_before=b.floor_met, floor_met_after=a.floor_met)
                     for b, a in zip(before.criteria, after.criteria))
    gaps_before = {g.indicator for g in before.gaps}
    gaps_after = {g.indicator for g in after.gaps}
    order = {r.id: i for i, r in enumerate(before.indicators)}
    return Simulation(changes=dict(changes or {}), assessed={str(k): v for k, v in (assessed or {}).items()}, before=before, after=after, criteria=criteria,
                      gaps_closed=tuple(sorted(gaps_before - gaps_after, key=order.__getitem__)),
                      gaps_opened=tuple(sorted(gaps_after - gaps_before, key=order.__getitem__)))
