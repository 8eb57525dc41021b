"""Every step refuses every actor who is not its own: the state, the events and the inbox stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from congress.models import Event
from suggestions import permissions, services
from suggestions.models import Answer, Contact, Suggestion
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
PEOPLE = (
    "staff",
    "leader",
    "member",
    "foreign_staff",
    "deputy",
    "co_deputy",
    "other_deputy",
    "lead_handler",
    "lead_head",
    "co_handler",
    "parallel_handler",
    "other_handler",
)
LEAD_UNIT = {"lead_handler", "lead_head"}


def _lead(cast, s):
    return assignment_of(s, cast.lead_unit).pk


def _invited(cast):
    s = drive(cast, to=Status.DRAFT)
    services.suggestion_update_draft(suggestion_id=s.pk, actor=cast.deputy, cosigner_ids=[cast.co_deputy_record.pk])
    return s


def _reroute_requested(cast):
    s = drive(cast, to=Status.ASSIGNED)
    services.assignment_request_reroute(assignment_id=_lead(cast, s), actor=cast.lead_handler, reason="不属本局职责")
    return s


def _extension_pending(cast):
    s = drive(cast, to=Status.HANDLING)
    lead = assignment_of(s, cast.lead_unit)
    request = services.extension_request(
        assignment_id=lead.pk,
        actor=cast.lead_handler,
        reason="协调资金",
        requested_until=lead.answer_due + dt.timedelta(days=20),
    )
    s.request_id = request.pk
    return s


# step name -> (how to set it up, how to take the step as `actor`, who may take it)
STEPS = {
    "submit": (
        lambda c: drive(c, to=Status.DRAFT),
        lambda c, s, a: services.suggestion_submit(suggestion_id=s.pk, actor=a),
        {"deputy"},
    ),
    "update_draft": (
        lambda c: drive(c, to=Status.DRAFT),
        lambda c, s, a: services.suggestion_update_draft(suggestion_id=s.pk, actor=a, title="改"),
        {"deputy"},
    ),
    "cosign": (
        _invited,
        lambda c, s, a: services.suggestion_cosign(suggestion_id=s.pk, actor=a),
        {"co_deputy"},
    ),
    "withdraw": (
        lambda c: drive(c, to=Status.SUBMITTED),
        lambda c, s, a: services.suggestion_withdraw(suggestion_id=s.pk, actor=a),
        {"deputy"},
    ),
    "register": (
        lambda c: drive(c, to=Status.SUBMITTED),
        lambda c, s, a: services.suggestion_register(suggestion_id=s.pk, actor=a),
        {"staff"},
    ),
    "reject": (
        lambda c: drive(c, to=Status.SUBMITTED),
        lambda c, s, a: services.suggestion_reject(suggestion_id=s.pk, actor=a, reason="complaint", note="属控告"),
        {"staff"},
    ),
    "assign": (
        lambda c: drive(c, to=Status.REGISTERED),
        lambda c, s, a: services.suggestion_assign(suggestion_id=s.pk, lead_unit=c.lead_unit, actor=a),
        {"staff"},
    ),
    "accept": (
        lambda c: drive(c, to=Status.ASSIGNED),
        lambda c, s, a: services.assignment_accept(assignment_id=_lead(c, s), actor=a),
        LEAD_UNIT,
    ),
    "request_reroute": (
        lambda c: drive(c, to=Status.ASSIGNED),
        lambda c, s, a: services.assignment_request_reroute(assignment_id=_lead(c, s), actor=a, reason="不属本局"),
        LEAD_UNIT,
    ),
    "decide_reroute": (
        _reroute_requested,
        lambda c, s, a: services.assignment_decide_reroute(assignment_id=_lead(c, s), actor=a, approve=False),
        {"staff"},
    ),
    "contact": (
        lambda c: drive(c, to=Status.HANDLING),
        lambda c, s, a: services.contact_log(
            assignment_id=_lead(c, s),
            actor=a,
            method=Contact.Method.PHONE,
            contacted_on=timezone.localdate(),
            participants="王芳",
            summary="电话沟通",
        ),
        LEAD_UNIT,
    ),
    "co_opinion": (
        lambda c: drive(c, to=Status.HANDLING, co=True),
        lambda c, s, a: services.co_opinion_send(assignment_id=assignment_of(s, c.co_unit).pk, actor=a, text="同意"),
        {"co_handler"},
    ),
    "extension_request": (
        lambda c: drive(c, to=Status.HANDLING),
        lambda c, s, a: services.extension_request(
            assignment_id=_lead(c, s),
            actor=a,
            reason="协调资金",
            requested_until=assignment_of(s, c.lead_unit).answer_due + dt.timedelta(days=10),
        ),
        LEAD_UNIT,
    ),
    "extension_decide": (
        _extension_pending,
        lambda c, s, a: services.extension_decide(request_id=s.request_id, actor=a, approve=True),
        {"staff", "leader"},
    ),
    "answer": (
        lambda c: drive(c, to=Status.HANDLING),
        lambda c, s, a: services.suggestion_answer(assignment_id=_lead(c, s), actor=a, grade="A", text="已解决"),
        LEAD_UNIT,
    ),
    "rate": (
        lambda c: drive(c, to=Status.ANSWERED, cosigned=True),
        lambda c, s, a: services.suggestion_rate(
            answer_id=s.answers.get().pk, actor=a, attitude="satisfied", result="satisfied"
        ),
        {"deputy"},
    ),
    "close": (
        lambda c: drive(c, to=Status.FOLLOW_UP, grade=Answer.Grade.B),
        # Under follow-up with no second answer yet: closing says why.
        lambda c, s, a: services.suggestion_close(suggestion_id=s.pk, actor=a, note="受财政资金限制，本届内难以实施。"),
        {"staff"},
    ),
    "revisit": (
        lambda c: drive(c, to=Status.CLOSED),
        lambda c, s, a: services.suggestion_revisit(suggestion_id=s.pk, actor=a, note="回访"),
        {"staff"},
    ),
    "archive": (
        lambda c: drive(c, to=Status.CLOSED),
        lambda c, s, a: services.suggestion_archive(suggestion_id=s.pk, actor=a),
        {"staff"},
    ),
    "prioritize": (
        lambda c: drive(c, to=Status.REGISTERED),
        lambda c, s, a: services.suggestion_prioritize(suggestion_id=s.pk, actor=a, supervising_leader=c.leader),
        {"staff", "leader"},
    ),
    "publish": (
        lambda c: drive(c, to=Status.REGISTERED),
        lambda c, s, a: services.suggestion_publish(suggestion_id=s.pk, actor=a),
        {"staff"},
    ),
}


def _snapshot(suggestion: Suggestion) -> tuple:
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    assignments = list(fresh.assignments.order_by("pk").values_list("status", "answer_due"))
    return fresh.status, fresh.updated_at, fresh.is_priority, fresh.is_public, assignments, Event.objects.count()


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_refuses_every_actor_but_its_own_and_changes_nothing(county, step):
    # Given the suggestion just before the step, and everyone the county has
    cast = loop_cast(county)
    setup, take, allowed = STEPS[step]
    suggestion = setup(cast)
    before = _snapshot(suggestion)

    # When each forbidden person tries it, they are refused and nothing changes
    for name in sorted(set(PEOPLE) - allowed):
        with pytest.raises(PermissionDenied):
            take(cast, suggestion, getattr(cast, name))
        assert _snapshot(suggestion) == before, f"{name} changed something while being refused {step}"

    # Then one allowed person can still take it
    take(cast, suggestion, getattr(cast, sorted(allowed)[0]))
    assert _snapshot(suggestion) != before


def test_a_deactivated_deputy_login_cannot_rate(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.ANSWERED)
    cast.deputy.is_active = False
    cast.deputy.save(update_fields=["is_active"])
    assert not permissions.can_rate(cast.deputy, suggestion.answers.get())


def test_a_person_acting_for_a_deputy_is_never_the_deputy(county):
    # Office staff who also hold the deputy role still cannot rate someone else's suggestion.
    from congress.models import Role
    from tests.congress.factories import make_user

    cast = loop_cast(county)
    both = make_user(body=cast.county.committee, roles=[Role.OFFICE_STAFF, Role.DEPUTY])
    suggestion = drive(cast, to=Status.ANSWERED)
    assert not permissions.can_rate(both, suggestion.answers.get())
    assert permissions.can_rate(cast.deputy, suggestion.answers.get())
