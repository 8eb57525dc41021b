"""Pure predicates about what a person may do in the kernel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from congress.models import Role
from congress.querysets import scope_path

if TYPE_CHECKING:
    from congress.models import Body, User


def is_sysadmin(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def can_manage_calendar(user: User) -> bool:
    """Tell whether the user may change the working-day calendar.

    The calendar is national and shared by every body in the deployment, so only those who oversee all of
    them may change it: superusers, and office staff or administrators whose scope is the whole tree. In a
    one-county deployment that is the county's people (the county congress is the top, and its standing
    committee oversees the congress's jurisdiction); in a province, the province's; where several bodies
    stand side by side at the top, no body's staff oversee the others, so only superusers may. Asks the
    database once per user object.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not (user.has_role(Role.SYSADMIN) or user.has_role(Role.OFFICE_STAFF)):
        return False
    if "_oversees_every_body" not in user.__dict__:
        user.__dict__["_oversees_every_body"] = _oversees_every_body(user)
    return user.__dict__["_oversees_every_body"]


def _oversees_every_body(user: User, body_paths: list[str] | None = None) -> bool:
    """`body_paths` (every body's path, read once by the caller) spares a query when many users are checked."""
    from congress.models import Body

    prefix = scope_path(user)
    if prefix is None:
        return False
    if prefix == "":
        return True
    if body_paths is not None:
        return all(path.startswith(prefix) for path in body_paths)
    return not Body.objects.exclude(path__startswith=prefix).exists()


def calendar_managers_among(users: Iterable[User]) -> list[User]:
    """Return the users who may change the calendar, reading the bodies once for all of them."""
    from congress.models import Body

    body_paths = list(Body.objects.values_list("path", flat=True))
    managers = []
    for user in users:
        user.__dict__["_oversees_every_body"] = _oversees_every_body(user, body_paths)
        if can_manage_calendar(user):
            managers.append(user)
    return managers


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
