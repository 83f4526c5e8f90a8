"""chuanxa: score Vietnamese communes against the national commune-health criteria.

    >>> import chuanxa
    >>> ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    >>> len(ruleset.criteria)
    10

The public surface is listed in `__all__`; everything else is private.
"""

from chuanxa.api import compiled, load_ruleset, registry, score, score_many
from chuanxa.communes.model import AssessedEntry, CommuneData, CommuneInfo
from chuanxa.criteria.model import Ruleset
from chuanxa.engine.results import (
    BatchResult,
    CommuneResult,
    CriterionResult,
    FailureCode,
    Gap,
    IndicatorResult,
    Reason,
    RowError,
    Status,
    Verdict,
)
from chuanxa.errors import (
    ChuanxaError,
    CommuneDataError,
    EngineUnavailableError,
    ExpressionError,
    NoRulesetInForceError,
    RulesetError,
    RulesetNotFoundError,
)

__version__ = "0.1.0"

__all__ = [
    "AssessedEntry",
    "BatchResult",
    "ChuanxaError",
    "CommuneData",
    "CommuneDataError",
    "CommuneInfo",
    "CommuneResult",
    "CriterionResult",
    "EngineUnavailableError",
    "ExpressionError",
    "FailureCode",
    "Gap",
    "IndicatorResult",
    "NoRulesetInForceError",
    "Reason",
    "RowError",
    "Ruleset",
    "RulesetError",
    "RulesetNotFoundError",
    "Status",
    "Verdict",
    "compiled",
    "load_ruleset",
    "registry",
    "score",
    "score_many",
]
