"""Handling: contacts with the deputy, co-handling opinions, extensions, and the units' answers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.models import User
from congress.services import record_event
from congress.workflow import WorkflowError, ensure, ensure_transition
from suggestions.deadlines import policy_for, rating_due
from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Suggestion
from suggestions.permissions import (
    can_answer,
    can_decide_extension,
    can_log_contact,
    can_request_extension,
    can_send_co_opinion,
)
from suggestions.services._common import (
    answering_assignments,
    deputy_url,
    ensure_status,
    lock_assignment,
    notify_after_commit,
    refresh_due_date,
    require_choice,
    require_text,
    round_answers,
    signer_ids,
    staff_ids,
    staff_url,
    unit_people_ids,
)
from suggestions.services.uploads import stored_name, validate_upload

# The kind of answer a unit gives follows from where the suggestion stands.
ANSWER_KIND = {
    Suggestion.Status.HANDLING: Answer.Kind.FIRST,
    Suggestion.Status.REHANDLING: Answer.Kind.REHANDLING,
    Suggestion.Status.FOLLOW_UP: Answer.Kind.FOLLOW_UP,
}
CONTACT_STATUSES = (Assignment.Status.ACCEPTED, Assignment.Status.OPINION_SENT, Assignment.Status.ANSWERED)


@transaction.atomic
def contact_log(
    *,
    assignment_id: int,
    actor: User,
    method: str,
    contacted_on: dt.date,
    participants: str,
    summary: str,
    stage: str = Contact.Stage.DURING,
) -> Contact:
    """Record a contact with the deputy (face to face, phone, visit) before, during or after handling."""
    suggestion, assignment = lock_assignment(assignment_id)
    ensure(can_log_contact(actor, assignment))
    ensure_status(assignment, CONTACT_STATUSES, _("Accept the suggestion before logging contacts."))
    # An archived suggestion is the final record: nothing is added to it afterwards.
    if suggestion.status == Suggestion.Status.ARCHIVED:
        raise WorkflowError(_("This suggestion is archived; no more contacts can be logged on it."))
    require_choice(method, Contact.Method, "method")
    require_choice(stage, Contact.Stage, "stage")
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("A contact cannot be logged before it happened.")})
    # Contacts are part of handling the assignment: one dated earlier is a typing error, not history.
    assigned_on = timezone.localdate(assignment.assigned_at)
    if contacted_on < assigned_on:
        raise ValidationError(
            {
                "contacted_on": _(
                    "A contact cannot be dated before the suggestion was assigned to the unit, on %(date)s."
                )
                % {"date": date_format(assigned_on)}
            }
        )
    contact = Contact.objects.create(
        assignment=assignment,
        method=method,
        stage=stage,
        contacted_on=contacted_on,
        participants=require_text(participants, "participants", _("Say who took part.")),
        summary=require_text(summary, "summary", _("Say what was discussed.")),
        logged_by=actor,
    )
    record_event(
        suggestion,
        actor=actor,
        kind="contact_logged",
        data={"assignment": assignment.pk, "contact": contact.pk, "method": method, "stage": stage},
    )
    return contact


@transaction.atomic
def co_opinion_send(*, assignment_id: int, actor: User, text: str) -> CoOpinion:
    """Send the co-handling unit's opinion to the lead unit."""
    suggestion, assignment = lock_assignment(assignment_id)
    ensure_transition(assignment, to=Assignment.Status.OPINION_SENT)
    ensure(can_send_co_opinion(actor, assignment))
    opinion = CoOpinion.objects.create(
        assignment=assignment, text=require_text(text, "text", _("Write the opinion.")), sent_by=actor
    )
    assignment.status = Assignment.Status.OPINION_SENT
    assignment.completed_at = opinion.sent_at
    assignment.save(update_fields=["status", "completed_at"])
    late = assignment.co_opinion_due is not None and timezone.localdate() > assignment.co_opinion_due
    record_event(
        suggestion,
        actor=actor,
        kind="co_opinion_sent",
        from_state=Assignment.Status.ACCEPTED,
        to_state=assignment.status,
        data={"assignment": assignment.pk, "unit": assignment.unit_id, "late": late},
    )
    lead = suggestion.assignments.filter(role=Assignment.Role.LEAD).exclude(status=Assignment.Status.WITHDRAWN)
    notify_after_commit(
        unit_people_ids(lead.values_list("unit_id", flat=True)),
        kind="co_opinion_sent",
        title=_("%(unit)s sent its opinion on: %(title)s") % {"unit": assignment.unit, "title": suggestion.title},
        url=staff_url(suggestion.pk),
    )
    return opinion


