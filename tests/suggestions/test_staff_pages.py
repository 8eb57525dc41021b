"""The office's suggestion pages: list, detail, actions, bulk actions, export and entering a paper suggestion."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress import navigation
from congress.models import Role
from suggestions import services
from suggestions.models import Answer, Assignment, Rating, Suggestion
from suggestions.nav_pages import register_nav
from tests.congress.factories import CountyFactory, make_user
from tests.suggestions.factories import (
    SuggestionFactory,
    approved_reroutes,
    assignment_of,
    drive,
    loop_cast,
    pdf_letter,
)
from tests.test_every_page import forms_relying_on_the_browser

pytestmark = pytest.mark.django_db
Status = Suggestion.Status
LIST = "/suggestions/"
# Layout (session, user, roles, body, unread count, nav) + the everyday filters' choices (3)
# + status counts + ids + rows: the same at any number of rows. The long choice lists open on demand.
LIST_QUERY_BOUND = 16


@pytest.fixture
def cast():
    return loop_cast()


def detail_url(suggestion: Suggestion) -> str:
    return f"/suggestions/{suggestion.pk}/"


def rows(response) -> set[int]:
    return {suggestion.pk for suggestion in response.context["page"]}


def page_text(response) -> str:
    return response.content.decode()


# The URL map


def test_the_url_map_serves_the_contract_names():
    assert reverse("suggestions:list") == "/suggestions/"
    assert reverse("suggestions:detail", args=[7]) == "/suggestions/7/"
    assert reverse("suggestions:create") == "/suggestions/new/"
    assert reverse("suggestions:export") == "/suggestions/export/"
    assert reverse("suggestions:bulk") == "/suggestions/bulk/"
    for name in ("register", "reject", "assign", "prioritize", "publish", "close", "revisit", "archive"):
        assert reverse(f"suggestions:{name}", args=[7]) == f"/suggestions/7/{name}/"
    assert reverse("suggestions:decide_reroute", args=[3]) == "/suggestions/assignments/3/decide-reroute/"
    assert reverse("suggestions:decide_extension", args=[3]) == "/suggestions/extensions/3/decide/"


# The list, by role


def test_office_staff_see_the_list_in_chinese_with_bulk_actions_and_export(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    response = client.get(LIST)

    text = page_text(response)
    assert response.status_code == 200
    assert rows(response) == {submitted.pk}
    assert "建议列表" in text
    assert "已提交，审查中" in text  # the status badge, from the catalogue
    assert 'id="bulk-form"' in text
    assert "导出" in text
    assert 'name="bulk-ids"' in text


@pytest.mark.parametrize("who", ["leader", "member"])
def test_leaders_and_members_read_the_list_without_bulk_actions(client, cast, who):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(getattr(cast, who))

    response = client.get(LIST)

    assert response.status_code == 200
    assert rows(response) == {submitted.pk}
    assert 'id="bulk-form"' not in page_text(response)


def test_unit_people_are_sent_from_the_list_to_their_workspace(client, cast):
    client.force_login(cast.lead_handler)

    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == "/suggestions/unit/"


def test_a_deputy_is_sent_to_the_mobile_view(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.deputy)

    list_response = client.get(LIST)
    detail_response = client.get(detail_url(suggestion))

    assert list_response.status_code == 302
    assert list_response["Location"].startswith("/m/suggestions/")
    assert detail_response.status_code == 302
    assert detail_response["Location"] == f"/m/suggestions/{suggestion.pk}/"


def test_a_person_with_no_role_is_refused(client, cast):
    client.force_login(make_user(body=cast.body, roles=[]))

    assert client.get(LIST).status_code == 403


def test_another_countys_staff_see_none_of_the_suggestions(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.foreign_staff)

    assert rows(client.get(LIST)) == set()
    assert client.get(detail_url(suggestion)).status_code == 404
    assert client.post(reverse("suggestions:register", args=[suggestion.pk])).status_code == 404


def test_the_list_puts_overdue_suggestions_first_then_the_earliest_due(client, cast):
    today = timezone.localdate()
    later = SuggestionFactory(body=cast.body, status=Status.HANDLING, due_date=today + dt.timedelta(days=20))
    sooner = SuggestionFactory(body=cast.body, status=Status.HANDLING, due_date=today + dt.timedelta(days=2))
    overdue = SuggestionFactory(body=cast.body, status=Status.HANDLING, due_date=today - dt.timedelta(days=1))
    undated = SuggestionFactory(body=cast.body, status=Status.SUBMITTED)
    client.force_login(cast.staff)

    response = client.get(LIST)

    assert [s.pk for s in response.context["page"]] == [overdue.pk, sooner.pk, later.pk, undated.pk]
    assert 'data-testid="overdue"' in page_text(response)


def test_the_list_shows_fifty_a_page_with_the_total(client, cast):
    for _ in range(55):
        SuggestionFactory(body=cast.body, status=Status.SUBMITTED)
    client.force_login(cast.staff)

    first, second = client.get(LIST), client.get(LIST + "?page=2")

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5
    assert first.context["page"].paginator.count == 55


def fill(cast, number: int) -> None:
    start = Suggestion.objects.count()
    for index in range(number):
        suggestion = SuggestionFactory(
            body=cast.body,
            session=cast.session,
            number=start + index + 1,
            status=Status.HANDLING,
            category=cast.category,
            lead_unit=cast.lead_unit,
            is_priority=index % 3 == 0,
            supervising_leader=cast.leader if index % 3 == 0 else None,
            due_date=timezone.localdate() + dt.timedelta(days=index - 2),
            latest_grade="A" if index % 2 else "",
        )
        Assignment.objects.create(
            suggestion=suggestion,
            unit=cast.lead_unit,
            role=Assignment.Role.LEAD,
            assigned_by=cast.staff,
            reroute_deadline=timezone.localdate(),
        )


def test_the_list_costs_the_same_queries_for_5_and_60_suggestions(client, cast, django_assert_max_num_queries):
    client.force_login(cast.staff)
    counts = []
    for number in (5, 55):
        fill(cast, number)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST + f"?unit={cast.lead_unit.pk}&priority=false")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        client.get(LIST)


# The panels that open on demand


def test_the_list_leaves_the_long_choice_lists_until_their_panel_opens(client, cast):
    client.force_login(cast.staff)

    text = page_text(client.get(LIST))

    # "More filters" and the bulk assignment load their fields when opened (htmx on Bootstrap's show event).
    assert 'hx-get="/suggestions/more-filters/"' in text and 'hx-get="/suggestions/bulk/units/"' in text
    assert 'name="deputy"' not in text and 'name="bulk-lead_unit"' not in text
    assert "正在加载…" in text


def test_a_more_filter_in_use_is_shown_at_once_with_its_value(client, cast):
    client.force_login(cast.staff)

    text = page_text(client.get(LIST + f"?deputy={cast.lead_deputy.pk}"))

    assert 'hx-get="/suggestions/more-filters/"' not in text
    assert f'<option value="{cast.lead_deputy.pk}" selected>王芳</option>' in text


def test_more_filters_offer_the_scopes_deputies_and_keep_the_query_strings_values(client, cast):
    client.force_login(cast.staff)

    response = client.get("/suggestions/more-filters/", {"lead_unit": cast.lead_unit.pk}, HTTP_HX_REQUEST="true")

    text = page_text(response)
    assert response.status_code == 200
    assert all(name in text for name in ("王芳", "李强", "赵敏"))
    assert f'<option value="{cast.lead_unit.pk}" selected>' in text
    assert 'name="year"' in text and 'name="grade"' in text
    assert "<html" not in text


def test_the_bulk_units_are_for_office_staff_and_list_the_handling_units(client, cast):
    client.force_login(cast.staff)
    response = client.get("/suggestions/bulk/units/", HTTP_HX_REQUEST="true")
    text = page_text(response)
    assert response.status_code == 200
    assert all(f'name="bulk-{name}"' in text for name in ("lead_unit", "co_units", "parallel_units"))
    assert "县交通运输局" in text and "<html" not in text

    client.force_login(cast.leader)
    assert client.get("/suggestions/bulk/units/").status_code == 403
    client.force_login(cast.lead_handler)
    assert client.get("/suggestions/more-filters/").status_code == 302


def test_the_panels_ask_for_a_login(client):
    for url in ("/suggestions/more-filters/", "/suggestions/bulk/units/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Filters


@pytest.fixture
def world(cast):
    """Three suggestions that differ in every filtered respect."""
    today = timezone.localdate()
    at = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(10)))  # noqa: E731
    handling = SuggestionFactory(
        body=cast.body,
        session=cast.session,
        number=1,
        year=2025,
        title="关于修缮村道的建议",
        status=Status.HANDLING,
        category=cast.category,
        lead_unit=cast.lead_unit,
        is_priority=True,
        supervising_leader=cast.leader,
        due_date=today - dt.timedelta(days=3),
        assigned_at=at(dt.date(2025, 3, 10)),
        source=Suggestion.Source.DEPUTY,
    )
    Assignment.objects.create(
        suggestion=handling,
        unit=cast.lead_unit,
        role=Assignment.Role.LEAD,
        assigned_by=cast.staff,
        reroute_deadline=today,
    )
    answered = SuggestionFactory(
        body=cast.body,
        year=2024,
        number=1,
        title="关于增设公交站点的建议",
        status=Status.ANSWERED,
        lead_unit=cast.other_unit,
        assigned_at=at(dt.date(2025, 5, 2)),
        latest_grade="A",
        latest_rating=Rating.Level.SATISFIED,
        source=Suggestion.Source.IMPORT,
    )
    lead = Assignment.objects.create(
        suggestion=answered,
        unit=cast.other_unit,
        role=Assignment.Role.LEAD,
        status=Assignment.Status.ANSWERED,
        assigned_by=cast.staff,
        reroute_deadline=today,
    )
    Assignment.objects.create(
        suggestion=answered,
        unit=cast.lead_unit,
        role=Assignment.Role.CO,
        status=Assignment.Status.OPINION_SENT,
        assigned_by=cast.staff,
        reroute_deadline=today,
    )
    answer = Answer.objects.create(
        suggestion=answered, assignment=lead, grade="A", text="已解决。", answered_by=cast.other_handler
    )
    Rating.objects.create(
        answer=answer,
        deputy=answered.lead_deputy,
        attitude=Rating.Level.SATISFIED,
        result=Rating.Level.SATISFIED,
        rated_by=cast.staff,
    )
    submitted = SuggestionFactory(
        body=cast.body,
        session=cast.session,
        year=2025,
        title="关于改善学校周边交通的建议",
        status=Status.SUBMITTED,
        lead_deputy=cast.lead_deputy,
        source=Suggestion.Source.STAFF,
    )
    return {"handling": handling, "answered": answered, "submitted": submitted}


FILTER_CASES = [
    ("session={session}", {"handling", "submitted"}),
    ("session=none", {"answered"}),
    ("year=2024", {"answered"}),
    ("status=handling&status=submitted", {"handling", "submitted"}),
    ("unit={lead_unit}", {"handling", "answered"}),
    ("unit={other_unit}", {"answered"}),
    ("lead_unit={lead_unit}", {"handling"}),
    ("category={category}", {"handling"}),
    ("category=none", {"answered", "submitted"}),
    ("priority=true", {"handling"}),
    ("priority=false", {"answered", "submitted"}),
    ("overdue=true", {"handling"}),
    ("deputy={lead_deputy}", {"submitted"}),
    ("q=学校", {"submitted"}),
    ("assigned_from=2025-04-01", {"answered"}),
    ("assigned_to=2025-03-10", {"handling"}),
    ("assigned_from=2025-03-01&assigned_to=2025-12-31", {"handling", "answered"}),
    ("rated=true", {"answered"}),
    ("rated=false", {"handling", "submitted"}),
    ("grade=A", {"answered"}),
    ("grade=B", set()),
    ("satisfaction=satisfied&satisfaction=basically_satisfied", {"answered"}),
    ("satisfaction=unsatisfied", set()),
    ("source=import", {"answered"}),
    ("source=staff", {"submitted"}),
    ("assigned=true", {"handling", "answered"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
def test_each_filter_of_the_contract_narrows_the_list(client, cast, world, query, expected):
    client.force_login(cast.staff)
    query = query.format(
        session=cast.session.pk,
        lead_unit=cast.lead_unit.pk,
        other_unit=cast.other_unit.pk,
        category=cast.category.pk,
        lead_deputy=cast.lead_deputy.pk,
    )

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert rows(response) == {world[name].pk for name in expected}


def test_the_filter_bar_offers_the_requests_awaiting_the_office_in_chinese(client, cast):
    client.force_login(cast.staff)

    text = page_text(client.get(LIST + "?pending=extension"))

    assert "待审批申请" in text
    assert '<option value="reroute">调整申请</option>' in text
    assert '<option value="extension" selected>延期申请</option>' in text
    # an everyday filter: shown on the bar, not by opening "more filters"
    assert 'hx-get="/suggestions/more-filters/"' in text


def test_the_filters_offer_only_what_the_person_may_see(client, cast, world):
    foreign = CountyFactory(name="白水县")
    client.force_login(cast.staff)

    form = client.get(LIST).context["filter_form"]

    assert foreign.session not in form.fields["session"].queryset
    assert cast.session in form.fields["session"].queryset
    assert cast.lead_unit in form.fields["unit"].queryset


def test_a_bad_filter_value_is_shown_as_an_error_not_a_500(client, cast, world):
    client.force_login(cast.staff)

    response = client.get(LIST + "?status=nonsense&year=abc")

    assert response.status_code == 200
    assert response.context["filter_form"].errors


# Bulk actions and export


def test_bulk_assign_sends_every_ticked_suggestion_to_the_same_units(client, cast):
    first, second = drive(cast, to=Status.REGISTERED), drive(cast, to=Status.REGISTERED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:bulk"),
        {
            "bulk-action": "assign",
            "bulk-ids": [first.pk, second.pk],
            "bulk-lead_unit": cast.lead_unit.pk,
            "bulk-co_units": [cast.co_unit.pk],
            "next": "/suggestions/?status=registered",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/suggestions/?status=registered"
    for suggestion in (first, second):
        suggestion.refresh_from_db()
        assert suggestion.status == Status.ASSIGNED
        assert suggestion.lead_unit == cast.lead_unit
        assert assignment_of(suggestion, cast.co_unit).role == Assignment.Role.CO


def test_bulk_assign_assigns_none_when_one_cannot_be_assigned(client, cast):
    registered, submitted = drive(cast, to=Status.REGISTERED), drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:bulk"),
        {"bulk-action": "assign", "bulk-ids": [registered.pk, submitted.pk], "bulk-lead_unit": cast.lead_unit.pk},
        follow=True,
    )

    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_bulk_assign_without_a_lead_unit_is_refused_with_a_message(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:bulk"), {"bulk-action": "assign", "bulk-ids": [registered.pk]}, follow=True
    )

    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_bulk_register_numbers_the_ticked_suggestions(client, cast):
    first, second = drive(cast, to=Status.SUBMITTED), drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    client.post(reverse("suggestions:bulk"), {"bulk-action": "register", "bulk-ids": [first.pk, second.pk]})

    numbers = sorted(Suggestion.objects.filter(pk__in=[first.pk, second.pk]).values_list("number", flat=True))
    assert numbers == [1, 2]


def test_bulk_actions_are_for_office_staff_and_visible_suggestions_only(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    data = {"bulk-action": "assign", "bulk-ids": [registered.pk], "bulk-lead_unit": cast.lead_unit.pk}
    client.force_login(cast.leader)
    assert client.post(reverse("suggestions:bulk"), data).status_code == 403
    client.force_login(cast.foreign_staff)
    response = client.post(reverse("suggestions:bulk"), data, follow=True)
    assert {m.level_tag for m in response.context["messages"]} == {"error"}
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED


def test_export_downloads_the_filtered_list_as_excel(client, cast, world):
    client.force_login(cast.leader)

    response = client.get(reverse("suggestions:export") + "?priority=false")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    titles = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted([world["answered"].title, world["submitted"].title])


def test_export_is_refused_to_unit_people(client, cast):
    client.force_login(cast.lead_handler)

    assert client.get(reverse("suggestions:export")).status_code == 403


# The detail page, by role


@pytest.fixture
def assigned(cast):
    return drive(cast, to=Status.HANDLING, co=True, cosigned=True)


def test_office_staff_see_everything_about_a_suggestion(client, cast, assigned):
    client.force_login(cast.staff)

    response = client.get(detail_url(assigned))

    text = page_text(response)
    assert response.status_code == 200
    assert assigned.title in text and assigned.content in text
    assert cast.lead_deputy.name in text and cast.co_deputy_record.name in text
    assert cast.lead_unit.name in text and cast.co_unit.name in text
    assert assigned.reference in text
    kinds = [event.kind for event in response.context["timeline"]]
    assert kinds[:3] == ["suggestion_created", "suggestion_cosigned", "suggestion_submitted"]
    assert "assignment_accepted" in kinds
    assert set(response.context["forms"]) == {"prioritize", "publish"}


def test_a_leader_may_prioritize_but_not_register(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.leader)

    assert client.get(detail_url(submitted)).context["forms"] == {}
    assert set(client.get(detail_url(registered)).context["forms"]) == {"prioritize"}
    response = client.post(reverse("suggestions:register", args=[submitted.pk]))
    assert response.status_code == 403


def test_a_member_reads_without_any_action(client, cast, assigned):
    client.force_login(cast.member)

    response = client.get(detail_url(assigned))

    assert response.status_code == 200
    assert response.context["forms"] == {}
    assert 'data-testid="timeline"' in page_text(response)


def test_a_handler_of_an_assigned_unit_reads_the_page_and_another_units_gets_404(client, cast, assigned):
    client.force_login(cast.co_handler)
    response = client.get(detail_url(assigned))
    assert response.status_code == 200
    assert response.context["forms"] == {}

    client.force_login(cast.other_handler)
    assert client.get(detail_url(assigned)).status_code == 404


def test_possible_duplicates_are_shown_while_under_review(client, cast):
    first = drive(cast, to=Status.SUBMITTED)
    second = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    response = client.get(detail_url(second))

    assert [item.pk for item, _score in response.context["duplicates"]] == [first.pk]
    assert 'data-testid="duplicates"' in page_text(response)


def test_an_unrated_answer_is_shown_as_not_rated(client, cast):
    answered = drive(cast, to=Status.ANSWERED)
    client.force_login(cast.staff)

    response = client.get(detail_url(answered))

    assert "未评价" in page_text(response)
    assert set(response.context["forms"]) >= {"prioritize", "publish"}


def test_the_detail_page_costs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    small = drive(cast, to=Status.ANSWERED)
    big = drive(cast, to=Status.ANSWERED, co=True, parallel=True, cosigned=True)
    client.force_login(cast.staff)
    # The first page of a process reads the content types into Django's cache: counted here, the test's result
    # would depend on whether a test before it had already loaded them.
    client.get(detail_url(small))
    counts = []
    for suggestion in (small, big):
        with CaptureQueriesContext(connection) as queries:
            client.get(detail_url(suggestion))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(40):
        client.get(detail_url(big))


# Actions through the page


def test_registering_gives_the_number_and_a_chosen_category(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:register", args=[submitted.pk]), {"register-category": cast.category.pk}, follow=True
    )

    submitted.refresh_from_db()
    assert submitted.status == Status.REGISTERED and submitted.number == 1
    assert submitted.reference in page_text(response)


def test_an_assigned_suggestion_offers_no_registration(client, cast):
    assigned = drive(cast, to=Status.ASSIGNED)
    client.force_login(cast.staff)

    response = client.get(detail_url(assigned))

    assert "register" not in response.context["forms"]
    assert 'data-testid="register-form"' not in page_text(response)


def test_the_second_of_two_registrations_gets_the_conflict_message(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)
    url = reverse("suggestions:register", args=[submitted.pk])

    client.post(url, {})
    response = client.post(url, {})

    assert response.status_code == 409
    assert response.context["conflict"]
    assert 'data-testid="conflict"' in page_text(response)
    assert response.context["suggestion"].status == Status.REGISTERED
    submitted.refresh_from_db()
    assert submitted.number == 1


def test_a_conflict_sent_by_htmx_is_swapped_in_with_status_200(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)
    url = reverse("suggestions:register", args=[submitted.pk])

    client.post(url, {}, headers={"HX-Request": "true"})
    response = client.post(url, {}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'id="suggestion-detail"' in page_text(response)
    assert response.context["conflict"]


def test_rejecting_needs_an_explanation_and_keeps_what_was_typed(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)
    url = reverse("suggestions:reject", args=[submitted.pk])

    refused = client.post(url, {"reject-reason": "complaint", "reject-note": ""})
    done = client.post(url, {"reject-reason": "complaint", "reject-note": "属投诉事项，已转有关部门。"})

    assert refused.status_code == 400
    assert refused.context["forms"]["reject"]["reason"].value() == "complaint"
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reject_reason) == (Status.NOT_REGISTERED, "complaint")


def test_the_detail_pages_decision_forms_leave_the_required_fields_to_the_servers_chinese_errors(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    rerouted = drive(cast, to=Status.ASSIGNED)
    services.assignment_request_reroute(
        assignment_id=assignment_of(rerouted, cast.lead_unit).pk, actor=cast.lead_handler, reason="不属本单位职责"
    )
    client.force_login(cast.staff)

    for suggestion in (submitted, rerouted, drive(cast, to=Status.ANSWERED)):
        text = page_text(client.get(detail_url(suggestion)))
        assert "required" in text and "novalidate" in text
        assert forms_relying_on_the_browser(text) == []


def test_the_refusal_reason_is_never_chosen_in_advance(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.staff)

    page = client.get(detail_url(submitted))
    refused = client.post(
        reverse("suggestions:reject", args=[submitted.pk]), {"reject-reason": "", "reject-note": "无实质内容。"}
    )

    assert page.context["forms"]["reject"]["reason"].value() in (None, "")
    assert refused.status_code == 400
    assert refused.context["forms"]["reject"].errors["reason"]
    assert refused.context["forms"]["reject"]["note"].value() == "无实质内容。"


def test_assigning_shows_the_policy_deadlines_and_assigns_the_units(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.staff)
    assert 'data-testid="assign-deadlines"' in page_text(client.get(detail_url(registered)))

    response = client.post(
        reverse("suggestions:assign", args=[registered.pk]),
        {
            "assign-lead_unit": cast.lead_unit.pk,
            "assign-co_units": [cast.co_unit.pk],
            "assign-parallel_units": [cast.parallel_unit.pk],
        },
    )

    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    assert assignment_of(registered, cast.parallel_unit).role == Assignment.Role.PARALLEL


def test_assigning_the_same_unit_twice_is_refused_with_the_form_kept(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:assign", args=[registered.pk]),
        {"assign-lead_unit": cast.lead_unit.pk, "assign-co_units": [cast.lead_unit.pk]},
    )

    assert response.status_code == 400
    assert response.context["forms"]["assign"].errors
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED


def test_deciding_a_reroute_hands_the_suggestion_to_the_new_unit(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    assignment = assignment_of(suggestion, cast.lead_unit)
    services.assignment_request_reroute(assignment_id=assignment.pk, actor=cast.lead_handler, reason="不属本单位职责")
    client.force_login(cast.staff)
    assert 'data-testid="reroute-form"' in page_text(client.get(detail_url(suggestion)))
    name = f"reroute-{assignment.pk}"

    response = client.post(
        reverse("suggestions:decide_reroute", args=[assignment.pk]),
        {f"{name}-decision": "approve", f"{name}-new_unit": cast.other_unit.pk, f"{name}-note": "改由教育局主办"},
    )
    again = client.post(reverse("suggestions:decide_reroute", args=[assignment.pk]), {f"{name}-decision": "refuse"})

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.lead_unit == cast.other_unit
    assert again.status_code == 409


def test_the_timeline_names_the_unit_an_approved_reroute_hands_the_suggestion_to(client, cast):
    # Given a lead unit's re-routing request approved with another unit taking over, and a co-unit's approved
    # without a replacement
    suggestion = approved_reroutes(cast)
    client.force_login(cast.staff)

    # When the office opens the suggestion
    text = page_text(client.get(detail_url(suggestion)))

    # Then each approval says which unit let it go and which took it on
    timeline = text[text.index('data-testid="timeline"') :]
    assert "同意调整承办单位" in timeline
    assert "由县交通运输局调整为县教育局" in timeline
    assert "县财政局不再承办" in timeline


def test_the_timeline_names_the_unit_the_grade_the_rating_and_the_new_deadline(client, cast):
    # Given a suggestion accepted, answered with a B, rated unsatisfied and sent back for re-handling, whose lead
    # unit was renamed afterwards
    suggestion = drive(cast, to=Status.REHANDLING, grade=Answer.Grade.B)
    due = assignment_of(suggestion, cast.lead_unit).answer_due
    cast.lead_unit.name = "县交通局"
    cast.lead_unit.save(update_fields=["name"])
    client.force_login(cast.staff)

    # When the office opens the suggestion
    text = page_text(client.get(detail_url(suggestion)))

    # Then each step says which unit, what grade, what rating and by when, under the unit's name at the time
    timeline = text[text.index('data-testid="timeline"') :].split("</ol>")[0]
    facts = [fact.split("</div>")[0] for fact in timeline.split('data-testid="event-facts">')[1:]]
    assert facts == [
        "县交通运输局",
        "县交通运输局 · B：正在解决或列入计划解决",
        "县交通运输局的答复：办理态度满意，办理结果不满意",
        f"县交通运输局 · 须于{due:%Y-%m-%d}前重新答复",
    ]
    assert "县交通局" not in timeline


def test_deciding_an_extension_moves_the_answer_date(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    wanted = assignment.answer_due + dt.timedelta(days=20)
    request = services.extension_request(
        assignment_id=assignment.pk, actor=cast.lead_handler, reason="需协调资金", requested_until=wanted
    )
    client.force_login(cast.leader)
    assert 'data-testid="extension-form"' in page_text(client.get(detail_url(suggestion)))

    response = client.post(
        reverse("suggestions:decide_extension", args=[request.pk]), {f"extension-{request.pk}-decision": "approve"}
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.answer_due == wanted


def test_a_leader_puts_a_suggestion_under_priority_supervision(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.leader)
    url = reverse("suggestions:prioritize", args=[registered.pk])

    missing = client.post(url, {"prioritize-priority": "true"})
    done = client.post(url, {"prioritize-priority": "true", "prioritize-supervising_leader": cast.leader.pk})

    assert missing.status_code == 400
    assert done.status_code == 302
    registered.refresh_from_db()
    assert registered.is_priority and registered.supervising_leader == cast.leader


def test_publishing_and_taking_down(client, cast):
    registered = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.staff)
    url = reverse("suggestions:publish", args=[registered.pk])

    client.post(url, {"publish-public": "true"})
    registered.refresh_from_db()
    assert registered.is_public
    client.post(url, {"publish-public": "false"})
    registered.refresh_from_db()
    assert not registered.is_public


def test_closing_revisiting_and_archiving(client, cast):
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    client.force_login(cast.staff)

    client.post(reverse("suggestions:close", args=[follow_up.pk]), {"close-note": "已落实"})
    follow_up.refresh_from_db()
    assert follow_up.status == Status.CLOSED
    assert client.post(reverse("suggestions:revisit", args=[follow_up.pk]), {"revisit-note": ""}).status_code == 400
    client.post(reverse("suggestions:revisit", args=[follow_up.pk]), {"revisit-note": "代表表示满意"})
    client.post(reverse("suggestions:archive", args=[follow_up.pk]), {})
    follow_up.refresh_from_db()
    assert follow_up.status == Status.ARCHIVED
    conflict = client.post(reverse("suggestions:archive", args=[follow_up.pk]), {})
    assert conflict.status_code == 409


CLOSE_REASON = "受县级财力限制，本届任期内难以实施，已向代表当面说明。"


def _close_form(text: str) -> str:
    form = text[text.index('data-testid="close-form"') :]
    return form[: form.index("</form>")]


def test_closing_before_the_second_answer_asks_for_the_reason_and_keeps_the_form_when_it_is_missing(client, cast):
    # Given a grade C answer under follow-up, the unit's second answer not yet given
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    client.force_login(cast.staff)

    # When the office opens it, the close form asks for the reason and says why, leaving the check to the server
    page = page_text(client.get(detail_url(follow_up)))
    form = _close_form(page)
    assert "未作第二次答复即办结的理由" in form and "<textarea" in form and "required" in form
    assert "B类、C类答复的建议转入跟踪落实" in form and "本件答复为C类" in form
    assert forms_relying_on_the_browser(page) == []

    # And it closes with nothing typed but spaces
    refused = client.post(reverse("suggestions:close", args=[follow_up.pk]), {"close-note": "  \n"})

    # Then the same form comes back with the rule's message under the field, and nothing is closed
    assert refused.status_code == 400
    bound = refused.context["forms"]["close"]
    assert bound.is_bound and bound["note"].value() == "  \n"
    assert bound.errors["note"] == ["该建议答复为C类，此后尚未作第二次答复；请说明未作第二次答复即办结的理由。"]
    assert "请说明未作第二次答复即办结的理由" in _close_form(page_text(refused))
    follow_up.refresh_from_db()
    assert follow_up.status == Status.FOLLOW_UP

    # And with the reason it is closed, and the timeline says it closed without a second answer, and why
    done = client.post(reverse("suggestions:close", args=[follow_up.pk]), {"close-note": CLOSE_REASON}, follow=True)
    follow_up.refresh_from_db()
    assert follow_up.status == Status.CLOSED
    timeline = page_text(done)[page_text(done).index('data-testid="timeline"') :].split("</ol>")[0]
    last = timeline.split("<li>")[-1]
    assert "办结（未作第二次答复）：" in last and CLOSE_REASON in last
    assert "最后一次答复为C：因条件限制留待以后解决" in last
    # The reason is said once, as the heading's text, not again as the step's note.
    assert last.count(CLOSE_REASON) == 1


def test_after_the_second_answer_the_close_form_keeps_its_optional_note(client, cast):
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    second = services.suggestion_answer(
        assignment_id=assignment_of(follow_up, cast.lead_unit).pk, actor=cast.lead_handler, grade="B", text="已开工。"
    )
    services.suggestion_rate(answer_id=second.pk, actor=cast.deputy, attitude="satisfied", result="satisfied")
    client.force_login(cast.staff)

    form = _close_form(page_text(client.get(detail_url(follow_up))))
    done = client.post(reverse("suggestions:close", args=[follow_up.pk]), {"close-note": ""}, follow=True)

    assert "备注" in form and "required" not in form and "未作第二次答复" not in form
    assert done.status_code == 200
    assert "未作第二次答复" not in page_text(done)
    follow_up.refresh_from_db()
    assert follow_up.status == Status.CLOSED


def test_the_close_form_reads_the_answers_the_page_has_loaded_instead_of_its_own(client, cast):
    small = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    big = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C, co=True, parallel=True, cosigned=True)
    client.force_login(cast.staff)
    for suggestion in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(detail_url(suggestion))
        assert response.context["forms"]["close"].fields["note"].required
        answer_reads = [q["sql"] for q in queries.captured_queries if 'FROM "suggestions_answer"' in q["sql"]]
        assert len(answer_reads) == 1, answer_reads


# Drive on 3 March 2025: the deputy may rate until 31 March.
ANSWERED_ON = dt.datetime(2025, 3, 3, 10, 0)
IN_THE_WINDOW = dt.datetime(2025, 3, 31, 10, 0)
AFTER_THE_WINDOW = dt.datetime(2025, 4, 1, 10, 0)


def test_closing_unrated_a_c_answer_asks_for_the_reason_and_keeps_the_form_when_it_is_missing(client, cast):
    # Given a grade C answer the deputy never rated, the rating window over
    with time_machine.travel(ANSWERED_ON, tick=False):
        answered = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.C)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        client.force_login(cast.staff)

        # When the office opens it, the close form asks for the reason, saying the deputy did not rate
        page = page_text(client.get(detail_url(answered)))
        form = _close_form(page)
        assert "未作第二次答复即办结的理由" in form and "<textarea" in form and "required" in form
        assert "代表未在评价期限内作出评价" in form and "本件答复为C类" in form
        assert forms_relying_on_the_browser(page) == []

        # And it closes with nothing typed but spaces
        refused = client.post(reverse("suggestions:close", args=[answered.pk]), {"close-note": " \n "})

        # Then the same form comes back with the rule's message under the field and the text as typed
        assert refused.status_code == 400
        bound = refused.context["forms"]["close"]
        assert bound.is_bound and bound["note"].value() == " \n "
        assert bound.errors["note"] == ["该建议答复为C类，此后尚未作第二次答复；请说明未作第二次答复即办结的理由。"]
        assert "请说明未作第二次答复即办结的理由" in _close_form(page_text(refused))
        answered.refresh_from_db()
        assert answered.status == Status.ANSWERED

        # And with the reason it is closed; the timeline says without a second answer, unrated, and why
        done = client.post(reverse("suggestions:close", args=[answered.pk]), {"close-note": CLOSE_REASON}, follow=True)
    answered.refresh_from_db()
    assert answered.status == Status.CLOSED
    timeline = page_text(done)[page_text(done).index('data-testid="timeline"') :].split("</ol>")[0]
    last = timeline.split("<li>")[-1]
    assert "办结（未作第二次答复）：" in last and last.count(CLOSE_REASON) == 1
    assert "最后一次答复为C：因条件限制留待以后解决 " in last and "· 未评价" in last


def test_the_follow_up_close_says_nothing_of_an_unrated_answer(client, cast):
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    client.force_login(cast.staff)

    form = _close_form(page_text(client.get(detail_url(follow_up))))
    done = client.post(reverse("suggestions:close", args=[follow_up.pk]), {"close-note": CLOSE_REASON}, follow=True)

    assert "代表未在评价期限内作出评价" not in form
    last = page_text(done)[page_text(done).index('data-testid="timeline"') :].split("</ol>")[0].split("<li>")[-1]
    assert "最后一次答复为B" in last and "未评价" not in last


def test_closing_unrated_an_a_answer_keeps_its_optional_note(client, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        answered = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.A)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        client.force_login(cast.staff)
        form = _close_form(page_text(client.get(detail_url(answered))))
        done = client.post(reverse("suggestions:close", args=[answered.pk]), {"close-note": ""}, follow=True)

    assert "备注" in form and "required" not in form and "未作第二次答复" not in form
    assert done.status_code == 200 and "未作第二次答复" not in page_text(done)
    answered.refresh_from_db()
    assert answered.status == Status.CLOSED
    # The timeline still says the deputy never rated it: closing unrated is never a silent satisfaction.
    last = page_text(done)[page_text(done).index('data-testid="timeline"') :].split("</ol>")[0].split("<li>")[-1]
    assert "已办结" in last and "未评价" in last


def test_inside_the_rating_window_the_page_says_when_it_becomes_closable_and_closing_is_a_clear_conflict(client, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        answered = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.C)
    with time_machine.travel(IN_THE_WINDOW, tick=False):
        client.force_login(cast.staff)
        page = page_text(client.get(detail_url(answered)))
        blank = client.post(reverse("suggestions:close", args=[answered.pk]), {})
        with_reason = client.post(reverse("suggestions:close", args=[answered.pk]), {"close-note": CLOSE_REASON})

    # No form that could only fail: the page says from when it can be closed unrated.
    assert 'data-testid="close-form"' not in page and "未作第二次答复" not in page
    assert "自2025-04-01起可以未评价办结" in page
    # The window, not a missing reason, is what stops a close posted all the same: no reason would let it close yet.
    assert blank.status_code == with_reason.status_code == 409
    assert "代表可在2025年3月31日前评价" in page_text(blank)
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_the_unrated_close_form_reads_the_answers_the_page_has_loaded(client, cast):
    with time_machine.travel(ANSWERED_ON, tick=False):
        answered = drive(cast, to=Status.ANSWERED, grade=Answer.Grade.B, parallel=True)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        client.force_login(cast.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(detail_url(answered))
    assert response.context["forms"]["close"].fields["note"].required
    answer_reads = [q["sql"] for q in queries.captured_queries if 'FROM "suggestions_answer"' in q["sql"]]
    rating_reads = [q["sql"] for q in queries.captured_queries if 'FROM "suggestions_rating"' in q["sql"]]
    assert len(answer_reads) == 1 and len(rating_reads) == 1, (answer_reads, rating_reads)


def test_closing_an_answer_still_inside_its_rating_window_is_a_clear_conflict(client, cast):
    answered = drive(cast, to=Status.ANSWERED)
    client.force_login(cast.staff)

    response = client.post(reverse("suggestions:close", args=[answered.pk]), {})

    assert response.status_code == 409
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_actions_are_refused_to_members_and_unit_people(client, cast):
    submitted = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.member)
    assert client.post(reverse("suggestions:register", args=[submitted.pk])).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


# Files


def test_the_reply_letter_goes_only_to_people_who_may_see_the_suggestion(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    suggestion = drive(cast, to=Status.HANDLING)
    answer = services.suggestion_answer(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
        actor=cast.lead_handler,
        grade="A",
        text="已解决。",
        letter=pdf_letter(),
    )
    url = reverse("suggestions:answer_letter", args=[answer.pk])

    client.force_login(cast.staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'data-testid="letter-link"' in page_text(client.get(detail_url(suggestion)))
    client.force_login(cast.deputy)
    assert client.get(url).status_code == 200
    for outsider in (cast.other_handler, cast.other_deputy, cast.foreign_staff):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


# Entering a paper suggestion


def test_office_staff_enter_a_paper_suggestion_and_register_it_at_once(client, cast):
    client.force_login(cast.staff)
    assert client.get(reverse("suggestions:create")).status_code == 200

    response = client.post(
        reverse("suggestions:create"),
        {
            "lead_deputy": cast.lead_deputy.pk,
            "cosigners": [cast.co_deputy_record.pk],
            "cosigners_signed": "on",
            "title": "关于加强农村饮水安全的建议",
            "content": "部分村组饮水水质不稳定，建议改造供水管网。",
            "category": cast.category.pk,
            "session": cast.session.pk,
            "register_now": "on",
        },
    )

    suggestion = Suggestion.objects.get(title="关于加强农村饮水安全的建议")
    assert response.status_code == 302
    assert response["Location"] == detail_url(suggestion)
    assert suggestion.source == Suggestion.Source.STAFF
    assert suggestion.status == Status.REGISTERED
    assert suggestion.signers.filter(confirmed_at__isnull=False).count() == 2


def test_entering_without_a_title_keeps_what_was_typed(client, cast):
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:create"), {"lead_deputy": cast.lead_deputy.pk, "title": "", "content": "保留的内容"}
    )

    assert response.status_code == 400
    assert "保留的内容" in page_text(response)
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("who", ["leader", "member"])
def test_only_office_staff_may_enter_suggestions(client, cast, who):
    client.force_login(getattr(cast, who))

    assert client.get(reverse("suggestions:create")).status_code == 403


# Navigation


def test_the_nav_offers_the_list_to_readers_and_entering_and_import_to_office_staff(client, cast):
    register_nav()
    staff_items = {item["url"] for section in navigation.nav_for(cast.staff, "/") for item in section.items}
    member_items = {item["url"] for section in navigation.nav_for(cast.member, "/") for item in section.items}

    assert {"/suggestions/", "/suggestions/new/", "/suggestions/import/"} <= staff_items
    assert "/suggestions/" in member_items
    assert "/suggestions/new/" not in member_items


def test_a_unit_head_of_the_lead_unit_reads_the_detail(client, cast, assigned):
    head = make_user(body=cast.body, unit=cast.lead_unit, roles=[Role.UNIT_HEAD])
    client.force_login(head)

    assert client.get(detail_url(assigned)).status_code == 200


def test_bulk_actions_on_a_suggestion_the_person_cannot_see_are_404(client, cast):
    foreign = loop_cast(CountyFactory(name="白水县"))
    theirs = drive(foreign, to=Status.REGISTERED)
    client.force_login(cast.staff)

    response = client.post(
        reverse("suggestions:bulk"),
        {"bulk-action": "assign", "bulk-ids": [theirs.pk], "bulk-lead_unit": cast.lead_unit.pk},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.REGISTERED


def test_pages_read_from_indexes_keep_the_list_order_overdue_first(cast):
    """Ids come page by page from two parts (overdue, then the rest); joined, they are the list's one order."""
    from suggestions import selectors

    fill(cast, 12)  # due from two days ago onwards: two overdue, the rest not yet
    closed = Suggestion.objects.order_by("pk").last()
    Suggestion.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, due_date=timezone.localdate() - dt.timedelta(days=30)
    )
    expected = list(selectors.suggestion_list(user=cast.staff, filters={}).values_list("pk", flat=True))
    seen = []
    for number in range(1, 5):  # 12 suggestions, 3 a page
        listed = selectors.suggestion_list_page(user=cast.staff, filters={}, number=number, per_page=3)
        seen += [suggestion.pk for suggestion in listed.page]
        assert listed.page.paginator.count == len(expected)
        assert listed.overdue == 2
    assert seen == expected
    assert expected[2] == closed.pk  # not overdue though its date has passed: first of the rest


