"""The portal's form renderer writes <select> in Python with the markup Django's templates give."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

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


class Inputs(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "placeholder": "标题 & 编号"}))
    number = forms.IntegerField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput)
    statuses = forms.MultipleChoiceField(
        choices=[("a", "已交办 <A>"), ("b", "办理中")], widget=forms.CheckboxSelectMultiple, required=False
    )
    level = forms.ChoiceField(choices=[("1", "满意"), ("2", "不满意")], widget=forms.RadioSelect)
    note = forms.CharField(widget=forms.Textarea, required=False)

    def clean(self):
        self.add_error(None, mark_safe("<b>safe</b> error"))
        raise forms.ValidationError("全局 <错误>")


INPUT_DATA = {
    "text": '"quoted" <b>',
    "number": "x",
    "day": "2026-11-22",
    "agree": "on",
    "statuses": ["b"],
    "level": "1",
    "note": "<p>",
}


@pytest.mark.parametrize("data", [None, INPUT_DATA], ids=["unbound", "bound"])
def test_inputs_options_and_error_lists_are_the_markup_of_the_stock_templates(data):
    stock, quick = Inputs(data, renderer=DjangoTemplates()), Inputs(data, renderer=PortalFormRenderer())
    for name in Inputs.base_fields:
        assert str(quick[name]) == str(stock[name])
        assert str(quick[name].errors) == str(stock[name].errors)
        # A multiple choice's options rendered one by one, as the list's filter bar does.
        assert [str(option) for option in quick[name]] == [str(option) for option in stock[name]]
    assert str(quick.non_field_errors()) == str(stock.non_field_errors())
    assert quick.as_div() == stock.as_div()


def test_an_error_list_is_empty_without_errors_and_escapes_what_is_not_safe():
    form = Inputs(INPUT_DATA, renderer=PortalFormRenderer())
    assert str(form["text"].errors) == ""
    errors = str(form.non_field_errors())
    assert "<b>safe</b> error" in errors and "全局 &lt;错误&gt;" in errors


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
