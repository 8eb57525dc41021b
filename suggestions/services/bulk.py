"""Intake in bulk: many paper suggestions created, submitted and registered at once with a fixed number of queries.

`suggestions_create_bulk` does for a whole list what `suggestion_create(submit=True, cosigners_confirmed=True)`
followed by `suggestion_register` does for one suggestion, and leaves the same rows behind: the suggestion in
its final state, its signers, its timeline (created, submitted, registered) and the signers' messages. It shares
their checks, event builders, message texts and the numbering lock with services/intake.py; only the writing
differs: every table gets one INSERT per batch instead of a few statements per suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, Event, Notification, User
from congress.services import notifications_create, record_events
from congress.workflow import ensure, ensure_transition
from deputies.models import Deputy
from suggestions.deadlines import assign_due, policy_for
from suggestions.models import Category, Signer, Suggestion
from suggestions.permissions import can_register, is_office_staff
from suggestions.services._common import require_text
from suggestions.services.duplicates import search_duplicates_after_commit
from suggestions.services.intake import (
    DeputyPool,
    Notice,
    check_category,
    check_session,
    created_event,
    mark_submitted,
    new_suggestion,
    registered_event,
    registered_notice,
    reserve_numbers,
    serving_cosigners,
    submitted_event,
)

# Suggestions per INSERT: about 30 columns each, so one statement stays far below PostgreSQL's 65,535 parameters.
SUGGESTION_BATCH_SIZE = 500
SIGNER_BATCH_SIZE = 2000


@dataclass(frozen=True)
class NewSuggestion:
    """One suggestion of a paper list: its lead deputy, text, category and the co-signers on the paper."""

    lead_deputy_id: int
    title: str
    content: str
    category_id: int | None = None
    cosigner_ids: tuple[int, ...] = ()


@dataclass
class BulkIntake:
    """What a bulk intake did: the suggestions it created, in the list's order, and the items it left out."""

    created: list[Suggestion] = field(default_factory=list)
    # Position in the list → why that item was left out, in the user's language.
    refused: dict[int, str] = field(default_factory=dict)


