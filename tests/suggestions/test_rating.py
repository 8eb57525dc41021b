"""The rating rules: only the lead deputy's own login, never defaulted, unsatisfied reopens, B/C follow up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import Notification
from congress.workflow import WorkflowError
from suggestions import services
from suggestions.models import Answer, Assignment, Rating, Suggestion
from tests.suggestions.factories import assignment_of, drive, loop_cast

# Messages are matched on their English wording; the portal itself speaks Chinese.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Suggestion.Status
D = dt.date


@pytest.fixture
def cast(county):
    return loop_cast(county)


def rate(cast, answer, result, *, actor=None, attitude=Rating.Level.SATISFIED):
    return services.suggestion_rate(
        answer_id=answer.pk, actor=actor or cast.deputy, attitude=attitude, result=result, comment="意见"
    )


def test_an_answer_waits_unrated_and_is_never_given_a_default_rating(cast):
    with time_machine.travel(dt.datetime(2025, 3, 3, 2, 0), tick=False):
        suggestion = drive(cast, to=Status.ANSWERED)
    with time_machine.travel(dt.datetime(2025, 6, 3, 2, 0), tick=False):
        # Months later, still unrated: nothing has filled a rating in.
        assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
    assert Rating.objects.count() == 0


def test_a_co_signer_receives_the_answer_but_cannot_rate(cast):
    suggestion = drive(cast, to=Status.ANSWERED, cosigned=True)
    with pytest.raises(PermissionDenied):
        rate(cast, suggestion.answers.get(), Rating.Level.SATISFIED, actor=cast.co_deputy)


def test_a_rating_cannot_be_changed_once_given(cast):
    suggestion = drive(cast, to=Status.ANSWERED, parallel=True)
    first = suggestion.answers.first()
    rate(cast, first, Rating.Level.SATISFIED)
    with pytest.raises(WorkflowError, match="cannot be changed"):
        rate(cast, first, Rating.Level.UNSATISFIED)
    assert Rating.objects.get().result == Rating.Level.SATISFIED


def test_an_unknown_level_is_refused_and_nothing_is_stored(cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    with pytest.raises(ValidationError):
        rate(cast, suggestion.answers.get(), "delighted")
    assert Rating.objects.count() == 0


def test_unsatisfied_reopens_handling_with_the_re_handling_deadline(cast, django_capture_on_commit_callbacks):
    # Given an answered suggestion
    with time_machine.travel(dt.datetime(2025, 7, 31, 2, 0), tick=False):
        suggestion = drive(cast, to=Status.ANSWERED)
        answer = suggestion.answers.get()

        # When the deputy rates the result unsatisfied
        with django_capture_on_commit_callbacks(execute=True):
            rate(cast, answer, Rating.Level.UNSATISFIED)

    # Then it goes back to the unit with two months: 31 July + 2 months = 30 September 2025 (a Tuesday)
    suggestion.refresh_from_db()
    lead = assignment_of(suggestion, cast.lead_unit)
    assert suggestion.status == Status.REHANDLING
    assert lead.status == Assignment.Status.ACCEPTED
    assert lead.answer_due == D(2025, 9, 30) == suggestion.due_date
    assert Notification.objects.filter(recipient=cast.lead_handler, kind="suggestion_rehandling").exists()

    # And its new answer is a re-handling answer, rated again by the deputy
    with time_machine.travel(dt.datetime(2025, 9, 1, 2, 0), tick=False):
        again = services.suggestion_answer(
            assignment_id=lead.pk, actor=cast.lead_handler, grade="A", text="已重新办理。"
        )
        assert again.kind == Answer.Kind.REHANDLING
        assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
        with pytest.raises(WorkflowError, match="superseded"):
            rate(cast, answer, Rating.Level.SATISFIED)
        rate(cast, again, Rating.Level.BASICALLY_SATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


def test_the_re_handling_deadline_moves_past_a_holiday(cast):
    # 1 August + 2 months = 1 October 2025, National Day: the deadline is the next working day, 9 October.
    with time_machine.travel(dt.datetime(2025, 8, 1, 2, 0), tick=False):
        suggestion = drive(cast, to=Status.ANSWERED)
        rate(cast, suggestion.answers.get(), Rating.Level.UNSATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).due_date == D(2025, 10, 9)


@pytest.mark.parametrize("grade", [Answer.Grade.B, Answer.Grade.C])
@pytest.mark.parametrize("result", [Rating.Level.SATISFIED, Rating.Level.BASICALLY_SATISFIED])
def test_a_satisfied_b_or_c_answer_stays_under_follow_up_until_a_second_answer(cast, grade, result):
    suggestion = drive(cast, to=Status.ANSWERED, grade=grade)
    rate(cast, suggestion.answers.get(), result)
    suggestion.refresh_from_db()
    lead = assignment_of(suggestion, cast.lead_unit)
    assert suggestion.status == Status.FOLLOW_UP
    assert lead.status == Assignment.Status.ACCEPTED

    second = services.suggestion_answer(assignment_id=lead.pk, actor=cast.lead_handler, grade="A", text="已解决。")
    assert second.kind == Answer.Kind.FOLLOW_UP
    rate(cast, second, Rating.Level.SATISFIED)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED and suggestion.latest_grade == "A"


@pytest.mark.parametrize("grade", [Answer.Grade.A, Answer.Grade.D])
def test_a_satisfied_a_or_d_answer_closes_the_suggestion(cast, grade):
    suggestion = drive(cast, to=Status.ANSWERED, grade=grade)
    rate(cast, suggestion.answers.get(), Rating.Level.BASICALLY_SATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


def test_an_unsatisfied_attitude_alone_does_not_reopen(cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    rate(cast, suggestion.answers.get(), Rating.Level.SATISFIED, attitude=Rating.Level.UNSATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


def test_with_parallel_units_only_the_unsatisfying_unit_handles_again(cast):
    suggestion = drive(cast, to=Status.ANSWERED, parallel=True)
    lead_answer = suggestion.answers.get(assignment__unit=cast.lead_unit)
    parallel_answer = suggestion.answers.get(assignment__unit=cast.parallel_unit)

    rate(cast, lead_answer, Rating.Level.SATISFIED)
    # Half the round is rated: nothing is decided yet.
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
    rate(cast, parallel_answer, Rating.Level.UNSATISFIED)

    suggestion.refresh_from_db()
    assert suggestion.status == Status.REHANDLING
    assert assignment_of(suggestion, cast.lead_unit).status == Assignment.Status.ANSWERED
    assert assignment_of(suggestion, cast.parallel_unit).status == Assignment.Status.ACCEPTED


def test_the_rating_is_refused_when_the_suggestion_is_not_waiting_for_it(cast):
    suggestion = drive(cast, to=Status.CLOSED)
    with pytest.raises(WorkflowError):
        rate(cast, suggestion.answers.get(), Rating.Level.UNSATISFIED)


def test_the_rating_is_kept_on_the_suggestion_for_the_statistics(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Suggestion.Status.ANSWERED, grade="A")
    answer = suggestion.answers.get()
    assert Suggestion.objects.get(pk=suggestion.pk).latest_rating is None

    services.suggestion_rate(answer_id=answer.pk, actor=cast.deputy, attitude="satisfied", result="basically_satisfied")

    assert Suggestion.objects.get(pk=suggestion.pk).latest_rating == "basically_satisfied"
