"""Reads of the handling units' workspace: a unit's to-do list, its finished work, and one assignment.

A unit's people see only their own unit's assignments (Assignment.objects.visible_to). What an assignment
needs from the unit — its "kind" — and the date that kind is due by are computed in the database, so the
list is ordered, filtered and counted by one query each whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Role
from suggestions.models import Assignment, ExtensionRequest, Suggestion

if TYPE_CHECKING:
    from congress.models import User

AStatus = Assignment.Status
SStatus = Suggestion.Status


class Kind:
    """What an open assignment needs next; the values are the `kind` annotation of the to-do list."""

    ACCEPT = "accept"
    REROUTE = "reroute"
    CO_OPINION = "co_opinion"
    ANSWER = "answer"
    REHANDLING = "rehandling"
    FOLLOW_UP = "follow_up"

    LABELS = {
        ACCEPT: _("Awaiting acceptance"),
        REROUTE: _("Re-routing requested"),
        CO_OPINION: _("Co-handling opinion due"),
        ANSWER: _("Answer due"),
        REHANDLING: _("Re-handling"),
        FOLLOW_UP: _("Under follow-up"),
    }
    ORDER = (ACCEPT, REROUTE, CO_OPINION, ANSWER, REHANDLING, FOLLOW_UP)
    # Kinds whose date is the unit's own deadline; a re-routing request waits for the office, follow-up has none.
    WITH_DEADLINE = (ACCEPT, CO_OPINION, ANSWER, REHANDLING)


class Show:
    """The to-do list's filter."""

    ALL = "all"
    OVERDUE = "overdue"
    ACCEPT = "accept"
    ANSWER = "answer"
    REHANDLING = "rehandling"
    DONE = "done"

    LABELS = {
        ALL: _("All to do"),
        OVERDUE: _("Overdue"),
        ACCEPT: _("Awaiting acceptance"),
        ANSWER: _("In handling"),
        REHANDLING: _("Re-handling"),
        DONE: _("Done"),
    }
    # In handling holds re-handling too; its own tab is where the unit's to-do item for it leads.
    KINDS = {
        ACCEPT: (Kind.ACCEPT, Kind.REROUTE),
        ANSWER: (Kind.CO_OPINION, Kind.ANSWER, Kind.REHANDLING, Kind.FOLLOW_UP),
        REHANDLING: (Kind.REHANDLING,),
    }


# Answered assignments and sent opinions; a re-routed one left the unit and is not its work.
DONE_STATUSES = (AStatus.ANSWERED, AStatus.OPINION_SENT)
# The assignment statuses `_kind` names; every other one is finished or withdrawn.
OWING_STATUSES = (AStatus.ASSIGNED, AStatus.REROUTE_REQUESTED, AStatus.ACCEPTED)
HEAD_SUMMARY_ITEMS = 5


@dataclass(frozen=True)
class TodoCounts:
    """How many items of each kind the unit has, and how many are overdue."""

    by_kind: dict[str, int]
    overdue_by_kind: dict[str, int]
    done: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_kind.values())

    def for_show(self, show: str) -> int:
        if show == Show.OVERDUE:
            return self.overdue
        if show == Show.DONE:
            return self.done
        if show in Show.KINDS:
            return sum(self.by_kind[kind] for kind in Show.KINDS[show])
        return self.total


@dataclass(frozen=True)
class HeadSummary:
    """A unit head's view of the unit's overdue work: the counts and the items overdue longest."""

    counts: TodoCounts
    oldest: list[Assignment] = field(default_factory=list)


def is_unit_person(user: User) -> bool:
    """Tell whether the user works for a handling unit (handler or head) and so has a workspace."""
    return user.is_authenticated and user.is_active and user.is_unit_side


def is_unit_head(user: User) -> bool:
    return is_unit_person(user) and user.has_role(Role.UNIT_HEAD)


def _unit_assignments(user: User) -> QuerySet[Assignment]:
    # visible_to decides what a unit's people see; the workspace narrows it to the person's own unit even for
    # someone who also holds a committee-side role.
    return Assignment.objects.visible_to(user).filter(unit_id=user.unit_id)


def _kind() -> Case:
    accepted = Q(status=AStatus.ACCEPTED)
    return Case(
        When(status=AStatus.ASSIGNED, then=Value(Kind.ACCEPT)),
        When(status=AStatus.REROUTE_REQUESTED, then=Value(Kind.REROUTE)),
        When(accepted & Q(role=Assignment.Role.CO), then=Value(Kind.CO_OPINION)),
        When(accepted & Q(suggestion__status=SStatus.REHANDLING), then=Value(Kind.REHANDLING)),
        When(accepted & Q(suggestion__status=SStatus.FOLLOW_UP), then=Value(Kind.FOLLOW_UP)),
        When(accepted, then=Value(Kind.ANSWER)),
        default=Value(""),
        output_field=CharField(),
    )


def _due() -> Case:
    # The date of each kind, read from the same conditions as `_kind` rather than from the `kind` annotation:
    # Django writes an annotation out in full wherever it is named, so a `due` built on `kind` repeats its CASE
    # three times, and every count and filter on `due` repeats those again.
    accepted = Q(status=AStatus.ACCEPTED)
    return Case(
        When(status=AStatus.ASSIGNED, then=F("reroute_deadline")),
        When(accepted & Q(role=Assignment.Role.CO), then=F("co_opinion_due")),
        When(accepted, then=F("answer_due")),
        default=Value(None),
        output_field=DateField(),
    )


