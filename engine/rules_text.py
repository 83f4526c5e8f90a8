"""The words an indicator kind writes its rule with: `rule_text(ind, words)` of the kind's class arranges the rule,
and `words` (a `RuleWords`, given by `chuanxa.wording`) says each part in one language: Vietnamese or English for
officers ("Tỷ lệ tiêm chủng đầy đủ ≥ 95: 2 điểm"), or the notation schema 3's JSON carries as an indicator's `rule`
("full_immunisation_rate >= 95 → 2"). The engine and its result records hold no rule text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from chuanxa.criteria.model import IndicatorModel


class RuleWords(Protocol):
    """What a kind's `rule_text` may say, in the reader's language (`lang`: "vi", "en", or None for the notation)."""

    @property
    def lang(self) -> str | None:
        """The reader's language: "vi", "en", or None for the notation."""

    def input(self, name: str) -> str:
        """An input: its label (the notation: its id)."""

    def op(self, symbol: str) -> str:
        """A comparison's operator: ≥ (the notation: >=)."""

    def value(self, value: Any) -> str:
        """A threshold: a number, an answer, a choice, or a table by zone or region."""

    def number(self, value: float) -> str:
        """A number as the reader writes it (0,5 in Vietnamese)."""

    def award(self, points: float) -> str:
        """What a level gives, after its condition: ": 2 điểm" (the notation: " → 2")."""

    def all_of(self, parts: Sequence[str]) -> str:
        """Conditions that must all hold, in brackets."""

    def any_of(self, parts: Sequence[str]) -> str:
        """Conditions of which one must hold, in brackets."""

    def expression(self, text: str) -> str:
        """A condition written as an expression, in brackets."""

    def levels(self, parts: Sequence[str]) -> str:
        """The levels of a rule, best first."""

    def phrase(self, key: str, **params: Any) -> str:
        """A phrase of the message catalogue (`rule.KEY`), filled with `params`."""


def describe_rule(ind: IndicatorModel, words: RuleWords) -> str:
    """The indicator's rule in `words`, as its kind writes it (`rule_text` of its class in `engine/kinds/`)."""
    from .kinds import KINDS

    return KINDS[ind.kind].rule_text(ind, words)  # type: ignore[no-any-return]


__all__ = ["RuleWords", "describe_rule"]
