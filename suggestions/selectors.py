"""Reads of the staff suggestion pages and the API: the list, one suggestion, its timeline.

Every read starts from `Suggestion.objects.visible_to(user)`; what a page shows is loaded here, so a page
costs the same number of queries for 5 rows as for 50.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.core.validators import EMPTY_VALUES
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Event
from congress.pagination import IdPaginator
from suggestions import tallies
from suggestions.filters import SuggestionFilter
from suggestions.models import (
    Answer,
    Assignment,
    ExtensionRequest,
    Rating,
    Signer,
    Suggestion,
)
from suggestions.stats import NONE_VALUE

if TYPE_CHECKING:
    from congress.models import User

# Lead unit first, then co-handling, then parallel units: the order an assignment letter names them.
ASSIGNMENT_ROLE_ORDER = Case(
    When(role=Assignment.Role.LEAD, then=Value(0)),
    When(role=Assignment.Role.CO, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

# What the timeline says for each kind of event the loop records.
EVENT_LABELS: dict[str, Any] = {
    "suggestion_created": _("Entered"),
    "draft_updated": _("Draft changed"),
    "suggestion_submitted": _("Submitted"),
    "suggestion_cosigned": _("Co-signed"),
    "attachment_added": _("File attached"),
    "suggestion_withdrawn": _("Withdrawn by the deputy"),
    "suggestion_registered": _("Registered"),
    "suggestion_not_registered": _("Not registered"),
    "suggestion_assigned": _("Assigned to units"),
    "assignment_accepted": _("Accepted by a unit"),
    "suggestion_handling_started": _("Handling started"),
    "reroute_requested": _("Re-routing requested"),
    "reroute_approved": _("Re-routing approved"),
    "reroute_refused": _("Re-routing refused"),
    "suggestion_returned_for_assignment": _("Returned to be assigned again"),
    "contact_logged": _("Contact with the deputy logged"),
    "co_opinion_sent": _("Co-handling opinion sent"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "answer_given": _("Answered"),
    "suggestion_answered": _("All answers given, awaiting rating"),
    "answer_rated": _("Rated by the deputy"),
    "suggestion_rehandling": _("Sent back for re-handling"),
    "suggestion_follow_up": _("Kept under follow-up"),
    "suggestion_closed": _("Closed"),
    "suggestion_revisited": _("Revisited"),
    "suggestion_archived": _("Archived"),
    "suggestion_prioritized": _("Put under priority supervision"),
    "suggestion_priority_removed": _("Priority supervision removed"),
    "suggestion_published": _("Published"),
    "suggestion_unpublished": _("Taken off the public pages"),
}


def overdue_first(today=None) -> Case:
    """Order key: 0 for a suggestion whose running deadline has passed, 1 otherwise."""
    overdue = Q(status__in=Suggestion.OPEN_STATUSES, due_date__lt=today or timezone.localdate())
    return Case(When(overdue, then=Value(0)), default=Value(1), output_field=IntegerField())


OVERDUE_KEY = "__overdue__"
# What a row of the staff list shows besides the suggestion's own columns.
LIST_COLUMNS = ("session__term", "category", "lead_deputy", "lead_unit", "supervising_leader")
# What a page of the list loads for its rows (the `suggestion_list.suggestion_rows` tag): not the text, nor the
# people and term rows nobody reads there.
ROW_RELATED = ("session", "category", "lead_deputy", "lead_unit")
ROW_COLUMNS = (
    *ROW_RELATED,
    "title",
    "number",
    "year",
    "status",
    "due_date",
    "is_priority",
    "latest_grade",
    "session__number",
    "category__name",
    "lead_deputy__name",
    "lead_unit__name",
)
# Within each part of the list (overdue, then the rest): the order of the index suggestion_due_order_idx.
DUE_ORDER = (F("due_date").asc(nulls_last=True), "-created_at", "-id")


def _overdue(today: dt.date) -> Q:
    return Q(status__in=Suggestion.OPEN_STATUSES, due_date__lt=today)


def suggestion_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Suggestion]:
    """Return the suggestions the user may see, filtered, overdue first then by due date, with the list's columns."""
    queryset = Suggestion.objects.visible_to(user).select_related(*LIST_COLUMNS)
    if filters is not None:
        # Unbound (the API, whose filter backend filters afterwards), a FilterSet would build its choices for nothing.
        queryset = SuggestionFilter(filters, queryset=queryset, user=user).qs
    return queryset.order_by(overdue_first(), *DUE_ORDER)


@dataclass
class ListPage:
    """One page of the staff list, and the counts by status of everything the filters keep.

    `capped`: a text search found more than SEARCH_COUNT_CAP suggestions; the list then pages through the first
    SEARCH_COUNT_CAP in its order, without counts by status, and `overdue` counts only the overdue ones among them.
    """

    page: Page
    status_counts: dict[str, int]
    overdue: int
    capped: bool = False
    # The filter form the list was filtered with, bound to the query string, for the page to show.
    filter_form: Any = None


