"""Reads for the deputy's own suggestion pages on a phone: what I lead or co-signed, grouped by what I can do.

A deputy's pages show only suggestions the deputy signed (as lead or invited co-signer), within what
`visible_to` allows; a published suggestion of someone else is read on the public pages instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import CongressSession, Event, User
from deputies.models import Deputy
from suggestions.models import Answer, Assignment, Attachment, Category, Contact, Rating, Signer, Suggestion

Status = Suggestion.Status
IN_PROGRESS_STATUSES = (
    Status.SUBMITTED,
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.ANSWERED,
    Status.REHANDLING,
    Status.FOLLOW_UP,
)
FINISHED_STATUSES = (Status.CLOSED, Status.REVISITED, Status.ARCHIVED, Status.WITHDRAWN, Status.NOT_REGISTERED)
INVITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED)
LIST_FIELDS = ("title", "status", "number", "year", "created_at", "submitted_at", "closed_at", "lead_unit__name")
COSIGNER_SEARCH_LIMIT = 20


@dataclass
class MySuggestions:
    """The deputy's suggestions in the groups the list page shows, in the order a deputy acts on them."""

    drafts: list[Suggestion] = field(default_factory=list)
    invitations: list[Suggestion] = field(default_factory=list)
    to_rate: list[Suggestion] = field(default_factory=list)
    in_progress: list[Suggestion] = field(default_factory=list)
    finished: list[Suggestion] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(
            len(group) for group in (self.drafts, self.invitations, self.to_rate, self.in_progress, self.finished)
        )


@dataclass(frozen=True)
class Step:
    """One line of the deputy's progress timeline, in plain words."""

    at: dt.date
    label: str
    detail: str = ""
    icon: str = "dot"


def deputy_of(user: User) -> Deputy | None:
    """Return the deputy record linked to this login, or None when the office has not linked one yet."""
    if not user.is_authenticated or not user.is_deputy:
        return None
    return Deputy.objects.filter(user=user).select_related("body").first()


def _signed_by(user: User, deputy: Deputy) -> QuerySet[Suggestion]:
    mine = Signer.objects.filter(suggestion=OuterRef("pk"), deputy=deputy)
    return (
        Suggestion.objects.visible_to(user)
        .filter(Exists(mine))
        .annotate(
            my_role=Subquery(mine.values("role")[:1]),
            my_confirmed_at=Subquery(mine.values("confirmed_at")[:1]),
        )
    )


def my_suggestions(*, user: User, deputy: Deputy) -> MySuggestions:
    """Return the suggestions the deputy leads or was invited to co-sign, grouped, in one query."""
    unrated = Answer.objects.filter(suggestion=OuterRef("pk"), ratings__isnull=True).order_by()
    rows = (
        _signed_by(user, deputy)
        .annotate(rating_due=Subquery(unrated.values("suggestion").annotate(due=Min("rating_due")).values("due")[:1]))
        .select_related("lead_unit")
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-id")
    )
    groups = MySuggestions()
    for item in rows:
        leads = item.my_role == Signer.Role.LEAD
        if item.status == Status.DRAFT and leads:
            groups.drafts.append(item)
        elif not leads and item.my_confirmed_at is None and item.status in INVITABLE_STATUSES:
            groups.invitations.append(item)
        elif item.status == Status.ANSWERED and leads:
            groups.to_rate.append(item)
        elif item.status in IN_PROGRESS_STATUSES:
            groups.in_progress.append(item)
        elif item.status in FINISHED_STATUSES:
            groups.finished.append(item)
        # A co-signer's unconfirmed draft invitation that was dropped, or a colleague's draft: nothing to show.
    return groups


def my_suggestion_counts(*, user: User, deputy: Deputy) -> dict[str, int]:
    """Count the deputy's drafts, open invitations, answers to rate and suggestions in progress, in one query."""
    return _signed_by(user, deputy).aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT, my_role=Signer.Role.LEAD)),
        invitations=Count(
            "pk", filter=Q(my_role=Signer.Role.CO, my_confirmed_at__isnull=True, status__in=INVITABLE_STATUSES)
        ),
        to_rate=Count("pk", filter=Q(status=Status.ANSWERED, my_role=Signer.Role.LEAD)),
        in_progress=Count(
            "pk",
            filter=Q(status__in=IN_PROGRESS_STATUSES)
            & ~Q(status=Status.ANSWERED, my_role=Signer.Role.LEAD)
            & ~Q(my_role=Signer.Role.CO, my_confirmed_at__isnull=True, status=Status.SUBMITTED),
        ),
    )


