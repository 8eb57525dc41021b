"""What every step of the loop shares: row locks, recipients, notifications after commit, validation."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from congress.models import Body, Role, User
from congress.permissions import body_in_scope
from congress.services import notification_create
from congress.workflow import WorkflowError
from suggestions.models import Answer, Assignment, Suggestion

# Assignments that still owe the deputy an answer: neither answered nor re-routed away.
OWING_STATUSES = (Assignment.Status.ASSIGNED, Assignment.Status.REROUTE_REQUESTED, Assignment.Status.ACCEPTED)
ANSWERING_ROLES = (Assignment.Role.LEAD, Assignment.Role.PARALLEL)


def lock_suggestion(suggestion_id: int) -> Suggestion:
    """Lock the suggestion's row until the transaction ends; the second of two people waits, then re-reads."""
    return Suggestion.objects.select_for_update().get(pk=suggestion_id)


def lock_assignment(assignment_id: int) -> tuple[Suggestion, Assignment]:
    """Lock the suggestion, then its assignment, always in that order so two steps cannot deadlock."""
    suggestion_id = Assignment.objects.values_list("suggestion_id", flat=True).get(pk=assignment_id)
    suggestion = lock_suggestion(suggestion_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    assignment.suggestion = suggestion
    return suggestion, assignment


def require_text(value: str, field: str, message: str) -> str:
    """Return the stripped text, or raise a ValidationError on `field` when it is blank."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def require_choice(value: str, choices: type, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the listed values.")})
    return value


def ensure_status(obj, allowed: Iterable[str], message: str) -> None:
    """Raise WorkflowError when a step that changes no status meets a record in the wrong state."""
    if obj.status not in tuple(allowed):
        raise WorkflowError(message)


def answering_assignments(suggestion: Suggestion) -> list[Assignment]:
    """Return the lead and parallel assignments still in force (not re-routed away)."""
    return list(suggestion.assignments.filter(role__in=ANSWERING_ROLES).exclude(status=Assignment.Status.WITHDRAWN))


def round_answers(suggestion: Suggestion) -> list[Answer]:
    """Return each answering unit's latest answer, with its ratings: what the deputy rates in this round."""
    answers = (
        Answer.objects.filter(suggestion=suggestion)
        .select_related("assignment__unit")
        .prefetch_related("ratings")
        .order_by("answered_at", "id")
    )
    return round_of(answers)


def round_of(answers: Iterable[Answer]) -> list[Answer]:
    """Keep each answering unit's latest answer of `answers` (oldest first, with their assignments loaded).

    The one place that decides which answers the round holds: a lead or parallel unit's, not one re-routed away.
    """
    latest: dict[int, Answer] = {}
    for answer in answers:
        assignment = answer.assignment
        if assignment.role in ANSWERING_ROLES and assignment.status != Assignment.Status.WITHDRAWN:
            latest[answer.assignment_id] = answer
    return list(latest.values())


def refresh_due_date(suggestion: Suggestion) -> None:
    """Set the denormalised due date to the earliest answer still owed (the deadline currently running)."""
    dues = [
        assignment.answer_due
        for assignment in answering_assignments(suggestion)
        if assignment.status in OWING_STATUSES and assignment.answer_due
    ]
    suggestion.due_date = min(dues) if dues else None


# Recipients


def staff_ids(body: Body) -> list[int]:
    """Return the office staff nearest to `body` who oversee it (the county's own staff, not the province's)."""
    ancestor_ids = [int(part) for part in body.path.strip("/").split("/") if part]
    candidates = (
        User.objects.filter(is_active=True, role_grants__role=Role.OFFICE_STAFF)
        .filter(
            Q(body_id__in=ancestor_ids) | Q(body__parent_id__in=ancestor_ids, body__kind=Body.Kind.STANDING_COMMITTEE)
        )
        .select_related("body", "body__parent")
        .distinct()
    )
    by_depth: dict[int, list[int]] = {}
    for user in candidates:
        if body_in_scope(user, body):
            by_depth.setdefault(len(user.body.scope_path), []).append(user.pk)
    return by_depth[max(by_depth)] if by_depth else []


def unit_people_ids(unit_ids: Iterable[int]) -> list[int]:
    return list(
        User.objects.filter(
            is_active=True, unit_id__in=list(unit_ids), role_grants__role__in=[Role.UNIT_HANDLER, Role.UNIT_HEAD]
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def signer_ids(suggestion: Suggestion, *, lead_only: bool = False) -> list[int]:
    """Return the logins of the lead deputy and (unless `lead_only`) every co-signer who confirmed."""
    signers = suggestion.signers.filter(confirmed_at__isnull=False, deputy__user__isnull=False)
    if lead_only:
        signers = signers.filter(role="lead")
    return list(signers.values_list("deputy__user_id", flat=True))


def _reverse_or_blank(name: str, pk: int) -> str:
    """Reverse a page's URL name, or give "" while that page is not built yet: a message without a link."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def staff_url(suggestion_id: int) -> str:
    """Link for office staff, leaders, members and unit people: the one detail page they share."""
    return _reverse_or_blank("suggestions:detail", suggestion_id)


def deputy_url(suggestion_id: int) -> str:
    """Link for deputies: the suggestion on their phone."""
    return _reverse_or_blank("suggestions_mobile:detail", suggestion_id)


def notify_after_commit(recipient_ids: Iterable[int], *, kind: str, title: str, body: str = "", url: str = "") -> None:
    """Put the message in each recipient's inbox once the transaction has committed, never before."""
    ids = sorted({pk for pk in recipient_ids if pk})
    if not ids:
        return

    def send() -> None:
        for recipient in User.objects.filter(pk__in=ids, is_active=True):
            notification_create(recipient=recipient, title=title, body=body, url=url, kind=kind)

    transaction.on_commit(send)
