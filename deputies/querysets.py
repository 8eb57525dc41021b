"""Query pieces for the deputies roster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from congress.querysets import in_scope

if TYPE_CHECKING:
    from congress.models import User


class DeputyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DeputyQuerySet:
        """Committee side sees its scope's roster; a deputy sees their own record."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.is_committee_side:
            return in_scope(self, user)
        from congress.models import Role

        if user.has_role(Role.API_CLIENT):
            return in_scope(self, user)
        if user.is_deputy:
            return self.filter(user=user)
        return self.none()

    def active(self) -> DeputyQuerySet:
        return self.filter(is_active=True)


class ScopedQuerySet(models.QuerySet):
    """Roster reference data (groups, constituencies, stations): visible across the scope."""

    def visible_to(self, user: User) -> ScopedQuerySet:
        if not user.is_authenticated:
            return self.none()
        return in_scope(self, user)
