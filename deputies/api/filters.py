"""The roster's API FilterSet: the pages' DeputyFilter plus the API's `search` and `term`."""

from __future__ import annotations

import django_filters

from congress.api.filters import search_filter
from congress.models import Term
from deputies.filters import DeputyFilter
from deputies.models import Constituency, DeputyGroup, Station


class DeputyApiFilter(DeputyFilter):
    search = search_filter(["name", "code", "occupation"])
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.none())

    scoped_choices = {"group": DeputyGroup, "constituency": Constituency, "station": Station, "term": Term}
