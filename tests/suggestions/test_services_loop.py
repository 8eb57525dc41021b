"""The whole loop through the services: states, deadlines, denormalised fields, events and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import Event, Notification
from congress.workflow import WorkflowError
from suggestions import services
from suggestions.models import Answer, Assignment, Contact, ExtensionRequest, Rating, Signer, Suggestion
from tests.suggestions.factories import assignment_of, drive, loop_cast, pdf_letter

# Messages are matched on their English wording; the portal itself speaks Chinese.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Suggestion.Status
D = dt.date
# time_machine reads a naive datetime as UTC; the portal's day is Beijing time (UTC+8), so 10:00 UTC is 18:00 there.


@pytest.fixture
def cast(county):
    return loop_cast(county)


def events(suggestion: Suggestion) -> list[str]:
    return list(
        Event.objects.filter(object_id=suggestion.pk, content_type__model="suggestion")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@time_machine.travel(dt.datetime(2025, 3, 3, 10, 0), tick=False)
def test_a_joint_suggestion_goes_from_draft_to_archive_with_every_step_recorded(
    cast, django_capture_on_commit_callbacks
):
    # Given a deputy who drafts a suggestion with a co-signer
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = services.suggestion_create(
            body=cast.body,
            lead_deputy=cast.lead_deputy,
            title="关于增设学校周边交通信号灯的建议",
            content="城南小学门口无信号灯，学生过马路危险。",
            actor=cast.deputy,
            session=cast.session,
            cosigner_ids=[cast.co_deputy_record.pk],
        )
    assert suggestion.status == Status.DRAFT
    assert "suggestion_cosign_invited" in inbox(cast.co_deputy)

    # When the co-signer confirms, the deputy submits and staff register it
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=cast.co_deputy)
        services.suggestion_submit(suggestion_id=suggestion.pk, actor=cast.deputy)
        registered = services.suggestion_register(suggestion_id=suggestion.pk, actor=cast.staff, category=cast.category)
    assert registered.number == 1
    assert registered.reference.endswith("第0001号")
    assert registered.registered_at is not None
    assert "suggestion_registered" in inbox(cast.deputy)
    assert "suggestion_registered" in inbox(cast.co_deputy)

    # And staff assign it to a lead and a co-handling unit
    with django_capture_on_commit_callbacks(execute=True):
        assigned = services.suggestion_assign(
            suggestion_id=suggestion.pk, lead_unit=cast.lead_unit, actor=cast.staff, co_units=[cast.co_unit]
        )
    lead = assignment_of(assigned, cast.lead_unit)
    co = assignment_of(assigned, cast.co_unit)
    assert assigned.status == Status.ASSIGNED
    assert assigned.lead_unit == cast.lead_unit
    # 3 March + 3 months = 3 June (a Tuesday); the re-routing window is 7 working days.
    assert lead.answer_due == D(2025, 6, 3) == assigned.due_date
    assert lead.hard_deadline == D(2025, 9, 3)
    assert lead.reroute_deadline == D(2025, 3, 12)
    assert co.co_opinion_due == D(2025, 4, 3) and co.answer_due is None
    assert "suggestion_assigned" in inbox(cast.lead_handler)
    assert "suggestion_assigned" in inbox(cast.co_handler)

    # And both units accept; the co unit sends its opinion; the lead logs a contact and answers with a letter
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_accept(assignment_id=lead.pk, actor=cast.lead_handler)
        services.assignment_accept(assignment_id=co.pk, actor=cast.co_handler)
        services.co_opinion_send(assignment_id=co.pk, actor=cast.co_handler, text="同意，资金可列入下年度预算。")
        services.contact_log(
            assignment_id=lead.pk,
            actor=cast.lead_handler,
            method=Contact.Method.FACE_TO_FACE,
            contacted_on=D(2025, 3, 3),
            participants="王芳代表、交通局张科长",
            summary="现场查看城南小学路口。",
            stage=Contact.Stage.BEFORE,
        )
        answer = services.suggestion_answer(
            assignment_id=lead.pk,
            actor=cast.lead_handler,
            grade=Answer.Grade.A,
            text="已安装信号灯。",
            letter=pdf_letter(),
            is_public=True,
        )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.latest_grade == "A"
    assert suggestion.answered_at is not None
    # The rating window: 20 working days after 3 March 2025 is 31 March.
    assert answer.rating_due is None  # set on the round, read back fresh
    answer.refresh_from_db()
    assert answer.rating_due == D(2025, 3, 31) == suggestion.due_date
    assert answer.letter.name.endswith(".pdf") and answer.letter_name == "答复函.pdf"
    # Every confirmed signer is told of the answer; the lead deputy is asked to rate.
    assert "suggestion_answer" in inbox(cast.co_deputy)
    assert "suggestion_rating_due" in inbox(cast.deputy)
    assert "co_opinion_sent" in inbox(cast.lead_handler)

    # When the deputy rates it satisfied, it is closed; staff revisit and archive it
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.suggestion_rate(
            answer_id=answer.pk,
            actor=cast.deputy,
            attitude=Rating.Level.SATISFIED,
            result=Rating.Level.SATISFIED,
            comment="办理认真。",
        )
    assert rating.deputy == cast.lead_deputy and rating.rated_by == cast.deputy
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED and suggestion.closed_at is not None and suggestion.due_date is None
    services.suggestion_revisit(suggestion_id=suggestion.pk, actor=cast.staff, note="代表表示满意。")
    archived = services.suggestion_archive(suggestion_id=suggestion.pk, actor=cast.staff)

    # Then the suggestion is archived and its timeline holds every step in order
    assert archived.status == Status.ARCHIVED
    assert events(suggestion) == [
        "suggestion_created",
        "suggestion_cosigned",
        "suggestion_submitted",
        "suggestion_registered",
        "suggestion_assigned",
        "assignment_accepted",
        "suggestion_handling_started",
        "assignment_accepted",
        "co_opinion_sent",
        "contact_logged",
        "answer_given",
        "suggestion_answered",
        "answer_rated",
        "suggestion_closed",
        "suggestion_revisited",
        "suggestion_archived",
    ]
    transitions = Event.objects.filter(object_id=suggestion.pk, kind="suggestion_registered").get()
    assert (transitions.from_state, transitions.to_state, transitions.actor) == ("submitted", "registered", cast.staff)


def test_parallel_units_each_answer_and_the_suggestion_is_answered_only_after_the_last(cast):
    # Given a suggestion handled by a lead and a parallel unit
    suggestion = drive(cast, to=Status.HANDLING, parallel=True)
    lead = assignment_of(suggestion, cast.lead_unit)
    parallel = assignment_of(suggestion, cast.parallel_unit)

    # When only the lead answers
    services.suggestion_answer(assignment_id=lead.pk, actor=cast.lead_handler, grade="A", text="已解决。")
    suggestion.refresh_from_db()

    # Then it is still being handled, and its running deadline is the parallel unit's
    assert suggestion.status == Status.HANDLING
    assert suggestion.due_date == parallel.answer_due

    # When the parallel unit answers too, it is answered and both answers wait for the deputy's rating
    services.suggestion_answer(assignment_id=parallel.pk, actor=cast.parallel_handler, grade="B", text="列入计划。")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.latest_grade == "A"
    assert all(answer.rating_due for answer in suggestion.answers.all())


def test_the_lead_may_answer_without_a_late_co_opinion_and_the_record_says_so(cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    lead = assignment_of(suggestion, cast.lead_unit)

    services.suggestion_answer(assignment_id=lead.pk, actor=cast.lead_handler, grade="A", text="已解决。")

    event = Event.objects.get(object_id=suggestion.pk, kind="answer_given")
    assert event.data["without_co_opinions"] == [cast.co_unit.pk]
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED


def test_a_late_co_opinion_is_marked_late(cast):
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0), tick=False):
        suggestion = drive(cast, to=Status.HANDLING, co=True)
    co = assignment_of(suggestion, cast.co_unit)
    with time_machine.travel(dt.datetime(2025, 5, 6, 10, 0), tick=False):
        services.co_opinion_send(assignment_id=co.pk, actor=cast.co_handler, text="迟到的意见。")
    assert Event.objects.get(object_id=suggestion.pk, kind="co_opinion_sent").data["late"] is True


def test_a_suggestion_filed_between_sessions_is_numbered_per_year_and_must_be_assigned_within_five_working_days(
    cast,
):
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0), tick=False):
        first = drive(cast, to=Status.REGISTERED, session=False)
        second = drive(cast, to=Status.REGISTERED, session=False)
    assert (first.number, second.number) == (1, 2)
    assert first.reference == "2025年闭会期间第0001号"
    # Friday 26 September 2025 + 5 working days: 28 (adjusted Sunday), 29, 30 September, 9 and 10 October.
    assert first.due_date == D(2025, 10, 10)


def test_numbers_are_per_session_without_gaps_even_after_refusals_and_withdrawals(cast):
    registered = drive(cast, to=Status.REGISTERED)
    drive(cast, to=Status.NOT_REGISTERED)
    drive(cast, to=Status.WITHDRAWN)
    later = drive(cast, to=Status.REGISTERED)
    withdrawn_after_registration = services.suggestion_withdraw(suggestion_id=later.pk, actor=cast.deputy)
    third = drive(cast, to=Status.REGISTERED)

    assert [registered.number, withdrawn_after_registration.number, third.number] == [1, 2, 3]
    assert Suggestion.objects.filter(number__isnull=False).count() == 3


def test_an_assigned_suggestion_cannot_be_registered_again_under_a_new_number(cast):
    assigned = drive(cast, to=Status.ASSIGNED)
    number = assigned.number

    with pytest.raises(WorkflowError, match="Only a suggestion under review can be registered"):
        services.suggestion_register(suggestion_id=assigned.pk, actor=cast.staff)

    assigned.refresh_from_db()
    assert (assigned.status, assigned.number) == (Status.ASSIGNED, number)


def test_refusal_needs_a_listed_reason_and_an_explanation_and_tells_the_deputy(
    cast, django_capture_on_commit_callbacks
):
    suggestion = drive(cast, to=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.suggestion_reject(suggestion_id=suggestion.pk, actor=cast.staff, reason="dislike", note="x")
    with pytest.raises(ValidationError):
        services.suggestion_reject(
            suggestion_id=suggestion.pk, actor=cast.staff, reason=Suggestion.RejectReason.COMPLAINT, note="  "
        )
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        refused = services.suggestion_reject(
            suggestion_id=suggestion.pk, actor=cast.staff, reason=Suggestion.RejectReason.COMPLAINT, note="属控告。"
        )
    assert refused.status == Status.NOT_REGISTERED and refused.reject_reason == "complaint"
    assert inbox(cast.deputy) == ["suggestion_not_registered"]
    assert services.suggestion_archive(suggestion_id=refused.pk, actor=cast.staff).status == Status.ARCHIVED


def test_a_draft_is_edited_only_while_a_draft(cast):
    suggestion = drive(cast, to=Status.DRAFT)
    services.suggestion_update_draft(
        suggestion_id=suggestion.pk, actor=cast.deputy, title="新标题", cosigner_ids=[cast.other_deputy_record.pk]
    )
    suggestion.refresh_from_db()
    assert suggestion.title == "新标题"
    assert list(suggestion.signers.filter(role="co").values_list("deputy_id", flat=True)) == [
        cast.other_deputy_record.pk
    ]
    with pytest.raises(ValidationError):
        services.suggestion_update_draft(suggestion_id=suggestion.pk, actor=cast.deputy, status="registered")

    services.suggestion_submit(suggestion_id=suggestion.pk, actor=cast.deputy)
    with pytest.raises(WorkflowError):
        services.suggestion_update_draft(suggestion_id=suggestion.pk, actor=cast.deputy, title="再改")


def test_staff_entering_a_paper_suggestion_is_recorded_as_staff_with_signatures_confirmed(cast):
    suggestion = services.suggestion_create(
        body=cast.body,
        lead_deputy=cast.lead_deputy,
        title="纸质建议",
        content="会议期间提交的纸质建议。",
        actor=cast.staff,
        session=cast.session,
        cosigner_ids=[cast.co_deputy_record.pk],
        cosigners_confirmed=True,
        submit=True,
    )
    assert suggestion.status == Status.SUBMITTED
    assert suggestion.source == Suggestion.Source.STAFF
    assert suggestion.signers.get(role=Signer.Role.CO).confirmed_at is not None


def test_a_co_signer_confirms_once_and_only_before_the_office_decides(cast):
    suggestion = drive(cast, to=Status.DRAFT)
    services.suggestion_update_draft(
        suggestion_id=suggestion.pk, actor=cast.deputy, cosigner_ids=[cast.co_deputy_record.pk]
    )
    services.suggestion_cosign(suggestion_id=suggestion.pk, actor=cast.co_deputy)
    with pytest.raises(WorkflowError, match="already"):
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=cast.co_deputy)

    late = drive(cast, to=Status.DRAFT)
    services.suggestion_update_draft(suggestion_id=late.pk, actor=cast.deputy, cosigner_ids=[cast.co_deputy_record.pk])
    services.suggestion_submit(suggestion_id=late.pk, actor=cast.deputy)
    services.suggestion_register(suggestion_id=late.pk, actor=cast.staff)
    with pytest.raises(WorkflowError):
        services.suggestion_cosign(suggestion_id=late.pk, actor=cast.co_deputy)
    assert Event.objects.get(object_id=late.pk, kind="suggestion_registered").data["unconfirmed_cosigners"] == [
        cast.co_deputy_record.pk
    ]


def test_bulk_assignment_assigns_all_or_none(cast):
    first = drive(cast, to=Status.REGISTERED)
    second = drive(cast, to=Status.REGISTERED)
    draft = drive(cast, to=Status.SUBMITTED)

    with pytest.raises(WorkflowError, match="Nothing was assigned"):
        services.suggestions_assign_bulk(
            suggestion_ids=[first.pk, second.pk, draft.pk], lead_unit=cast.lead_unit, actor=cast.staff
        )
    assert Assignment.objects.count() == 0

    assigned = services.suggestions_assign_bulk(
        suggestion_ids=[first.pk, second.pk], lead_unit=cast.lead_unit, actor=cast.staff
    )
    assert [s.status for s in assigned] == [Status.ASSIGNED, Status.ASSIGNED]
    assert Assignment.objects.filter(unit=cast.lead_unit, role="lead").count() == 2


def test_a_unit_cannot_be_named_twice_or_be_a_committee_office(cast):
    suggestion = drive(cast, to=Status.REGISTERED)
    with pytest.raises(ValidationError):
        services.suggestion_assign(
            suggestion_id=suggestion.pk, lead_unit=cast.lead_unit, actor=cast.staff, co_units=[cast.lead_unit]
        )
    with pytest.raises(ValidationError):
        services.suggestion_assign(suggestion_id=suggestion.pk, lead_unit=cast.county.office, actor=cast.staff)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.REGISTERED


# Re-routing


def test_a_unit_may_ask_to_re_route_inside_the_window_and_staff_hand_it_to_another_unit(
    cast, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0), tick=False):
        suggestion = drive(cast, to=Status.ASSIGNED)
    lead = assignment_of(suggestion, cast.lead_unit)
    # Seven working days from Friday 26 September 2025: 28 (adjusted Sunday), 29, 30 September, then after
    # National Day 9, 10, 11 (adjusted Saturday) and 13 October.
    assert lead.reroute_deadline == D(2025, 10, 13)

    with (
        time_machine.travel(dt.datetime(2025, 10, 13, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_handler, reason="不属本局职责。")
    assert "reroute_requested" in inbox(cast.staff)

    with pytest.raises(ValidationError):
        services.assignment_decide_reroute(
            assignment_id=lead.pk, actor=cast.staff, approve=True, new_unit=cast.lead_unit
        )
    with time_machine.travel(dt.datetime(2025, 10, 15, 10, 0), tick=False):
        services.assignment_decide_reroute(
            assignment_id=lead.pk, actor=cast.staff, approve=True, note="改由教育局主办", new_unit=cast.other_unit
        )

    suggestion.refresh_from_db()
    new_lead = assignment_of(suggestion, cast.other_unit)
    assert suggestion.lead_unit == cast.other_unit and suggestion.status == Status.ASSIGNED
    assert Assignment.objects.get(pk=lead.pk).status == Assignment.Status.WITHDRAWN
    # The new unit's clock starts when it is assigned: 15 October + 3 months = 15 January 2026.
    assert new_lead.answer_due == D(2026, 1, 15) == suggestion.due_date


def test_after_the_window_the_assignment_is_locked(cast):
    with time_machine.travel(dt.datetime(2025, 9, 26, 10, 0), tick=False):
        suggestion = drive(cast, to=Status.ASSIGNED)
    lead = assignment_of(suggestion, cast.lead_unit)
    with time_machine.travel(dt.datetime(2025, 10, 14, 9, 0), tick=False), pytest.raises(WorkflowError, match="locked"):
        services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_handler, reason="不属本局职责。")
    assert Assignment.objects.get(pk=lead.pk).status == Assignment.Status.ASSIGNED


def test_approving_the_only_units_re_routing_sends_the_suggestion_back_to_be_assigned(cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    lead = assignment_of(suggestion, cast.lead_unit)
    services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_handler, reason="不属本局职责。")
    services.assignment_decide_reroute(assignment_id=lead.pk, actor=cast.staff, approve=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REGISTERED and suggestion.lead_unit is None
    assert suggestion.due_date is None  # at a session the office assigns in bulk, with no per-item deadline
    # It can be assigned again, to the same unit even.
    services.suggestion_assign(suggestion_id=suggestion.pk, lead_unit=cast.lead_unit, actor=cast.staff)


def test_a_refused_re_routing_leaves_the_unit_to_accept(cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    lead = assignment_of(suggestion, cast.lead_unit)
    services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_handler, reason="不属本局职责。")
    services.assignment_decide_reroute(assignment_id=lead.pk, actor=cast.staff, approve=False, note="属本局职责")
    assert services.assignment_accept(assignment_id=lead.pk, actor=cast.lead_handler).status == "accepted"


# Extensions


def test_an_extension_is_approved_up_to_the_hard_maximum_and_no_further(cast, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0), tick=False):
        suggestion = drive(cast, to=Status.HANDLING)
    lead = assignment_of(suggestion, cast.lead_unit)
    assert lead.hard_deadline == D(2025, 9, 3)

    with pytest.raises(ValidationError, match="legal maximum"):
        services.extension_request(
            assignment_id=lead.pk, actor=cast.lead_handler, reason="需要协调资金。", requested_until=D(2025, 9, 4)
        )
    with django_capture_on_commit_callbacks(execute=True):
        request = services.extension_request(
            assignment_id=lead.pk, actor=cast.lead_handler, reason="需要协调资金。", requested_until=D(2025, 9, 3)
        )
    assert "extension_requested" in inbox(cast.staff)
    with pytest.raises(WorkflowError):
        services.extension_request(
            assignment_id=lead.pk, actor=cast.lead_handler, reason="再次申请。", requested_until=D(2025, 8, 1)
        )

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.extension_decide(request_id=request.pk, actor=cast.leader, approve=True, note="同意")
    assert decided.status == ExtensionRequest.Status.APPROVED
    assert Assignment.objects.get(pk=lead.pk).answer_due == D(2025, 9, 3)
    assert Suggestion.objects.get(pk=suggestion.pk).due_date == D(2025, 9, 3)
    assert "extension_decided" in inbox(cast.lead_handler)
    with pytest.raises(WorkflowError):
        services.extension_decide(request_id=request.pk, actor=cast.staff, approve=False)


def test_a_refused_extension_keeps_the_deadline(cast):
    suggestion = drive(cast, to=Status.HANDLING)
    lead = assignment_of(suggestion, cast.lead_unit)
    due = lead.answer_due
    request = services.extension_request(
        assignment_id=lead.pk,
        actor=cast.lead_handler,
        reason="需要协调资金。",
        requested_until=due + dt.timedelta(days=30),
    )
    services.extension_decide(request_id=request.pk, actor=cast.staff, approve=False, note="请按期答复")
    assert Assignment.objects.get(pk=lead.pk).answer_due == due


# Closing, priority, publication


def test_staff_close_an_unrated_answer_only_after_the_rating_window_and_it_is_not_counted_satisfied(cast):
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0), tick=False):
        suggestion = drive(cast, to=Status.ANSWERED)
    with time_machine.travel(dt.datetime(2025, 3, 31, 10, 0), tick=False), pytest.raises(WorkflowError):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, 0), tick=False):
        closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note="逾期未评价")
    assert closed.status == Status.CLOSED
    assert Rating.objects.count() == 0
    assert Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data["rated"] is False


def test_staff_cannot_close_a_suggestion_that_is_still_being_handled(cast):
    suggestion = drive(cast, to=Status.HANDLING)
    with pytest.raises(WorkflowError):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)


REASON = "受县级财力限制，本届任期内难以实施，已向代表当面说明。"


def _closing_record(suggestion: Suggestion) -> tuple:
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    assignments = list(fresh.assignments.order_by("pk").values_list("status", "completed_at"))
    return (
        fresh.status,
        fresh.closed_at,
        fresh.updated_at,
        assignments,
        Event.objects.count(),
        Notification.objects.count(),
    )


def _follow_up_answer(cast, suggestion: Suggestion, *, grade: str) -> Answer:
    """Give the lead unit's second answer, the one a B or C grade waits for under follow-up."""
    return services.suggestion_answer(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
        actor=cast.lead_handler,
        grade=grade,
        text="项目已开工，预计年底完工。",
    )


