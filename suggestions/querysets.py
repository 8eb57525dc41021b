"""Query pieces for suggestions; `visible_to(user)` decides who sees which suggestion.

Committee side and county systems see their scope; a unit's people see the suggestions assigned to their
unit; a deputy sees those they signed and what is published.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from congress.querysets import in_scope

if TYPE_CHECKING:
    from congress.models import User


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SuggestionQuerySet:
        from congress.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        scoped = in_scope(self, user)
        if user.is_superuser or user.is_committee_side or user.has_role(Role.API_CLIENT):
            return scoped
        from suggestions.models import Assignment, Signer

        condition = Q(pk__in=[])
        if user.is_unit_side:
            condition |= Q(
                Exists(
                    Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=user.unit_id).exclude(
                        status=Assignment.Status.WITHDRAWN
                    )
                )
            )
        if user.is_deputy:
            condition |= Q(Exists(Signer.objects.filter(suggestion=OuterRef("pk"), deputy__user=user)))
            condition |= Q(is_public=True)
        return scoped.filter(condition)

    def open(self) -> SuggestionQuerySet:
        from suggestions.models import Suggestion

        return self.filter(status__in=Suggestion.OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> SuggestionQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def published(self) -> SuggestionQuerySet:
        return self.filter(is_public=True)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssignmentQuerySet:
        from congress.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        scoped = in_scope(self, user, "suggestion__body")
        if user.is_superuser or user.is_committee_side or user.has_role(Role.API_CLIENT):
            return scoped
        if user.is_unit_side:
            return scoped.filter(unit_id=user.unit_id)
        if user.is_deputy:
            return scoped.filter(suggestion__signers__deputy__user=user).distinct()
        return self.none()

    def active(self) -> AssignmentQuerySet:
        from suggestions.models import Assignment

        return self.filter(status__in=Assignment.ACTIVE_STATUSES)
