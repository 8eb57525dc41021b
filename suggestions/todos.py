"""The suggestion loop's items on a person's to-do list (the staff home and the deputies' mobile home).

Registered with congress.todos from SuggestionsConfig.ready(). Each provider reads its counts with one
aggregated query per kind of work, so the home pages cost the same however many suggestions there are.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Role, User
from congress.todos import TodoItem
from suggestions.filters import PENDING_EXTENSION, PENDING_REROUTE
from suggestions.models import Assignment, ExtensionRequest, Signer, Suggestion
from suggestions.selectors_unit import Show

Status = Suggestion.Status
ANSWERING_ROLES = (Assignment.Role.LEAD, Assignment.Role.PARALLEL)


def _url(name: str, *, args: tuple = (), query: dict | None = None) -> str:
    """Reverse a page's URL, or "" while that page is not built yet."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _list_or_detail(count: int, first_id: int | None, query: dict) -> str:
    """Link a single item to its suggestion, several to the filtered list."""
    if count == 1 and first_id is not None:
        return _url("suggestions:detail", args=(first_id,))
    return _url("suggestions:list", query=query)


def _only_one(suggestions, count: int) -> int | None:
    """Return the id of the one suggestion a count of one counted, to link to it; None for any other count.

    Looked up whenever something was counted, in no order and at most two rows, so that a page costs the same
    queries for one suggestion as for a thousand.
    """
    if not count:
        return None
    ids = list(suggestions.order_by().values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def office_todos(user: User) -> list[TodoItem]:
    """Office staff: suggestions to review, re-routing and extension requests to decide, overdue suggestions."""
    if not (user.is_active and user.has_role(Role.OFFICE_STAFF)):
        return []
    today = timezone.localdate()
    # Each count reads its own index alone, the suggestions under review the (body, status, due_date) one, the
    # overdue ones the open suggestions' (body, due_date): counted together, every open suggestion of the scope
    # was read and tested (a province's 75,000 in 48 ms, against 16 ms apart). Counting statuses rather than ids
    # keeps the table out of it; the one suggestion a count of one links to is looked up afterwards.
    visible = Suggestion.objects.visible_to(user)
    under_review = visible.filter(status=Status.SUBMITTED)
    overdue = visible.filter(status__in=Suggestion.OPEN_STATUSES, due_date__lt=today)
    counts = {"review": under_review.order_by().aggregate(count=Count("status"))["count"]}
    counts |= overdue.order_by().aggregate(overdue=Count("status"), oldest_due=Min("due_date"))
    first_review = _only_one(under_review, counts["review"])
    first_overdue = _only_one(overdue, counts["overdue"])
    # Suggestions, not requests, are counted: the link lists the suggestions (`pending=`), and two units asking
    # about the same suggestion put one line on that list.
    reroutes = Assignment.objects.visible_to(user).filter(status=Assignment.Status.REROUTE_REQUESTED)
    reroutes = reroutes.aggregate(
        count=Count("suggestion_id", distinct=True), first=Min("suggestion_id"), due=Min("reroute_deadline")
    )
    extensions = ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.PENDING, assignment__in=Assignment.objects.visible_to(user)
    ).aggregate(count=Count("assignment__suggestion_id", distinct=True), first=Min("assignment__suggestion_id"))
    items = []
    if counts["review"]:
        items.append(
            TodoItem(
                title=_("Suggestions awaiting review"),
                detail=_("Register each one or say why it is not registered."),
                url=_list_or_detail(counts["review"], first_review, {"status": Suggestion.Status.SUBMITTED}),
                count=counts["review"],
                level="warning",
            )
        )
    if reroutes["count"]:
        items.append(
            TodoItem(
                title=_("Re-routing requests to decide"),
                detail=_("Units ask to hand a suggestion back; approve or refuse each request."),
                url=_list_or_detail(reroutes["count"], reroutes["first"], {"pending": PENDING_REROUTE}),
                count=reroutes["count"],
                level="warning",
            )
        )
    if extensions["count"]:
        items.append(
            TodoItem(
                title=_("Extension requests to decide"),
                detail=_("Units ask for more time to answer; approve or refuse each request."),
                url=_list_or_detail(extensions["count"], extensions["first"], {"pending": PENDING_EXTENSION}),
                count=extensions["count"],
                level="warning",
            )
        )
    if counts["overdue"]:
        items.append(
            TodoItem(
                title=_("Overdue suggestions"),
                detail=_("Answers past their deadline; the units and their heads are reminded every working day."),
                url=_list_or_detail(counts["overdue"], first_overdue, {"overdue": "true"}),
                due=counts["oldest_due"],
                count=counts["overdue"],
                level="danger",
            )
        )
    return items


