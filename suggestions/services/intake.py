"""Intake: a deputy drafts, co-signers confirm, the deputy submits; staff register, refuse, or it is withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, Event, User
from congress.services import event_for, record_event
from congress.workflow import StaleState, WorkflowError, ensure, ensure_transition
from deputies.models import Deputy
from suggestions.deadlines import assign_due, policy_for
from suggestions.models import Attachment, Category, Signer, Suggestion
from suggestions.permissions import (
    can_cosign,
    can_create_suggestion,
    can_edit_draft,
    can_register,
    can_reject,
    can_submit,
    can_withdraw,
    is_office_staff,
    is_own_deputy,
)
from suggestions.services._common import (
    deputy_url,
    lock_suggestion,
    notify_after_commit,
    require_choice,
    require_text,
    signer_ids,
    staff_ids,
    staff_url,
)
from suggestions.services.duplicates import search_duplicates_after_commit
from suggestions.services.uploads import stored_name, validate_upload

EDITABLE_DRAFT_FIELDS = frozenset({"title", "content", "category", "session", "cosigner_ids"})
# Co-signers can confirm until staff have decided on the suggestion.
COSIGNABLE_STATUSES = (Suggestion.Status.DRAFT, Suggestion.Status.SUBMITTED)


def check_session(body: Body, session: CongressSession | None) -> None:
    if session is not None and session.term.body_id != body.pk:
        raise ValidationError({"session": _("The session belongs to another congress.")})


def check_category(body: Body, category: Category | None) -> None:
    if category is not None and (category.body_id != body.pk or not category.is_active):
        raise ValidationError({"category": _("Choose one of this congress's active categories.")})


class DeputyPool:
    """Deputies read in one query, in roster order, so checking many suggestions asks the database nothing more."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.by_id: dict[int, Deputy] = {deputy.pk: deputy for deputy in Deputy.objects.filter(pk__in=set(ids))}
        self._rank = {pk: rank for rank, pk in enumerate(self.by_id)}

    def serving(self, ids: Iterable[int], *, body_id: int) -> list[Deputy]:
        """Return those of `ids` who serve in the body, in roster order (as a query with the default ordering)."""
        found = (self.by_id.get(pk) for pk in ids)
        return sorted(
            (deputy for deputy in found if deputy is not None and deputy.body_id == body_id and deputy.is_active),
            key=lambda deputy: self._rank[deputy.pk],
        )


def serving_cosigners(lead_deputy: Deputy, cosigner_ids: Iterable[int], pool: DeputyPool | None = None) -> list[Deputy]:
    """Return the co-signers (never the lead) in roster order; raise unless each serves in the lead's congress."""
    wanted = {int(pk) for pk in cosigner_ids} - {lead_deputy.pk}
    if pool is None:
        deputies = list(Deputy.objects.filter(pk__in=wanted, body_id=lead_deputy.body_id, is_active=True))
    else:
        deputies = pool.serving(wanted, body_id=lead_deputy.body_id)
    if len(deputies) != len(wanted):
        raise ValidationError({"cosigner_ids": _("Every co-signer must be a serving deputy of the same congress.")})
    return deputies


def new_suggestion(
    *,
    body: Body,
    session: CongressSession | None,
    title: str,
    content: str,
    category: Category | None,
    source: str,
    lead: Deputy,
) -> Suggestion:
    """Build, unsaved, a suggestion as entered: of the session's year, or of this year between sessions."""
    year = session.start_date.year if session else timezone.localdate().year
    return Suggestion(
        body=body,
        session=session,
        year=year,
        title=title,
        content=content,
        category=category,
        source=source,
        lead_deputy=lead,
    )


def _invite_cosigners(suggestion: Suggestion, deputies: list[Deputy], *, confirmed: bool) -> None:
    now = timezone.now()
    Signer.objects.bulk_create(
        [
            Signer(suggestion=suggestion, deputy=deputy, role=Signer.Role.CO, confirmed_at=now if confirmed else None)
            for deputy in deputies
        ]
    )
    if not confirmed:
        notify_after_commit(
            [deputy.user_id for deputy in deputies],
            kind="suggestion_cosign_invited",
            title=_("You are invited to co-sign a suggestion: %(title)s") % {"title": suggestion.title},
            body=_("%(deputy)s asks you to co-sign. Confirm it from your own login if you agree.")
            % {"deputy": suggestion.lead_deputy.name},
            url=deputy_url(suggestion.pk),
        )