@transaction.atomic
def extension_request(*, assignment_id: int, actor: User, reason: str, requested_until: dt.date) -> ExtensionRequest:
    """Ask the office for a later answer date, never past the assignment's hard maximum."""
    suggestion, assignment = lock_assignment(assignment_id)
    ensure(can_request_extension(actor, assignment))
    # The legal maximum (DL art. 51) bounds the first answer; re-handling and follow-up have their own dates.
    ensure_status(
        suggestion, [Suggestion.Status.HANDLING], _("An extension can be asked for only before the first answer.")
    )
    ensure_status(assignment, [Assignment.Status.ACCEPTED], _("Accept the suggestion before asking for more time."))
    if assignment.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise WorkflowError(_("An extension request for this suggestion is already waiting for a decision."))
    reason = require_text(reason, "reason", _("Say why more time is needed."))
    _check_extension_date(assignment, requested_until)
    request = ExtensionRequest.objects.create(
        assignment=assignment, reason=reason, requested_until=requested_until, requested_by=actor
    )
    record_event(
        suggestion,
        actor=actor,
        kind="extension_requested",
        to_state=request.status,
        note=reason,
        data={"assignment": assignment.pk, "request": request.pk, "requested_until": requested_until.isoformat()},
    )
    notify_after_commit(
        staff_ids(suggestion.body),
        kind="extension_requested",
        title=_("%(unit)s asks for more time, until %(date)s: %(title)s")
        % {"unit": assignment.unit, "date": date_format(requested_until), "title": suggestion.title},
        body=reason,
        url=staff_url(suggestion.pk),
    )
    return request


def _check_extension_date(assignment: Assignment, requested_until: dt.date) -> None:
    if assignment.answer_due and requested_until <= assignment.answer_due:
        raise ValidationError(
            {
                "requested_until": _("Ask for a date after the current deadline, %(date)s.")
                % {"date": date_format(assignment.answer_due)}
            }
        )
    if assignment.hard_deadline and requested_until > assignment.hard_deadline:
        raise ValidationError(
            {
                "requested_until": _("The answer cannot be later than %(date)s, the legal maximum.")
                % {"date": date_format(assignment.hard_deadline)}
            }
        )


