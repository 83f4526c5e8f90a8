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
import os as _os
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# In the repository folder itself (on sys.path first when `python` runs there), the subpackages live beside this
# folder, as pyproject's package-dir maps them; an installed chuanxa (a wheel, or the README's strict editable
# install) holds them inside it. Let the first find them too.
_checkout = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
if _os.path.isfile(_os.path.join(_checkout, "pyproject.toml")) and _os.path.isdir(_os.path.join(_checkout, "criteria")):
    __path__.append(_checkout)

_EXPORTS: dict[str, str] = {
    "AreaProgress": "chuanxa.planning.provinces",
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
    "OutputError": "chuanxa.errors",
    "Notice": "chuanxa.engine.results",
    "Plan": "chuanxa.planning",
    "PlanStep": "chuanxa.planning",
    "Reason": "chuanxa.engine.results",
    "RowError": "chuanxa.engine.results",
    "RowProblem": "chuanxa.engine.results",
    "TableNotice": "chuanxa.communes.notices",
    "Ruleset": "chuanxa.criteria.model",
    "RulesetError": "chuanxa.errors",
    "RulesetNotFoundError": "chuanxa.errors",
    "Simulation": "chuanxa.planning",
    "Site": "chuanxa.communes.model",
    "Standing": "chuanxa.planning.recognitions",
    "Status": "chuanxa.engine.results",
    "SummaryBatch": "chuanxa.engine.results",
    "Sweep": "chuanxa.planning",
    "TargetPlan": "chuanxa.planning",
    "Verdict": "chuanxa.engine.results",
    "Watcher": "chuanxa.monitoring.watcher",
    "Workspace": "chuanxa.workspace",
    "compiled": "chuanxa.api",
    "evaluator": "chuanxa.api",
    "export_score_sheet": "chuanxa.authoring.sheet_export",
    "import_score_sheet": "chuanxa.authoring.sheet_import",
    "frange": "chuanxa.planning",
    "blocker_text": "chuanxa.wording",
    "gap_text": "chuanxa.wording",
    "notice_text": "chuanxa.wording",
    "problem_text": "chuanxa.wording",
    "table_notice_text": "chuanxa.wording",
    "load_histories": "chuanxa.planning.recognitions",
    "load_mapping": "chuanxa.planning",
    "load_ruleset": "chuanxa.api",
    "merge_communes": "chuanxa.planning",
    "merge_details": "chuanxa.planning.merge",
    "merge_note_text": "chuanxa.wording",
    "MergeNote": "chuanxa.planning.merge",
    "plan": "chuanxa.planning",
    "plan_targets": "chuanxa.planning",
    "progress_by_area": "chuanxa.planning.provinces",
    "reason_text": "chuanxa.wording",
    "rule_text": "chuanxa.wording",
    "indicator_rule": "chuanxa.wording",
    "step_text": "chuanxa.wording",
    "region_text": "chuanxa.wording",
    "read_plan": "chuanxa.outputs.planjson",
    "read_results": "chuanxa.outputs.jsonout",
    "registry": "chuanxa.api",
    "render_report": "chuanxa.reports.render",
    "run_cases": "chuanxa.authoring.cases",
    "score": "chuanxa.api",
    "score_many": "chuanxa.api",
    "simulate": "chuanxa.planning",
    "standings": "chuanxa.planning.recognitions",
    "standing_note_text": "chuanxa.wording",
    "StandingNote": "chuanxa.planning.recognitions",
    "summarise_many": "chuanxa.api",
    "sweep": "chuanxa.planning",
}

