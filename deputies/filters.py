"""FilterSets for the deputies roster, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from congress.filters import ScopedFilterSet, SearchFilter, active_filter
from congress.models import Unit
from deputies.models import Constituency, Deputy, DeputyGroup, Level, Station


class DeputyFilter(ScopedFilterSet):
    q = SearchFilter(fields=["name", "code", "occupation"])
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    group = django_filters.ModelChoiceFilter(
        label=_("Deputy group"), queryset=DeputyGroup.objects.none(), empty_label=_("All groups")
    )
    constituency = django_filters.ModelChoiceFilter(
        label=_("Constituency"), queryset=Constituency.objects.none(), empty_label=_("All constituencies")
    )
    station = django_filters.ModelChoiceFilter(
        label=_("Station"), queryset=Station.objects.none(), empty_label=_("All stations")
    )
    active = active_filter()

    scoped_choices = {"group": DeputyGroup, "constituency": Constituency, "station": Station}

    class Meta(ScopedFilterSet.Meta):
        model = Deputy
        fields: list[str] = []


class DeputyGroupFilter(ScopedFilterSet):
    q = SearchFilter(fields=["name"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DeputyGroup.Kind.choices, empty_label=_("All kinds"))

    class Meta(ScopedFilterSet.Meta):
        model = DeputyGroup
        fields: list[str] = []


class StationFilter(ScopedFilterSet):
    q = SearchFilter(fields=["name", "address"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Station.Kind.choices, empty_label=_("All kinds"))
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Unit.objects.none(), empty_label=_("All townships")
    )

    scoped_choices = {"township": Unit}

    class Meta(ScopedFilterSet.Meta):
        model = Station
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only units that host a station are worth offering.
        self.filters["township"].queryset = self.filters["township"].queryset.filter(stations__isnull=False).distinct()
