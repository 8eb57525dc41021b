"""Pure predicates about who may see and change the reminder engine's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.models import Role
from congress.permissions import can_view_staff_portal, is_sysadmin

if TYPE_CHECKING:
    from congress.models import User


def can_manage_reminders(user: User) -> bool:
    """Office staff and system administrators read the ledger and set policies and message texts."""
    return user.is_authenticated and (is_sysadmin(user) or user.has_role(Role.OFFICE_STAFF))


def can_set_own_preferences(user: User) -> bool:
    return user.is_authenticated and (can_view_staff_portal(user) or user.is_deputy)
