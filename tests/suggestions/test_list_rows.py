"""The staff list's rows, written by a Python tag, are the markup the template loop gave."""

# ruff: noqa: E501 - the reference markup is the template's own long lines

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from suggestions.models import Suggestion
from suggestions.templatetags.suggestion_list import suggestion_rows
from suggestions.views import STATUS_BADGES
from tests.suggestions.factories import CategoryFactory, SuggestionFactory, loop_cast

pytestmark = pytest.mark.django_db

# The loop `_list_table.html` held before the tag, kept here as the reference markup.
TEMPLATE_LOOP = """{% load i18n %}    {% for suggestion in page %}
      <tr{% if suggestion.overdue %} class="table-danger-subtle"{% endif %} data-testid="suggestion-row">
        {% if can_act %}<td class="text-center"><input class="form-check-input" type="checkbox" name="bulk-ids" value="{{ suggestion.pk }}" id="pick-{{ suggestion.pk }}" data-row-pick aria-label="{% blocktranslate with title=suggestion.title %}Select {{ title }}{% endblocktranslate %}"></td>{% endif %}
        <td class="d-none d-md-table-cell small text-nowrap">{{ suggestion.reference|default:"—" }}</td>
        <td class="title-cell"><a href="{% url 'suggestions:detail' suggestion.pk %}">{{ suggestion.title }}</a>
          {% if suggestion.is_priority %} <span class="badge text-bg-danger" title="{% translate 'Priority supervision' %}"><i class="bi bi-flag-fill"></i> {% translate "Priority" %}</span>{% endif %}
          <div class="small text-secondary">{{ suggestion.category.name|default:"" }}<span class="d-lg-none">{% if suggestion.category %} · {% endif %}{{ suggestion.lead_deputy.name }}</span><span class="d-md-none">{% if suggestion.reference %} · {{ suggestion.reference }}{% endif %}</span></div></td>
        <td class="d-none d-lg-table-cell small text-nowrap">{{ suggestion.lead_deputy.name }}</td>
        <td class="d-none d-md-table-cell small">{{ suggestion.lead_unit.name|default:"—" }}</td>
        <td><span class="badge {{ suggestion.badge }}">{{ suggestion.get_status_display }}</span>
          <div class="small d-sm-none{% if suggestion.overdue %} text-danger fw-semibold{% else %} text-secondary{% endif %}">{{ suggestion.due_date|date:"Y-m-d" }}</div></td>
        <td class="d-none d-sm-table-cell small text-nowrap{% if suggestion.overdue %} text-danger fw-semibold{% endif %}">{% if suggestion.due_date %}{{ suggestion.due_date|date:"Y-m-d" }}{% if suggestion.overdue %} <span class="badge text-bg-danger" data-testid="overdue">{% translate "Overdue" %}</span>{% endif %}{% else %}—{% endif %}</td>
        <td class="d-none d-lg-table-cell text-center">{% if suggestion.latest_grade %}<span class="badge text-bg-light border">{{ suggestion.latest_grade }}</span>{% else %}—{% endif %}</td>
      </tr>
{% endfor %}"""


def _same(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _rows():
    cast = loop_cast()
    today = timezone.localdate()
    Status = Suggestion.Status
    made = [
        SuggestionFactory(body=cast.body, session=cast.session, title="<b>修路</b> & 桥", status=Status.SUBMITTED),
        SuggestionFactory(
            body=cast.body,
            session=cast.session,
            number=12,
            status=Status.HANDLING,
            due_date=today - dt.timedelta(days=3),
            is_priority=True,
            lead_unit=cast.lead_unit,
        ),
        SuggestionFactory(
            body=cast.body,
            status=Status.CLOSED,
            number=3,
            year=2025,
            due_date=today + dt.timedelta(days=9),
            latest_grade="A",
            lead_unit=cast.lead_unit,
            category=CategoryFactory(body=cast.body, name="交通 & <道路>"),
        ),
    ]
    rows = list(
        Suggestion.objects.select_related("session__term", "category", "lead_deputy", "lead_unit")
        .filter(pk__in=[row.pk for row in made])
        .order_by("pk")
    )
    for row in rows:
        row.badge = STATUS_BADGES[row.status]
        row.overdue = row.is_overdue(today)
    return rows


@pytest.mark.parametrize("can_act", [True, False])
def test_the_rows_are_the_template_loops_markup(can_act):
    rows = _rows()

    expected = Template(TEMPLATE_LOOP).render(Context({"page": rows, "can_act": can_act}))
    written = suggestion_rows(rows, can_act)

    assert _same(written) == _same(expected)
    assert "&lt;b&gt;修路&lt;/b&gt; &amp; 桥" in written and "<b>" not in written
    assert ('name="bulk-ids"' in written) is can_act


def test_the_list_page_writes_its_rows_with_the_tag(client):
    cast = loop_cast()
    SuggestionFactory(body=cast.body, session=cast.session, status=Suggestion.Status.REGISTERED, title="村道硬化")
    client.force_login(cast.staff)

    text = client.get("/suggestions/").content.decode()

    assert text.count('data-testid="suggestion-row"') == 1 and "村道硬化" in text
