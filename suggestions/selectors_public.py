"""Reads for the public pages (答复公开): what anyone may see of a suggestion without logging in.

Only published suggestions that were registered are public; of them the public sees the title, the
content, the deputies' names, the handling units, the milestones and the published answers with their
grades and the deputies' ratings, never a phone number, an internal note or an unpublished answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, Unit
from suggestions.models import Answer, Assignment, Category, Rating, Signer, Suggestion
from suggestions.search import search_suggestions

Status = Suggestion.Status
# Registered or further along: a suggestion still under review, withdrawn or refused is never public.
PUBLIC_STATUSES = (
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.ANSWERED,
    Status.REHANDLING,
    Status.FOLLOW_UP,
    Status.CLOSED,
    Status.REVISITED,
    Status.ARCHIVED,
)
CLOSED_STATUSES = (Status.CLOSED, Status.REVISITED, Status.ARCHIVED)
LIST_FIELDS = (
    "title",
    "number",
    "year",
    "status",
    "registered_at",
    "answered_at",
    "closed_at",
    "created_at",
    "session__number",
    "category__name",
    "lead_unit__name",
    "lead_deputy__name",
)


@dataclass(frozen=True)
class PublicFilters:
    """What the public list is narrowed to; empty values narrow nothing."""

    text: str = ""
    session: CongressSession | None = None
    category: Category | None = None
    unit: Unit | None = None
    status: str = ""


@dataclass(frozen=True)
class Milestone:
    """One public step of a suggestion's progress; `at` is None while it has not happened."""

    label: str
    at: dt.datetime | None
    detail: str = ""

    @property
    def reached(self) -> bool:
        return self.at is not None


def public_suggestions(body: Body | None = None) -> QuerySet[Suggestion]:
    """Return every suggestion the public may read (of `body` alone, if given): published, registered or further."""
    # An archived suggestion that was refused keeps its reason: that tells it apart from a registered one.
    suggestions = Suggestion.objects.published().filter(status__in=PUBLIC_STATUSES, reject_reason="")
    return suggestions if body is None else suggestions.filter(body=body)


def public_bodies() -> QuerySet[Body]:
    """Return the bodies that have published at least one suggestion, in the order of the tree."""
    # One semi-join per body through the (body, status) index, instead of counting every public row.
    return Body.objects.filter(Exists(public_suggestions().filter(body=OuterRef("pk")))).order_by("path")


def public_body_get(*, pk: int) -> Body:
    """Return the body whose public pages are asked for; raise DoesNotExist otherwise."""
    return Body.objects.get(pk=pk)


def public_suggestion_body_id(*, pk: int) -> int | None:
    """Return the body of a public suggestion, or None when no public suggestion has that number."""
    return public_suggestions().filter(pk=pk).values_list("body_id", flat=True).first()


def public_suggestion_list(*, filters: PublicFilters, body: Body | None = None) -> QuerySet[Suggestion]:
    """Return the public suggestions (of `body`, if given) matching `filters`, newest first, as the list shows them."""
    suggestions = public_suggestions(body)
    if filters.session is not None:
        suggestions = suggestions.filter(session=filters.session)
    if filters.category is not None:
        suggestions = suggestions.filter(category=filters.category)
    if filters.unit is not None:
        suggestions = suggestions.filter(lead_unit=filters.unit)
    if filters.status:
        suggestions = suggestions.filter(status=filters.status)
    suggestions = search_suggestions(suggestions, filters.text, by_body=body is not None)
    return (
        suggestions.select_related("session", "category", "lead_unit", "lead_deputy")
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-id")
    )


def public_suggestion_get(*, pk: int, body: Body | None = None) -> Suggestion:
    """Return one public suggestion (of `body`, if given) with its signers, units and published answers.

    Raise DoesNotExist for a suggestion that is not public, or that belongs to another body.
    """
    signers = (
        Signer.objects.filter(Q(role=Signer.Role.LEAD) | Q(confirmed_at__isnull=False))
        .select_related("deputy")
        .only("suggestion_id", "role", "deputy__name")
        .order_by("-role", "id")  # the lead deputy ("lead") before the co-signers ("co")
    )
    units = (
        Assignment.objects.exclude(status=Assignment.Status.WITHDRAWN)
        .select_related("unit")
        .only("suggestion_id", "role", "unit__name")
    )
    ratings = Rating.objects.select_related("deputy").only("answer_id", "attitude", "result", "deputy__name")
    answers = (
        Answer.objects.filter(is_public=True)
        .select_related("assignment__unit")
        .only("suggestion_id", "kind", "grade", "text", "answered_at", "assignment__unit__name")
        .prefetch_related(Prefetch("ratings", queryset=ratings, to_attr="public_ratings"))
    )
    return (
        public_suggestions(body)
        .select_related("session__term__body", "category", "lead_unit")
        .prefetch_related(
            Prefetch("signers", queryset=signers, to_attr="public_signers"),
            Prefetch("assignments", queryset=units, to_attr="public_units"),
            Prefetch("answers", queryset=answers, to_attr="public_answers"),
        )
        .get(pk=pk)
    )


def public_timeline(suggestion: Suggestion) -> list[Milestone]:
    """Return the public milestones of `suggestion`: registered, assigned, answered, closed."""
    lead_unit = suggestion.lead_unit.name if suggestion.lead_unit_id else ""
    return [
        Milestone(_("Registered for handling"), suggestion.registered_at, suggestion.reference),
        Milestone(_("Assigned to the handling unit"), suggestion.assigned_at, lead_unit),
        Milestone(_("Answered by the handling unit"), suggestion.answered_at),
        Milestone(_("Handling closed"), suggestion.closed_at),
    ]


def public_overview(body: Body | None = None) -> dict[str, int]:
    """Count the public suggestions (of `body`, if given), those answered and those closed, in one query."""
    return public_suggestions(body).aggregate(
        published=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
    )


def public_recently_answered(*, limit: int = 5, body: Body | None = None) -> QuerySet[Suggestion]:
    """Return the public suggestions (of `body`, if given) answered last, for the public home page."""
    return (
        public_suggestions(body)
        .filter(answered_at__isnull=False)
        .select_related("session", "category", "lead_unit", "lead_deputy")
        .only(*LIST_FIELDS)
        .order_by("-answered_at", "-id")[:limit]
    )


def public_filter_choices(body: Body | None = None) -> dict[str, QuerySet]:
    """Return what the public list can be narrowed to: sessions, categories and handling units (of `body`)."""
    sessions = CongressSession.objects.select_related("term__body").order_by("-start_date", "-number")
    categories = Category.objects.filter(is_active=True).order_by("body_id", "sort_order", "name")
    units = Unit.objects.filter(is_active=True, kind__in=Unit.HANDLING_KINDS).order_by("body_id", "sort_order", "code")
    if body is not None:
        sessions = sessions.filter(term__body=body)
        categories = categories.filter(body=body)
        # The units that lead one of the body's public suggestions: a unit may belong to a body higher up.
        units = units.filter(Exists(public_suggestions(body).filter(lead_unit=OuterRef("pk"))))
    return {"session": sessions, "category": categories, "unit": units}
