"""Reusable query pieces; `visible_to(user)` is the one place visibility is decided.

Scope: a person sees the records of their body's subtree (a standing committee's people see
their congress's whole jurisdiction). Within that scope, committee-side roles see everything,
unit roles see their own unit's records, deputies their own and what is public.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from congress.models import User


def scope_path(user: User) -> str | None:
    """Return the body path prefix the user may see, "" for everything, None for nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    if user.body_id is None:
        return None
    return user.body.scope_path


def in_scope(qs: models.QuerySet, user: User, body_field: str = "body") -> models.QuerySet:
    """Keep the rows whose body lies inside the user's scope."""
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    from congress.models import Body

    # A subquery on the few bodies, not a join: the planner can then read large tables (a province's
    # suggestions) from an index on their own columns, and filter the body id inside an index-only scan.
    bodies = Body.objects.filter(path__startswith=prefix).values("pk")
    return qs.filter(**{f"{body_field}__in": bodies})


class BodyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> BodyQuerySet:
        prefix = scope_path(user)
        if prefix is None:
            return self.none()
        return self if prefix == "" else self.filter(path__startswith=prefix)


class TermQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> TermQuerySet:
        return in_scope(self, user)

    def current(self, on=None) -> TermQuerySet:
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=on))


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SessionQuerySet:
        return in_scope(self, user, "term__body")


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UnitQuerySet:
        """Committee side and deputies see the scope's units; a unit's people see their own unit."""
        if not user.is_authenticated:
            return self.none()
        scoped = in_scope(self, user)
        if user.is_superuser or user.is_committee_side or user.is_deputy or _is_api_client(user):
            return scoped
        if user.is_unit_side:
            return scoped.filter(pk=user.unit_id)
        return self.none()

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def handling(self) -> UnitQuerySet:
        from congress.models import Unit

        return self.filter(kind__in=Unit.HANDLING_KINDS)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UserQuerySet:
        """Committee side and county systems see the scope's people; a unit's people their colleagues.

        Everyone else sees only themselves. What a county system may read is further limited by its
        key's scopes (users:read).
        """
        if not user.is_authenticated:
            return self.none()
        scoped = in_scope(self, user)
        if user.is_superuser or user.is_committee_side or _is_api_client(user):
            return scoped
        if user.is_unit_side:
            return scoped.filter(models.Q(unit_id=user.unit_id) | models.Q(pk=user.pk))
        return self.filter(pk=user.pk)

    def with_role(self, *roles: str) -> UserQuerySet:
        return self.filter(role_grants__role__in=roles).distinct()

    def with_roles_prefetched(self) -> UserQuerySet:
        return self.prefetch_related("role_grants")

    def with_role_names(self) -> UserQuerySet:
        """Read each user's roles in the user's own row, for `User.roles`, instead of a prefetch's second query.

        The roles arrive as one column: a list on PostgreSQL, comma-separated (never NULL) elsewhere.
        """
        from django.db import connection
        from django.db.models.expressions import RawSQL

        grants = self.model.role_grants.rel.related_model._meta.db_table
        users = self.model._meta.db_table
        roles = f'SELECT role FROM "{grants}" WHERE user_id = "{users}".id'
        if connection.vendor == "postgresql":
            return self.annotate(role_names=RawSQL(f"ARRAY({roles})", ()))
        return self.annotate(role_names=RawSQL(f"(SELECT coalesce(group_concat(role, ','), '') FROM ({roles}))", ()))


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


# A person's choice lists (their scope's sessions, units, categories, deputies) are querysets built anew on every
# list page and API list, a few milliseconds of Django's query building. What they select depends only on who is
# asking, so each is built once per viewer (`viewer_key`) and handed out as a fresh clone.
_VIEWER_QUERYSETS: OrderedDict[tuple, dict[str, models.QuerySet]] = OrderedDict()
_VIEWER_QUERYSETS_LOCK = threading.Lock()
VIEWER_QUERYSETS_KEPT = 512


def viewer_key(user: User) -> tuple:
    """Everything `visible_to(user)` depends on: who the person is, their scope, unit and roles."""
    return (
        user.pk,
        user.is_authenticated,
        user.is_active,
        user.is_superuser,
        getattr(user, "body_id", None),
        scope_path(user),
        getattr(user, "unit_id", None),
        getattr(user, "roles", frozenset()),
    )


def for_viewer(
    name: str, user: User, build: Callable[[User], dict[str, models.QuerySet]]
) -> dict[str, models.QuerySet]:
    """Return `build(user)`'s querysets, built once per viewer and kind (`name`), each as a fresh clone.

    `build` must read nothing but `user` and must not evaluate what it returns: a kept queryset is never run,
    only cloned (a clone runs its query afresh), so the rows are always today's.
    """
    key = (name, *viewer_key(user))
    with _VIEWER_QUERYSETS_LOCK:
        kept = _VIEWER_QUERYSETS.get(key)
        if kept is not None:
            _VIEWER_QUERYSETS.move_to_end(key)
    if kept is None:
        kept = build(user)
        with _VIEWER_QUERYSETS_LOCK:
            _VIEWER_QUERYSETS[key] = kept
            if len(_VIEWER_QUERYSETS) > VIEWER_QUERYSETS_KEPT:
                _VIEWER_QUERYSETS.popitem(last=False)
    return {field: queryset.all() for field, queryset in kept.items()}


def _is_api_client(user: User) -> bool:
    from congress.models import Role

    return user.has_role(Role.API_CLIENT)
