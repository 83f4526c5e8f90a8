"""Planning: what-if simulation, the cheapest path to recognition, targets across communes, merged communes.

    >>> from chuanxa.planning import plan, simulate, plan_targets, merge_communes
"""

from .costs import CostModel
from .merge import MergeMapping, load_mapping, merge_communes, merge_details, MergedCommune
from .plan import Blocker, Plan, PlanStep, plan
from .simulate import Simulation, simulate
from .sweep import Sweep, SweepPoint, frange, sweep
from .targets import TargetPlan, plan_targets

__all__ = ["Blocker", "CostModel", "MergeMapping", "Plan", "PlanStep", "Simulation", "TargetPlan", "load_mapping", "merge_communes", "plan", "plan_targets", "simulate",
           "Sweep", "SweepPoint", "frange", "sweep"]