@pytest.mark.parametrize("note", ["", "   \n "])
def test_closing_under_follow_up_before_the_second_answer_needs_a_reason_and_changes_nothing(
    cast, note, django_capture_on_commit_callbacks
):
    # Given a suggestion answered with grade C, rated, and kept under follow-up for the unit's second answer
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    before = _closing_record(suggestion)

    # When the office closes it without saying why
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=note)

    # Then it is refused on the note, naming the grade, and nothing is written or sent
    assert refused.value.message_dict == {
        "note": ["It was answered with grade C and no second answer has come since; say why it is closed without one."]
    }
    assert _closing_record(suggestion) == before
    assert "suggestion_closed" not in inbox(cast.deputy)


def test_closing_before_the_second_answer_with_a_reason_records_it_and_tells_the_deputy(
    cast, django_capture_on_commit_callbacks
):
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    answer = suggestion.answers.get()

    with django_capture_on_commit_callbacks(execute=True):
        closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=f"  {REASON}\n")

    assert closed.status == Status.CLOSED and closed.closed_at is not None
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed")
    assert (event.from_state, event.to_state, event.note) == ("follow_up", "closed", REASON)
    assert event.data == {"rated": True, "without_second_answer": True, "grade": "C", "awaiting_answers": [answer.pk]}
    # The unit owes nothing more once the office has closed it.
    assert assignment_of(closed, cast.lead_unit).completed_at == closed.closed_at
    message = Notification.objects.get(recipient=cast.deputy, kind="suggestion_closed")
    assert message.title.startswith("Your suggestion is closed without a second answer: ")
    assert message.body == REASON


