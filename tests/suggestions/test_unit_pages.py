"""The handling units' workspace: the to-do list, the action pages and the panel on the detail page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from congress import navigation
from congress.models import Role
from suggestions import services
from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Suggestion
from suggestions.nav_unit import register_nav
from suggestions.selectors_unit import Kind
from suggestions.views_unit import unit_actions_for
from tests.congress.factories import make_user
from tests.suggestions.factories import SuggestionFactory, assignment_of, drive, loop_cast, pdf_letter

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
AStatus = Assignment.Status
TODO = "/suggestions/unit/"
# 2025-03-03 is a Monday; 10:00 UTC is 18:00 in Beijing, the same day.
NOW = dt.datetime(2025, 3, 3, 10, 0)
TODAY = dt.date(2025, 3, 3)
# Session, user, roles and unread count; the counts, the page's count, the page, and the head's overdue summary.
TODO_QUERY_BOUND = 8


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(county):
    return loop_cast(county)


def url(name: str, assignment: Assignment) -> str:
    return reverse(f"suggestion_unit:{name}", args=[assignment.pk])


def detail(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def rows(response) -> list[Assignment]:
    return list(response.context["page"])


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def set_due(suggestion: Suggestion, unit, **dates) -> Assignment:
    """Move an assignment's dates, as time passing would (the services compute them from today)."""
    Assignment.objects.filter(pk=assignment_of(suggestion, unit).pk).update(**dates)
    return assignment_of(suggestion, unit)


# The to-do list


def test_the_url_map_serves_the_workspace_under_suggestions_unit():
    assert reverse("suggestion_unit:todo") == TODO
    assert reverse("suggestion_unit:co_opinion", args=[7]) == "/suggestions/unit/7/co-opinion/"


def test_a_lead_unit_sees_what_it_owes_soonest_due_first_and_not_what_is_answered(client, cast):
    # Given suggestions assigned to the lead unit in several states
    waiting = drive(cast, to=Status.ASSIGNED)
    handling = drive(cast, to=Status.HANDLING)
    late = drive(cast, to=Status.HANDLING)
    set_due(late, cast.lead_unit, answer_due=TODAY - dt.timedelta(days=3))
    answered = drive(cast, to=Status.ANSWERED)
    client.force_login(cast.lead_handler)

    # When the handler opens the to-do list
    response = client.get(TODO)

    # Then the overdue answer comes first, then acceptance (by the re-routing deadline), then the answer due later
    assert response.status_code == 200
    listed = rows(response)
    assert [a.suggestion_id for a in listed] == [late.pk, waiting.pk, handling.pk]
    assert [a.kind for a in listed] == [Kind.ANSWER, Kind.ACCEPT, Kind.ANSWER]
    assert listed[0].is_overdue and not listed[1].is_overdue
    assert listed[1].due == assignment_of(waiting, cast.lead_unit).reroute_deadline
    assert answered.pk not in {a.suggestion_id for a in listed}
    counts = response.context["counts"]
    assert (counts.by_kind[Kind.ACCEPT], counts.by_kind[Kind.ANSWER], counts.overdue, counts.done) == (1, 2, 1, 1)
    page = response.content.decode()
    assert 'class="table-danger"' in page
    assert f'href="{detail(late)}"' in page
    assert waiting.lead_deputy.name in page
    assert waiting.reference in page