def test_the_close_button_says_ban_jie_not_the_dialogs_guan_bi(client, cast):
    follow_up = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    client.force_login(cast.staff)

    page = page_text(client.get(detail_url(follow_up)))

    close_form = page[page.index('data-testid="close-form"') :]
    button = close_form[close_form.index('<button type="submit"') : close_form.index("</button>")]
    assert "办结" in button and "关闭" not in button


def test_the_rating_line_reads_in_chinese_punctuation_and_keeps_the_comments_lines(client, cast):
    # Given an answer the deputy rated with a comment over two lines, one holding markup
    suggestion = drive(cast, to=Status.HANDLING)
    answer = services.suggestion_answer(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk, actor=cast.lead_handler, grade="A", text="已解决。"
    )
    services.suggestion_rate(
        answer_id=answer.pk,
        actor=cast.deputy,
        attitude=Rating.Level.BASICALLY_SATISFIED,
        result=Rating.Level.SATISFIED,
        comment="沟通及时。\n<b>希望</b>继续跟进。",
    )
    client.force_login(cast.staff)

    # When the office opens the suggestion
    text = page_text(client.get(detail_url(suggestion)))

    # Then the rating reads with a Chinese comma, and the comment keeps its line break, escaped
    rating = text[text.index('data-testid="rating"') :]
    assert "办理态度 <strong>基本满意</strong>，办理结果 <strong>满意</strong>" in rating
    assert "沟通及时。<br>&lt;b&gt;希望&lt;/b&gt;继续跟进。" in rating
