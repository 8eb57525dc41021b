"""A parallel answer rated unsatisfied beside one left unrated: after the rating window it goes back, never closed.

DOMAIN §2: unsatisfied → re-handling. The round is decided once every answer is rated; when the deputy leaves one
unrated past the window, the round is settled as if it were decided, by the hourly sweep, by the office or by a
late rating, and the unrated answer stays unrated. The office's attempt to close it is refused and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.celery import app as celery_app
from congress.models import Event, Notification
from congress.workflow import WorkflowError
from suggestions import services, tasks
from suggestions.api.examples import LAPSED_UNSATISFIED_ROUND, UNSATISFIED_ROUND
from suggestions.models import Answer, Assignment, Rating, Suggestion
from suggestions.services.closing import (
    RoundStanding,
    lapsed_round_message,
    lapsed_rounds,
    unsatisfied_round_message,
)
from tests.api.helpers import as_person
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
D = dt.date
UNSATISFIED = Rating.Level.UNSATISFIED
# Answered on 3 March 2025: the deputy may rate until 31 March. (10:00 UTC is 18:00 in Beijing, the portal's day.)
ANSWERED_ON = dt.datetime(2025, 3, 3, 10, 0)
IN_THE_WINDOW = dt.datetime(2025, 3, 31, 10, 0)
AFTER_THE_WINDOW = dt.datetime(2025, 4, 1, 10, 0)
# Sent back on 1 April: + 2 months = Sunday 1 June, in the Dragon Boat holiday; the next working day is 3 June.
REHANDLING_DUE = D(2025, 6, 3)


@pytest.fixture
def cast(county):
    return loop_cast(county)


def rate(cast, answer: Answer, result: str) -> Rating:
    return services.suggestion_rate(answer_id=answer.pk, actor=cast.deputy, attitude="satisfied", result=result)


def half_rated(cast, result: str = UNSATISFIED) -> tuple[Suggestion, Answer, Answer]:
    """Answered by the lead (县交通运输局) and a parallel unit (县住建局); only the parallel answer is rated."""
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, parallel=True)
        lead = suggestion.answers.get(assignment__unit=cast.lead_unit)
        parallel = suggestion.answers.get(assignment__unit=cast.parallel_unit)
        rate(cast, parallel, result)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
    return suggestion, lead, parallel


def record(suggestion: Suggestion) -> tuple:
    """What a refused step must leave as it was."""
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    return (
        fresh.status,
        fresh.due_date,
        fresh.updated_at,
        list(fresh.assignments.order_by("pk").values_list("status", "answer_due")),
        Event.objects.count(),
        Notification.objects.count(),
    )


def assert_sent_back(cast, suggestion: Suggestion, lead: Answer, *, actor) -> None:
    """Only the unsatisfying unit handles it again; the unrated answer stays unrated and is recorded as such."""
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REHANDLING and suggestion.due_date == REHANDLING_DUE
    parallel_assignment = assignment_of(suggestion, cast.parallel_unit)
    assert parallel_assignment.status == Assignment.Status.ACCEPTED
    assert parallel_assignment.answer_due == REHANDLING_DUE
    assert assignment_of(suggestion, cast.lead_unit).status == Assignment.Status.ANSWERED
    assert not lead.ratings.exists()
    event = Event.objects.get(object_id=suggestion.pk, kind="suggestion_rehandling")
    assert (event.actor, event.from_state, event.to_state) == (actor, "answered", "rehandling")
    assert event.data == {
        "assignments": [parallel_assignment.pk],
        "unit_names": ["县住建局"],
        "answer_due": REHANDLING_DUE.isoformat(),
        "unrated_answers": [lead.pk],
        "unrated_unit_names": ["县交通运输局"],
    }
    assert not Event.objects.filter(object_id=suggestion.pk, kind="suggestion_closed").exists()
    # The same messages as a round rated in full: to the unsatisfying unit and the office, not to the other unit.
    assert Notification.objects.filter(recipient=cast.parallel_handler, kind="suggestion_rehandling").exists()
    assert Notification.objects.filter(recipient=cast.staff, kind="suggestion_rehandling").exists()
    assert not Notification.objects.filter(recipient=cast.lead_handler, kind="suggestion_rehandling").exists()


# The service


@pytest.mark.usefixtures("english")
def test_after_the_window_an_unsatisfied_parallel_answer_goes_back_and_the_unrated_one_stays_unrated(
    cast, django_capture_on_commit_callbacks
):
    # Given the deputy rated the parallel unit's answer unsatisfied and never rated the lead unit's
    suggestion, lead, _parallel = half_rated(cast)

    # When the rating window has passed and the round is settled
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.suggestion_settle_round(suggestion_id=suggestion.pk)

    # Then the parallel unit handles it again, with the re-handling deadline, and nothing counts as satisfied
    assert_sent_back(cast, suggestion, lead, actor=None)
    assert Rating.objects.filter(answer__suggestion=suggestion).count() == 1


@pytest.mark.usefixtures("english")
def test_inside_the_window_the_round_waits_for_the_other_rating(cast):
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)

    with time_machine.travel(IN_THE_WINDOW, tick=False), pytest.raises(WorkflowError, match="after March 31, 2025"):
        services.suggestion_settle_round(suggestion_id=suggestion.pk)

    assert record(suggestion) == before


@pytest.mark.usefixtures("english")
def test_a_lapsed_round_with_nothing_unsatisfied_is_not_sent_back(cast):
    suggestion, _lead, _parallel = half_rated(cast, result=Rating.Level.BASICALLY_SATISFIED)
    before = record(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False), pytest.raises(WorkflowError, match="nothing to send back"):
        services.suggestion_settle_round(suggestion_id=suggestion.pk)

    assert record(suggestion) == before


@pytest.mark.usefixtures("english")
def test_settling_twice_is_refused_the_second_time_as_a_step_already_taken(cast):
    suggestion, _lead, _parallel = half_rated(cast)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=cast.staff)
        before = record(suggestion)
        with pytest.raises(WorkflowError, match="already Re-handling"):
            services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=cast.staff)
    assert record(suggestion) == before


def test_only_the_office_may_send_it_back(cast):
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        for person in (cast.leader, cast.parallel_handler, cast.deputy, cast.foreign_staff):
            with pytest.raises(PermissionDenied):
                services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=person)
    assert record(suggestion) == before


@pytest.mark.usefixtures("english")
def test_a_late_unsatisfied_rating_beside_an_unrated_answer_sends_it_back_at_once(
    cast, django_capture_on_commit_callbacks
):
    # Given both answers unrated when the window ends
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, parallel=True)
    lead = suggestion.answers.get(assignment__unit=cast.lead_unit)
    parallel = suggestion.answers.get(assignment__unit=cast.parallel_unit)

    # When the deputy rates the parallel answer unsatisfied, late
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        rate(cast, parallel, UNSATISFIED)

    # Then nothing is left to wait for: it goes back at once, by the deputy's rating
    assert_sent_back(cast, suggestion, lead, actor=cast.deputy)


@pytest.mark.usefixtures("english")
def test_after_re_handling_the_answer_left_unrated_may_be_rated_in_the_next_round(cast):
    # Given a lapsed round sent back to the parallel unit, which answers again
    suggestion, lead, _parallel = half_rated(cast)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        services.suggestion_settle_round(suggestion_id=suggestion.pk)
        again = services.suggestion_answer(
            assignment_id=assignment_of(suggestion, cast.parallel_unit).pk,
            actor=cast.parallel_handler,
            grade=Answer.Grade.A,
            text="已重新办理，问题已解决。",
        )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    # Both answers of the new round wait for the deputy, the one left unrated with a new window too.
    lead.refresh_from_db()
    again.refresh_from_db()
    assert lead.rating_due == again.rating_due == suggestion.due_date > D(2025, 4, 1)

    # When the deputy rates both satisfied, then the round is decided as usual: it is closed, rated
    rate(cast, again, Rating.Level.SATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
    rate(cast, lead, Rating.Level.SATISFIED)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


# Closing


@pytest.mark.usefixtures("english")
def test_inside_the_window_closing_an_unsatisfied_round_is_refused_naming_the_unit(cast):
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)

    with time_machine.travel(IN_THE_WINDOW, tick=False), pytest.raises(WorkflowError) as refused:
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note="代表未评价")

    assert str(refused.value) == (
        "The deputy rated the answer of 县住建局 unsatisfied, so it goes back to re-handling, not to closing: "
        "once the other answers are rated, or after March 31, 2025 if they are not."
    )
    assert record(suggestion) == before


@pytest.mark.usefixtures("english")
def test_after_the_window_closing_an_unsatisfied_round_is_refused_saying_how_it_goes_back(
    cast, django_capture_on_commit_callbacks
):
    # Given the lapsed round, not yet swept
    suggestion, lead, _parallel = half_rated(cast)
    before = record(suggestion)

    # When the office closes it
    with (
        time_machine.travel(AFTER_THE_WINDOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(WorkflowError) as refused,
    ):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff, note="代表逾期未评价")

    # Then it is refused, saying how it goes back, and nothing is changed: a 409 is a step not taken
    assert str(refused.value) == (
        "It cannot be closed: the deputy rated the answer of 县住建局 unsatisfied, so it goes back to 县住建局 for "
        "re-handling. The office may send it back now from the suggestion's page (“Send back for re-handling now”); "
        "otherwise the portal does so within the hour."
    )
    assert record(suggestion) == before

    # And the office's send-back then does what the refusal said, once
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=cast.staff)
    assert_sent_back(cast, suggestion, lead, actor=cast.staff)
    assert "suggestion_closed" not in Notification.objects.filter(recipient=cast.deputy).values_list("kind", flat=True)


@pytest.mark.usefixtures("english")
def test_an_unsatisfied_answer_of_an_earlier_round_does_not_stop_closing_unrated(cast):
    # Given an answer rated unsatisfied, answered again after re-handling, and that answer left unrated
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.REHANDLING)
        again = services.suggestion_answer(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            grade=Answer.Grade.A,
            text="已重新办理。",
        )
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        assert list(lapsed_rounds(D(2025, 4, 1))) == []
        with pytest.raises(WorkflowError, match="nothing to send back"):
            services.suggestion_settle_round(suggestion_id=suggestion.pk)
        closed = services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff)
    assert closed.status == Status.CLOSED
    data = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data
    assert data == {"rated": False, "unrated_answers": [again.pk]}


# The hourly sweep


def test_the_sweep_settles_the_lapsed_rounds_only_and_a_second_run_finds_none(cast, django_capture_on_commit_callbacks):
    # Given a lapsed unsatisfied round; one answered later, still inside its window; one lapsed with nothing
    # unsatisfied; one whose only unsatisfied rating is of an earlier round; and a closed one
    lapsed, lead, _parallel = half_rated(cast)
    with time_machine.travel(dt.datetime(2025, 3, 20, 10, 0), tick=False):
        later = drive(cast, to=Status.ANSWERED, parallel=True)
        rate(cast, later.answers.get(assignment__unit=cast.parallel_unit), UNSATISFIED)
    satisfied, _, _ = half_rated(cast, result=Rating.Level.SATISFIED)
    with time_machine.travel(ANSWERED_ON, tick=False):
        earlier = drive(cast, to=Status.REHANDLING)
        services.suggestion_answer(
            assignment_id=assignment_of(earlier, cast.lead_unit).pk, actor=cast.lead_handler, grade="A", text="已办。"
        )
        drive(cast, to=Status.CLOSED)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        # When beat runs the sweep, then only the lapsed unsatisfied round goes back
        assert tasks.settle_lapsed_rounds.delay().get() == 1
        # And twice is harmless
        assert tasks.settle_lapsed_rounds.delay().get() == 0

    assert_sent_back(cast, lapsed, lead, actor=None)
    waiting = Suggestion.objects.filter(pk__in=[later.pk, satisfied.pk, earlier.pk])
    assert set(waiting.values_list("status", flat=True)) == {Status.ANSWERED}

    # And the round answered later goes back once its own window has passed
    with time_machine.travel(dt.datetime(2025, 4, 30, 10, 0), tick=False):
        assert services.suggestions_settle_lapsed_rounds() == 1
    assert Suggestion.objects.get(pk=later.pk).status == Status.REHANDLING
    assert Suggestion.objects.get(pk=satisfied.pk).status == Status.ANSWERED


def test_the_sweep_finds_the_lapsed_rounds_in_the_same_few_queries_however_many_there_are(cast):
    def finding_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            list(lapsed_rounds(D(2025, 4, 1)))
        return len(queries)

    half_rated(cast)
    one = finding_queries()
    for _ in range(4):
        half_rated(cast)
    assert finding_queries() == one <= 2
    assert len(lapsed_rounds(D(2025, 4, 1))) == 5


def test_the_sweep_goes_through_every_batch(cast):
    for _ in range(3):
        half_rated(cast)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        assert services.suggestions_settle_lapsed_rounds(batch=2) == 3
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Status.REHANDLING}


def test_beat_runs_the_sweep_hourly():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.settle_lapsed_rounds.name)
    assert entry["schedule"] <= 3600
    assert tasks.settle_lapsed_rounds.name in celery_app.tasks


# The staff page


def detail(client, suggestion: Suggestion) -> str:
    return client.get(f"/suggestions/{suggestion.pk}/").content.decode()


def test_inside_the_window_the_page_says_when_it_becomes_closable_instead_of_offering_the_close_form(client, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, parallel=True)
    client.force_login(cast.staff)
    with time_machine.travel(IN_THE_WINDOW, tick=False):
        page = detail(client, suggestion)
    assert 'data-testid="close-form"' not in page
    assert "代表可在2025-03-31前评价；届时仍有答复未评价的，自2025-04-01起可以未评价办结。" in page
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        page = detail(client, suggestion)
    assert 'data-testid="close-form"' in page and 'data-testid="close-standing"' not in page


def test_inside_the_window_the_page_says_an_unsatisfied_round_goes_back_and_offers_no_close(client, cast):
    suggestion, _lead, _parallel = half_rated(cast)
    client.force_login(cast.staff)
    with time_machine.travel(IN_THE_WINDOW, tick=False):
        page = detail(client, suggestion)
    assert 'data-testid="close-form"' not in page and 'data-testid="settle-round-form"' not in page
    assert (
        "代表对县住建局的答复评价为不满意，该建议应重新办理，不能办结：其余答复评价后即退回重新办理；"
        "至2025-03-31仍未评价的，期满后退回。"
    ) in page


def test_after_the_window_the_page_offers_to_send_it_back_now_and_the_timeline_names_the_unrated_unit(
    client, cast, django_capture_on_commit_callbacks
):
    suggestion, lead, _parallel = half_rated(cast)
    client.force_login(cast.staff)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        page = detail(client, suggestion)
        assert 'data-testid="close-form"' not in page and 'data-testid="settle-round-form"' in page
        assert "对县交通运输局的答复未在评价期限内评价：该建议退回县住建局重新办理，不能办结。" in page
        assert "系统将在一小时内自动退回" in page

        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(reverse("suggestions:settle_round", args=[suggestion.pk]), follow=True)

    assert done.status_code == 200
    text = done.content.decode()
    assert "已退回重新办理，须于2025年6月3日前重新答复。" in text
    assert_sent_back(cast, suggestion, lead, actor=cast.staff)
    last = text[text.index('data-testid="timeline"') :].split("</ol>")[0].split("<li>")[-1]
    assert "县住建局" in last and "评价期限内未评价：县交通运输局" in last


def test_a_close_posted_from_a_stale_page_after_the_window_is_refused_and_offers_to_send_it_back(
    client, cast, django_capture_on_commit_callbacks
):
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)
    client.force_login(cast.staff)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suggestions:close", args=[suggestion.pk]), {"close-note": "代表逾期未评价"})
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "不能办结：代表对县住建局的答复评价为不满意，该建议应退回县住建局重新办理。"
        "可在建议页面点击“现在退回重新办理”立即退回，否则系统将在一小时内自动退回。"
    ) in page
    # The page it shows is the current one, with the button the message names
    assert 'data-testid="settle-round-form"' in page and 'data-testid="close-form"' not in page
    assert record(suggestion) == before


def test_people_other_than_the_office_cannot_send_it_back_from_the_page(client, cast):
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        for person in (cast.member, cast.parallel_handler):
            client.force_login(person)
            assert client.post(reverse("suggestions:settle_round", args=[suggestion.pk])).status_code in (403, 404)
    assert record(suggestion) == before


# The API


def test_the_api_close_refuses_an_unsatisfied_round_with_a_409_that_changes_nothing(
    cast, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    api = APIClient()
    suggestion, lead, _parallel = half_rated(cast)
    as_person(api, cast.staff)
    url = f"/api/v1/suggestions/{suggestion.pk}/close/"

    with time_machine.travel(IN_THE_WINDOW, tick=False):
        waiting = api.post(url, {"note": "代表未评价"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert waiting.status_code == 409
    # The messages as the schema's examples show them.
    assert waiting.json()["error"] == {
        "code": "conflict",
        "message": UNSATISFIED_ROUND % {"units": "县住建局", "date": "2025年3月31日"},
        "fields": {},
    }
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED

    before = record(suggestion)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        lapsed = api.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert lapsed.status_code == 409
    assert lapsed.json()["error"] == {
        "code": "conflict",
        "message": LAPSED_UNSATISFIED_ROUND % {"units": "县住建局"},
        "fields": {},
    }
    assert record(suggestion) == before

    # And the hourly sweep sends it back, once; asked again, it is simply no longer closable from re-handling
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.settle_lapsed_rounds.delay().get() == 1
        again = api.post(url, {}, format="json")
    assert_sent_back(cast, suggestion, lead, actor=None)
    assert again.status_code == 409
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.REHANDLING


def test_the_schema_examples_carry_the_messages_the_service_writes(cast):
    from django.utils import translation

    suggestion, _lead, parallel = half_rated(cast)
    parallel = Answer.objects.select_related("assignment__unit").prefetch_related("ratings").get(pk=parallel.pk)
    standing = RoundStanding(unsatisfied=[parallel], unrated=[], open_until=D(2025, 4, 14))
    with translation.override("zh-hans"):
        assert unsatisfied_round_message(standing) == UNSATISFIED_ROUND % {"units": "县住建局", "date": "2025年4月14日"}
        assert lapsed_round_message(standing) == LAPSED_UNSATISFIED_ROUND % {"units": "县住建局"}


# At once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sweep_the_office_closing_and_a_late_rating_at_once_send_it_back_once(county):
    from tests.suggestions.test_concurrency import run_at_once

    # Given the lapsed round
    cast = loop_cast(county)
    suggestion, lead, _parallel = half_rated(cast)

    # When the sweep, the office closing it and the deputy rating the other answer late all act at once
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        results = run_at_once(
            lambda: services.suggestion_settle_round(suggestion_id=suggestion.pk),
            lambda: services.suggestion_close(suggestion_id=suggestion.pk, actor=cast.staff),
            lambda: rate(cast, lead, Rating.Level.SATISFIED),
        )

    # Then the close is refused, whatever it ran before or after, and exactly one of the sweep and the late rating
    # sends it back; the other is told it changed. It goes back to re-handling once and is never closed.
    assert isinstance(results[1], WorkflowError), results
    assert sum(not isinstance(result, Exception) for result in results) == 1, results
    assert all(isinstance(result, WorkflowError) for result in results if isinstance(result, Exception)), results
    sent_back = Event.objects.get(object_id=suggestion.pk, kind="suggestion_rehandling")
    assert sent_back.actor in (None, cast.deputy)
    assert not Event.objects.filter(object_id=suggestion.pk, kind="suggestion_closed").exists()
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    assert fresh.status == Status.REHANDLING
    assert assignment_of(fresh, cast.parallel_unit).status == Assignment.Status.ACCEPTED
