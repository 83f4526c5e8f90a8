"""Views of a ruleset for people: the resolved JSON (`rulesets show --format json`) and rules in words."""

from __future__ import annotations

from typing import Any

from chuanxa.criteria.loader import content_hash
from chuanxa.criteria.model import IndicatorModel, Ruleset
from chuanxa.engine.rules_text import describe_rule


def ruleset_json(ruleset: Ruleset) -> dict[str, Any]:
    """The resolved ruleset (after `extends`) with its content hash."""
    data = ruleset.model_dump(mode="json", exclude_none=True)
    data["sha256"] = content_hash(ruleset)
    return data


def rule_text(ind: IndicatorModel) -> str:
    return describe_rule(ind)