def test_after_the_second_answer_closing_needs_no_reason(cast):
    # Given the unit's second answer, still grade B, rated: the suggestion is under follow-up again
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    second = _follow_up_answer(cast, suggestion, grade=Answer.Grade.B)
    services.suggestion_rate(answer_id=second.pk, actor=cast.deputy, attitude="satisfied", result="satisfied")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.FOLLOW_UP

    # When the office closes it with no note, then it is closed as before, with nothing said about a missing answer
    closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)

    assert closed.status == Status.CLOSED
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed")
    assert (event.note, event.data) == ("", {"rated": True})


def test_an_answer_after_re_handling_is_not_the_second_answer_a_c_grade_waits_for(cast):
    # Given an answer rated unsatisfied, re-handled and answered again with grade C, then rated satisfied
    suggestion = drive(cast, to=Status.REHANDLING, grade=Answer.Grade.B)
    again = services.suggestion_answer(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
        actor=cast.lead_handler,
        grade=Answer.Grade.C,
        text="重新研究后，受用地条件限制，待规划调整后实施。",
    )
    services.suggestion_rate(answer_id=again.pk, actor=cast.deputy, attitude="satisfied", result="satisfied")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.FOLLOW_UP

    # Then it still waits for the answer given once the matter is solved
    with pytest.raises(ValidationError, match="grade C"):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)