def _overdue(today: dt.date) -> Q:
    return Q(kind__in=Kind.WITH_DEADLINE, due__lt=today)


def _annotated(user: User) -> QuerySet[Assignment]:
    """Return the unit's assignments still owing something, each with its `kind` and the `due` date of it."""
    return (
        _unit_assignments(user)
        # Once a suggestion is answered, closed or sent back for assignment, nothing more is owed on it.
        # The assignment statuses that give a kind come first, so the unit's index picks its few live rows
        # out of years of finished ones before any suggestion is read.
        # Every owing status gives a kind, so no row is left without one.
        .filter(status__in=OWING_STATUSES, suggestion__status__in=Suggestion.OPEN_STATUSES)
        .annotate(kind=_kind(), due=_due())
    )


def unit_todo_counts(*, user: User, today: dt.date | None = None) -> TodoCounts:
    """Count the unit's open items and overdue ones per kind in one query, its finished ones in another."""
    today = today or timezone.localdate()
    # Grouped by kind rather than one filtered count per kind: twelve filtered counts wrote the kind's CASE out
    # some thirty times, which cost more to build and to run than the rows it counted.
    by_kind = dict.fromkeys(Kind.ORDER, 0)
    overdue_by_kind = dict.fromkeys(Kind.WITH_DEADLINE, 0)
    grouped = (
        _annotated(user)
        .values("kind")
        .annotate(n=Count("pk"), late=Count("pk", filter=_overdue(today)))
        .order_by()
        .values_list("kind", "n", "late")
    )
    for kind, number, late in grouped:
        by_kind[kind] = number
        if kind in overdue_by_kind:
            overdue_by_kind[kind] = late
    # Finished work is counted apart, from the unit's index alone, without reading years of suggestions:
    # an assignment goes only to a unit of the suggestion's body, so the unit is the whole scope here.
    done = Assignment.objects.filter(unit_id=user.unit_id, status__in=DONE_STATUSES) if user.unit_id else None
    return TodoCounts(by_kind=by_kind, overdue_by_kind=overdue_by_kind, done=done.count() if done is not None else 0)


def _pending_extensions() -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(assignment=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)


def _with_display(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return queryset.select_related("suggestion__session", "suggestion__lead_deputy").annotate(
        extension_pending=Exists(_pending_extensions())
    )


def unit_todo_list(*, user: User, show: str = Show.ALL, today: dt.date | None = None) -> QuerySet[Assignment]:
    """Return the unit's assignments needing something, soonest due first; `show` narrows them.

    Each row carries `kind`, `due`, `is_overdue` and `extension_pending`. Items without a date of their own
    (a re-routing request awaiting the office, follow-up) come last.
    """
    today = today or timezone.localdate()
    queryset = _annotated(user)
    if show == Show.OVERDUE:
        queryset = queryset.filter(_overdue(today))
    elif show in Show.KINDS:
        queryset = queryset.filter(kind__in=Show.KINDS[show])
    queryset = queryset.annotate(
        is_overdue=Case(When(_overdue(today), then=Value(True)), default=Value(False)),
    )
    return _with_display(queryset).order_by(F("due").asc(nulls_last=True), "suggestion_id", "pk")


def unit_done_list(*, user: User) -> QuerySet[Assignment]:
    """Return the unit's answered assignments and sent opinions, the latest first."""
    return (
        _with_display(_unit_assignments(user).filter(status__in=DONE_STATUSES))
        .select_related("suggestion__lead_unit")
        .order_by(F("completed_at").desc(nulls_last=True), "-pk")
    )


def unit_head_summary(*, user: User, counts: TodoCounts, today: dt.date | None = None) -> HeadSummary:
    """Return the unit's overdue counts with the items overdue the longest, for the unit head."""
    today = today or timezone.localdate()
    oldest = list(unit_todo_list(user=user, show=Show.OVERDUE, today=today)[:HEAD_SUMMARY_ITEMS])
    for assignment in oldest:
        assignment.days_overdue = (today - assignment.due).days
    return HeadSummary(counts=counts, oldest=oldest)


def unit_assignment_get(*, user: User, pk: int) -> Assignment:
    """Return one assignment the user may see, with what its pages show; raise Assignment.DoesNotExist otherwise."""
    return (
        Assignment.objects.visible_to(user)
        .select_related("unit", "suggestion__session", "suggestion__lead_deputy", "suggestion__body")
        .annotate(extension_pending=Exists(_pending_extensions()))
        .get(pk=pk)
    )


def unit_assignments_of(*, user: User, suggestion: Suggestion) -> list[Assignment]:
    """Return the user's own unit's assignments of one suggestion, in the order the detail page lists its units.

    They are taken from the suggestion's assignments and their extension requests as `suggestion_get` loads them
    for the page, rather than read again; the suggestion itself is one the user may see.
    """
    if not is_unit_person(user):
        return []
    assignments = [
        assignment
        for assignment in suggestion.assignments.all()
        if assignment.unit_id == user.unit_id and assignment.status != AStatus.WITHDRAWN
    ]
    for assignment in assignments:
        assignment.suggestion = suggestion
        assignment.extension_pending = any(
            request.status == ExtensionRequest.Status.PENDING for request in assignment.extension_requests.all()
        )
    return assignments
