"""The store: revisions and ETags, stale writes kept, the workflow, recognitions, results recomputed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from .conftest import YEAR, World


def _user(session: Any, login: str) -> Any:
    from chuanxa.store.models import User

    return session.scalars(select(User).where(User.login == login)).one()


def test_every_save_is_a_new_revision_with_what_changed(world: World) -> None:
    from chuanxa.store import assessments

    with world.session() as session:
        user = _user(session, "xa")
        current = assessments.get(session, world.commune, YEAR)
        tag = assessments.etag(current)
        before = assessments.revision(session, current)
        values = dict(before.values) | {"full_immunisation_rate": 99.5}
        saved = assessments.save(session, user, world.commune, YEAR, values=values, if_match=tag)
    assert not saved.stale and saved.revision.number == 2
    assert saved.revision.changes == [{"part": "values", "key": "full_immunisation_rate", "before": before.values.get("full_immunisation_rate"), "after": 99.5}]
    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        assert [r.number for r in assessments.history(session, assessment)] == [1, 2]
        assert assessments.revision(session, assessment, 1).values == before.values  # nothing overwritten


def test_a_stale_write_is_kept_in_the_history_but_not_made_current(world: World) -> None:
    from chuanxa.store import assessments

    with world.session() as session:
        user = _user(session, "xa")
        tag = assessments.etag(assessments.get(session, world.commune, YEAR))
        first = assessments.save(session, user, world.commune, YEAR, values={"full_immunisation_rate": 90}, if_match=tag)
        second = assessments.save(session, user, world.commune, YEAR, values={"full_immunisation_rate": 91}, if_match=tag)
    assert (first.stale, second.stale) == (False, True)
    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        kinds = [(r.number, r.kind, r.values.get("full_immunisation_rate")) for r in assessments.history(session, assessment)]
        assert kinds[1:] == [(2, "save", 90), (3, "conflict", 91)]
        assert assessment.current == 2


def test_a_write_without_if_match_is_refused(world: World) -> None:
    from chuanxa.store import assessments
    from chuanxa.store.errors import PreconditionRequired

    with world.session() as session, pytest.raises(PreconditionRequired):
        assessments.save(session, _user(session, "xa"), world.commune, YEAR, values={})


def test_the_workflow_runs_from_draft_to_recognised_with_a_return_on_the_way(world: World) -> None:
    from chuanxa.store import assessments

    steps = [("xa", "submit", None), ("thamdinh", "return", "Thiếu biên bản"), ("xa", "submit", None), ("thamdinh", "appraise", None)]
    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        for login, action, comment in steps:
            assessments.transition(session, _user(session, login), assessment, action, comment=comment)
        decision = {"number": "123/QĐ-UBND", "decided_on": "2024-12-20", "body": "UBND tỉnh Thanh Hóa"}
        assessments.transition(session, _user(session, "tinh"), assessment, "recognise", decision=decision)
        states = [(t.action, t.to_state) for t in assessments.transitions(session, assessment)]
    assert states[-1] == ("recognise", "recognised")
    assert [s for _, s in states] == ["submitted", "returned", "submitted", "appraised", "recognised"]
    with world.session() as session:
        (recognition,) = assessments.recognitions(session, commune=world.commune)
        assert recognition.valid_until == dt.date(2027, 12, 20)  # valid three years


@pytest.mark.parametrize(("login", "action", "error"), [
    ("xa", "appraise", "Forbidden"),          # commune staff cannot appraise
    ("tinh", "appraise", "Conflict"),         # a draft cannot be appraised
    ("ngoai", "submit", "Forbidden"),         # another province's officer
])
def test_a_step_out_of_role_scope_or_order_is_refused(world: World, login: str, action: str, error: str) -> None:
    from chuanxa.store import assessments, errors

    with world.session() as session, pytest.raises(getattr(errors, error)):
        assessments.transition(session, _user(session, login), assessments.get(session, world.commune, YEAR), action)


def test_returning_needs_a_comment(world: World) -> None:
    from chuanxa.store import assessments
    from chuanxa.store.errors import Invalid

    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        assessments.transition(session, _user(session, "xa"), assessment, "submit")
        with pytest.raises(Invalid):
            assessments.transition(session, _user(session, "thamdinh"), assessment, "return", comment="  ")


def test_commune_staff_cannot_change_values_once_submitted(world: World) -> None:
    from chuanxa.store import assessments
    from chuanxa.store.errors import Forbidden

    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        assessments.transition(session, _user(session, "xa"), assessment, "submit")
        with pytest.raises(Forbidden) as raised:
            assessments.save(session, _user(session, "xa"), world.commune, YEAR, values={"full_immunisation_rate": 1}, if_match=assessments.etag(assessment))
    assert raised.value.key == "store.locked"


def test_results_are_recomputed_from_the_revision_and_equal_scoring_the_commune_file(world: World) -> None:
    import chuanxa
    from chuanxa.store import assessments, results

    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        stored = results.result_of(session, assessment)
        data = assessments.commune_data(session, assessment.commune, YEAR, assessments.revision(session, assessment))
    assert stored.to_json_dict() == chuanxa.score(data).to_json_dict()


def test_any_revision_can_be_scored_again(world: World) -> None:
    from chuanxa.store import assessments, results

    with world.session() as session:
        assessment = assessments.get(session, world.commune, YEAR)
        first = results.result_of(session, assessment).total.points
        values = dict(assessments.revision(session, assessment).values)
        values.pop("full_immunisation_rate", None)
        assessments.save(session, _user(session, "xa"), world.commune, YEAR, values=values, if_match=assessments.etag(assessment))
        old = results.result_of(session, assessment, assessments.revision(session, assessment, 1))
        new = results.result_of(session, assessment)
    assert old.total.points == first
    assert new.total.points <= first
