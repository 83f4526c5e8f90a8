"""Targets across communes: which communes to bring to standard to reach a province's target (or an area's)
at the least total cost, or the most communes within a budget.

Each commune's plan is independent of the others, so choosing the k cheapest plans is exactly the least-cost
way to gain k recognised communes, and taking plans cheapest first while the budget lasts gives the most
communes within it. Ties go to the commune code, so the answer does not depend on row order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from chuanxa.workspace import CommuneLike, RulesetLike, as_commune, compiled
from chuanxa.engine.batching import paused_gc
from chuanxa.engine.results import RowError

from .costs import CostModel
from .batch import COLUMNAR_FROM, PLAN_CACHE, PlanCache, plan_many
from .plan import Plan


class TargetPlan(BaseModel):
    """Which communes to bring to standard, with each one's plan."""

    model_config = ConfigDict(frozen=True)

    communes: int
    recognised_now: tuple[str, ...]
    target: int  # recognised communes wanted in total (with only a budget: those reached)
    has_target: bool = True  # False when only a budget was given
    chosen: tuple[Plan, ...]  # cheapest first
    total_cost: float
    reached: int  # recognised communes after the chosen plans
    target_met: bool
    budget: float | None = None
    not_chosen: tuple[Plan, ...] = ()  # feasible plans left out (dearer, or over the budget)
    infeasible: tuple[Plan, ...] = ()  # communes with no plan (and why)
    already: tuple[Plan, ...] = ()  # the communes recognised now (name, points), in input order
    rejected: tuple[RowError, ...] = ()


def plan_targets(communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike = None, *, target: int | None = None, target_share: float | None = None,
                 budget: float | None = None, costs: CostModel | str | Path | None = None, rejected: Sequence[RowError] = (),
                 cache: PlanCache | None = PLAN_CACHE, pause_gc: bool = False) -> TargetPlan:
    """Reach `target` recognised communes (or `target_share` of them) at least cost, or the most within `budget`.

    `communes` is an iterable of communes or the path of a CSV/XLSX table (its bad rows count as communes and
    are listed in `rejected`). With only a budget, as many communes as the budget allows are chosen. Plans are
    made together (`batch.plan_many`, the same plans as `plan` gives each commune) and kept in `cache`.

    `pause_gc=True` pauses Python's cyclic garbage collector for the call (many records, no reference cycles: its
    passes cost more than a second at 10,000 communes). The collector is the whole process's, so that is the
    caller's choice: a command line run makes it, a server that plans in several threads does not.
    """
    with paused_gc() if pause_gc else nullcontext():
        return _plan_targets(communes, ruleset, target=target, target_share=target_share, budget=budget, costs=costs, rejected=rejected, cache=cache)


def _plan_targets(communes: Iterable[CommuneLike] | str | Path, ruleset: RulesetLike, *, target: int | None, target_share: float | None,
                  budget: float | None, costs: CostModel | str | Path | None, rejected: Sequence[RowError], cache: PlanCache | None) -> TargetPlan:
    model = costs if isinstance(costs, CostModel) else CostModel.load(costs) if costs else CostModel()
    engine = compiled(ruleset)
    if isinstance(communes, (str, Path)):
        from chuanxa.engine.batching import row_error as _row_error
        from chuanxa.communes.readers import read_table

        table = read_table(Path(communes), engine.ruleset)
        rejected = [*rejected, *(_row_error(exc, str(communes), number, exc.location.commune) for number, exc in table.errors)]
        communes = [row.data for row in table.rows]
    model.check(engine.ruleset)
    plans = plan_many(engine, [as_commune(c) for c in communes], model, cache=cache)
    count = len(plans) + len(rejected)
    recognised = tuple(p.commune for p in plans if p.already_recognised)
    wanted = _wanted(count, target, target_share)
    feasible = sorted((p for p in plans if p.feasible and not p.already_recognised), key=lambda p: (p.total_cost, len(p.steps), p.commune))
    need = max(0, wanted - len(recognised)) if wanted is not None else len(feasible)
    # The chosen plans are always a prefix of `feasible` (cheapest first, stopping at the first one left out), so
    # the rest is a slice: no search of `chosen` per plan, which was quadratic in the number of communes.
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
        reached=reached, target_met=wanted is None or reached >= wanted, budget=budget, has_target=wanted is not None,
        not_chosen=tuple(feasible[len(chosen):]), infeasible=tuple(p for p in plans if not p.feasible), rejected=tuple(rejected),
        already=tuple(p for p in plans if p.already_recognised),
    )


def _wanted(count: int, target: int | None, share: float | None) -> int | None:
    if target is not None:
        return target
    if share is not None:
        return math.ceil(round(share * count, 9))
    return None


__all__ = ["TargetPlan", "plan_targets"]
