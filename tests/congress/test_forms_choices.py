"""A styled form's model choice fields read their options with one plain query, not a server-side cursor."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.filters import SessionChoiceFilter
from congress.forms import ChoicesReadAtOnce, SessionChoiceField, StyledForm, UnitChoiceField, read_at_once
from congress.models import CongressSession, Unit
from tests.congress.factories import BodyFactory, SessionFactory, UnitFactory

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


class LabelledForm(StyledForm):
    session = SessionChoiceField(queryset=CongressSession.objects.order_by("number"), required=False)
    unit = UnitChoiceField(queryset=Unit.objects.order_by("pk"), required=False)


class LabelledFilter(django_filters.FilterSet):
    session = SessionChoiceFilter(queryset=CongressSession.objects.order_by("number"), null_label="闭会期间")

    class Meta:
        model = Unit
        fields: list[str] = []
        form = StyledForm


def test_labelled_fields_read_only_their_label_columns_and_label_as_instances_do():
    session = SessionFactory(number=5, term__number=18)
    units = [UnitFactory(name="青山县交通运输局", short_name="交通局"), UnitFactory(name="青山县财政局", short_name="")]
    form = LabelledForm()
    with CaptureQueriesContext(connection) as queries:
        session_choices, unit_choices = list(form.fields["session"].choices), list(form.fields["unit"].choices)

    assert session_choices[1:] == [(session.pk, "第十八届第五次会议")]
    assert unit_choices[1:] == [(units[0].pk, "交通局"), (units[1].pk, "青山县财政局")]
    assert form.fields["session"].label_from_instance(session) == f"{session.term.label}{session.label}"
    assert [form.fields["unit"].label_from_instance(unit) for unit in units] == [str(unit) for unit in units]
    # Only the label columns are read: no session dates, no unit codes.
    assert "start_date" not in queries[0]["sql"] and '"code"' not in queries[1]["sql"]
    assert f'<option value="{session.pk}" selected>' in str(LabelledForm(data={"session": session.pk})["session"])


def test_a_labelled_filter_keeps_its_none_choice_and_checks_what_is_sent():
    session = SessionFactory(number=2, term__number=3)
    form = LabelledFilter(queryset=Unit.objects.all()).form

    assert [str(label) for _value, label in form.fields["session"].choices] == [
        "---------",
        "闭会期间",
        "第三届第二次会议",
    ]
    assert LabelledFilter({"session": session.pk}, queryset=Unit.objects.all()).form.is_valid()
    assert not LabelledFilter({"session": 0}, queryset=Unit.objects.all()).form.is_valid()
