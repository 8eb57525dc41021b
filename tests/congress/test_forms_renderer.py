"""The portal's form renderer writes <select> in Python with the markup Django's templates give."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from congress.forms_renderer import PortalFormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "---"), ("x", "A & B"), ("group <g>", [("1", "<one>"), ("2", "二")])], required=False
    )
    several = forms.MultipleChoiceField(
        choices=[("1", "一"), ("2", "二")],
        widget=forms.SelectMultiple(attrs={"class": "form-select", "data-note": '"quoted"'}),
    )
    yes_no = forms.NullBooleanField()


def _same(html: str) -> str:
    # The stock templates leave a blank line after each <option>; browsers ignore it.
    return re.sub(r"\n\s*\n", "\n", html)


def test_every_select_is_the_markup_of_the_stock_templates():
    for name in ("plain", "several", "yes_no"):
        stock = Sample(initial={"plain": "2", "several": ["2"]}, renderer=DjangoTemplates())[name].as_widget()
        quick = Sample(initial={"plain": "2", "several": ["2"]}, renderer=PortalFormRenderer())[name].as_widget()
        assert _same(quick) == _same(stock)


def test_labels_values_and_attributes_are_escaped():
    html = Sample(renderer=PortalFormRenderer())["plain"].as_widget()
    assert "&lt;one&gt;" in html and "A &amp; B" in html and 'label="group &lt;g&gt;"' in html
    assert 'data-note="&quot;quoted&quot;"' in Sample(renderer=PortalFormRenderer())["several"].as_widget()


def test_other_widgets_still_use_the_templates():
    html = forms.CharField().widget.render("name", "<b>", renderer=PortalFormRenderer())
    assert html == '<input type="text" name="name" value="&lt;b&gt;">'


@pytest.mark.django_db
def test_shared_choices_read_the_queryset_once_and_still_check_what_is_sent(django_assert_num_queries):
    from congress.forms import share_choices
    from congress.models import Unit
    from tests.congress.factories import UnitFactory

    first, second = UnitFactory(name="县交通运输局"), UnitFactory(name="县财政局")

    class Pick(forms.Form):
        lead = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"))
        others = forms.ModelMultipleChoiceField(queryset=Unit.objects.order_by("pk"), required=False)

    form = Pick(renderer=PortalFormRenderer())
    with django_assert_num_queries(1):
        share_choices(form, "lead", "others")
        lead, others = str(form["lead"]), str(form["others"])
    assert lead.count("<option") == 3 and '<option value="" selected>---------</option>' in lead
    assert others.count("<option") == 2 and f'<option value="{second.pk}">县财政局</option>' in others
    assert Pick({"lead": first.pk, "others": [second.pk]}).is_valid()
    assert not Pick({"lead": 999_999}).is_valid()
