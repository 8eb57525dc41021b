"""Pure predicates about the roster, for the API until deputies/permissions.py exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from congress.models import Role

if TYPE_CHECKING:
    from congress.models import User


def can_write_roster(user: User) -> bool:
    """Office staff and administrators keep the roster; so do county systems whose keys hold roster:write."""
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.OFFICE_STAFF, Role.SYSADMIN, Role.API_CLIENT)
    )