# Past this many matches a text search counts no further: counting every suggestion holding a common term
# costs a scan of the whole scope, and a list that long is read by narrowing the search, not by paging.
SEARCH_COUNT_CAP = 1_000
# The filters under which the status tally can count the list: its key holds the session and the status.
TALLIED_FILTERS = frozenset({"session", "status"})


@dataclass
class _Counted:
    """What the list's pages need: the parts of its order with their sizes, and the counts it shows."""

    parts: list[Any]
    sizes: list[int]
    status_counts: dict[str, int]
    overdue: int
    capped: bool = False


def suggestion_list_page(
    *, user: User, filters: Mapping[str, Any] | None, number: Any, per_page: int, today: dt.date | None = None
) -> ListPage:
    """Return page `number` of `suggestion_list`'s order, reading ids from indexes before rows.

    The order "overdue first, then by due date" is read as two parts, each in the order of an index
    (the overdue ones, then the rest), so a page costs the same for 50 suggestions as for a province's
    million: the counts, the page's ids, and its rows. The counts by status come from the status tally when
    only the session and status filters are set and are counted live otherwise; the overdue ones are always
    counted live (they depend on the day), from the index of the open suggestions' due dates. A text search
    reads at most SEARCH_COUNT_CAP + 1 of its matches (see `_searched`).
    """
    today = today or timezone.localdate()
    visible = Suggestion.objects.visible_to(user)
    filterset = SuggestionFilter(filters, queryset=visible, user=user)
    filtered = filterset.qs
    # Filters the form refused are left out of the list, as of its counts.
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    overdue_part, rest_part = _parts(filtered, today)
    if cleaned.get("q"):

        def overdue_in_order() -> QuerySet:
            # The overdue ones are open: the open suggestions' gram index finds them body by body, where the bitmap
            # of every match of a common term (路) in the whole index would cost ten times more than testing the
            # scope's overdue suggestions one by one with LIKE, and that test reads thousands of table rows.
            ordered = filterset.open_search_qs()
            return _parts(ordered, today)[0]

        counted = _searched(filtered, overdue_in_order=overdue_in_order, rest_part=rest_part, today=today)
    else:
        if _tally_serves(user=user, cleaned=cleaned):
            counts = _tallied_status_counts(user=user, cleaned=cleaned, overdue=overdue_part)
        else:
            counts = suggestion_status_counts(filtered, today=today)
        overdue = counts.pop(OVERDUE_KEY)
        sizes = [overdue, sum(counts.values()) - overdue]
        counted = _Counted([overdue_part, rest_part], sizes, status_counts=counts, overdue=overdue)
    paginator = IdPaginator(
        counted.parts,
        per_page,
        counts=counted.sizes,
        load=lambda ids: Suggestion.objects.select_related(*ROW_RELATED).only(*ROW_COLUMNS).filter(pk__in=ids),
        capped=counted.capped,
    )
    return ListPage(
        page=paginator.get_page(number),
        status_counts=counted.status_counts,
        overdue=counted.overdue,
        capped=counted.capped,
        filter_form=filterset.form,
    )


def _parts(queryset: QuerySet, today: dt.date) -> tuple[QuerySet, QuerySet]:
    """The list's two parts, each in its index's order: the overdue suggestions, then the rest."""
    return queryset.filter(_overdue(today)).order_by(*DUE_ORDER), queryset.exclude(_overdue(today)).order_by(*DUE_ORDER)


def _searched(
    filtered: QuerySet, *, overdue_in_order: Callable[[], QuerySet], rest_part: QuerySet, today: dt.date
) -> _Counted:
    """Count and order a text search's matches, reading at most SEARCH_COUNT_CAP + 1 of them to count.

    A common term (路) is in a tenth of a county's suggestions: counting them all reads that many rows of the
    table. Up to SEARCH_COUNT_CAP + 1 matches, found in no particular order (a short term's from the gram index,
    body by body), are read first with their status; when that is all of them they are the list, sorted in its
    order. Past the cap the list pages through its first SEARCH_COUNT_CAP in its order, without counts by status:
    the overdue ones (`overdue_in_order`), then `rest_part`, whose page is sorted out of the scope's matches as
    the gram index finds them. Walking the due-date index in order instead is quick where a term is common in every
    year, but where a county's matches lie in a few years it walks the province's million: over a second a page.
    """
    # Read with the columns of the list's order and sorted here: ordering them in SQL cost a second visit of each
    # row by its id, a third of the query.
    found = filtered.order_by().values_list("pk", "status", "due_date", "created_at")[: SEARCH_COUNT_CAP + 1]
    rows = list(found)
    if len(rows) <= SEARCH_COUNT_CAP:
        open_statuses = set(Suggestion.OPEN_STATUSES)
        late = {pk for pk, status, due, _created in rows if status in open_statuses and due is not None and due < today}
        counts = dict(Counter(status for _pk, status, _due, _created in rows))
        return _Counted([_in_due_order(rows, late)], [len(rows)], status_counts=counts, overdue=len(late))
    # Which of the first SEARCH_COUNT_CAP are overdue, read once: they are also the overdue part's ids.
    overdue_ids = list(overdue_in_order().values_list("pk", flat=True)[:SEARCH_COUNT_CAP])
    return _Counted(
        [overdue_ids, rest_part],
        [len(overdue_ids), SEARCH_COUNT_CAP - len(overdue_ids)],
        status_counts={},
        overdue=len(overdue_ids),
        capped=True,
    )