@transaction.atomic
def suggestion_create(
    *,
    body: Body,
    lead_deputy: Deputy,
    title: str,
    content: str,
    actor: User,
    session: CongressSession | None = None,
    category: Category | None = None,
    cosigner_ids: Iterable[int] = (),
    source: str = Suggestion.Source.DEPUTY,
    submit: bool = False,
    cosigners_confirmed: bool = False,
) -> Suggestion:
    """Create a suggestion as a draft (or submit it at once) with its lead deputy and invited co-signers.

    Staff entering a paper suggestion may pass `cosigners_confirmed=True`: the signatures are on the paper.
    """
    ensure(can_create_suggestion(actor, lead_deputy))
    acting_for_self = is_own_deputy(actor, lead_deputy)
    # Who entered it is a fact, not a choice: staff entry is never recorded as the deputy's own filing.
    if source == Suggestion.Source.DEPUTY and not acting_for_self:
        source = Suggestion.Source.STAFF
    require_choice(source, Suggestion.Source, "source")
    ensure(not cosigners_confirmed or is_office_staff(actor, lead_deputy.body))
    ensure(lead_deputy.body_id == body.pk or is_office_staff(actor, body))
    title = require_text(title, "title", _("Give the suggestion a title."))
    content = require_text(content, "content", _("Write what the suggestion asks for."))
    check_session(body, session)
    check_category(body, category)
    cosigners = serving_cosigners(lead_deputy, cosigner_ids)

    suggestion = new_suggestion(
        body=body, session=session, title=title, content=content, category=category, source=source, lead=lead_deputy
    )
    suggestion.created_by = actor
    suggestion.save(force_insert=True)
    Signer.objects.create(suggestion=suggestion, deputy=lead_deputy, role=Signer.Role.LEAD, confirmed_at=timezone.now())
    _invite_cosigners(suggestion, cosigners, confirmed=cosigners_confirmed)
    created_event(suggestion, actor=actor, cosigners=cosigners, confirmed=cosigners_confirmed).save()
    if submit:
        _submit(suggestion, actor)
    return suggestion


@transaction.atomic
def suggestion_update_draft(*, suggestion_id: int, actor: User, **fields) -> Suggestion:
    """Change a draft's title, content, category, session or co-signers."""
    unknown = set(fields) - EDITABLE_DRAFT_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    suggestion = lock_suggestion(suggestion_id)
    if suggestion.status != Suggestion.Status.DRAFT:
        raise WorkflowError(_("Only a draft can be edited; this suggestion has already been submitted."))
    ensure(can_edit_draft(actor, suggestion))
    changed = []
    if "title" in fields:
        suggestion.title = require_text(fields["title"], "title", _("Give the suggestion a title."))
        changed.append("title")
    if "content" in fields:
        suggestion.content = require_text(fields["content"], "content", _("Write what the suggestion asks for."))
        changed.append("content")
    if "category" in fields:
        check_category(suggestion.body, fields["category"])
        suggestion.category = fields["category"]
        changed.append("category")
    if "session" in fields:
        check_session(suggestion.body, fields["session"])
        suggestion.session = fields["session"]
        suggestion.year = suggestion.session.start_date.year if suggestion.session else suggestion.year
        changed += ["session", "year"]
    if changed:
        suggestion.save(update_fields=[*changed, "updated_at"])
    if "cosigner_ids" in fields:
        wanted = serving_cosigners(suggestion.lead_deputy, fields["cosigner_ids"])
        current = set(suggestion.signers.filter(role=Signer.Role.CO).values_list("deputy_id", flat=True))
        wanted_ids = {deputy.pk for deputy in wanted}
        suggestion.signers.filter(role=Signer.Role.CO).exclude(deputy_id__in=wanted_ids).delete()
        _invite_cosigners(suggestion, [d for d in wanted if d.pk not in current], confirmed=False)
        changed.append("cosigners")
    if changed:
        record_event(suggestion, actor=actor, kind="draft_updated", data={"changed": changed})
    return suggestion


# What intake writes besides the suggestion's row, built in one place so that the bulk path (services/bulk.py)
# records the same timeline and sends the same messages as these functions do one suggestion at a time.


class Notice(NamedTuple):
    """A message for the inbox of each recipient."""

    kind: str
    title: str
    body: str = ""
    url: str = ""


def created_event(suggestion: Suggestion, *, actor: User, cosigners: list[Deputy], confirmed: bool) -> Event:
    """Return the unsaved event of a suggestion just written as a draft with these co-signers."""
    return event_for(
        suggestion,
        actor=actor,
        kind="suggestion_created",
        to_state=Suggestion.Status.DRAFT,
        data={"source": suggestion.source, "cosigners": [d.pk for d in cosigners], "cosigners_confirmed": confirmed},
    )


