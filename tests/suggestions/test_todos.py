"""The suggestion loop's to-do items on the staff home and the deputies' mobile home, read in bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from congress.models import Role
from suggestions import services
from suggestions.models import Assignment, Suggestion
from suggestions.todos import deputy_todos, leader_todos, office_todos, unit_todos
from tests.congress.factories import make_user
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status


@pytest.fixture
def cast(county):
    return loop_cast(county)


def by_title(items) -> dict[str, object]:
    return {item.title: item for item in items}


def overdue(cast, suggestion: Suggestion) -> None:
    """Move the lead unit's answer date into the past (the deadline itself, not the workflow)."""
    past = timezone.localdate() - dt.timedelta(days=3)
    Assignment.objects.filter(suggestion=suggestion).update(answer_due=past)
    Suggestion.objects.filter(pk=suggestion.pk).update(due_date=past)


def test_office_staff_see_what_awaits_review_and_decision_and_what_is_overdue(cast, english):
    drive(cast, to=Status.SUBMITTED)
    drive(cast, to=Status.SUBMITTED)
    rerouted = drive(cast, to=Status.ASSIGNED)
    services.assignment_request_reroute(
        assignment_id=assignment_of(rerouted, cast.lead_unit).pk, actor=cast.lead_handler, reason="不属我单位职责。"
    )
    handled = drive(cast, to=Status.HANDLING)
    assignment = assignment_of(handled, cast.lead_unit)
    services.extension_request(
        assignment_id=assignment.pk,
        actor=cast.lead_handler,
        reason="需等待批复。",
        requested_until=assignment.answer_due + dt.timedelta(days=10),
    )
    late = drive(cast, to=Status.HANDLING)
    overdue(cast, late)

    items = by_title(office_todos(cast.staff))

    assert items["Suggestions awaiting review"].count == 2
    assert items["Suggestions awaiting review"].url == reverse("suggestions:list") + "?status=submitted"
    # a single request links straight to its suggestion
    assert items["Re-routing requests to decide"].url == reverse("suggestions:detail", args=[rerouted.pk])
    assert items["Extension requests to decide"].url == reverse("suggestions:detail", args=[handled.pk])
    assert items["Overdue suggestions"].level == "danger"
    assert items["Overdue suggestions"].url == reverse("suggestions:detail", args=[late.pk])
    # another county's staff see none of it, and no one else gets the office's items
    assert office_todos(cast.foreign_staff) == []
    assert office_todos(cast.leader) == [] and office_todos(cast.lead_handler) == []


def test_a_units_people_see_their_own_units_work_only(cast, english):
    drive(cast, to=Status.ASSIGNED)
    drive(cast, to=Status.HANDLING, co=True)
    overdue(cast, drive(cast, to=Status.HANDLING))

    lead = by_title(unit_todos(cast.lead_handler))
    co = by_title(unit_todos(cast.co_handler))

    assert lead["Suggestions assigned to your unit awaiting acceptance"].count == 1
    assert lead["Suggestions your unit must answer"].count == 2
    assert lead["Overdue answers of your unit"].count == 1
    assert lead["Overdue answers of your unit"].url == reverse("suggestion_unit:todo")
    assert set(co) == {"Co-handling opinions to send to the lead unit"}
    assert unit_todos(cast.other_handler) == []
    assert unit_todos(cast.staff) == []


def test_a_deputy_sees_invitations_to_cosign_and_answers_awaiting_their_rating(cast, english):
    drive(cast, to=Status.ANSWERED)
    invitation = services.suggestion_create(
        body=cast.body,
        lead_deputy=cast.other_deputy_record,
        title="关于增设公交站点的建议",
        content="建议在新城区增设公交站点。",
        actor=cast.other_deputy,
        session=cast.session,
        cosigner_ids=[cast.lead_deputy.pk],
    )

    items = by_title(deputy_todos(cast.deputy))

    assert items["Answers awaiting your rating"].count == 1
    assert items["Answers awaiting your rating"].due is not None
    assert items["Invitations to co-sign a suggestion"].count == 1
    assert items["Answers awaiting your rating"].url == reverse("suggestions_mobile:list")
    # once confirmed, the invitation is gone; a co-signer does not rate
    services.suggestion_cosign(suggestion_id=invitation.pk, actor=cast.deputy)
    assert "Invitations to co-sign a suggestion" not in by_title(deputy_todos(cast.deputy))
    assert deputy_todos(cast.co_deputy) == []


