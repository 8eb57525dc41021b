"""Reads of the deputies roster: deputies, groups and stations, always through visible_to(user)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.http import Http404

from congress.models import User
from deputies.filters import DeputyFilter, DeputyGroupFilter, StationFilter
from deputies.models import Deputy, DeputyGroup, Level, Station

# Stations are listed from the county centre down to the village contact points.
STATION_KIND_ORDER = models.Case(
    *(models.When(kind=kind, then=position) for position, kind in enumerate(Station.Kind.values)),
    output_field=models.IntegerField(),
)


# The roster reads from national deputies down to township ones, as printed rosters do.
LEVEL_ORDER = models.Case(
    *(models.When(level=level, then=position) for position, level in enumerate(Level.values)),
    output_field=models.IntegerField(),
)


def deputy_list(*, user: User, filters: Mapping[str, str] | None = None) -> models.QuerySet[Deputy]:
    """Return the deputies the user may see, filtered, with what the roster shows loaded."""
    qs = Deputy.objects.visible_to(user).select_related("constituency", "group", "station")
    return DeputyFilter(filters, queryset=qs, user=user).qs.order_by("-is_active", LEVEL_ORDER, "code", "pk")


def deputy_get(*, user: User, pk: int) -> Deputy:
    """Return one deputy the user may see, or raise Http404."""
    try:
        return (
            Deputy.objects.visible_to(user)
            .select_related(
                "body", "term__body", "constituency__township", "group__convenor", "station__township", "user"
            )
            .get(pk=pk)
        )
    except Deputy.DoesNotExist as error:
        raise Http404 from error


def group_list(*, user: User, filters: Mapping[str, str] | None = None) -> models.QuerySet[DeputyGroup]:
    """Return the deputy groups the user may see, with their convenor and serving members counted."""
    qs = (
        DeputyGroup.objects.visible_to(user)
        .select_related("convenor")
        .annotate(member_count=models.Count("members", filter=models.Q(members__is_active=True)))
    )
    return DeputyGroupFilter(filters, queryset=qs, user=user).qs.order_by("kind", "name")


def station_list(*, user: User, filters: Mapping[str, str] | None = None) -> models.QuerySet[Station]:
    """Return the stations the user may see, by kind, with township, parent and serving deputies counted."""
    qs = (
        Station.objects.visible_to(user)
        .select_related("township", "parent")
        .annotate(
            deputy_count=models.Count("deputies", filter=models.Q(deputies__is_active=True)),
            kind_order=STATION_KIND_ORDER,
        )
    )
    return StationFilter(filters, queryset=qs, user=user).qs.order_by("kind_order", "township__sort_order", "name")
