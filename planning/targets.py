"""Targets across communes: which communes to bring to standard to reach a district's or province's target
at the least total cost, or the most communes within a budget.

Each commune's plan is independent of the others, so choosing the k cheapest plans is exactly the least-cost
way to gain k recognised communes, and taking plans cheapest first while the budget lasts gives the most
communes within it. Ties go to the commune code, so the answer does not depend on row order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from chuanxa.api import CommuneLike, RulesetLike, as_commune, compiled
from chuanxa.engine.results import RowError

from .costs import CostModel
from .plan import Plan, plan


class TargetPlan(BaseModel):
    """Which communes to bring to standard, with each one's plan."""

    model_config = ConfigDict(frozen=True)

    communes: int
    recognised_now: tuple[str, ...]
    target: int  # recognised communes wanted in total
    chosen: tuple[Plan, ...]  # cheapest first
    total_cost: float
    reached: int  # recognised communes after the chosen plans
    target_met: bool
    budget: float | None = None
    not_chosen: tuple[Plan, ...] = ()  # feasible plans left out (dearer, or over the budget)
    infeasible: tuple[Plan, ...] = ()  # communes with no plan (and why)
    rejected: tuple[RowError, ...] = ()


def plan_targets(communes: Iterable[CommuneLike], ruleset: RulesetLike = None, *, target: int | None = None, target_share: float | None = None,
                 budget: float | None = None, costs: CostModel | None = None, rejected: Sequence[RowError] = ()) -> TargetPlan:
    """Reach `target` recognised communes (or `target_share` of them) at least cost, or the most within `budget`.

    With only a budget, as many communes as the budget allows are chosen.
    """
    model = costs or CostModel()
    plans = [plan(as_commune(c), compiled(ruleset), model) for c in communes]
    count = len(plans) + len(rejected)
    recognised = tuple(p.commune for p in plans if p.already_recognised)
    wanted = _wanted(count, target, target_share)
    feasible = sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune))
    need = max(0, wanted - len(recognised)) if wanted is not None else len(feasible)
    chosen: list[Plan] = []
    spent = 0.0
    for candidate in feasible:
        if len(chosen) >= need:
            break
        if budget is not None and spent + candidate.total_cost > budget + 1e-9:
            break  # plans are sorted by cost: every later one is dearer
        chosen.append(candidate)
        spent += candidate.total_cost
    reached = len(recognised) + len(chosen)
    return TargetPlan(
        communes=count, recognised_now=recognised, target=wanted if wanted is not None else reached, chosen=tuple(chosen), total_cost=round(spent, 6),
        reached=reached, target_met=wanted is None or reached >= wanted, budget=budget,
        not_chosen=tuple(p for p in feasible if p not in chosen), infeasible=tuple(p for p in plans if not p.feasible), rejected=tuple(rejected),
    )


def _wanted(count: int, target: int | None, share: float | None) -> int | None:
    if target is not None:
        return target
    if share is not None:
        return math.ceil(round(share * count, 9))
    return None


__all__ = ["TargetPlan", "plan_targets"]