def test_a_co_handling_unit_sees_its_opinion_due_and_its_role(client, cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    client.force_login(cast.co_handler)

    response = client.get(TODO)

    [row] = rows(response)
    assert (row.suggestion_id, row.kind, row.role) == (suggestion.pk, Kind.CO_OPINION, Assignment.Role.CO)
    assert row.due == assignment_of(suggestion, cast.co_unit).co_opinion_due
    page = response.content.decode()
    assert "会办单位" in page
    assert "会办意见" in page


def test_a_parallel_unit_sees_its_own_acceptance_and_answer_only(client, cast):
    waiting = drive(cast, to=Status.ASSIGNED, parallel=True)
    handling = drive(cast, to=Status.HANDLING, parallel=True)
    drive(cast, to=Status.HANDLING)  # the lead unit's alone
    client.force_login(cast.parallel_handler)

    response = client.get(TODO)

    listed = rows(response)
    assert [(a.suggestion_id, a.kind) for a in listed] == [(waiting.pk, Kind.ACCEPT), (handling.pk, Kind.ANSWER)]
    assert all(a.role == Assignment.Role.PARALLEL for a in listed)
    assert "分办单位" in response.content.decode()


def test_re_handling_and_follow_up_are_listed_with_their_kind(client, cast):
    rehandling = drive(cast, to=Status.REHANDLING)
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    client.force_login(cast.lead_handler)

    listed = rows(client.get(TODO))

    assert [(a.suggestion_id, a.kind) for a in listed] == [
        (rehandling.pk, Kind.REHANDLING),
        (follow_up.pk, Kind.FOLLOW_UP),
    ]
    assert listed[1].due is None


@pytest.mark.parametrize(
    ("show", "expected"),
    [("overdue", ["late"]), ("accept", ["waiting"]), ("answer", ["late", "handling"]), ("done", ["answered"])],
)
def test_the_filter_narrows_the_list(client, cast, show, expected):
    made = {
        "waiting": drive(cast, to=Status.ASSIGNED),
        "handling": drive(cast, to=Status.HANDLING),
        "late": drive(cast, to=Status.HANDLING),
        "answered": drive(cast, to=Status.ANSWERED),
    }
    set_due(made["late"], cast.lead_unit, answer_due=TODAY - dt.timedelta(days=1))
    client.force_login(cast.lead_handler)

    response = client.get(TODO, {"show": show})

    assert [a.suggestion_id for a in rows(response)] == [made[key].pk for key in expected]
    assert response.context["show"] == show


def test_an_unknown_filter_shows_everything(client, cast):
    drive(cast, to=Status.ASSIGNED)
    client.force_login(cast.lead_handler)

    response = client.get(TODO, {"show": "<script>"})

    assert response.status_code == 200
    assert response.context["show"] == "all"
    assert len(rows(response)) == 1


def test_another_units_work_is_not_listed(client, cast):
    drive(cast, to=Status.HANDLING, co=True, parallel=True)
    client.force_login(cast.other_handler)

    response = client.get(TODO)

    assert rows(response) == []
    assert response.context["counts"].total == 0


def test_the_unit_head_also_sees_a_summary_of_the_overdue_items(client, cast):
    late = drive(cast, to=Status.HANDLING)
    set_due(late, cast.lead_unit, answer_due=TODAY - dt.timedelta(days=4))
    drive(cast, to=Status.ASSIGNED)

    client.force_login(cast.lead_head)
    head_page = client.get(TODO)
    client.force_login(cast.lead_handler)
    handler_page = client.get(TODO)

    summary = head_page.context["summary"]
    assert summary.counts.overdue == 1
    assert [(a.suggestion_id, a.days_overdue) for a in summary.oldest] == [(late.pk, 4)]
    assert "本单位逾期事项" in head_page.content.decode()
    assert len(rows(head_page)) == len(rows(handler_page)) == 2
    assert handler_page.context["summary"] is None


def test_the_page_speaks_chinese(client, cast):
    drive(cast, to=Status.ASSIGNED)
    client.force_login(cast.lead_handler)

    page = client.get(TODO).content.decode()

    for text in ("本单位办理", "待签收", "主办单位", "逾期", "待答复", "办理中", "已办理"):
        assert text in page, text


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.DEPUTY, Role.LEADER])
def test_people_outside_the_units_cannot_open_the_workspace(client, cast, role):
    body = cast.county.committee if role != Role.DEPUTY else cast.body
    client.force_login(make_user(body=body, roles=[role]))

    assert client.get(TODO).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(TODO)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def many_assignments(cast, number: int) -> None:
    """Write `number` rows directly: the query count must not depend on how many there are."""
    kinds = [
        (AStatus.ASSIGNED, Assignment.Role.LEAD, Status.ASSIGNED),
        (AStatus.ACCEPTED, Assignment.Role.LEAD, Status.HANDLING),
        (AStatus.ACCEPTED, Assignment.Role.CO, Status.HANDLING),
        (AStatus.ANSWERED, Assignment.Role.PARALLEL, Status.HANDLING),
    ]
    start = Suggestion.objects.count()
    for index in range(start, start + number):
        status, role, suggestion_status = kinds[index % len(kinds)]
        suggestion = SuggestionFactory(
            body=cast.body, session=cast.session, number=index + 1, status=suggestion_status, created_by=cast.staff
        )
        Assignment.objects.create(
            suggestion=suggestion,
            unit=cast.lead_unit,
            role=role,
            status=status,
            assigned_by=cast.staff,
            reroute_deadline=TODAY + dt.timedelta(days=index % 9 - 3),
            co_opinion_due=TODAY + dt.timedelta(days=index % 7) if role == Assignment.Role.CO else None,
            answer_due=TODAY + dt.timedelta(days=index % 11 - 5) if role != Assignment.Role.CO else None,
            completed_at=timezone.now() if status == AStatus.ANSWERED else None,
        )


