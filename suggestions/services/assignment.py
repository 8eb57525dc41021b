"""Assignment: the office assigns units; each unit accepts or, inside the window, asks to be re-routed."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.models import Unit, User
from congress.permissions import body_in_scope
from congress.services import record_event
from congress.workflow import WorkflowError, ensure, ensure_transition
from suggestions.deadlines import assign_due, assignment_deadlines, policy_for
from suggestions.models import Assignment, Suggestion
from suggestions.permissions import (
    can_accept,
    can_assign,
    can_decide_reroute,
    can_request_reroute,
)
from suggestions.services._common import (
    lock_assignment,
    lock_suggestion,
    notify_after_commit,
    refresh_due_date,
    require_text,
    staff_ids,
    staff_url,
    unit_people_ids,
)


def _check_units(suggestion: Suggestion, actor: User, units: list[Unit], taken: set[int]) -> None:
    """Refuse a unit that is inactive, not a handling unit, outside the actor's scope, or named twice."""
    ids = [unit.pk for unit in units]
    if len(set(ids)) != len(ids) or taken & set(ids):
        raise ValidationError({"units": _("A unit can take part in a suggestion only once.")})
    for unit in units:
        if not (unit.is_active and unit.is_handling_unit and body_in_scope(actor, unit.body)):
            raise ValidationError({"units": _("%(unit)s cannot be assigned suggestions.") % {"unit": unit}})


def _new_assignment(suggestion: Suggestion, unit: Unit, role: str, actor: User) -> Assignment:
    deadlines = assignment_deadlines(policy_for(suggestion.body), timezone.localdate())
    answers = role in (Assignment.Role.LEAD, Assignment.Role.PARALLEL)
    return Assignment.objects.create(
        suggestion=suggestion,
        unit=unit,
        role=role,
        assigned_by=actor,
        reroute_deadline=deadlines.reroute_deadline,
        co_opinion_due=None if answers else deadlines.co_opinion_due,
        answer_due=deadlines.answer_due if answers else None,
        hard_deadline=deadlines.hard_deadline if answers else None,
    )


def _notify_assigned(suggestion: Suggestion, assignments: list[Assignment]) -> None:
    for assignment in assignments:
        notify_after_commit(
            unit_people_ids([assignment.unit_id]),
            kind="suggestion_assigned",
            title=_("A suggestion was assigned to your unit (%(role)s): %(title)s")
            % {"role": assignment.get_role_display(), "title": suggestion.title},
            body=_("Accept it, or ask to re-route it by %(date)s.")
            % {"date": date_format(assignment.reroute_deadline)},
            url=staff_url(suggestion.pk),
        )