def test_nothing_to_do_gives_no_items(cast):
    drive(cast, to=Status.CLOSED)

    assert office_todos(cast.staff) == []
    assert unit_todos(cast.lead_handler) == []
    assert deputy_todos(cast.deputy) == []


@pytest.mark.parametrize("user_key", ["staff", "leader", "lead_handler"])
def test_the_staff_home_reads_the_same_number_of_queries_for_few_and_many_suggestions(
    client, cast, user_key, django_assert_max_num_queries
):
    def home_queries() -> int:
        with django_assert_max_num_queries(60) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(captured.captured_queries)

    def drive_and_supervise(to: str) -> None:
        suggestion = drive(cast, to=to)
        if to != Status.SUBMITTED:
            supervise(cast, suggestion, cast.leader)

    client.force_login(getattr(cast, user_key))
    for to in (Status.SUBMITTED, Status.ASSIGNED, Status.HANDLING):
        drive_and_supervise(to)
    few = home_queries()
    for to in (Status.SUBMITTED, Status.ASSIGNED, Status.HANDLING) * 4:
        drive_and_supervise(to)
    many = home_queries()

    assert few == many


def test_the_mobile_home_lists_the_deputys_rating_and_reads_bounded_queries(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.deputy)
    drive(cast, to=Status.ANSWERED)
    with django_assert_max_num_queries(30) as few:
        page = client.get(reverse("mobile:home")).content.decode()
    for _ in range(4):
        drive(cast, to=Status.ANSWERED)
    with django_assert_max_num_queries(30) as many:
        client.get(reverse("mobile:home"))

    assert "Answers awaiting your rating" in page or "待您评价的答复" in page
    assert len(few.captured_queries) == len(many.captured_queries)


def request_reroute(cast, suggestion: Suggestion, unit, handler) -> None:
    services.assignment_request_reroute(
        assignment_id=assignment_of(suggestion, unit).pk, actor=handler, reason="不属我单位职责。"
    )


def request_extension(cast, suggestion: Suggestion) -> None:
    assignment = assignment_of(suggestion, cast.lead_unit)
    services.extension_request(
        assignment_id=assignment.pk,
        actor=cast.lead_handler,
        reason="需等待批复。",
        requested_until=assignment.answer_due + dt.timedelta(days=10),
    )


def test_the_offices_request_items_open_the_list_of_exactly_the_suggestions_they_count(client, cast, english):
    # Given two suggestions with re-routing requests (one asked by both its units), two with extension requests,
    # and assigned and handled suggestions that ask for nothing
    both = drive(cast, to=Status.ASSIGNED, co=True)
    request_reroute(cast, both, cast.lead_unit, cast.lead_handler)
    request_reroute(cast, both, cast.co_unit, cast.co_handler)
    request_reroute(cast, drive(cast, to=Status.ASSIGNED), cast.lead_unit, cast.lead_handler)
    extended = [drive(cast, to=Status.HANDLING) for _ in range(2)]
    for suggestion in extended:
        request_extension(cast, suggestion)
    for to in (Status.ASSIGNED, Status.ASSIGNED, Status.HANDLING, Status.HANDLING, Status.HANDLING):
        drive(cast, to=to)
    client.force_login(cast.staff)

    items = by_title(office_todos(cast.staff))

    # Then each item links to the list filtered to its own requests, and the list shows as many as it counted
    reroutes, extensions = items["Re-routing requests to decide"], items["Extension requests to decide"]
    assert reroutes.url == reverse("suggestions:list") + "?pending=reroute"
    assert extensions.url == reverse("suggestions:list") + "?pending=extension"
    for item, expected in ((reroutes, 2), (extensions, 2)):
        page = client.get(item.url).context["page"]
        assert item.count == page.paginator.count == expected
    assert {s.pk for s in client.get(extensions.url).context["page"]} == {s.pk for s in extended}