@pytest.mark.parametrize("show", ["all", "overdue", "done"])
def test_the_list_reads_the_same_number_of_queries_for_5_and_60_assignments(
    client, cast, django_assert_max_num_queries, show
):
    client.force_login(cast.lead_head)
    counted = []
    for number in (5, 55):
        many_assignments(cast, number)
        with django_assert_max_num_queries(TODO_QUERY_BOUND) as queries:
            response = client.get(TODO, {"show": show})
        assert response.status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]
    assert response.context["counts"].total + response.context["counts"].done == 60


# The to-do table's rows, written by a template tag


def table_rows(response) -> list[str]:
    """Return the HTML of each row of the to-do table's body."""
    page = response.content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr[ >].*?</tr>", body, flags=re.S)


def test_a_row_awaiting_acceptance_links_the_suggestion_and_says_until_when_it_may_be_re_routed(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    deadline = assignment_of(suggestion, cast.lead_unit).reroute_deadline
    client.force_login(cast.lead_handler)

    [row] = table_rows(client.get(TODO))

    assert 'data-testid="todo-row"' in row and "table-danger" not in row
    assert f'<a class="fw-medium" href="/suggestions/{suggestion.pk}/">{suggestion.title}</a>' in row
    assert suggestion.reference in row and cast.lead_deputy.name in row
    assert row.count("待签收") == 2  # in its column and, on a phone, under the title
    assert f"{deadline:%Y-%m-%d}前可申请调整" in row
    assert row.count(f"{deadline:%Y-%m-%d}") == 3
    assert row.count("主办单位") == 2


def test_an_overdue_row_is_marked_and_a_pending_extension_is_shown(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    services.extension_request(
        assignment_id=assignment.pk,
        actor=cast.lead_handler,
        reason="需跨部门协调用地。",
        requested_until=assignment.answer_due + dt.timedelta(days=10),
    )
    Assignment.objects.filter(pk=assignment.pk).update(answer_due=TODAY - dt.timedelta(days=2))
    client.force_login(cast.lead_handler)

    [row] = table_rows(client.get(TODO))

    assert row.startswith('<tr class="table-danger" data-testid="todo-row">')
    assert row.count('<span class="fw-semibold text-danger">2025-03-01</span>') == 2
    assert row.count('<span class="badge text-bg-danger">逾期</span>') == 2
    assert row.count('<span class="badge text-bg-warning">已申请延期</span>') == 2
    assert "待答复" in row and "前可申请调整" not in row


def test_a_finished_row_shows_its_status_and_the_day_it_was_completed_in_the_county(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    # 17:30 UTC is already the next day in Beijing.
    completed = dt.datetime(2025, 3, 1, 17, 30, tzinfo=dt.UTC)
    Assignment.objects.filter(pk=assignment_of(suggestion, cast.lead_unit).pk).update(completed_at=completed)
    client.force_login(cast.lead_handler)

    [row] = table_rows(client.get(TODO, {"show": "done"}))

    assert "table-danger" not in row
    assert row.count("2025-03-02") == 2 and "2025-03-01" not in row
    assert row.count("已答复") == 2


def test_titles_and_names_are_escaped(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    Suggestion.objects.filter(pk=suggestion.pk).update(title='<script>alert("x")</script>停车')
    client.force_login(cast.lead_handler)

    [row] = table_rows(client.get(TODO))

    assert "<script>" not in row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;停车" in row


@pytest.mark.parametrize(("show", "says"), [("all", "暂无待办事项"), ("done", "尚无已办理的建议")])
def test_an_empty_list_says_so(client, cast, show, says):
    client.force_login(cast.lead_handler)

    response = client.get(TODO, {"show": show})

    [row] = table_rows(response)
    assert 'colspan="5"' in row and says in row and "todo-row" not in row


# The action pages


def test_accepting_starts_handling_and_returns_to_the_detail_page(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    page = client.get(url("accept", assignment))
    response = client.post(url("accept", assignment))

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == detail(suggestion)
    assert assignment_of(suggestion, cast.lead_unit).status == AStatus.ACCEPTED
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.HANDLING
    assert flash(response) == ["本单位已签收该建议。"]


def test_accepting_twice_is_a_conflict_explained_in_chinese(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("accept", assignment))

    assert response.status_code == 409
    assert "该记录已经是“已签收”，可能刚有人办理过这一步" in response.content.decode()
    assert assignment_of(suggestion, cast.lead_unit).accepted_by == cast.lead_handler


def test_a_reroute_request_inside_the_window_is_sent_with_its_reason(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    page = client.get(url("reroute", assignment)).content.decode()
    response = client.post(url("reroute", assignment), {f"a{assignment.pk}-reason": "属县住建局职责。"})

    assert assignment.reroute_deadline.strftime("%Y-%m-%d") in page
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.reroute_reason) == (AStatus.REROUTE_REQUESTED, "属县住建局职责。")


def test_a_reroute_request_without_a_reason_is_refused_and_nothing_changes(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("reroute", assignment), {f"a{assignment.pk}-reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert assignment_of(suggestion, cast.lead_unit).status == AStatus.ASSIGNED


def test_after_the_window_the_reroute_page_explains_the_lock_and_a_request_is_a_conflict(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = set_due(suggestion, cast.lead_unit, reroute_deadline=TODAY - dt.timedelta(days=1))
    client.force_login(cast.lead_handler)

    page = client.get(url("reroute", assignment))
    response = client.post(url("reroute", assignment), {f"a{assignment.pk}-reason": "不属本单位职责。"})

    assert "已锁定" in page.content.decode()
    assert "2025-03-02" in page.content.decode() or "2025年3月2日" in page.content.decode()
    assert page.context["closed_reason"]
    assert response.status_code == 409
    assert "已锁定" in response.content.decode()
    assert f'action="{url("reroute", assignment)}"' not in response.content.decode()
    assert assignment_of(suggestion, cast.lead_unit).status == AStatus.ASSIGNED


def contact_data(assignment: Assignment, **overrides) -> dict:
    data = {
        "method": Contact.Method.FACE_TO_FACE,
        "stage": Contact.Stage.BEFORE,
        "contacted_on": TODAY.isoformat(),
        "participants": "王芳代表、交通局张科长",
        "summary": "当面了解停车难的具体位置。",
        **overrides,
    }
    return {f"a{assignment.pk}-{key}": value for key, value in data.items()}


def test_a_contact_with_the_deputy_is_logged(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("contact", assignment), contact_data(assignment))

    assert response.status_code == 302
    contact = Contact.objects.get(assignment=assignment)
    assert (contact.method, contact.stage, contact.contacted_on) == ("face_to_face", "before", TODAY)


def test_a_contact_in_the_future_is_refused_on_its_date_keeping_what_was_typed(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("contact", assignment), contact_data(assignment, contacted_on="2025-03-10"))

    assert response.status_code == 200
    assert "contacted_on" in response.context["form"].errors
    assert "当面了解停车难的具体位置。" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_dated_before_the_assignment_is_refused_on_its_date_keeping_what_was_typed(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("contact", assignment), contact_data(assignment, contacted_on="1900-01-01"))

    assert response.status_code == 200
    assert response.context["form"].errors["contacted_on"] == [
        "沟通日期不能早于建议交办给本单位的日期（2025年3月3日）。"
    ]
    assert 'value="1900-01-01"' in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_before_accepting_is_a_conflict(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("contact", assignment), contact_data(assignment))

    assert response.status_code == 409
    assert not Contact.objects.exists()


def test_a_co_handling_unit_sends_its_opinion_once(client, cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    assignment = assignment_of(suggestion, cast.co_unit)
    client.force_login(cast.co_handler)

    blank = client.post(url("co_opinion", assignment), {f"a{assignment.pk}-text": ""})
    sent = client.post(url("co_opinion", assignment), {f"a{assignment.pk}-text": "同意主办单位方案，资金予以保障。"})
    again = client.post(url("co_opinion", assignment), {f"a{assignment.pk}-text": "再次发送"})

    assert blank.status_code == 200 and blank.context["form"].errors
    assert sent.status_code == 302
    assert again.status_code == 409
    assert CoOpinion.objects.get(assignment=assignment).text == "同意主办单位方案，资金予以保障。"


def test_the_lead_unit_cannot_use_the_co_opinion_form(client, cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    client.force_login(cast.lead_handler)

    response = client.get(url("co_opinion", assignment_of(suggestion, cast.lead_unit)))

    assert response.status_code == 403


def test_an_extension_is_asked_for_within_the_hard_maximum_shown_on_the_page(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)
    field = f"a{assignment.pk}-requested_until"

    page = client.get(url("extension", assignment)).content.decode()
    too_late = client.post(
        url("extension", assignment),
        {
            field: (assignment.hard_deadline + dt.timedelta(days=1)).isoformat(),
            f"a{assignment.pk}-reason": "需协调资金",
        },
    )
    nothing_after_refusal = ExtensionRequest.objects.count()
    asked = client.post(
        url("extension", assignment),
        {field: assignment.hard_deadline.isoformat(), f"a{assignment.pk}-reason": "需协调资金"},
    )
    twice = client.post(
        url("extension", assignment),
        {field: assignment.hard_deadline.isoformat(), f"a{assignment.pk}-reason": "再次申请"},
    )

    assert f'max="{assignment.hard_deadline.isoformat()}"' in page
    assert too_late.status_code == 200
    assert "requested_until" in too_late.context["form"].errors
    assert "需协调资金" in too_late.content.decode()
    assert nothing_after_refusal == 0
    assert asked.status_code == 302
    assert twice.status_code == 409
    assert ExtensionRequest.objects.get().requested_until == assignment.hard_deadline
    assert "该建议已有待审批的延期申请" in client.get(url("extension", assignment)).content.decode()


def answer_data(assignment: Assignment, letter=None, **overrides) -> dict:
    data = {"grade": "B", "text": "已列入2025年城建计划，年内实施。", "is_public": "on", **overrides}
    data = {f"a{assignment.pk}-{key}": value for key, value in data.items()}
    data[f"a{assignment.pk}-letter"] = letter if letter is not None else pdf_letter()
    return data


def test_an_answer_with_its_signed_letter_is_recorded(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    page = client.get(url("answer", assignment)).content.decode()
    response = client.post(url("answer", assignment), answer_data(assignment))

    for meaning in ("已解决或基本解决", "正在解决或列入计划"):
        assert meaning in page
    assert response.status_code == 302
    answer = Answer.objects.get(assignment=assignment)
    assert (answer.grade, answer.is_public, answer.letter_name) == ("B", True, "答复函.pdf")
    assert answer.letter.name.endswith(".pdf")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED


def test_a_letter_that_is_not_a_document_is_refused_keeping_the_answer_text(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)
    fake = SimpleUploadedFile("答复函.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")

    response = client.post(url("answer", assignment), answer_data(assignment, letter=fake))

    assert response.status_code == 200
    assert "letter" in response.context["form"].errors
    page = response.content.decode()
    assert "仅可上传" in page or "PDF" in page
    assert "已列入2025年城建计划，年内实施。" in page
    assert not Answer.objects.exists()
    assert assignment_of(suggestion, cast.lead_unit).status == AStatus.ACCEPTED


def test_an_answer_without_a_grade_or_letter_is_refused(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)
    data = answer_data(assignment)
    del data[f"a{assignment.pk}-grade"], data[f"a{assignment.pk}-letter"]

    response = client.post(url("answer", assignment), data)

    assert set(response.context["form"].errors) == {"grade", "letter"}
    assert not Answer.objects.exists()


def test_answering_an_assignment_already_answered_is_a_conflict(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    response = client.post(url("answer", assignment), answer_data(assignment))

    assert response.status_code == 409
    assert Answer.objects.filter(assignment=assignment).count() == 1


def test_another_units_assignment_is_not_found(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.other_handler)

    for name in ("accept", "reroute", "contact", "co_opinion", "extension", "answer"):
        assert client.get(url(name, assignment)).status_code == 404
    assert client.post(url("answer", assignment), answer_data(assignment)).status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize("who", ["staff", "deputy", "leader"])
def test_deputies_and_office_staff_cannot_use_the_unit_forms(client, cast, who):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(getattr(cast, who))

    for name in ("accept", "reroute", "contact", "extension", "answer"):
        assert client.get(url(name, assignment)).status_code == 403, name
    assert client.post(url("answer", assignment), answer_data(assignment)).status_code == 403
    assert client.post(url("contact", assignment), contact_data(assignment)).status_code == 403
    assert not Answer.objects.exists() and not Contact.objects.exists()


# The panel on the detail page and the navigation


def render_panel(user, suggestion: Suggestion) -> str:
    request = RequestFactory().get("/")
    request.user = user
    context = {"suggestion": suggestion, "unit_actions": unit_actions_for(user=user, suggestion=suggestion)}
    return render_to_string("suggestions/partials/_unit_actions.html", context, request=request)


def test_the_panel_offers_accept_and_reroute_with_the_window_to_a_unit_awaiting_acceptance(cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)

    html = render_panel(cast.lead_handler, suggestion)

    assert f'action="{url("accept", assignment)}"' in html
    assert f'action="{url("reroute", assignment)}"' in html
    assert f'action="{url("answer", assignment)}"' not in html
    assert "县交通运输局" in html


def test_the_panel_says_the_assignment_is_locked_after_the_window(cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = set_due(suggestion, cast.lead_unit, reroute_deadline=TODAY - dt.timedelta(days=1))

    html = render_panel(cast.lead_handler, suggestion)

    assert f'action="{url("reroute", assignment)}"' not in html
    assert f'action="{url("accept", assignment)}"' in html
    assert "已锁定" in html


def test_the_panel_offers_a_handling_lead_unit_contact_extension_and_answer(cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    lead = assignment_of(suggestion, cast.lead_unit)
    co = assignment_of(suggestion, cast.co_unit)

    lead_html = render_panel(cast.lead_handler, suggestion)
    co_html = render_panel(cast.co_handler, suggestion)

    for name in ("contact", "extension", "answer"):
        assert f'action="{url(name, lead)}"' in lead_html
    assert 'enctype="multipart/form-data"' in lead_html
    assert f'action="{url("co_opinion", co)}"' in co_html
    assert f'action="{url("answer", co)}"' not in co_html


def test_the_panel_is_empty_for_office_staff_and_other_units(cast):
    suggestion = drive(cast, to=Status.HANDLING)

    assert unit_actions_for(user=cast.staff, suggestion=suggestion) == []
    assert unit_actions_for(user=cast.other_handler, suggestion=suggestion) == []


def test_the_workspace_is_in_the_navigation_for_unit_people_only(cast):
    register_nav()

    def labels(user) -> list[str]:
        return [item["label"] for section in navigation.nav_for(user, TODO) for item in section.items]

    assert "本单位办理" in [str(label) for label in labels(cast.lead_handler)]
    assert "本单位办理" not in [str(label) for label in labels(cast.staff)]


def test_the_detail_page_shows_the_unit_its_forms(client, cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    client.force_login(cast.co_handler)

    page = client.get(detail(suggestion)).content.decode()

    assert f'action="{url("co_opinion", assignment_of(suggestion, cast.co_unit))}"' in page
    assert "报送会办意见" in page


def test_no_contact_is_logged_on_an_archived_suggestion(client, cast):
    suggestion = drive(cast, to=Status.ARCHIVED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    client.force_login(cast.lead_handler)

    form = client.get(url("contact", assignment))
    response = client.post(url("contact", assignment), contact_data(assignment, stage="after"))

    assert "已归档，不能再登记沟通情况" in form.content.decode()
    assert response.status_code == 409
    assert not Contact.objects.exists()
    assert "contact" not in [
        entry.action.name
        for panel in unit_actions_for(user=cast.lead_handler, suggestion=suggestion)
        for entry in panel.actions
    ]


def test_the_lead_unit_answers_with_the_co_handling_opinions_in_view(client, cast):
    suggestion = drive(cast, to=Status.HANDLING, co=True)
    services.co_opinion_send(
        assignment_id=assignment_of(suggestion, cast.co_unit).pk, actor=cast.co_handler, text="财政局拟安排专项资金。"
    )
    client.force_login(cast.lead_handler)

    page = client.get(url("answer", assignment_of(suggestion, cast.lead_unit))).content.decode()

    assert "财政局拟安排专项资金。" in page and cast.co_unit.name in page


def test_a_unit_answering_again_sees_why_the_deputy_was_not_satisfied(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    services.suggestion_rate(
        answer_id=suggestion.answers.get().pk,
        actor=cast.deputy,
        attitude="basically_satisfied",
        result="unsatisfied",
        comment="资金没有落实到位。",
    )
    client.force_login(cast.lead_handler)

    page = client.get(url("answer", assignment_of(suggestion, cast.lead_unit))).content.decode()

    assert "本单位上次答复" in page and "资金没有落实到位。" in page and "不满意" in page


@pytest.mark.parametrize(
    ("to", "shown"), [(Status.HANDLING, True), (Status.REHANDLING, False), (Status.FOLLOW_UP, False)]
)
def test_the_first_answers_latest_date_shows_only_while_the_first_answer_is_owed(client, cast, to, shown):
    # Given a suggestion handled for its first answer, sent back for re-handling, or under follow-up
    suggestion = drive(cast, to=to, grade=Answer.Grade.B)
    assignment = assignment_of(suggestion, cast.lead_unit)
    assert assignment.hard_deadline is not None

    # When the office and the unit read the suggestion and the unit opens its answer page
    client.force_login(cast.staff)
    pages = [client.get(detail(suggestion))]
    client.force_login(cast.lead_handler)
    pages += [client.get(detail(suggestion)), client.get(url("answer", assignment))]

    # Then the legal maximum is named only while the first answer is owed, never beside a later deadline
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert ("最迟答复日期" in text) is shown