def unit_todos(user: User) -> list[TodoItem]:
    """A unit's handlers and head: assignments to accept, to answer (or give an opinion on), overdue."""
    if not (user.is_active and user.is_unit_side):
        return []
    today = timezone.localdate()
    # Re-handling is counted apart, as the workspace's re-handling tab lists it (selectors_unit.Kind.REHANDLING).
    rehandling = Q(status=Assignment.Status.ACCEPTED, role__in=ANSWERING_ROLES, suggestion__status=Status.REHANDLING)
    owes_answer = Q(status=Assignment.Status.ACCEPTED, role__in=ANSWERING_ROLES) & ~Q(
        suggestion__status=Status.REHANDLING
    )
    owes_opinion = Q(status=Assignment.Status.ACCEPTED, role=Assignment.Role.CO)
    overdue = Q(status__in=Assignment.ACTIVE_STATUSES, role__in=ANSWERING_ROLES, answer_due__lt=today)
    counts = Assignment.objects.filter(unit_id=user.unit_id, suggestion__status__in=Suggestion.OPEN_STATUSES).aggregate(
        to_accept=Count("pk", filter=Q(status=Assignment.Status.ASSIGNED)),
        accept_by=Min("reroute_deadline", filter=Q(status=Assignment.Status.ASSIGNED)),
        to_answer=Count("pk", filter=owes_answer),
        answer_by=Min("answer_due", filter=owes_answer),
        rehandling=Count("pk", filter=rehandling),
        rehandle_by=Min("answer_due", filter=rehandling),
        opinions=Count("pk", filter=owes_opinion),
        opinion_by=Min("co_opinion_due", filter=owes_opinion),
        overdue=Count("pk", filter=overdue),
    )
    url = _url("suggestion_unit:todo")
    items = []
    if counts["to_accept"]:
        items.append(
            TodoItem(
                title=_("Suggestions assigned to your unit awaiting acceptance"),
                detail=_("Accept each one, or ask to re-route it before its window closes."),
                url=url,
                due=counts["accept_by"],
                count=counts["to_accept"],
                level="warning",
            )
        )
    if counts["to_answer"]:
        items.append(
            TodoItem(
                title=_("Suggestions your unit must answer"),
                url=url,
                due=counts["answer_by"],
                count=counts["to_answer"],
            )
        )
    if counts["rehandling"]:
        items.append(
            TodoItem(
                title=_("Suggestions your unit must handle again"),
                detail=_("The deputy was not satisfied with the answer: handle it again and answer by the new date."),
                url=_url("suggestion_unit:todo", query={"show": Show.REHANDLING}),
                due=counts["rehandle_by"],
                count=counts["rehandling"],
                level="warning",
            )
        )
    if counts["opinions"]:
        items.append(
            TodoItem(
                title=_("Co-handling opinions to send to the lead unit"),
                url=url,
                due=counts["opinion_by"],
                count=counts["opinions"],
            )
        )
    if counts["overdue"]:
        items.append(
            TodoItem(
                title=_("Overdue answers of your unit"),
                detail=_("The deadline has passed: answer, or ask the office for an extension."),
                url=url,
                count=counts["overdue"],
                level="danger",
            )
        )
    return items


def leader_todos(user: User) -> list[TodoItem]:
    """Leaders: the open suggestions under priority supervision that they supervise."""
    if not (user.is_active and user.has_role(Role.LEADER)):
        return []
    # The list's own filters, so the link lists exactly what is counted.
    supervised = Suggestion.objects.visible_to(user).filter(
        is_priority=True, supervising_leader=user, status__in=Suggestion.OPEN_STATUSES
    )
    counts = supervised.order_by().aggregate(count=Count("status"), due=Min("due_date"))
    if not counts["count"]:
        return []
    query = {"supervising_leader": user.pk, "priority": "true", "status": list(Suggestion.OPEN_STATUSES)}
    return [
        TodoItem(
            title=_("Priority-supervised suggestions you supervise"),
            detail=_("Follow their handling until they are closed."),
            url=_list_or_detail(counts["count"], _only_one(supervised, counts["count"]), query),
            due=counts["due"],
            count=counts["count"],
        )
    ]


def deputy_todos(user: User) -> list[TodoItem]:
    """Deputies: co-signature invitations to confirm and answers awaiting their rating."""
    if not (user.is_active and user.is_deputy):
        return []
    invitations = Signer.objects.filter(
        deputy__user=user,
        role=Signer.Role.CO,
        confirmed_at__isnull=True,
        suggestion__status__in=[Suggestion.Status.DRAFT, Suggestion.Status.SUBMITTED],
    ).count()
    ratings = Suggestion.objects.filter(lead_deputy__user=user, status=Suggestion.Status.ANSWERED).aggregate(
        count=Count("pk"), due=Min("due_date")
    )
    url = _url("suggestions_mobile:list")
    items = []
    if invitations:
        items.append(
            TodoItem(
                title=_("Invitations to co-sign a suggestion"),
                detail=_("Confirm from your own login if you agree."),
                url=url,
                count=invitations,
            )
        )
    if ratings["count"]:
        items.append(
            TodoItem(
                title=_("Answers awaiting your rating"),
                detail=_("Only you can rate the handling and its result; unrated answers stay unrated."),
                url=url,
                due=ratings["due"],
                count=ratings["count"],
                level="warning",
            )
        )
    return items


PROVIDERS = (office_todos, leader_todos, unit_todos, deputy_todos)
