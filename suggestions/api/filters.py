"""The suggestions API's FilterSet: the staff list's SuggestionFilter with the API's bounded `search`."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from congress.api.filters import SEARCH_MAX_LENGTH
from suggestions.filters import SuggestionFilter
from suggestions.stats import NONE_VALUE

# Six months is the legal maximum; ten years is more than any link from the statistics asks for.
MAX_MONTHS = 120
# What the session, unit, lead_unit and category filters take: an id, or "none" as the statistics' links write it.
ID_OR_NONE = {
    "oneOf": [{"type": "integer"}, {"type": "string", "enum": [NONE_VALUE]}],
    "description": 'An id, or "none" for suggestions without one.',
}


def documented(name: str, schema) -> django_filters.Filter:
    """The staff list's filter `name`, documented as what it takes (the schema guesses from the model)."""
    return extend_schema_field(schema)(copy.deepcopy(SuggestionFilter.declared_filters[name]))


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A number filter for whole numbers: 2026.5 is a 400, not read as 2026."""

    field_class = forms.IntegerField


class SuggestionApiFilter(SuggestionFilter):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=SEARCH_MAX_LENGTH, help_text="Words of the title or text."
    )
    # The pages' free-text and number filters, bounded so bad input is a 400 rather than a slow or failing query.
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=SEARCH_MAX_LENGTH)
    year = IntegerFilter(label=_("Year"), min_value=1900, max_value=2200)
    closed_within_months = IntegerFilter(
        label=_("Closed within (months of assignment)"),
        method="filter_closed_within_months",
        min_value=1,
        max_value=MAX_MONTHS,
    )

    session = documented("session", ID_OR_NONE)
    lead_unit = documented("lead_unit", ID_OR_NONE)
    category = documented("category", ID_OR_NONE)
    deputy = documented("deputy", OpenApiTypes.INT)

    @extend_schema_field(ID_OR_NONE)
    def filter_unit(self, queryset, name, value):
        # Documented for the schema: the staff filter's method has no type to read it from.
        return super().filter_unit(queryset, name, value)