def mark_submitted(suggestion: Suggestion, actor: User) -> None:
    """Move the suggestion to submitted in memory, after the transition and permission checks; save nothing."""
    ensure_transition(suggestion, to=Suggestion.Status.SUBMITTED)
    ensure(can_submit(actor, suggestion))
    suggestion.status = Suggestion.Status.SUBMITTED
    suggestion.submitted_at = timezone.now()


def submitted_event(suggestion: Suggestion, *, actor: User) -> Event:
    return event_for(
        suggestion,
        actor=actor,
        kind="suggestion_submitted",
        from_state=Suggestion.Status.DRAFT,
        to_state=Suggestion.Status.SUBMITTED,
    )


def registered_event(suggestion: Suggestion, *, actor: User, unconfirmed: list[int]) -> Event:
    return event_for(
        suggestion,
        actor=actor,
        kind="suggestion_registered",
        from_state=Suggestion.Status.SUBMITTED,
        to_state=Suggestion.Status.REGISTERED,
        data={"number": suggestion.number, "unconfirmed_cosigners": unconfirmed},
    )


def registered_notice(suggestion: Suggestion) -> Notice:
    """Return what the signers are told when the suggestion is registered."""
    return Notice(
        kind="suggestion_registered",
        title=_("Your suggestion was registered as %(reference)s") % {"reference": suggestion.reference},
        body=suggestion.title,
        url=deputy_url(suggestion.pk),
    )


def _submit(suggestion: Suggestion, actor: User) -> None:
    mark_submitted(suggestion, actor)
    suggestion.save(update_fields=["status", "submitted_at", "updated_at"])
    submitted_event(suggestion, actor=actor).save()
    search_duplicates_after_commit([suggestion.pk])


@transaction.atomic
def suggestion_submit(*, suggestion_id: int, actor: User) -> Suggestion:
    """Send the draft to the office for review."""
    suggestion = lock_suggestion(suggestion_id)
    _submit(suggestion, actor)
    return suggestion


@transaction.atomic
def suggestion_cosign(*, suggestion_id: int, actor: User) -> Signer:
    """Record that an invited co-signer confirms, from their own login."""
    suggestion = lock_suggestion(suggestion_id)
    signer = suggestion.signers.select_related("deputy").filter(role=Signer.Role.CO, deputy__user_id=actor.pk).first()
    ensure(signer is not None and can_cosign(actor, signer))
    if suggestion.status not in COSIGNABLE_STATUSES:
        raise WorkflowError(_("The office has already decided on this suggestion; it can no longer be co-signed."))
    if signer.confirmed_at is not None:
        raise WorkflowError(_("You have already co-signed this suggestion."))
    signer.confirmed_at = timezone.now()
    signer.save(update_fields=["confirmed_at"])
    record_event(suggestion, actor=actor, kind="suggestion_cosigned", data={"deputy": signer.deputy_id})
    notify_after_commit(
        signer_ids(suggestion, lead_only=True),
        kind="suggestion_cosigned",
        title=_("%(deputy)s co-signed your suggestion: %(title)s")
        % {"deputy": signer.deputy.name, "title": suggestion.title},
        url=deputy_url(suggestion.pk),
    )
    return signer