def my_suggestion_get(*, user: User, deputy: Deputy, pk: int) -> Suggestion:
    """Return one suggestion the deputy signed, with what its page shows; raise DoesNotExist otherwise."""
    contacts = Contact.objects.select_related("assignment__unit").order_by("contacted_on", "id")
    answers = (
        Answer.objects.select_related("assignment__unit")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("id")))
        .order_by("answered_at", "id")
    )
    return (
        _signed_by(user, deputy)
        .select_related("session__term", "category", "lead_unit", "lead_deputy")
        .prefetch_related(
            Prefetch("signers", queryset=Signer.objects.select_related("deputy").order_by("-role", "id")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(status=Assignment.Status.WITHDRAWN)
                .select_related("unit")
                .prefetch_related(Prefetch("contacts", queryset=contacts)),
            ),
            Prefetch("answers", queryset=answers),
            Prefetch("attachments", queryset=Attachment.objects.only("suggestion_id", "name", "size")),
        )
        .get(pk=pk)
    )


def my_answer_get(*, user: User, deputy: Deputy, pk: int) -> Answer:
    """Return an answer to a suggestion the deputy signed, with its unit and ratings; raise DoesNotExist."""
    suggestions = _signed_by(user, deputy).values("pk")
    return (
        Answer.objects.filter(suggestion__in=suggestions)
        .select_related("suggestion__lead_deputy", "suggestion__body", "assignment__unit")
        .prefetch_related("ratings")
        .get(pk=pk)
    )


def progress_steps(suggestion: Suggestion) -> list[Step]:
    """Return the deputy's timeline: the public milestones, the units' contacts with the deputy and the answers."""
    steps: list[Step] = [Step(timezone.localdate(suggestion.created_at), _("Draft written"), icon="pencil")]
    if suggestion.submitted_at:
        steps.append(Step(timezone.localdate(suggestion.submitted_at), _("Sent to the office for review"), icon="send"))
    if suggestion.registered_at:
        steps.append(
            Step(
                timezone.localdate(suggestion.registered_at),
                _("Registered for handling"),
                suggestion.reference,
                icon="check2-square",
            )
        )
    assignments = list(suggestion.assignments.all())
    if suggestion.assigned_at:
        units = "、".join(a.unit.name for a in assignments)
        steps.append(
            Step(
                timezone.localdate(suggestion.assigned_at), _("Assigned to the handling units"), units, icon="building"
            )
        )
    for assignment in assignments:
        for contact in assignment.contacts.all():
            steps.append(
                Step(
                    contact.contacted_on,
                    _("%(unit)s contacted you: %(method)s")
                    % {"unit": assignment.unit.name, "method": contact.get_method_display()},
                    contact.summary,
                    icon="telephone",
                )
            )
    for answer in suggestion.answers.all():
        steps.append(
            Step(
                timezone.localdate(answer.answered_at),
                _("%(unit)s answered (%(kind)s)")
                % {"unit": answer.assignment.unit.name, "kind": answer.get_kind_display()},
                answer.get_grade_display(),
                icon="envelope-paper",
            )
        )
        for rating in answer.ratings.all():
            steps.append(
                Step(
                    timezone.localdate(rating.rated_at),
                    _("Answer rated: result %(result)s") % {"result": rating.get_result_display()},
                    icon="star",
                )
            )
    if suggestion.closed_at:
        steps.append(
            Step(timezone.localdate(suggestion.closed_at), _("Handling closed"), _closing_note(suggestion), icon="flag")
        )
    return sorted(steps, key=lambda step: step.at)


def _closing_note(suggestion: Suggestion) -> str:
    """What the office said when it closed the suggestion: the deputy reads why, as the message told them."""
    closings = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id=suggestion.pk, kind="suggestion_closed"
    )
    return closings.order_by("-created_at", "-id").values_list("note", flat=True).first() or ""


def cosigner_candidates(*, deputy: Deputy, text: str, exclude: set[int] = frozenset()) -> list[Deputy]:
    """Return serving deputies of the same congress whose name or number contains `text` (names and numbers only).

    A deputy sees no roster through `visible_to`, but must be able to find colleagues to invite: only the
    name and deputy number leave the database here, never a phone or an ID number.
    """
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Deputy.objects.filter(body_id=deputy.body_id, is_active=True)
        .filter(Q(name__icontains=text) | Q(code__icontains=text))
        .exclude(pk__in={deputy.pk, *exclude})
        .only("pk", "name", "code")
        .order_by("code")[:COSIGNER_SEARCH_LIMIT]
    )


def cosigners_by_ids(*, deputy: Deputy, ids) -> list[Deputy]:
    """Return the named deputies of the same congress, for showing a draft's picked co-signers."""
    return list(
        Deputy.objects.filter(body_id=deputy.body_id, pk__in=list(ids)).only("pk", "name", "code").order_by("code")
    )


def categories_for(deputy: Deputy) -> QuerySet[Category]:
    return Category.objects.filter(body_id=deputy.body_id, is_active=True).order_by("sort_order", "name")


def sessions_for(deputy: Deputy, *, today: dt.date | None = None) -> QuerySet[CongressSession]:
    """Return this congress's sessions a deputy may file at: those not ended more than a year ago."""
    today = today or timezone.localdate()
    return (
        CongressSession.objects.filter(term__body_id=deputy.body_id, end_date__gte=today - dt.timedelta(days=365))
        .select_related("term")
        .order_by("-start_date")
    )