def test_with_parallel_units_a_reason_is_needed_until_every_unit_has_answered_again(cast):
    # Given parallel units both answering grade B, under follow-up, and only the lead unit answering again
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B, parallel=True)
    _follow_up_answer(cast, suggestion, grade=Answer.Grade.A)
    waiting = suggestion.answers.get(assignment__unit=cast.parallel_unit)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.FOLLOW_UP

    # When the office closes it, then the parallel unit's missing answer needs the reason, and is the one recorded
    with pytest.raises(ValidationError, match="grade B"):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)
    services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=REASON)
    data = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data
    assert data == {"rated": True, "without_second_answer": True, "grade": "B", "awaiting_answers": [waiting.pk]}


def test_someone_not_allowed_to_close_is_refused_as_such_and_not_asked_for_a_reason(cast):
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    before = _closing_record(suggestion)

    for person in (cast.leader, cast.lead_handler, cast.deputy):
        with pytest.raises(PermissionDenied):
            services.suggestion_close(suggestion_id=suggestion.pk, actor=person)
        with pytest.raises(PermissionDenied):
            services.suggestion_close(suggestion_id=suggestion.pk, actor=person, note=REASON)

    assert _closing_record(suggestion) == before


# Closing unrated: the deputy let the rating window pass (drive on 3 March 2025: the window ends on 31 March)