__all__ = [
    "AreaProgress",
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
    "MergeNote",
    "NoRulesetInForceError",
    "OutputError",
    "Notice",
    "Plan",
    "PlanStep",
    "Reason",
    "RowError",
    "RowProblem",
    "Ruleset",
    "RulesetError",
    "RulesetNotFoundError",
    "Simulation",
    "Site",
    "Standing",
    "StandingNote",
    "Status",
    "SummaryBatch",
    "Sweep",
    "TableNotice",
    "TargetPlan",
    "Verdict",
    "Watcher",
    "Workspace",
    "blocker_text",
    "compiled",
    "evaluator",
    "export_score_sheet",
    "frange",
    "gap_text",
    "import_score_sheet",
    "indicator_rule",
    "load_histories",
    "load_mapping",
    "load_ruleset",
    "merge_communes",
    "merge_details",
    "merge_note_text",
    "notice_text",
    "plan",
    "plan_targets",
    "problem_text",
    "progress_by_area",
    "read_plan",
    "read_results",
    "reason_text",
    "region_text",
    "registry",
    "render_report",
    "rule_text",
    "run_cases",
    "score",
    "score_many",
    "simulate",
    "standing_note_text",
    "standings",
    "step_text",
    "summarise_many",
    "sweep",
    "table_notice_text",
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
    from chuanxa.authoring.cases import run_cases as run_cases
    from chuanxa.authoring.sheet_export import export_score_sheet as export_score_sheet
    from chuanxa.authoring.sheet_import import import_score_sheet as import_score_sheet
    from chuanxa.communes.model import AssessedEntry as AssessedEntry, CommuneData as CommuneData, CommuneInfo as CommuneInfo
    from chuanxa.criteria.model import Ruleset as Ruleset
    from chuanxa.engine.columnar import ColumnarEvaluator as ColumnarEvaluator
    from chuanxa.engine.compiled import CompiledRuleset as CompiledRuleset
    from chuanxa.monitoring.watcher import Watcher as Watcher
    from chuanxa.engine.results import BatchResult as BatchResult, CommuneResult as CommuneResult, CommuneSummary as CommuneSummary, CriterionResult as CriterionResult, FailureCode as FailureCode, Gap as Gap, IndicatorResult as IndicatorResult, Reason as Reason, RowError as RowError, Status as Status, SummaryBatch as SummaryBatch, Verdict as Verdict
    from chuanxa.errors import ChuanxaError as ChuanxaError, CommuneDataError as CommuneDataError, CostsFileError as CostsFileError, EngineUnavailableError as EngineUnavailableError, ExpressionError as ExpressionError, NoRulesetInForceError as NoRulesetInForceError, OutputError as OutputError, RulesetError as RulesetError, RulesetNotFoundError as RulesetNotFoundError
    from chuanxa.planning import CostModel as CostModel, MergeMapping as MergeMapping, Plan as Plan, PlanStep as PlanStep, Simulation as Simulation, Sweep as Sweep, TargetPlan as TargetPlan, frange as frange, load_mapping as load_mapping, merge_communes as merge_communes, plan as plan, plan_targets as plan_targets, simulate as simulate, sweep as sweep
    from chuanxa.outputs.jsonout import read_results as read_results
    from chuanxa.outputs.planjson import read_plan as read_plan
    from chuanxa.reports.render import render_report as render_report
    from chuanxa.communes.model import Site as Site
    from chuanxa.engine.results import Notice as Notice, RowProblem as RowProblem
    from chuanxa.communes.notices import TableNotice as TableNotice
    from chuanxa.planning.merge import merge_details as merge_details
    from chuanxa.planning.provinces import AreaProgress as AreaProgress, progress_by_area as progress_by_area
    from chuanxa.planning.recognitions import Standing as Standing, load_histories as load_histories, standings as standings
    from chuanxa.workspace import Workspace as Workspace
    from chuanxa.wording import blocker_text as blocker_text, gap_text as gap_text, notice_text as notice_text, reason_text as reason_text, region_text as region_text, step_text as step_text
    from chuanxa.wording import problem_text as problem_text, table_notice_text as table_notice_text
    from chuanxa.wording import indicator_rule as indicator_rule, rule_text as rule_text
    from chuanxa.planning.merge import MergeNote as MergeNote
    from chuanxa.planning.recognitions import StandingNote as StandingNote
    from chuanxa.wording import merge_note_text as merge_note_text, standing_note_text as standing_note_text
