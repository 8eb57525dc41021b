"""The suggestions API's FilterSet: the staff list's SuggestionFilter with the API's bounded `search`."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from congress.api.filters import SEARCH_MAX_LENGTH
from suggestions.filters import SuggestionFilter

# Six months is the legal maximum; ten years is more than any link from the statistics asks for.
MAX_MONTHS = 120


class SuggestionApiFilter(SuggestionFilter):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=SEARCH_MAX_LENGTH, help_text="Words of the title or text."
    )
    # The pages' free-text and number filters, bounded so bad input is a 400 rather than a slow or failing query.
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=SEARCH_MAX_LENGTH)
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2200)
    closed_within_months = django_filters.NumberFilter(
        label=_("Closed within (months of assignment)"),
        method="filter_closed_within_months",
        min_value=1,
        max_value=MAX_MONTHS,
    )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, value):
        # Documented for the schema: the staff filter's method has no type to read it from.
        return super().filter_unit(queryset, name, value)