ANSWERED_ON = dt.datetime(2025, 3, 3, 10, 0)
IN_THE_WINDOW = dt.datetime(2025, 3, 31, 10, 0)
AFTER_THE_WINDOW = dt.datetime(2025, 4, 1, 10, 0)


@pytest.mark.parametrize("grade", [Answer.Grade.B, Answer.Grade.C])
@pytest.mark.parametrize("note", ["", "  \n "])
def test_closing_unrated_a_b_or_c_answer_after_the_window_needs_a_reason_and_changes_nothing(
    cast, grade, note, django_capture_on_commit_callbacks
):
    # Given an answer graded B or C that the deputy never rated, its rating window over
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=grade)
    before = _closing_record(suggestion)

    # When the office closes it unrated without saying why
    with (
        time_machine.travel(AFTER_THE_WINDOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=note)

    # Then it is refused on the note, naming the grade, as under follow-up, and nothing is written or sent
    assert refused.value.message_dict == {
        "note": [
            f"It was answered with grade {grade} and no second answer has come since; say why it is closed without one."
        ]
    }
    assert _closing_record(suggestion) == before
    assert "suggestion_closed" not in inbox(cast.deputy)


@pytest.mark.parametrize("grade", [Answer.Grade.B, Answer.Grade.C])
def test_closing_unrated_a_b_or_c_answer_with_a_reason_records_it_as_unrated_and_without_a_second_answer(
    cast, grade, django_capture_on_commit_callbacks
):
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=grade)
    answer = suggestion.answers.get()

    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=f"\n{REASON}  ")

    assert closed.status == Status.CLOSED and closed.closed_at is not None
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed")
    assert (event.from_state, event.to_state, event.note) == ("answered", "closed", REASON)
    # Unrated (never counted as satisfied) and without the second answer, both kept.
    assert event.data == {
        "rated": False,
        "unrated_answers": [answer.pk],
        "without_second_answer": True,
        "grade": grade,
        "awaiting_answers": [answer.pk],
    }
    assert Rating.objects.count() == 0
    message = Notification.objects.get(recipient=cast.deputy, kind="suggestion_closed")
    assert message.title.startswith("Your suggestion is closed without a second answer: ")
    assert message.body == REASON


