"""chuanxa: score Vietnamese communes against the national commune-health criteria.

    >>> import chuanxa
    >>> ruleset = chuanxa.load_ruleset("qd1300@2023-03-20")
    >>> len(ruleset.criteria)
    10

The public surface is listed in `__all__`; everything else is private. Names are imported on first use, so
that `import chuanxa` (and `chuanxa --help`) stays fast and has no side effects.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "compiled": "chuanxa.api",
    "load_ruleset": "chuanxa.api",
    "registry": "chuanxa.api",
    "score": "chuanxa.api",
    "score_many": "chuanxa.api",
    "summarise_many": "chuanxa.api",
    "evaluator": "chuanxa.api",
    "CostModel": "chuanxa.planning",
    "MergeMapping": "chuanxa.planning",
    "Plan": "chuanxa.planning",
    "PlanStep": "chuanxa.planning",
    "Simulation": "chuanxa.planning",
    "TargetPlan": "chuanxa.planning",
    "load_mapping": "chuanxa.planning",
    "merge_communes": "chuanxa.planning",
    "plan": "chuanxa.planning",
    "plan_targets": "chuanxa.planning",
    "simulate": "chuanxa.planning",
    "sweep": "chuanxa.planning",
    "frange": "chuanxa.planning",
    "Sweep": "chuanxa.planning",
    "Watcher": "chuanxa.engine.monitor",
    "ColumnarEvaluator": "chuanxa.engine.columnar",
    "render_report": "chuanxa.reports.render",
    "CommuneSummary": "chuanxa.engine.results",
    "SummaryBatch": "chuanxa.engine.results",
    "AssessedEntry": "chuanxa.communes.model",
    "CommuneData": "chuanxa.communes.model",
    "CommuneInfo": "chuanxa.communes.model",
    "Ruleset": "chuanxa.criteria.model",
    "BatchResult": "chuanxa.engine.results",
    "CommuneResult": "chuanxa.engine.results",
    "CriterionResult": "chuanxa.engine.results",
    "FailureCode": "chuanxa.engine.results",
    "Gap": "chuanxa.engine.results",
    "IndicatorResult": "chuanxa.engine.results",
    "Reason": "chuanxa.engine.results",
    "RowError": "chuanxa.engine.results",
    "Status": "chuanxa.engine.results",
    "Verdict": "chuanxa.engine.results",
    "ChuanxaError": "chuanxa.errors",
    "CommuneDataError": "chuanxa.errors",
    "CostsFileError": "chuanxa.errors",
    "EngineUnavailableError": "chuanxa.errors",
    "ExpressionError": "chuanxa.errors",
    "NoRulesetInForceError": "chuanxa.errors",
    "RulesetError": "chuanxa.errors",
    "RulesetNotFoundError": "chuanxa.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'chuanxa' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from chuanxa.api import compiled, evaluator, load_ruleset, registry, score, score_many, summarise_many
    from chuanxa.engine.columnar import ColumnarEvaluator
    from chuanxa.engine.monitor import Watcher
    from chuanxa.planning import (
        CostModel, MergeMapping, Plan, PlanStep, Simulation, TargetPlan, load_mapping, merge_communes, plan, plan_targets, simulate,
        Sweep, frange, sweep,
    )
    from chuanxa.reports.render import render_report
    from chuanxa.communes.model import AssessedEntry, CommuneData, CommuneInfo
    from chuanxa.criteria.model import Ruleset
    from chuanxa.engine.results import (
        BatchResult, CommuneResult, CommuneSummary, CriterionResult, FailureCode, Gap, IndicatorResult, Reason, RowError, Status, SummaryBatch, Verdict,
    )
    from chuanxa.errors import (
        ChuanxaError, CommuneDataError, CostsFileError, EngineUnavailableError, ExpressionError, NoRulesetInForceError, RulesetError,
        RulesetNotFoundError,
    )
