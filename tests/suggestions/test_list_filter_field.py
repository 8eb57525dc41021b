"""The filter bar's fields, written by Python tags, are the markup the template include gave."""

# ruff: noqa: E501 - the reference markup is the template's own long lines

from __future__ import annotations

import pytest
from django.template import Context, Template

from suggestions.filters import SuggestionFilter
from suggestions.models import Suggestion
from suggestions.templatetags.suggestion_list import filter_field, hidden_filters
from tests.suggestions.factories import loop_cast

pytestmark = pytest.mark.django_db

# `_list_filter_field.html` as it was before the tag, kept here as the reference markup.
FIELD_TEMPLATE = """{% load i18n %}<label class="form-label small text-secondary mb-1" for="{{ field.id_for_label }}">{{ field.label }}</label>
{% if field.widget_type == "checkboxselectmultiple" %}
<div class="dropdown">
  <button class="form-select text-start text-truncate" type="button" id="{{ field.auto_id }}_toggle" data-bs-toggle="dropdown" data-bs-auto-close="outside" aria-expanded="false">{% with chosen=field.value|length %}{% if chosen %}{% blocktranslate with counter=chosen %}{{ counter }} chosen{% endblocktranslate %}{% else %}{% translate "All" %}{% endif %}{% endwith %}</button>
  <div class="dropdown-menu p-2 filter-choices" aria-labelledby="{{ field.auto_id }}_toggle">
    {% for choice in field %}<div class="form-check text-nowrap">{{ choice.tag }} <label class="form-check-label" for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}
  </div>
</div>
{% else %}{{ field }}{% endif %}
{{ field.errors }}
"""
HIDDEN_LOOP = """{% for field in filter_form %}{% if field.name in hidden_filter_names and field.value %}<input type="hidden" name="{{ field.html_name }}" value="{{ field.value }}">{% endif %}{% endfor %}"""

BOUND = [
    {},
    # A chosen value of every kind, one refused value (an error) and text that needs escaping.
    {
        "q": '<停车> & "路"',
        "status": ["handling", "answered"],
        "grade": ["A"],
        "overdue": "true",
        "priority": "no-such",
        "assigned_from": "2026-01-01",
        "assigned": "true",
        "closed_within_months": "6",
    },
]


@pytest.mark.parametrize("data", BOUND, ids=["unbound-values", "chosen-and-refused"])
def test_each_filter_field_is_the_markup_the_template_gave(data):
    cast = loop_cast()
    reference = Template(FIELD_TEMPLATE)
    form = SuggestionFilter(data, queryset=Suggestion.objects.none(), user=cast.staff).form
    form.is_valid()

    for field in form:
        assert filter_field(field) == reference.render(Context({"field": field})), field.name


@pytest.mark.parametrize("data", BOUND, ids=["unbound-values", "chosen-and-refused"])
def test_hidden_filters_keep_what_the_template_loop_kept(data):
    cast = loop_cast()
    names = ("assigned", "closed_within_months")
    form = SuggestionFilter(data, queryset=Suggestion.objects.none(), user=cast.staff).form

    expected = Template(HIDDEN_LOOP).render(Context({"filter_form": form, "hidden_filter_names": names}))
    assert hidden_filters(form, names) == expected