@pytest.mark.parametrize("grade", [Answer.Grade.A, Answer.Grade.D])
def test_closing_unrated_an_a_or_d_answer_after_the_window_needs_no_reason(
    cast, grade, django_capture_on_commit_callbacks
):
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=grade)
    answer = suggestion.answers.get()

    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)

    assert closed.status == Status.CLOSED
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed")
    assert (event.note, event.data) == ("", {"rated": False, "unrated_answers": [answer.pk]})
    message = Notification.objects.get(recipient=cast.deputy, kind="suggestion_closed")
    assert message.title.startswith("Your suggestion is closed: ")


@pytest.mark.parametrize("note", ["", REASON])
def test_inside_the_rating_window_a_b_or_c_answer_cannot_be_closed_with_or_without_a_reason(cast, note):
    # Given a grade C answer the deputy may still rate (the window's last day)
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.C)
    before = _closing_record(suggestion)

    # When the office closes it, then the window is what refuses it, as before, whatever the note
    with time_machine.travel(IN_THE_WINDOW, tick=False), pytest.raises(WorkflowError, match="may rate until"):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=note)
    assert _closing_record(suggestion) == before


def test_closing_unrated_needs_a_reason_for_a_rated_b_answer_beside_an_unrated_parallel_one(cast):
    # Given parallel units, the lead answering grade B (rated) and the parallel unit grade A (never rated)
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.HANDLING, parallel=True)
        lead = services.suggestion_answer(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            grade=Answer.Grade.B,
            text="已列入明年计划。",
        )
        parallel = services.suggestion_answer(
            assignment_id=assignment_of(suggestion, cast.parallel_unit).pk,
            actor=cast.parallel_handler,
            grade=Answer.Grade.A,
            text="已解决。",
        )
        services.suggestion_rate(answer_id=lead.pk, actor=cast.deputy, attitude="satisfied", result="satisfied")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED

    # When the office closes it unrated after the window, then the lead unit's B answer needs the reason too
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        with pytest.raises(ValidationError, match="grade B"):
            services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note=REASON)
    data = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data
    assert data == {
        "rated": False,
        "unrated_answers": [parallel.pk],
        "without_second_answer": True,
        "grade": "B",
        "awaiting_answers": [lead.pk],
    }