class BulkItemError(ValidationError):
    """One item of the list cannot be created, so (without `skip_invalid`) nothing is."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason, code="bulk_item")
        self.index = index
        self.reason = reason


@dataclass
class _Planned:
    suggestion: Suggestion
    cosigners: list[Deputy]


@transaction.atomic
def suggestions_create_bulk(
    *,
    body: Body,
    items: Sequence[NewSuggestion],
    actor: User,
    session: CongressSession | None = None,
    register: bool = False,
    skip_invalid: bool = False,
) -> BulkIntake:
    """Create and submit (and with `register`, register in the list's order) the paper suggestions of a list.

    The co-signers' signatures are on the paper, so they are confirmed at once. An item that fails a check
    raises `BulkItemError` and nothing is created, or with `skip_invalid` is left out and reported.
    """
    ensure(is_office_staff(actor, body))
    check_session(body, session)
    pool = DeputyPool({item.lead_deputy_id for item in items} | {pk for item in items for pk in item.cosigner_ids})
    categories = Category.objects.in_bulk({item.category_id for item in items if item.category_id})
    outcome = BulkIntake()
    planned: list[_Planned] = []
    for index, item in enumerate(items):
        try:
            planned.append(_plan(item, body=body, session=session, actor=actor, pool=pool, categories=categories))
        except ValidationError as error:
            reason = " ".join(str(message) for message in error.messages)
            if not skip_invalid:
                raise BulkItemError(index, reason) from error
            outcome.refused[index] = reason
    if not planned:
        return outcome
    if register:
        _register(planned, body=body, session=session, actor=actor)
    suggestions = [plan.suggestion for plan in planned]
    Suggestion.objects.bulk_create(suggestions, batch_size=SUGGESTION_BATCH_SIZE)
    _write_signers(planned)
    record_events(_events(planned, actor=actor, register=register))
    if register:
        _notify_registered(planned)
    # Registered at once or not, each is a possible duplicate of the submitted ones it resembles.
    search_duplicates_after_commit(suggestion.pk for suggestion in suggestions)
    outcome.created = suggestions
    return outcome


def _plan(
    item: NewSuggestion,
    *,
    body: Body,
    session: CongressSession | None,
    actor: User,
    pool: DeputyPool,
    categories: dict[int, Category],
) -> _Planned:
    """Check one item as `suggestion_create` would and build its suggestion, submitted, in memory."""
    lead = pool.by_id.get(item.lead_deputy_id)
    if lead is None or not lead.is_active or lead.body_id != body.pk:
        raise ValidationError(_("The lead deputy is no longer on the roster."))
    title = require_text(item.title, "title", _("Give the suggestion a title."))
    content = require_text(item.content, "content", _("Write what the suggestion asks for."))
    category = categories.get(item.category_id) if item.category_id else None
    if item.category_id and category is None:
        # Deleted since the list was checked: the same answer as a category of another congress.
        raise ValidationError({"category": _("Choose one of this congress's active categories.")})
    check_category(body, category)
    cosigners = serving_cosigners(lead, item.cosigner_ids, pool)
    suggestion = new_suggestion(
        body=body,
        session=session,
        title=title,
        content=content,
        category=category,
        source=Suggestion.Source.IMPORT,
        lead=lead,
    )
    suggestion.created_by = actor
    mark_submitted(suggestion, actor)
    return _Planned(suggestion=suggestion, cosigners=cosigners)


def _register(planned: list[_Planned], *, body: Body, session: CongressSession | None, actor: User) -> None:
    """Register every suggestion in memory, numbering them in the list's order under the registration lock."""
    first = planned[0].suggestion
    numbers = reserve_numbers(
        body_id=body.pk, session_id=session.pk if session else None, year=first.year, count=len(planned)
    )
    registered_at = timezone.now()
    # Between sessions the office owes an assignment within a few working days; at a session it assigns in bulk.
    due_date = None if session else assign_due(policy_for(body), timezone.localdate())
    for plan, number in zip(planned, numbers, strict=True):
        suggestion = plan.suggestion
        ensure_transition(suggestion, to=Suggestion.Status.REGISTERED)
        ensure(can_register(actor, suggestion))
        suggestion.number = number
        suggestion.status = Suggestion.Status.REGISTERED
        suggestion.registered_at = registered_at
        suggestion.due_date = due_date


def _write_signers(planned: list[_Planned]) -> None:
    now = timezone.now()
    signers = []
    for plan in planned:
        suggestion = plan.suggestion
        lead = Signer(suggestion=suggestion, deputy=suggestion.lead_deputy, role=Signer.Role.LEAD, confirmed_at=now)
        signers.append(lead)
        signers += [
            Signer(suggestion=suggestion, deputy=deputy, role=Signer.Role.CO, confirmed_at=now)
            for deputy in plan.cosigners
        ]
    Signer.objects.bulk_create(signers, batch_size=SIGNER_BATCH_SIZE)


def _events(planned: list[_Planned], *, actor: User, register: bool) -> list[Event]:
    """Return each suggestion's timeline in order, as the one-by-one services record it."""
    events = []
    for plan in planned:
        suggestion = plan.suggestion
        events.append(created_event(suggestion, actor=actor, cosigners=plan.cosigners, confirmed=True))
        events.append(submitted_event(suggestion, actor=actor))
        if register:
            # Every co-signer of a paper suggestion is confirmed, so none is left unconfirmed.
            events.append(registered_event(suggestion, actor=actor, unconfirmed=[]))
    return events


def _notify_registered(planned: list[_Planned]) -> None:
    """Tell each suggestion's signers it is registered, once the transaction has committed, never before."""
    messages: list[tuple[list[int], Notice]] = []
    for plan in planned:
        # The signers with a login, as signer_ids() finds them: on paper every one of them has confirmed.
        logins = {plan.suggestion.lead_deputy.user_id, *(deputy.user_id for deputy in plan.cosigners)}
        messages.append((sorted(pk for pk in logins if pk), registered_notice(plan.suggestion)))
    recipient_ids = {pk for recipients, _notice in messages for pk in recipients}
    if not recipient_ids:
        return

    def send() -> None:
        active = set(User.objects.filter(pk__in=recipient_ids, is_active=True).values_list("pk", flat=True))
        notifications_create(
            Notification(recipient_id=pk, **notice._asdict())
            for recipients, notice in messages
            for pk in recipients
            if pk in active
        )

    transaction.on_commit(send)