@transaction.atomic
def extension_decide(*, request_id: int, actor: User, approve: bool, note: str = "") -> ExtensionRequest:
    """Approve or refuse an extension request; an approved date never passes the hard maximum."""
    assignment_id = ExtensionRequest.objects.values_list("assignment_id", flat=True).get(pk=request_id)
    suggestion, assignment = lock_assignment(assignment_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request_id)
    request.assignment = assignment
    target = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    ensure_transition(request, to=target)
    ensure(can_decide_extension(actor, request))
    if approve:
        ensure_status(
            assignment, [Assignment.Status.ACCEPTED], _("The unit has already answered; no extension is needed.")
        )
        _check_extension_date(assignment, request.requested_until)
    request.status = target
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    data = {"assignment": assignment.pk, "request": request.pk, "requested_until": request.requested_until.isoformat()}
    if approve:
        data["previous_due"] = assignment.answer_due.isoformat() if assignment.answer_due else None
        assignment.answer_due = request.requested_until
        assignment.save(update_fields=["answer_due"])
        refresh_due_date(suggestion)
        suggestion.save(update_fields=["due_date", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="extension_approved" if approve else "extension_refused",
        from_state=ExtensionRequest.Status.PENDING,
        to_state=target,
        note=note,
        data=data,
    )
    notify_after_commit(
        unit_people_ids([assignment.unit_id]),
        kind="extension_decided",
        title=(
            _("Extension approved until %(date)s: %(title)s")
            if approve
            else _("Extension refused, the answer is still due %(due)s: %(title)s")
        )
        % {
            "date": date_format(request.requested_until),
            "due": date_format(assignment.answer_due) if assignment.answer_due else "",
            "title": suggestion.title,
        },
        body=note,
        url=staff_url(suggestion.pk),
    )
    return request


@transaction.atomic
def suggestion_answer(
    *,
    assignment_id: int,
    actor: User,
    grade: str,
    text: str,
    letter: UploadedFile | None = None,
    is_public: bool = False,
) -> Answer:
    """Record the unit's answer with its grade and reply letter; the last answer owed makes it answered."""
    kind_of_file = validate_upload(letter) if letter is not None else None
    suggestion, assignment = lock_assignment(assignment_id)
    ensure_transition(assignment, to=Assignment.Status.ANSWERED)
    ensure(can_answer(actor, assignment))
    ensure_status(suggestion, ANSWER_KIND, _("This suggestion is not waiting for an answer."))
    require_choice(grade, Answer.Grade, "grade")
    answer = Answer(
        suggestion=suggestion,
        assignment=assignment,
        kind=ANSWER_KIND[suggestion.status],
        grade=grade,
        text=require_text(text, "text", _("Write the answer.")),
        is_public=is_public,
        answered_by=actor,
    )
    if letter is not None:
        answer.letter_name = (letter.name or "")[:200]
        answer.letter.save(stored_name(letter.name, kind_of_file), letter, save=False)
    answer.save()
    assignment.status = Assignment.Status.ANSWERED
    assignment.completed_at = answer.answered_at
    assignment.save(update_fields=["status", "completed_at"])

    data = {
        "assignment": assignment.pk,
        "unit": assignment.unit_id,
        "unit_name": assignment.unit.name,
        "answer": answer.pk,
        "grade": grade,
    }
    if assignment.role == Assignment.Role.LEAD:
        # The lead may answer without a co-handling opinion that has not come; the record says so.
        data["without_co_opinions"] = list(
            suggestion.assignments.filter(
                role=Assignment.Role.CO, status__in=[Assignment.Status.ASSIGNED, Assignment.Status.ACCEPTED]
            ).values_list("unit_id", flat=True)
        )
    late = assignment.answer_due is not None and timezone.localdate() > assignment.answer_due
    data["late"] = late
    record_event(
        suggestion,
        actor=actor,
        kind="answer_given",
        from_state=Assignment.Status.ACCEPTED,
        to_state=assignment.status,
        data=data,
    )
    notify_after_commit(
        signer_ids(suggestion),
        kind="suggestion_answer",
        title=_("%(unit)s answered your suggestion: %(title)s") % {"unit": assignment.unit, "title": suggestion.title},
        url=deputy_url(suggestion.pk),
    )

    if all(a.status == Assignment.Status.ANSWERED for a in answering_assignments(suggestion)):
        _mark_answered(suggestion, actor)
    else:
        refresh_due_date(suggestion)
        suggestion.save(update_fields=["due_date", "updated_at"])
    return answer


def _mark_answered(suggestion: Suggestion, actor: User) -> None:
    """Every answering unit has answered: open the deputy's rating window on the answers not yet rated."""
    from_state = suggestion.status
    ensure_transition(suggestion, to=Suggestion.Status.ANSWERED)
    due = rating_due(policy_for(suggestion.body), timezone.localdate())
    answers = round_answers(suggestion)
    unrated = [answer.pk for answer in answers if not answer.ratings.all()]
    Answer.objects.filter(pk__in=unrated).update(rating_due=due)
    lead_answer = next((a for a in answers if a.assignment.role == Assignment.Role.LEAD), answers[0])
    suggestion.status = Suggestion.Status.ANSWERED
    suggestion.answered_at = suggestion.answered_at or timezone.now()
    # With parallel units each grades its own answer; the suggestion carries the lead unit's grade.
    suggestion.latest_grade = lead_answer.grade
    suggestion.due_date = due
    suggestion.save(update_fields=["status", "answered_at", "latest_grade", "due_date", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_answered",
        from_state=from_state,
        to_state=suggestion.status,
        data={"rating_due": due.isoformat(), "answers": unrated, "grade": suggestion.latest_grade},
    )
    notify_after_commit(
        signer_ids(suggestion, lead_only=True),
        kind="suggestion_rating_due",
        title=_("Please rate the answer to your suggestion by %(date)s: %(title)s")
        % {"date": date_format(due), "title": suggestion.title},
        url=deputy_url(suggestion.pk),
    )
