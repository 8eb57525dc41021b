"""Pure predicates about what a person may do with the deputies roster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.models import Role
from congress.permissions import can_view_roster, can_view_system

if TYPE_CHECKING:
    from congress.models import User


def can_view_deputy_contact(user: User) -> bool:
    """Full phone numbers are for the committee side, on one deputy's page; lists show them masked."""
    return can_view_roster(user)


def can_view_deputy_login(user: User) -> bool:
    """The linked login's page belongs to the system pages, so only their users follow the link."""
    return can_view_system(user)


def can_write_roster(user: User) -> bool:
    """Office staff and administrators keep the roster; so do county systems whose keys hold roster:write."""
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.OFFICE_STAFF, Role.SYSADMIN, Role.API_CLIENT)
    )
