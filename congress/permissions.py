"""Pure predicates about what a person may do in the kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.models import Role
from congress.querysets import scope_path

if TYPE_CHECKING:
    from congress.models import Body, User


def is_sysadmin(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def can_manage_calendar(user: User) -> bool:
    return user.is_authenticated and (is_sysadmin(user) or user.has_role(Role.OFFICE_STAFF))


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and is_sysadmin(user)


def can_view_staff_portal(user: User) -> bool:
    return user.is_authenticated and (user.is_committee_side or user.is_unit_side)


def can_view_roster(user: User) -> bool:
    return user.is_authenticated and user.is_committee_side


def can_view_system(user: User) -> bool:
    return user.is_authenticated and (is_sysadmin(user) or user.has_role(Role.OFFICE_STAFF))


def can_view_units(user: User) -> bool:
    """Committee side browses the scope's units; a unit's people see their own unit."""
    return can_view_staff_portal(user)


def can_edit_user(actor: User, user: User) -> bool:
    return can_manage_users(actor) and (actor.is_superuser or not user.is_superuser)


def body_in_scope(user: User, body: Body) -> bool:
    """Tell whether `body` lies inside the part of the tree the user oversees; asks the database nothing."""
    prefix = scope_path(user)
    return prefix is not None and body.path.startswith(prefix)
