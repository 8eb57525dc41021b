"""A styled form's model choice fields read their options with one plain query, not a server-side cursor."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.forms import ChoicesReadAtOnce, StyledForm, read_at_once
from congress.models import Unit
from tests.congress.factories import BodyFactory, UnitFactory

pytestmark = pytest.mark.django_db


class UnitForm(StyledForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("name"), empty_label="全部")
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.order_by("name"), required=False)


class UnitFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.order_by("name"), empty_label="全部", null_label="无", null_value="none"
    )

    class Meta:
        model = Unit
        fields: list[str] = []
        form = StyledForm


@pytest.fixture
def units():
    body = BodyFactory()
    return [UnitFactory(body=body, name=name) for name in ("甲局", "乙局")]


def test_the_options_are_read_in_one_plain_query_per_field(units, monkeypatch):
    # QuerySet.iterator(), which Django's own iterator uses, reads through the connection's chunked cursor (a
    # server-side cursor on PostgreSQL).
    chunked = []
    chunked_cursor = connection.chunked_cursor
    monkeypatch.setattr(connection, "chunked_cursor", lambda: chunked.append(1) or chunked_cursor())
    form = UnitForm()
    with CaptureQueriesContext(connection) as queries:
        html = str(form["unit"]) + str(form["units"])

    assert len(queries) == 2
    assert chunked == []
    assert all(f">{unit.name}</option>" in html for unit in units)
    assert '<option value="" selected>全部</option>' in html


def test_what_a_subclass_adds_is_kept(units):
    form = UnitFilter(queryset=Unit.objects.all()).form
    labels = [str(label) for _value, label in form.fields["unit"].choices]

    assert labels == ["全部", "无", *sorted(unit.name for unit in units)]
    assert issubclass(form.fields["unit"].iterator, ChoicesReadAtOnce)


def test_a_chosen_option_is_still_checked_against_the_queryset(units):
    assert UnitForm(data={"unit": units[0].pk}).is_valid()
    assert "unit" in UnitForm(data={"unit": 0}).errors


def test_the_plain_iterator_classes_are_made_once():
    assert read_at_once(forms.models.ModelChoiceIterator) is ChoicesReadAtOnce
    made = read_at_once(django_filters.fields.ModelChoiceIterator)
    assert read_at_once(django_filters.fields.ModelChoiceIterator) is made
