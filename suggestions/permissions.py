"""Pure predicates about who may take which step of the suggestion loop.

Deputies act on their own suggestions through their own login; a unit's people act only on their unit's
assignments; office staff register, assign, decide and close within their scope; leaders pick priority
items and may decide extensions. Nothing here writes or raises; the services call these through `ensure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.models import Role
from congress.permissions import body_in_scope

if TYPE_CHECKING:
    from congress.models import Body, User
    from deputies.models import Deputy
    from suggestions.models import Answer, Assignment, ExtensionRequest, Signer, Suggestion


def is_office_staff(user: User, body: Body) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.OFFICE_STAFF) and body_in_scope(user, body)


def is_leader(user: User, body: Body) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.LEADER) and body_in_scope(user, body)


def is_own_deputy(user: User, deputy: Deputy) -> bool:
    """Tell whether the user is this deputy's own login (never someone acting for them)."""
    return user.is_authenticated and user.is_active and user.is_deputy and deputy.user_id == user.pk


def is_unit_member(user: User, assignment: Assignment) -> bool:
    return user.is_authenticated and user.is_active and user.is_unit_side and user.unit_id == assignment.unit_id


# Intake


def can_create_suggestion(user: User, lead_deputy: Deputy) -> bool:
    """A deputy files their own; staff enter one on a deputy's behalf (paper at the session)."""
    return is_own_deputy(user, lead_deputy) or is_office_staff(user, lead_deputy.body)


def can_edit_draft(user: User, suggestion: Suggestion) -> bool:
    return is_own_deputy(user, suggestion.lead_deputy) or (
        suggestion.source != suggestion.Source.DEPUTY and is_office_staff(user, suggestion.body)
    )


def can_submit(user: User, suggestion: Suggestion) -> bool:
    return can_edit_draft(user, suggestion)


def can_cosign(user: User, signer: Signer) -> bool:
    """Only the invited co-signer confirms, from their own login."""
    return signer.role == signer.Role.CO and is_own_deputy(user, signer.deputy)


def can_withdraw(user: User, suggestion: Suggestion) -> bool:
    return is_own_deputy(user, suggestion.lead_deputy)


def can_register(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


def can_reject(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


# Assignment


def can_assign(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


def can_accept(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment)


def can_request_reroute(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment)


def can_decide_reroute(user: User, assignment: Assignment) -> bool:
    return is_office_staff(user, assignment.suggestion.body)


# Handling


def can_log_contact(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment)


def can_send_co_opinion(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment) and assignment.role == assignment.Role.CO


def can_request_extension(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment) and assignment.answers_for_itself


def can_decide_extension(user: User, request: ExtensionRequest) -> bool:
    """The assigning office decides; the council's leaders may too."""
    body = request.assignment.suggestion.body
    return is_office_staff(user, body) or is_leader(user, body)


def can_answer(user: User, assignment: Assignment) -> bool:
    return is_unit_member(user, assignment) and assignment.answers_for_itself


# Closing


def can_rate(user: User, answer: Answer) -> bool:
    """Only the lead deputy rates, through their own login; co-signers read the answer but do not rate."""
    return is_own_deputy(user, answer.suggestion.lead_deputy)


def can_close(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


def can_revisit(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


def can_archive(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)


def can_prioritize(user: User, suggestion: Suggestion) -> bool:
    """Leaders pick priority items; staff record the chairpersons' council's choice."""
    return is_leader(user, suggestion.body) or is_office_staff(user, suggestion.body)


def can_publish(user: User, suggestion: Suggestion) -> bool:
    return is_office_staff(user, suggestion.body)
