"""The assessment workflow: draft → submitted → appraised → recognised / not recognised, and returned for
correction. One table says which step goes from which states to which, and who may take it."""

from __future__ import annotations

from dataclasses import dataclass

from chuanxa.store.models import Role, State


@dataclass(frozen=True, kw_only=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_comment: bool = False


_A, _P, _R, _C = Role.ADMIN.value, Role.PROVINCE.value, Role.APPRAISER.value, Role.COMMUNE.value

STEPS: dict[str, Step] = {step.action: step for step in (
    Step(action="submit", sources=frozenset({State.DRAFT.value, State.RETURNED.value}), target=State.SUBMITTED.value, roles=frozenset({_A, _P, _C})),
    Step(action="return", sources=frozenset({State.SUBMITTED.value, State.APPRAISED.value}), target=State.RETURNED.value, roles=frozenset({_A, _P, _R}),
         needs_comment=True),
    Step(action="appraise", sources=frozenset({State.SUBMITTED.value}), target=State.APPRAISED.value, roles=frozenset({_A, _P, _R})),
    # recognising needs a decision (number, date, body): the recognition record is made in the same transaction
    Step(action="recognise", sources=frozenset({State.APPRAISED.value}), target=State.RECOGNISED.value, roles=frozenset({_A, _P})),
    Step(action="reject", sources=frozenset({State.APPRAISED.value}), target=State.NOT_RECOGNISED.value, roles=frozenset({_A, _P}), needs_comment=True),
    Step(action="reopen", sources=frozenset({State.RECOGNISED.value, State.NOT_RECOGNISED.value}), target=State.DRAFT.value, roles=frozenset({_A, _P}),
         needs_comment=True),
)}


def allowed_actions(role: str, state: str) -> list[str]:
    """The steps a user of `role` may take from `state` (scope is checked separately)."""
    return [a for a, step in STEPS.items() if state in step.sources and role in step.roles]