def test_a_decided_request_leaves_the_pending_list(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    request_reroute(cast, suggestion, cast.lead_unit, cast.lead_handler)
    client.force_login(cast.staff)
    assert {s.pk for s in client.get("/suggestions/?pending=reroute").context["page"]} == {suggestion.pk}

    services.assignment_decide_reroute(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk, actor=cast.staff, approve=False
    )

    assert list(client.get("/suggestions/?pending=reroute").context["page"]) == []
    assert office_todos(cast.staff) == []


def supervise(cast, suggestion: Suggestion, leader) -> None:
    services.suggestion_prioritize(suggestion_id=suggestion.pk, actor=cast.staff, supervising_leader=leader)


def test_a_leader_sees_the_open_suggestions_they_supervise_and_the_list_of_exactly_those(client, cast, english):
    # Given three open suggestions the leader supervises, one closed, one another leader supervises, one that is
    # no longer priority-supervised, and one not supervised at all
    other_leader = make_user(body=cast.county.committee, roles=[Role.LEADER])
    open_ones = [drive(cast, to=to) for to in (Status.ASSIGNED, Status.HANDLING, Status.REHANDLING)]
    for suggestion in open_ones:
        supervise(cast, suggestion, cast.leader)
    closed = drive(cast, to=Status.HANDLING)
    supervise(cast, closed, cast.leader)
    services.suggestion_answer(
        assignment_id=assignment_of(closed, cast.lead_unit).pk, actor=cast.lead_handler, grade="A", text="已解决。"
    )
    services.suggestion_rate(
        answer_id=closed.answers.get().pk, actor=cast.deputy, attitude="satisfied", result="satisfied"
    )
    supervise(cast, drive(cast, to=Status.HANDLING), other_leader)
    removed = drive(cast, to=Status.HANDLING)
    supervise(cast, removed, cast.leader)
    services.suggestion_prioritize(suggestion_id=removed.pk, actor=cast.staff, supervising_leader=None, priority=False)
    drive(cast, to=Status.HANDLING)
    client.force_login(cast.leader)

    # When the leader reads their to-do list
    items = by_title(leader_todos(cast.leader))

    # Then one item counts the three, and links to the list showing exactly those three
    item = items["Priority-supervised suggestions you supervise"]
    assert item.count == 3
    page = client.get(item.url).context["page"]
    assert page.paginator.count == item.count
    assert {s.pk for s in page} == {s.pk for s in open_ones}
    # and the home page shows it rather than "nothing to do"
    home = client.get(reverse("home")).content.decode()
    assert "您督办的重点建议" in home and "当前没有待办事项" not in home
    # a single one links straight to it; nobody else gets the item
    assert leader_todos(other_leader)[0].url.startswith(
        reverse("suggestions:detail", args=[Suggestion.objects.get(supervising_leader=other_leader).pk])
    )
    assert leader_todos(cast.staff) == [] and leader_todos(cast.lead_handler) == []


def test_a_unit_sees_its_re_handling_apart_and_it_opens_the_workspaces_re_handling_tab(client, cast, english):
    # Given a unit with one suggestion sent back for re-handling and one handled for its first answer
    rehandled = drive(cast, to=Status.REHANDLING)
    drive(cast, to=Status.HANDLING)
    client.force_login(cast.lead_handler)

    # When the unit reads its to-do list
    items = by_title(unit_todos(cast.lead_handler))

    # Then re-handling is its own item, not folded into the answers owed, and opens the tab listing exactly it
    item = items["Suggestions your unit must handle again"]
    assert item.count == 1 and items["Suggestions your unit must answer"].count == 1
    assert item.url == reverse("suggestion_unit:todo") + "?show=rehandling"
    assert item.due == assignment_of(rehandled, cast.lead_unit).answer_due
    page = client.get(item.url).context["page"]
    assert page.paginator.count == item.count
    assert [assignment.suggestion_id for assignment in page] == [rehandled.pk]
