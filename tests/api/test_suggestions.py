"""The suggestions API: every step for the allowed actor and a forbidden one, visibility, conflicts, retries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from congress.models import Event, Role
from suggestions import services
from suggestions.api.examples import CLOSE_REASON_REQUIRED, RATING_WINDOW_OPEN
from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Rating, Suggestion
from tests.api.helpers import as_key, as_person, client_key
from tests.congress.factories import make_user
from tests.suggestions.factories import assignment_of, drive, loop_cast, pdf_letter

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
LIST = "/api/v1/suggestions/"


def detail_url(suggestion: Suggestion) -> str:
    return f"{LIST}{suggestion.pk}/"


def step_url(suggestion: Suggestion, step: str) -> str:
    return f"{LIST}{suggestion.pk}/{step}/"


@pytest.fixture
def cast(county):
    return loop_cast(county)


def invited_draft(cast) -> Suggestion:
    """A draft by cast.deputy with cast.co_deputy invited to co-sign, not yet confirmed."""
    return services.suggestion_create(
        body=cast.body,
        lead_deputy=cast.lead_deputy,
        title="关于增设公交站点的建议",
        content="城东新区缺少公交站点。",
        actor=cast.deputy,
        session=cast.session,
        cosigner_ids=[cast.co_deputy_record.pk],
    )


def reroute_requested(cast) -> Suggestion:
    suggestion = drive(cast, to=Status.ASSIGNED)
    services.assignment_request_reroute(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk, actor=cast.lead_handler, reason="不属本单位职责"
    )
    return suggestion


def extension_pending(cast) -> Suggestion:
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    services.extension_request(
        assignment_id=assignment.pk,
        actor=cast.lead_handler,
        reason="需要财政预算安排",
        requested_until=assignment.answer_due + dt.timedelta(days=10),
    )
    return suggestion


def lead(cast, suggestion) -> int:
    return assignment_of(suggestion, cast.lead_unit).pk


# Each step: (url part, how to reach the state, allowed actor, forbidden actor, body, expected status code).
STEPS = [
    ("submit", lambda c: drive(c, to=Status.DRAFT), "deputy", "staff", lambda c, s: {}, 200),
    ("withdraw", lambda c: drive(c, to=Status.SUBMITTED), "deputy", "staff", lambda c, s: {"note": "已解决"}, 200),
    ("cosign", invited_draft, "co_deputy", "deputy", lambda c, s: {}, 200),
    ("register", lambda c: drive(c, to=Status.SUBMITTED), "staff", "leader", lambda c, s: {}, 200),
    (
        "reject",
        lambda c: drive(c, to=Status.SUBMITTED),
        "staff",
        "leader",
        lambda c, s: {"reason": "personal_matter", "note": "属个人诉求"},
        200,
    ),
    (
        "assign",
        lambda c: drive(c, to=Status.REGISTERED),
        "staff",
        "leader",
        lambda c, s: {"lead_unit": c.lead_unit.pk, "co_units": [c.co_unit.pk]},
        200,
    ),
    (
        "accept",
        lambda c: drive(c, to=Status.ASSIGNED),
        "lead_handler",
        "staff",
        lambda c, s: {"assignment_id": lead(c, s)},
        200,
    ),
    (
        "request-reroute",
        lambda c: drive(c, to=Status.ASSIGNED),
        "lead_handler",
        "staff",
        lambda c, s: {"assignment_id": lead(c, s), "reason": "不属本单位职责"},
        200,
    ),
    (
        "decide-reroute",
        reroute_requested,
        "staff",
        "leader",
        lambda c, s: {"assignment_id": lead(c, s), "approve": False, "note": "请继续办理"},
        200,
    ),
    (
        "contact",
        lambda c: drive(c, to=Status.HANDLING),
        "lead_handler",
        "staff",
        lambda c, s: {
            "assignment_id": lead(c, s),
            "method": "phone",
            "contacted_on": timezone.localdate().isoformat(),
            "participants": "王芳代表、李科长",
            "summary": "沟通办理方案",
        },
        201,
    ),
    (
        "co-opinion",
        lambda c: drive(c, to=Status.HANDLING, co=True),
        "co_handler",
        "lead_handler",
        lambda c, s: {"assignment_id": assignment_of(s, c.co_unit).pk, "text": "同意主办单位意见"},
        201,
    ),
    (
        "request-extension",
        lambda c: drive(c, to=Status.HANDLING),
        "lead_handler",
        "staff",
        lambda c, s: {
            "assignment_id": lead(c, s),
            "reason": "需要财政预算安排",
            "requested_until": (assignment_of(s, c.lead_unit).answer_due + dt.timedelta(days=10)).isoformat(),
        },
        201,
    ),
    (
        "decide-extension",
        extension_pending,
        "staff",
        "member",
        lambda c, s: {"extension_id": ExtensionRequest.objects.get().pk, "approve": True},
        200,
    ),
    (
        "answer",
        lambda c: drive(c, to=Status.HANDLING),
        "lead_handler",
        "staff",
        lambda c, s: {"assignment_id": lead(c, s), "grade": "A", "text": "已完成改造。"},
        201,
    ),
    (
        "rate",
        lambda c: drive(c, to=Status.ANSWERED),
        "deputy",
        "staff",
        lambda c, s: {"answer_id": s.answers.get().pk, "attitude": "satisfied", "result": "satisfied"},
        201,
    ),
    (
        "close",
        lambda c: drive(c, to=Status.FOLLOW_UP, grade=Answer.Grade.B),
        "staff",
        "leader",
        lambda c, s: {"note": "已列入计划"},
        200,
    ),
    ("revisit", lambda c: drive(c, to=Status.CLOSED), "staff", "leader", lambda c, s: {"note": "代表满意"}, 200),
    ("archive", lambda c: drive(c, to=Status.CLOSED), "staff", "leader", lambda c, s: {}, 200),
    (
        "prioritize",
        lambda c: drive(c, to=Status.REGISTERED),
        "leader",
        "member",
        lambda c, s: {"supervising_leader": c.leader.pk, "note": "主任会议确定"},
        200,
    ),
    ("publish", lambda c: drive(c, to=Status.REGISTERED), "staff", "leader", lambda c, s: {"public": True}, 200),
]
STEP_IDS = [step[0] for step in STEPS]


def snapshot(suggestion: Suggestion) -> SimpleNamespace:
    """What a step could change, to prove a refused one changed nothing."""
    suggestion.refresh_from_db()
    return SimpleNamespace(
        suggestion=(suggestion.status, suggestion.is_priority, suggestion.is_public, suggestion.number),
        assignments=sorted(Assignment.objects.filter(suggestion=suggestion).values_list("pk", "status", "answer_due")),
        events=Event.objects.count(),
        created=(Contact.objects.count(), CoOpinion.objects.count(), Answer.objects.count(), Rating.objects.count()),
        extensions=sorted(ExtensionRequest.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize(("step", "reach", "allowed", "forbidden", "body", "code"), STEPS, ids=STEP_IDS)
def test_allowed_actor_takes_each_step_through_the_api(api, cast, step, reach, allowed, forbidden, body, code):
    suggestion = reach(cast)
    events_before = Event.objects.count()

    response = as_person(api, getattr(cast, allowed)).post(
        step_url(suggestion, step), body(cast, suggestion), format="json"
    )

    assert response.status_code == code, response.json()
    assert Event.objects.count() > events_before
    if code == 200:
        assert response.json()["id"] == suggestion.pk
        assert response.json()["timeline"][-1]["id"] == Event.objects.latest("id").pk


@pytest.mark.parametrize(("step", "reach", "allowed", "forbidden", "body", "code"), STEPS, ids=STEP_IDS)
def test_forbidden_actor_is_refused_each_step_and_nothing_changes(
    api, cast, step, reach, allowed, forbidden, body, code
):
    suggestion = reach(cast)
    as_person(api, getattr(cast, forbidden))
    before = snapshot(suggestion)

    response = api.post(step_url(suggestion, step), body(cast, suggestion), format="json")

    assert response.status_code == 403, response.json()
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot(suggestion) == before


@pytest.mark.parametrize("step", ["register", "accept", "answer", "rate"])
def test_a_suggestion_outside_what_the_caller_sees_is_404_for_every_step(api, cast, step):
    suggestion = drive(cast, to=Status.SUBMITTED)
    foreign, other_unit = APIClient(), APIClient()
    as_person(foreign, cast.foreign_staff)
    as_person(other_unit, cast.other_handler)
    before = snapshot(suggestion)

    foreign = foreign.post(step_url(suggestion, step), {}, format="json")
    other_unit = other_unit.post(step_url(suggestion, step), {}, format="json")

    assert foreign.status_code == other_unit.status_code == 404
    assert snapshot(suggestion) == before


def test_acting_twice_is_a_conflict_the_second_time(api, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    as_person(api, cast.staff)

    first = api.post(step_url(suggestion, "register"), {}, format="json")
    second = api.post(step_url(suggestion, "register"), {}, format="json")

    suggestion.refresh_from_db()
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    assert suggestion.number == 1


def test_a_retried_step_with_its_idempotency_key_is_replayed_not_applied_again(api, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    body = {
        "assignment_id": lead(cast, suggestion),
        "method": "visit",
        "contacted_on": timezone.localdate().isoformat(),
        "participants": "王芳代表",
        "summary": "走访代表",
    }
    as_person(api, cast.lead_handler)

    first = api.post(step_url(suggestion, "contact"), body, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    retry = api.post(step_url(suggestion, "contact"), body, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    other = api.post(
        step_url(suggestion, "contact"), {**body, "summary": "另一次"}, format="json", HTTP_IDEMPOTENCY_KEY="contact-1"
    )

    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert Contact.objects.count() == 1


def test_a_step_on_another_suggestions_assignment_is_bad_input(api, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    elsewhere = drive(cast, to=Status.ASSIGNED)

    response = as_person(api, cast.lead_handler).post(
        step_url(suggestion, "accept"), {"assignment_id": lead(cast, elsewhere)}, format="json"
    )

    assert response.status_code == 400
    assert "assignment_id" in response.json()["error"]["fields"]
    assert not Assignment.objects.filter(status=Assignment.Status.ACCEPTED).exists()


def test_a_service_rule_on_the_input_is_a_400_naming_the_field(api, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)

    response = as_person(api, cast.lead_handler).post(
        step_url(suggestion, "request-extension"),
        {
            "assignment_id": assignment.pk,
            "reason": "需要更多时间",
            "requested_until": (assignment.hard_deadline + dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert "requested_until" in response.json()["error"]["fields"]
    assert not ExtensionRequest.objects.exists()


def test_closing_before_the_second_answer_without_a_reason_is_a_400_with_the_rule_and_with_one_a_200(api, cast):
    # Given a grade C answer under follow-up, the unit's second answer not yet given
    suggestion = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    as_person(api, cast.staff)

    # When a county system closes it with no note (asking in Chinese), then a blank one (in English), then the reason
    missing = api.post(step_url(suggestion, "close"), {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    blank = api.post(step_url(suggestion, "close"), {"note": "  "}, format="json")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.FOLLOW_UP
    done = api.post(step_url(suggestion, "close"), {"note": "受资金限制，本届内难以实施。"}, format="json")

    # Then the first two are refused on the note in the caller's language (the Chinese as the schema's example
    # shows it); the third closes it
    assert missing.status_code == blank.status_code == 400
    assert missing.json()["error"]["fields"] == {"note": [CLOSE_REASON_REQUIRED % {"grade": "C"}]}
    assert blank.json()["error"]["fields"] == {
        "note": ["It was answered with grade C and no second answer has come since; say why it is closed without one."]
    }
    assert done.status_code == 200
    assert done.json()["status"] == Status.CLOSED
    assert done.json()["timeline"][-1]["note"] == "受资金限制，本届内难以实施。"
    assert Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data["without_second_answer"] is True


# Drive on 3 March 2025: the deputy may rate until 31 March.
ANSWERED_ON = dt.datetime(2025, 3, 3, 10, 0)


def test_closing_unrated_a_b_answer_after_the_window_without_a_reason_is_a_400_and_with_one_a_200(api, cast):
    # Given a grade B answer the deputy never rated, its rating window over
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.B)
    answer = suggestion.answers.get()
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, 0), tick=False):
        as_person(api, cast.staff)

        # When a county system closes it with no note, then with the reason
        missing = api.post(step_url(suggestion, "close"), {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED
        done = api.post(
            step_url(suggestion, "close"), {"note": "代表逾期未评价；受资金限制，本届内难以实施。"}, format="json"
        )

    # Then the first is refused on the note as under follow-up (the schema's example); the second closes it unrated
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"note": [CLOSE_REASON_REQUIRED % {"grade": "B"}]}
    assert done.status_code == 200
    assert done.json()["status"] == Status.CLOSED
    assert done.json()["timeline"][-1]["note"] == "代表逾期未评价；受资金限制，本届内难以实施。"
    data = Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data
    assert data == {
        "rated": False,
        "unrated_answers": [answer.pk],
        "without_second_answer": True,
        "grade": "B",
        "awaiting_answers": [answer.pk],
    }


def test_closing_unrated_a_d_answer_after_the_window_needs_no_note(api, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.D)
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, 0), tick=False):
        as_person(api, cast.staff)
        done = api.post(step_url(suggestion, "close"), {}, format="json")

    assert done.status_code == 200
    assert done.json()["status"] == Status.CLOSED
    assert "without_second_answer" not in Event.objects.get(object_id=suggestion.pk, kind="suggestion_closed").data


def test_closing_unrated_inside_the_window_is_a_409_whatever_the_note(api, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        suggestion = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.C)
    with time_machine.travel(dt.datetime(2025, 3, 31, 10, 0), tick=False):
        as_person(api, cast.staff)
        blank = api.post(step_url(suggestion, "close"), {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        noted = api.post(step_url(suggestion, "close"), {"note": "受资金限制，本届内难以实施。"}, format="json")

    assert blank.status_code == noted.status_code == 409
    # The message as the schema's example shows it.
    assert blank.json()["error"] == {
        "code": "conflict",
        "message": RATING_WINDOW_OPEN % {"date": "2025年3月31日"},
        "fields": {},
    }
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED


# The answer and its letter


def test_unit_answers_with_its_letter_as_multipart_and_signers_download_it(api, cast):
    suggestion = drive(cast, to=Status.HANDLING, cosigned=True)

    response = as_person(api, cast.lead_handler).post(
        step_url(suggestion, "answer"),
        {"assignment_id": lead(cast, suggestion), "grade": "B", "text": "已列入明年计划。", "letter": pdf_letter()},
        format="multipart",
    )
    answer = Answer.objects.get()
    letter_url = response.json()["letter_url"]
    download = as_person(api, cast.co_deputy).get(letter_url)

    assert response.status_code == 201
    assert (response.json()["grade"], response.json()["letter_name"]) == ("B", "答复函.pdf")
    assert letter_url.endswith(f"/api/v1/suggestions/{suggestion.pk}/answers/{answer.pk}/letter/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_large_letter_retried_with_its_idempotency_key_is_answered_once(api, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    suggestion = drive(cast, to=Status.HANDLING)
    # Over Django's 2.5 MB in-memory limit, as scanned letters with stamps often are.
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"

    def post():
        letter = SimpleUploadedFile("答复函.pdf", big, content_type="application/pdf")
        return as_person(api, cast.lead_handler).post(
            step_url(suggestion, "answer"),
            {"assignment_id": lead(cast, suggestion), "grade": "A", "text": "已解决。", "letter": letter},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="letter-1",
        )

    first, retry = post(), post()

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert Answer.objects.count() == 1


def test_a_letter_that_is_not_a_document_is_refused(api, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    suggestion = drive(cast, to=Status.HANDLING)
    fake = SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = as_person(api, cast.lead_handler).post(
        step_url(suggestion, "answer"),
        {"assignment_id": lead(cast, suggestion), "grade": "A", "text": "已办结。", "letter": fake},
        format="multipart",
    )

    assert response.status_code == 400
    assert "letter" in response.json()["error"]["fields"]
    assert not Answer.objects.exists()


def test_a_deputy_reading_a_published_suggestion_sees_only_its_published_answers_without_letters(api, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    services.suggestion_answer(
        assignment_id=lead(cast, suggestion), actor=cast.lead_handler, grade="A", text="已完成。", letter=pdf_letter()
    )
    services.suggestion_publish(suggestion_id=suggestion.pk, actor=cast.staff)
    answer = Answer.objects.get()

    stranger = as_person(api, cast.other_deputy).get(detail_url(suggestion)).json()
    signer = as_person(api, cast.deputy).get(detail_url(suggestion)).json()
    download = as_person(api, cast.other_deputy).get(f"{detail_url(suggestion)}answers/{answer.pk}/letter/")

    assert stranger["answers"] == []
    assert stranger["timeline"] == []
    assert [item["id"] for item in signer["answers"]] == [answer.pk]
    assert signer["answers"][0]["letter_url"]
    assert download.status_code == 404


# Reading


def test_detail_shows_signers_units_answers_ratings_and_timeline(api, cast):
    suggestion = drive(cast, to=Status.CLOSED, cosigned=True, co=True)

    data = as_person(api, cast.staff).get(detail_url(suggestion)).json()

    assert [signer["role"] for signer in data["signers"]] == ["lead", "co"]
    assert [item["unit"] for item in data["assignments"]] == [cast.lead_unit.pk, cast.co_unit.pk]
    assert [answer["grade"] for answer in data["answers"]] == ["A"]
    assert data["answers"][0]["ratings"][0]["result"] == "satisfied"
    assert data["reference"] == suggestion.reference
    kinds = [event["kind"] for event in data["timeline"]]
    assert kinds[0] == "suggestion_created"
    assert "answer_rated" in kinds
    assert kinds[-1] == "suggestion_closed"


def test_each_caller_lists_only_what_they_may_see(api, cast):
    assigned = drive(cast, to=Status.ASSIGNED)
    submitted = drive(cast, to=Status.SUBMITTED)

    def ids(user):
        return {item["id"] for item in as_person(api, user).get(LIST).json()["results"]}

    assert ids(cast.staff) == {assigned.pk, submitted.pk}
    assert ids(cast.deputy) == {assigned.pk, submitted.pk}
    assert ids(cast.lead_handler) == {assigned.pk}
    assert ids(cast.other_handler) == set()
    assert ids(cast.foreign_staff) == set()
    assert as_person(api, cast.other_handler).get(detail_url(assigned)).status_code == 404


def test_list_filters_by_the_staff_lists_names_and_searches_text(api, cast):
    registered = drive(cast, to=Status.REGISTERED)
    handling = drive(cast, to=Status.HANDLING)
    services.suggestion_prioritize(suggestion_id=registered.pk, actor=cast.leader, supervising_leader=cast.leader)
    Suggestion.objects.filter(pk=handling.pk).update(title="关于修缮城关小学操场的建议", due_date=dt.date(2020, 1, 1))
    as_person(api, cast.staff)

    def ids(**params):
        response = api.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids(status=["registered", "handling"]) == [handling.pk, registered.pk]
    assert ids(status="handling") == [handling.pk]
    assert ids(unit=cast.lead_unit.pk) == [handling.pk]
    assert ids(priority="true") == [registered.pk]
    assert ids(overdue="true") == [handling.pk]
    assert ids(search="城关小学") == [handling.pk]
    assert ids(q="城关小学") == [handling.pk]
    assert ids(deputy=cast.other_deputy_record.pk) == []
    assert ids(ordering="created_at") == [registered.pk, handling.pk]


def test_list_filters_by_a_request_awaiting_the_office_and_documents_it(api, cast):
    rerouted, extended = drive(cast, to=Status.ASSIGNED), drive(cast, to=Status.HANDLING)
    drive(cast, to=Status.ASSIGNED)
    services.assignment_request_reroute(
        assignment_id=assignment_of(rerouted, cast.lead_unit).pk, actor=cast.lead_handler, reason="不属我单位职责。"
    )
    assignment = assignment_of(extended, cast.lead_unit)
    services.extension_request(
        assignment_id=assignment.pk,
        actor=cast.lead_handler,
        reason="需等待批复。",
        requested_until=assignment.answer_due + dt.timedelta(days=10),
    )
    as_person(api, cast.staff)

    def ids(**params):
        response = api.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids(pending="reroute") == [rerouted.pk]
    assert ids(pending="extension") == [extended.pk]
    assert api.get(LIST, {"pending": "soon"}).status_code == 400
    schema = api.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    parameters = {item["name"]: item for item in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["pending"]["schema"]["enum"] == ["extension", "reroute"]
    assert "re-routing request" in parameters["pending"]["description"]


def test_list_filters_by_the_supervising_leader_and_documents_it(api, cast):
    # Given a suggestion the leader supervises and one another leader supervises
    other_leader = make_user(body=cast.county.committee, roles=[Role.LEADER])
    mine, theirs = drive(cast, to=Status.HANDLING), drive(cast, to=Status.HANDLING)
    for suggestion, leader in ((mine, cast.leader), (theirs, other_leader)):
        services.suggestion_prioritize(suggestion_id=suggestion.pk, actor=cast.staff, supervising_leader=leader)
    as_person(api, cast.staff)

    # When the list is filtered by each leader, then each gets their own; a user who is no leader is refused
    for leader, expected in ((cast.leader, mine), (other_leader, theirs)):
        response = api.get(LIST, {"supervising_leader": leader.pk})
        assert response.status_code == 200, response.json()
        assert [item["id"] for item in response.json()["results"]] == [expected.pk]
    assert api.get(LIST, {"supervising_leader": cast.staff.pk}).status_code == 400
    # and the schema says what the parameter means
    schema = api.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    parameters = {item["name"]: item for item in schema["paths"][LIST]["get"]["parameters"]}
    assert "priority supervision by this leader" in parameters["supervising_leader"]["description"]


def test_list_refuses_unknown_filter_values_and_orderings(api, cast):
    as_person(api, cast.staff)

    assert api.get(LIST, {"status": "lost"}).status_code == 400
    assert api.get(LIST, {"unit": cast.foreign_staff.body.pk + 10_000}).status_code == 400
    assert api.get(LIST, {"ordering": "title"}).status_code == 400
    assert api.get(LIST, {"search": "长" * 101}).status_code == 400


# Filing


def test_deputy_files_their_own_draft_or_submits_at_once(api, cast):
    as_person(api, cast.deputy)
    payload = {"title": "关于增设路灯的建议", "content": "城西路段夜间无照明。", "category": cast.category.pk}

    draft = api.post(LIST, payload, format="json")
    submitted = api.post(LIST, {**payload, "submit": True, "cosigner_ids": [cast.co_deputy_record.pk]}, format="json")

    assert draft.status_code == submitted.status_code == 201
    assert (draft.json()["status"], draft.json()["source"]) == ("draft", "deputy")
    assert draft.json()["lead_deputy"] == cast.lead_deputy.pk
    assert submitted.json()["status"] == "submitted"
    assert [signer["role"] for signer in submitted.json()["signers"]] == ["lead", "co"]


def test_deputy_cannot_file_for_another_deputy(api, cast):
    response = as_person(api, cast.deputy).post(
        LIST, {"lead_deputy": cast.other_deputy_record.pk, "title": "标题", "content": "内容"}, format="json"
    )

    assert response.status_code == 400
    assert "lead_deputy" in response.json()["error"]["fields"]
    assert not Suggestion.objects.exists()


def test_staff_or_a_county_system_files_on_a_deputys_behalf_as_received_through_the_api(api, cast):
    system = make_user(body=cast.county.committee, roles=[Role.API_CLIENT, Role.OFFICE_STAFF], username="hotline")
    payload = {"lead_deputy": cast.lead_deputy.pk, "title": "关于整治噪音的建议", "content": "夜间施工扰民。"}

    by_staff = as_person(api, cast.staff).post(LIST, {**payload, "submit": True}, format="json")
    by_system = as_key(api, client_key(system, ["suggestions:read", "suggestions:write"])).post(
        LIST, payload, format="json"
    )

    assert by_staff.status_code == by_system.status_code == 201
    assert by_staff.json()["source"] == by_system.json()["source"] == "api"
    assert by_staff.json()["status"] == "submitted"


def test_a_person_without_a_deputy_record_must_name_the_deputy(api, cast):
    response = as_person(api, cast.staff).post(LIST, {"title": "标题", "content": "内容"}, format="json")

    assert response.status_code == 400
    assert "lead_deputy" in response.json()["error"]["fields"]


# Client keys


def test_client_key_needs_the_suggestions_scopes(api, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    system = make_user(body=cast.county.committee, roles=[Role.API_CLIENT, Role.OFFICE_STAFF], username="oa")

    no_read = as_key(api, client_key(system, ["roster:read"])).get(LIST)
    read_only = as_key(api, client_key(system, ["suggestions:read"]))
    listed = read_only.get(LIST)
    refused = read_only.post(step_url(suggestion, "register"), {}, format="json")

    suggestion.refresh_from_db()
    assert no_read.status_code == 403
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["results"]] == [suggestion.pk]
    assert refused.status_code == 403
    assert suggestion.status == Status.SUBMITTED


def test_client_key_with_write_scope_acts_with_its_logins_roles(api, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    system = make_user(body=cast.county.committee, roles=[Role.API_CLIENT, Role.OFFICE_STAFF], username="oa")

    response = as_key(api, client_key(system, ["suggestions:write"])).post(
        step_url(suggestion, "register"), {}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "registered"


# Statistics


def test_stats_give_each_rate_with_its_numerator_and_denominator(api, cast):
    drive(cast, to=Status.CLOSED)
    drive(cast, to=Status.ANSWERED)
    drive(cast, to=Status.HANDLING)
    drive(cast, to=Status.SUBMITTED)
    as_person(api, cast.staff)

    total = api.get(f"{LIST}stats/").json()
    by_unit = api.get(f"{LIST}stats/", {"group_by": "unit"}).json()
    by_session = api.get(f"{LIST}stats/", {"group_by": "session"}).json()

    assert total["group_by"] is None
    assert total["groups"] == []
    answer = total["total"]["rates"]["answer"]
    assert (answer["numerator"], answer["denominator"]) == (2, 3)
    assert answer["rate"] == pytest.approx(2 / 3)
    completion = total["total"]["rates"]["completion"]
    assert (completion["numerator"], completion["denominator"]) == (1, 3)
    satisfaction = total["total"]["rates"]["satisfaction"]
    assert (satisfaction["numerator"], satisfaction["denominator"], satisfaction["rate"]) == (1, 1, 1.0)
    assert [(row["key"], row["rank"]) for row in by_unit["groups"]] == [(str(cast.lead_unit.pk), 1)]
    assert by_unit["total"]["counts"]["assigned"] == 3
    assert [row["key"] for row in by_session["groups"]] == [str(cast.session.pk)]


def test_stats_numerator_query_lists_exactly_what_it_counts(api, cast):
    closed = drive(cast, to=Status.CLOSED)
    drive(cast, to=Status.HANDLING)
    as_person(api, cast.staff)

    completion = api.get(f"{LIST}stats/").json()["total"]["rates"]["completion"]
    listed = api.get(f"{LIST}?{completion['numerator_query']}").json()["results"]

    assert [item["id"] for item in listed] == [closed.pk]


def test_stats_are_for_the_committee_side_and_refuse_bad_grouping(api, cast):
    assert as_person(api, cast.deputy).get(f"{LIST}stats/").status_code == 403
    assert as_person(api, cast.lead_handler).get(f"{LIST}stats/").status_code == 403
    assert as_person(api, cast.staff).get(f"{LIST}stats/", {"group_by": "deputy"}).status_code == 400
    assert api.get(f"{LIST}stats/", {"rank_by": ""}).status_code == 400


def test_stats_refuse_a_session_outside_the_scope(api, cast):
    response = as_person(api, cast.foreign_staff).get(f"{LIST}stats/", {"session": cast.session.pk})

    assert response.status_code == 400
    assert "session" in response.json()["error"]["fields"]