def test_an_unrated_second_answer_closes_after_the_window_with_no_reason(cast):
    # Given a grade B matter under follow-up whose unit has answered again (still B), the deputy not rating that
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
        second = _follow_up_answer(cast, suggestion, grade=Answer.Grade.B)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED

    # When the office closes it unrated after the window, then the second answer has come: no reason is asked
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed")
    assert (event.note, event.data) == ("", {"rated": False, "unrated_answers": [second.pk]})


def test_a_leader_puts_a_suggestion_under_priority_supervision_and_can_take_it_off(
    cast, django_capture_on_commit_callbacks
):
    suggestion = drive(cast, to=Status.ASSIGNED)
    with pytest.raises(ValidationError):
        services.suggestion_prioritize(suggestion_id=suggestion.pk, actor=cast.leader, supervising_leader=cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        marked = services.suggestion_prioritize(
            suggestion_id=suggestion.pk, actor=cast.leader, supervising_leader=cast.leader, note="主任会议确定"
        )
    assert marked.is_priority and marked.supervising_leader == cast.leader
    assert "suggestion_prioritized" in inbox(cast.lead_handler)
    cleared = services.suggestion_prioritize(
        suggestion_id=suggestion.pk, actor=cast.staff, supervising_leader=None, priority=False
    )
    assert not cleared.is_priority and cleared.supervising_leader is None


def test_a_draft_cannot_be_published_or_prioritized(cast):
    draft = drive(cast, to=Status.DRAFT)
    with pytest.raises(WorkflowError):
        services.suggestion_publish(suggestion_id=draft.pk, actor=cast.staff)
    with pytest.raises(WorkflowError):
        services.suggestion_prioritize(suggestion_id=draft.pk, actor=cast.leader, supervising_leader=cast.leader)
    registered = drive(cast, to=Status.REGISTERED)
    assert services.suggestion_publish(suggestion_id=registered.pk, actor=cast.staff).is_public
    assert not services.suggestion_publish(suggestion_id=registered.pk, actor=cast.staff, public=False).is_public


def test_a_suggestion_between_sessions_sent_back_by_re_routing_is_due_for_assignment_again(cast):
    with time_machine.travel(dt.datetime(2025, 9, 26, 2, 0), tick=False):
        suggestion = drive(cast, to=Status.ASSIGNED, session=False)
        lead = assignment_of(suggestion, cast.lead_unit)
        services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_handler, reason="不属本局职责。")
        services.assignment_decide_reroute(assignment_id=lead.pk, actor=cast.staff, approve=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REGISTERED
    assert suggestion.due_date == D(2025, 10, 10)