def _in_due_order(rows: list[tuple], late: set[int]) -> list[int]:
    """Return the ids of (pk, status, due_date, created_at) rows in the list's order: `late` first, then DUE_ORDER."""
    # Python's sort is stable: newest first, then by due date (none last), then the overdue ones first.
    rows = sorted(rows, key=lambda row: (row[3], row[0]), reverse=True)
    rows.sort(key=lambda row: (row[0] not in late, row[2] is None, row[2] or dt.date.min))
    return [pk for pk, _status, _due, _created in rows]


def _tally_serves(*, user: User, cleaned: Mapping[str, Any]) -> bool:
    """Tell whether the status tally can count the list under these (cleaned) filters."""
    if any(value not in EMPTY_VALUES for name, value in cleaned.items() if name not in TALLIED_FILTERS):
        return False
    return tallies.tally_serves(user=user, filters=cleaned)


def _tallied_status_counts(*, user: User, cleaned: Mapping[str, Any], overdue: QuerySet) -> dict[str, int]:
    session = cleaned.get("session")
    if session is not None:
        session = 0 if session == NONE_VALUE else session.pk
    return tallies.tally_status_counts(
        user=user, session=session, statuses=cleaned.get("status") or (), beside={OVERDUE_KEY: overdue}
    )


def suggestion_status_counts(queryset: QuerySet[Suggestion], *, today: dt.date | None = None) -> dict[str, int]:
    """Count the (filtered) suggestions by status, and the overdue ones under OVERDUE_KEY, in one grouped query."""
    today = today or timezone.localdate()
    # Rows and statuses are counted, not ids: the (body, status, due_date) index then answers alone, for a
    # county's rows only, where counting ids sent PostgreSQL through a province-wide index that holds them.
    rows = queryset.order_by().values("status")
    rows = rows.annotate(count=Count("*"), overdue=Count("status", filter=_overdue(today)))
    counts = {OVERDUE_KEY: 0}
    for row in rows:
        counts[row["status"]] = row["count"]
        counts[OVERDUE_KEY] += row["overdue"]
    return counts


def suggestion_get(*, user: User, pk: int) -> Suggestion:
    """Return one suggestion the user may see with everything its detail page shows, or raise Http404.

    Only what the page and the API show is joined: not who logged a contact, sent an opinion or decided a request.
    """
    assignments = (
        Assignment.objects.select_related("unit", "co_opinion")
        .prefetch_related("contacts", "extension_requests")
        .order_by(ASSIGNMENT_ROLE_ORDER, "assigned_at", "id")
    )
    answers = Answer.objects.select_related("assignment__unit").prefetch_related(
        Prefetch("ratings", queryset=Rating.objects.select_related("deputy").order_by("rated_at", "id"))
    )
    signers = Signer.objects.select_related("deputy").order_by(
        Case(When(role=Signer.Role.LEAD, then=Value(0)), default=Value(1)), "invited_at", "id"
    )
    try:
        return (
            Suggestion.objects.visible_to(user)
            .select_related(
                "body",
                "session__term__body",
                "category",
                "lead_deputy",
                "lead_unit",
                "supervising_leader",
                "created_by",
            )
            .prefetch_related(
                Prefetch("signers", queryset=signers),
                Prefetch("assignments", queryset=assignments),
                Prefetch("answers", queryset=answers),
                "attachments",
            )
            .get(pk=pk)
        )
    except Suggestion.DoesNotExist as error:
        raise Http404 from error


def suggestion_timeline(*, suggestion: Suggestion) -> list[Event]:
    """Return the events of the suggestion and of its assignments, answers and extension requests, oldest first.

    Each event carries `label`, the timeline's words for its kind. The suggestion is one `suggestion_get` returned:
    the ids of its parts come from what it has already loaded.
    """
    assignments = list(suggestion.assignments.all())
    subjects: dict[type, list[int]] = {
        Suggestion: [suggestion.pk],
        Assignment: [assignment.pk for assignment in assignments],
        Answer: [answer.pk for answer in suggestion.answers.all()],
        ExtensionRequest: [request.pk for assignment in assignments for request in assignment.extension_requests.all()],
    }
    types = ContentType.objects.get_for_models(*subjects)
    # The ids written out, not subqueries: under an OR, PostgreSQL tests a subquery against every event of the
    # type (a sequential scan of the whole log), while a list of ids is looked up in the (type, object) index.
    condition = Q()
    for model, ids in subjects.items():
        if ids:
            condition |= Q(content_type=types[model], object_id__in=ids)
    events = list(Event.objects.filter(condition).select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
    return events