@transaction.atomic
def suggestion_withdraw(*, suggestion_id: int, actor: User, note: str = "") -> Suggestion:
    """Withdraw the suggestion at the lead deputy's own wish, before it is assigned."""
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.WITHDRAWN)
    ensure(can_withdraw(actor, suggestion))
    from_state = suggestion.status
    suggestion.status = Suggestion.Status.WITHDRAWN
    suggestion.due_date = None
    suggestion.save(update_fields=["status", "due_date", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_withdrawn",
        from_state=from_state,
        to_state=suggestion.status,
        note=note,
    )
    notify_after_commit(
        staff_ids(suggestion.body),
        kind="suggestion_withdrawn",
        title=_("A suggestion was withdrawn by its deputy: %(title)s") % {"title": suggestion.title},
        body=note,
        url=staff_url(suggestion.pk),
    )
    return suggestion


def reserve_numbers(*, body_id: int, session_id: int | None, year: int, count: int) -> range:
    """Return the next `count` registration numbers, holding a lock so two registrations cannot take the same ones.

    The session's row (or, between sessions, the body's row) is the counter's lock: whoever holds it reads
    the highest number given so far, and the next registration waits until this one commits.
    """
    if session_id:
        CongressSession.objects.select_for_update().only("pk").get(pk=session_id)
        numbered = Suggestion.objects.filter(session_id=session_id)
    else:
        Body.objects.select_for_update().only("pk").get(pk=body_id)
        numbered = Suggestion.objects.filter(body_id=body_id, year=year, session__isnull=True)
    highest = numbered.aggregate(highest=Max("number"))["highest"] or 0
    return range(highest + 1, highest + 1 + count)


def _next_number(suggestion: Suggestion) -> int:
    (number,) = reserve_numbers(
        body_id=suggestion.body_id, session_id=suggestion.session_id, year=suggestion.year, count=1
    )
    return number


@transaction.atomic
def suggestion_register(*, suggestion_id: int, actor: User, category: Category | None = None) -> Suggestion:
    """Register (立案) the suggestion with the next number of its session, or of its year between sessions."""
    suggestion = lock_suggestion(suggestion_id)
    # The table also lets an assigned suggestion fall back to registered when re-routing empties it; that path
    # keeps its number, so registering (and numbering) is only for a suggestion still under review.
    if suggestion.status != Suggestion.Status.SUBMITTED:
        # Its state moved since the office's page offered the step: someone registered, refused or withdrew it.
        raise StaleState(
            _("Only a suggestion under review can be registered; this one is %(status)s.")
            % {"status": suggestion.get_status_display()}
        )
    ensure_transition(suggestion, to=Suggestion.Status.REGISTERED)
    ensure(can_register(actor, suggestion))
    if category is not None:
        check_category(suggestion.body, category)
        suggestion.category = category
    suggestion.number = _next_number(suggestion)
    suggestion.status = Suggestion.Status.REGISTERED
    suggestion.registered_at = timezone.now()
    # Between sessions the office owes an assignment within a few working days; at a session it assigns in bulk.
    suggestion.due_date = (
        None if suggestion.session_id else assign_due(policy_for(suggestion.body), timezone.localdate())
    )
    suggestion.save(update_fields=["category", "number", "status", "registered_at", "due_date", "updated_at"])
    unconfirmed = list(
        suggestion.signers.filter(role=Signer.Role.CO, confirmed_at__isnull=True).values_list("deputy_id", flat=True)
    )
    registered_event(suggestion, actor=actor, unconfirmed=unconfirmed).save()
    notify_after_commit(signer_ids(suggestion), **registered_notice(suggestion)._asdict())
    return suggestion


@transaction.atomic
def suggestion_reject(*, suggestion_id: int, actor: User, reason: str, note: str) -> Suggestion:
    """Refuse to register the suggestion; it is kept as an opinion and the deputy is told why."""
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.NOT_REGISTERED)
    ensure(can_reject(actor, suggestion))
    require_choice(reason, Suggestion.RejectReason, "reason")
    note = require_text(note, "note", _("Explain to the deputy why it is not registered."))
    suggestion.status = Suggestion.Status.NOT_REGISTERED
    suggestion.reject_reason = reason
    suggestion.reject_note = note
    suggestion.save(update_fields=["status", "reject_reason", "reject_note", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_not_registered",
        from_state=Suggestion.Status.SUBMITTED,
        to_state=suggestion.status,
        note=note,
        data={"reason": reason},
    )
    notify_after_commit(
        signer_ids(suggestion),
        kind="suggestion_not_registered",
        title=_("Your suggestion was not registered: %(title)s") % {"title": suggestion.title},
        body=f"{Suggestion.RejectReason(reason).label}\n{note}",
        url=deputy_url(suggestion.pk),
    )
    return suggestion


@transaction.atomic
def suggestion_attach(*, suggestion_id: int, actor: User, file) -> Attachment:
    """Attach a PDF, Word document or photo to a suggestion that is still a draft or under review."""
    kind = validate_upload(file, field="file")
    suggestion = lock_suggestion(suggestion_id)
    if suggestion.status not in COSIGNABLE_STATUSES:
        raise WorkflowError(_("Files can be attached only until the office has decided on the suggestion."))
    ensure(can_edit_draft(actor, suggestion) or is_office_staff(actor, suggestion.body))
    attachment = Attachment(
        suggestion=suggestion,
        name=(file.name or "")[:200],
        content_type=kind.content_type,
        size=file.size,
        uploaded_by=actor,
    )
    attachment.file.save(stored_name(file.name, kind), file, save=False)
    attachment.save()
    record_event(suggestion, actor=actor, kind="attachment_added", data={"attachment": attachment.pk})
    return attachment
