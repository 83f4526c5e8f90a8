"""What an improvement costs: a costs file, or by default the number of indicators changed and then the
size of the changes.

A costs file (YAML):

```yaml
indicators:
  "7": {cost: 300}                  # a fixed cost to reach the indicator's next levels (each option)
  "23": {per_point: 40}             # per point gained
  "11": {per_level: {2: 50, 4: 120}}  # the cost of reaching each points level
  "31": {possible: false}           # cannot be improved this year
inputs:
  hygienic_latrine_rate: {per_unit: 40}   # per unit of change of the value (here: per percentage point)
  has_doctor: {cost: 500}
default: {per_point: 10}            # for everything not named (optional; else the default cost model)
```

Costs are compared as pairs: with a costs file (money, number of steps); without one (number of steps,
size of the changes). The planner minimises the first, then the second.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chuanxa.communes.values import parse_number
from chuanxa.criteria.yamlio import load_yaml_file, strip
from chuanxa.errors import ChuanxaError, CostsFileError, Location, close_matches

if TYPE_CHECKING:
    from .options import Option

Cost = tuple[float, float]


class CostRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cost: float | None = Field(default=None, ge=0)
    per_point: float | None = Field(default=None, ge=0)
    per_unit: float | None = Field(default=None, ge=0)
    per_level: dict[str, float] | None = None
    possible: bool = True
    note: str | None = None


class CostsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, CostRule] = {}
    inputs: dict[str, CostRule] = {}
    default: CostRule | None = None


class CostModel:
    """Prices options. `CostModel()` is the default model (fewest indicators, then smallest changes)."""

    def __init__(self, costs: CostsFile | None = None, path: Path | None = None, tree: Any = None) -> None:
        self.file = costs
        self.path = path
        self.tree = tree  # the located YAML, so that a later check can name the line
        # Rulesets already checked, held by the entry itself: an id() without its owner could be reused by a new
        # ruleset at the same address and its check skipped (33 times in 50 in a review).
        self._checked: dict[int, Any] = {}

    @classmethod
    def load(cls, path: str | Path) -> "CostModel":
        """Read a costs file; a fault is a `CostsFileError` naming the file, line and key (with "did you mean")."""
        path = Path(path)
        tree = load_yaml_file(path, CostsFileError)  # type: ignore[arg-type]
        raw = strip(tree) or {}
        if not isinstance(raw, dict):
            raise CostsFileError(key="yaml.not_mapping", location=Location(file=str(path)))
        try:
            return cls(path=path, tree=tree, costs=CostsFile.model_validate({k: {str(i): v for i, v in (raw.get(k) or {}).items()} if k in ("indicators", "inputs") and isinstance(raw.get(k), dict) else raw[k]
                                                 for k in raw}))
        except ValidationError as exc:
            errors: list[ChuanxaError] = [_costs_error(tree, error, str(path)) for error in exc.errors()]
            errors[0].related = errors
            raise errors[0] from None

    def check(self, ruleset: Any) -> None:
        """Refuse indicator or input ids the ruleset does not have (a typo would silently price nothing)."""
        if self.file is None or self._checked.get(id(ruleset)) is ruleset:
            return
        indicators = {ind.id for crit in ruleset.criteria for ind in crit.indicators}
        for section, known in (("indicators", indicators), ("inputs", set(ruleset.inputs))):
            for ident in getattr(self.file, section):
                if ident not in known:
                    raise CostsFileError(key="costs.unknown_id", params={"section": section, "id": ident, "ruleset": ruleset.ref,
                                                                          "suggestions": close_matches(ident, sorted(known))},
                                         location=Location(file=str(self.path) if self.path else None, line=self._line(section, ident), path=(section, ident)))
        if len(self._checked) >= 64:
            self._checked.clear()
        self._checked[id(ruleset)] = ruleset

    def _line(self, section: str, ident: str) -> int | None:
        from chuanxa.criteria.yamlio import locate

        if self.tree is None:
            return None
        node = self.tree.get(section) if isinstance(self.tree, dict) else None
        key = next((k for k in (node or {}) if str(k) == ident), ident)
        return locate(self.tree, (section, key))[1]

    @property
    def monetary(self) -> bool:
        return self.file is not None

    def _rule(self, option: "Option") -> CostRule | None:
        if self.file is None:
            return None
        return self.file.indicators.get(option.indicator) or (self.file.inputs.get(option.input) if option.input else None) or self.file.default

    def allows(self, option: "Option") -> bool:
        return self.refusing(option) is None

    def refusing(self, option: "Option") -> CostRule | None:
        """The rule of the costs file that forbids `option` (`possible: false`; collecting data is never forbidden), else None."""
        rule = self._rule(option)
        return rule if rule is not None and not rule.possible and option.kind != "collect" else None

    def marked_impossible(self, indicator: str) -> CostRule | None:
        """The indicator's own rule when the costs file marks it `possible: false`, else None."""
        rule = self.file.indicators.get(indicator) if self.file is not None else None
        return rule if rule is not None and not rule.possible else None

    def cost_of(self, option: "Option") -> Cost:
        if self.file is None:
            return (1.0, option.size)
        rule = self._rule(option)
        return (self._money(rule, option), 1.0)

    @staticmethod
    def _money(rule: CostRule | None, option: "Option") -> float:
        if rule is None:
            return 0.0
        if rule.per_level is not None:
            key = f"{option.points_after:g}"
            return float(rule.per_level.get(key, rule.per_level.get(str(option.points_after), 0.0)))
        if rule.per_unit is not None:
            return rule.per_unit * option.size
        if rule.per_point is not None:
            return rule.per_point * option.gain
        return rule.cost or 0.0


def _costs_error(tree: Any, error: Any, file: str) -> "CostsFileError":
    from chuanxa.criteria.loader import describe_invalid
    from chuanxa.criteria.yamlio import locate

    path = tuple(error["loc"])
    where, line = locate(tree, path)
    location = Location(file=where or file, line=line, path=path)
    last = str(path[-1]) if path else ""
    if error["type"] == "extra_forbidden":
        allowed = sorted(CostRule.model_fields) if len(path) > 1 else sorted(CostsFile.model_fields)
        return CostsFileError(key="costs.unknown_key", params={"key": last, "allowed": ", ".join(allowed), "suggestions": close_matches(last, allowed)}, location=location)
    vi, en = describe_invalid(error)
    return CostsFileError(key="ruleset.invalid_field", params={"detail": en, "detail_vi": vi}, location=location)


def parse_cost(text: Any) -> float:
    return parse_number(text)
