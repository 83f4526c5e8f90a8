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
    "AssessedEntry": "chuanxa.communes.model",
    "BatchResult": "chuanxa.engine.results",
    "ChuanxaError": "chuanxa.errors",
    "ColumnarEvaluator": "chuanxa.engine.columnar",
    "CommuneData": "chuanxa.communes.model",
    "CommuneDataError": "chuanxa.errors",
    "CommuneInfo": "chuanxa.communes.model",
    "CommuneResult": "chuanxa.engine.results",
    "CommuneSummary": "chuanxa.engine.results",
    "CompiledRuleset": "chuanxa.engine.compiled",
    "CostModel": "chuanxa.planning",
    "CostsFileError": "chuanxa.errors",
    "CriterionResult": "chuanxa.engine.results",
    "EngineUnavailableError": "chuanxa.errors",
    "ExpressionError": "chuanxa.errors",
    "FailureCode": "chuanxa.engine.results",
    "Gap": "chuanxa.engine.results",
    "IndicatorResult": "chuanxa.engine.results",
    "MergeMapping": "chuanxa.planning",
    "NoRulesetInForceError": "chuanxa.errors",
    "Plan": "chuanxa.planning",
    "PlanStep": "chuanxa.planning",
    "Reason": "chuanxa.engine.results",
    "RowError": "chuanxa.engine.results",
    "Ruleset": "chuanxa.criteria.model",
    "RulesetError": "chuanxa.errors",
    "RulesetNotFoundError": "chuanxa.errors",
    "Simulation": "chuanxa.planning",
    "Status": "chuanxa.engine.results",
    "SummaryBatch": "chuanxa.engine.results",
    "Sweep": "chuanxa.planning",
    "TargetPlan": "chuanxa.planning",
    "Verdict": "chuanxa.engine.results",
    "Watcher": "chuanxa.engine.monitor",
    "Workspace": "chuanxa.workspace",
    "compiled": "chuanxa.api",
    "evaluator": "chuanxa.api",
    "frange": "chuanxa.planning",
    "load_mapping": "chuanxa.planning",
    "load_ruleset": "chuanxa.api",
    "merge_communes": "chuanxa.planning",
    "plan": "chuanxa.planning",
    "plan_targets": "chuanxa.planning",
    "registry": "chuanxa.api",
    "render_report": "chuanxa.reports.render",
    "score": "chuanxa.api",
    "score_many": "chuanxa.api",
    "simulate": "chuanxa.planning",
    "summarise_many": "chuanxa.api",
    "sweep": "chuanxa.planning",
}

__all__ = [
    "AssessedEntry",
    "BatchResult",
    "ChuanxaError",
    "ColumnarEvaluator",
    "CommuneData",
    "CommuneDataError",
    "CommuneInfo",
    "CommuneResult",
    "CommuneSummary",
    "CompiledRuleset",
    "CostModel",
    "CostsFileError",
    "CriterionResult",
    "EngineUnavailableError",
    "ExpressionError",
    "FailureCode",
    "Gap",
    "IndicatorResult",
    "MergeMapping",
    "NoRulesetInForceError",
    "Plan",
    "PlanStep",
    "Reason",
    "RowError",
    "Ruleset",
    "RulesetError",
    "RulesetNotFoundError",
    "Simulation",
    "Status",
    "SummaryBatch",
    "Sweep",
    "TargetPlan",
    "Verdict",
    "Watcher",
    "Workspace",
    "compiled",
    "evaluator",
    "frange",
    "load_mapping",
    "load_ruleset",
    "merge_communes",
    "plan",
    "plan_targets",
    "registry",
    "render_report",
    "score",
    "score_many",
    "simulate",
    "summarise_many",
    "sweep",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'chuanxa' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only (names re-exported explicitly)
    from chuanxa.api import compiled as compiled, evaluator as evaluator, load_ruleset as load_ruleset, registry as registry, score as score, score_many as score_many, summarise_many as summarise_many
    from chuanxa.communes.model import AssessedEntry as AssessedEntry, CommuneData as CommuneData, CommuneInfo as CommuneInfo
    from chuanxa.criteria.model import Ruleset as Ruleset
    from chuanxa.engine.columnar import ColumnarEvaluator as ColumnarEvaluator
    from chuanxa.engine.compiled import CompiledRuleset as CompiledRuleset
    from chuanxa.engine.monitor import Watcher as Watcher
    from chuanxa.engine.results import BatchResult as BatchResult, CommuneResult as CommuneResult, CommuneSummary as CommuneSummary, CriterionResult as CriterionResult, FailureCode as FailureCode, Gap as Gap, IndicatorResult as IndicatorResult, Reason as Reason, RowError as RowError, Status as Status, SummaryBatch as SummaryBatch, Verdict as Verdict
    from chuanxa.errors import ChuanxaError as ChuanxaError, CommuneDataError as CommuneDataError, CostsFileError as CostsFileError, EngineUnavailableError as EngineUnavailableError, ExpressionError as ExpressionError, NoRulesetInForceError as NoRulesetInForceError, RulesetError as RulesetError, RulesetNotFoundError as RulesetNotFoundError
    from chuanxa.planning import CostModel as CostModel, MergeMapping as MergeMapping, Plan as Plan, PlanStep as PlanStep, Simulation as Simulation, Sweep as Sweep, TargetPlan as TargetPlan, frange as frange, load_mapping as load_mapping, merge_communes as merge_communes, plan as plan, plan_targets as plan_targets, simulate as simulate, sweep as sweep
    from chuanxa.reports.render import render_report as render_report
    from chuanxa.workspace import Workspace as Workspace