def _assign(
    suggestion: Suggestion,
    *,
    lead_unit: Unit,
    actor: User,
    co_units: Iterable[Unit],
    parallel_units: Iterable[Unit],
) -> Suggestion:
    ensure_transition(suggestion, to=Suggestion.Status.ASSIGNED)
    ensure(can_assign(actor, suggestion))
    co_units, parallel_units = list(co_units), list(parallel_units)
    _check_units(suggestion, actor, [lead_unit, *co_units, *parallel_units], taken=set())
    assignments = [_new_assignment(suggestion, lead_unit, Assignment.Role.LEAD, actor)]
    assignments += [_new_assignment(suggestion, unit, Assignment.Role.CO, actor) for unit in co_units]
    assignments += [_new_assignment(suggestion, unit, Assignment.Role.PARALLEL, actor) for unit in parallel_units]
    suggestion.status = Suggestion.Status.ASSIGNED
    suggestion.lead_unit = lead_unit
    # The first assignment starts the clock the rates count from; a re-assignment after re-routing does not reset it.
    suggestion.assigned_at = suggestion.assigned_at or timezone.now()
    suggestion.due_date = assignments[0].answer_due
    suggestion.save(update_fields=["status", "lead_unit", "assigned_at", "due_date", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_assigned",
        from_state=Suggestion.Status.REGISTERED,
        to_state=suggestion.status,
        data={
            "lead": lead_unit.pk,
            "co": [unit.pk for unit in co_units],
            "parallel": [unit.pk for unit in parallel_units],
            "answer_due": assignments[0].answer_due.isoformat(),
            "reroute_deadline": assignments[0].reroute_deadline.isoformat(),
        },
    )
    _notify_assigned(suggestion, assignments)
    return suggestion


@transaction.atomic
def suggestion_assign(
    *,
    suggestion_id: int,
    lead_unit: Unit,
    actor: User,
    co_units: Iterable[Unit] = (),
    parallel_units: Iterable[Unit] = (),
) -> Suggestion:
    """Assign the registered suggestion to a lead unit, with any co-handling and parallel units."""
    return _assign(
        lock_suggestion(suggestion_id),
        lead_unit=lead_unit,
        actor=actor,
        co_units=co_units,
        parallel_units=parallel_units,
    )


@transaction.atomic
def suggestions_assign_bulk(
    *,
    suggestion_ids: Iterable[int],
    lead_unit: Unit,
    actor: User,
    co_units: Iterable[Unit] = (),
    parallel_units: Iterable[Unit] = (),
) -> list[Suggestion]:
    """Assign several suggestions to the same units: all of them, or none when one cannot be assigned."""
    co_units, parallel_units = list(co_units), list(parallel_units)
    assigned = []
    # Locking in id order means two bulk assignments over overlapping lists cannot deadlock.
    for suggestion_id in sorted({int(pk) for pk in suggestion_ids}):
        suggestion = lock_suggestion(suggestion_id)
        try:
            assigned.append(
                _assign(suggestion, lead_unit=lead_unit, actor=actor, co_units=co_units, parallel_units=parallel_units)
            )
        except WorkflowError as error:
            raise WorkflowError(
                _("%(title)s: %(error)s Nothing was assigned.") % {"title": suggestion.title, "error": error}
            ) from error
    return assigned


@transaction.atomic
def assignment_accept(*, assignment_id: int, actor: User) -> Assignment:
    """Record that the unit has taken its part of the suggestion on; the first acceptance starts handling."""
    suggestion, assignment = lock_assignment(assignment_id)
    ensure_transition(assignment, to=Assignment.Status.ACCEPTED)
    ensure(can_accept(actor, assignment))
    assignment.status = Assignment.Status.ACCEPTED
    assignment.accepted_at = timezone.now()
    assignment.accepted_by = actor
    assignment.save(update_fields=["status", "accepted_at", "accepted_by"])
    record_event(
        suggestion,
        actor=actor,
        kind="assignment_accepted",
        from_state=Assignment.Status.ASSIGNED,
        to_state=assignment.status,
        # The unit's name as it was, for the timeline: a unit renamed later does not rewrite history.
        data={
            "assignment": assignment.pk,
            "unit": assignment.unit_id,
            "unit_name": assignment.unit.name,
            "role": assignment.role,
        },
    )
    if suggestion.status == Suggestion.Status.ASSIGNED:
        ensure_transition(suggestion, to=Suggestion.Status.HANDLING)
        suggestion.status = Suggestion.Status.HANDLING
        suggestion.save(update_fields=["status", "updated_at"])
        record_event(
            suggestion,
            actor=actor,
            kind="suggestion_handling_started",
            from_state=Suggestion.Status.ASSIGNED,
            to_state=suggestion.status,
        )
    return assignment


@transaction.atomic
def assignment_request_reroute(*, assignment_id: int, actor: User, reason: str) -> Assignment:
    """Ask the office, inside the re-routing window, to take the suggestion away from this unit."""
    suggestion, assignment = lock_assignment(assignment_id)
    ensure_transition(assignment, to=Assignment.Status.REROUTE_REQUESTED)
    ensure(can_request_reroute(actor, assignment))
    if timezone.localdate() > assignment.reroute_deadline:
        raise WorkflowError(
            _("The re-routing window closed on %(date)s; the assignment is now locked.")
            % {"date": date_format(assignment.reroute_deadline)}
        )
    assignment.reroute_reason = require_text(reason, "reason", _("Say why the suggestion should go elsewhere."))
    assignment.status = Assignment.Status.REROUTE_REQUESTED
    assignment.save(update_fields=["status", "reroute_reason"])
    record_event(
        suggestion,
        actor=actor,
        kind="reroute_requested",
        from_state=Assignment.Status.ASSIGNED,
        to_state=assignment.status,
        note=assignment.reroute_reason,
        data={"assignment": assignment.pk, "unit": assignment.unit_id, "role": assignment.role},
    )
    notify_after_commit(
        staff_ids(suggestion.body),
        kind="reroute_requested",
        title=_("%(unit)s asks to re-route a suggestion: %(title)s")
        % {"unit": assignment.unit, "title": suggestion.title},
        body=assignment.reroute_reason,
        url=staff_url(suggestion.pk),
    )
    return assignment


@transaction.atomic
def assignment_decide_reroute(
    *, assignment_id: int, actor: User, approve: bool, note: str = "", new_unit: Unit | None = None
) -> Assignment:
    """Approve a re-routing request (optionally naming the unit that takes over) or refuse it.

    Approving the lead unit's request without a new unit is possible only when no other unit remains: the
    suggestion then goes back to be assigned again.
    """
    suggestion, assignment = lock_assignment(assignment_id)
    target = Assignment.Status.WITHDRAWN if approve else Assignment.Status.ASSIGNED
    ensure_transition(assignment, to=target)
    ensure(can_decide_reroute(actor, assignment))
    others = list(
        suggestion.assignments.exclude(pk=assignment.pk).exclude(status=Assignment.Status.WITHDRAWN).select_for_update()
    )
    if approve and new_unit is None and assignment.role == Assignment.Role.LEAD and others:
        raise ValidationError({"new_unit": _("Name the unit that takes over as lead unit.")})
    if approve and new_unit is not None:
        _check_units(suggestion, actor, [new_unit], taken={other.unit_id for other in others} | {assignment.unit_id})

    assignment.status = target
    if approve:
        assignment.completed_at = timezone.now()
    assignment.save(update_fields=["status", "completed_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="reroute_approved" if approve else "reroute_refused",
        from_state=Assignment.Status.REROUTE_REQUESTED,
        to_state=target,
        note=note,
        # The names as they were at the decision, for the timeline: a unit renamed later does not rewrite history.
        data={
            "assignment": assignment.pk,
            "unit": assignment.unit_id,
            "unit_name": assignment.unit.name,
            "role": assignment.role,
            "new_unit": new_unit.pk if new_unit else None,
            "new_unit_name": new_unit.name if new_unit else "",
        },
    )
    notify_after_commit(
        unit_people_ids([assignment.unit_id]),
        kind="reroute_decided",
        title=(_("Re-routing approved: %(title)s") if approve else _("Re-routing refused, please handle: %(title)s"))
        % {"title": suggestion.title},
        body=note,
        url=staff_url(suggestion.pk),
    )
    if not approve:
        return assignment

    update_fields = ["due_date", "updated_at"]
    if new_unit is not None:
        replacement = _new_assignment(suggestion, new_unit, assignment.role, actor)
        _notify_assigned(suggestion, [replacement])
        if assignment.role == Assignment.Role.LEAD:
            suggestion.lead_unit = new_unit
            update_fields.append("lead_unit")
    elif not others:
        ensure_transition(suggestion, to=Suggestion.Status.REGISTERED)
        suggestion.status = Suggestion.Status.REGISTERED
        suggestion.lead_unit = None
        update_fields += ["status", "lead_unit"]
        record_event(
            suggestion,
            actor=actor,
            kind="suggestion_returned_for_assignment",
            from_state=Suggestion.Status.ASSIGNED,
            to_state=suggestion.status,
            note=note,
        )
    refresh_due_date(suggestion)
    if suggestion.status == Suggestion.Status.REGISTERED and not suggestion.session_id:
        # Between sessions the office again owes an assignment within the policy's working days.
        suggestion.due_date = assign_due(policy_for(suggestion.body), timezone.localdate())
    suggestion.save(update_fields=update_fields)
    return assignment
