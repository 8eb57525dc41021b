"""Forms of the system pages: calendar entries and user accounts."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from congress.models import UNIT_ROLES, Body, CongressSession, Role, Term, Unit, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChoicesReadAtOnce(ModelChoiceIterator):
    """Read a model choice field's options with one plain query.

    Django reads them through `QuerySet.iterator()`, which on PostgreSQL declares a server-side cursor (held
    past the transaction, so materialised) and costs 1–4 ms a field to save memory on lists of a few hundred.
    A field whose labels come from a few columns (`LabelColumns`) reads just those, without making objects.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns = getattr(self.field, "label_columns", ())
        if columns:
            label = self.field.label_from_values
            for key, *values in self.queryset.values_list(self.field.to_field_name or "pk", *columns):
                yield (key, label(*values))
            return
        # A clone, so the field's own queryset keeps no result cache between renders.
        for obj in self.queryset.all():
            yield self.choice(obj)


def _column_value(obj: Any, column: str) -> Any:
    for part in column.split("__"):
        obj = None if obj is None else getattr(obj, part)
    return obj


class LabelColumns:
    """A model choice field mixin: the options' labels are written from `label_columns` by `label_from_values`.

    In a styled form the options are then read as those values, not as model instances (a province's 320 units
    cost 3 ms as objects, a third of that as values); an instance's label is written the same way.
    """

    label_columns: tuple[str, ...] = ()

    def label_from_values(self, *values: Any) -> str:
        raise NotImplementedError

    def label_from_instance(self, obj: Any) -> str:
        return self.label_from_values(*(_column_value(obj, column) for column in self.label_columns))


class SessionLabels(LabelColumns):
    """A session as the pages name it within its body: 第十八届第五次会议."""

    label_columns = ("term__number", "number")

    def label_from_values(self, term: int, number: int) -> str:
        return f"{Term.label_for(term)}{CongressSession.label_for(number)}"


class UnitLabels(LabelColumns):
    """A unit by its short name, else its name (as `str(unit)`)."""

    label_columns = ("short_name", "name")

    def label_from_values(self, short_name: str, name: str) -> str:
        return short_name or name


class NameLabels(LabelColumns):
    """Anything labelled by its `name` column (categories, groups)."""

    label_columns = ("name",)

    def label_from_values(self, name: str) -> str:
        return name


class SessionChoiceField(SessionLabels, forms.ModelChoiceField):
    pass


class UnitChoiceField(UnitLabels, forms.ModelChoiceField):
    pass


class NameChoiceField(NameLabels, forms.ModelChoiceField):
    pass


@cache
def read_at_once(iterator: type[ModelChoiceIterator]) -> type[ModelChoiceIterator]:
    """Return `iterator` reading its options as `ChoicesReadAtOnce` does, keeping what it adds (a null choice)."""
    if iterator is ModelChoiceIterator or issubclass(iterator, ChoicesReadAtOnce):
        return ChoicesReadAtOnce
    # The subclass's own __iter__ calls super().__iter__(), which this order makes ChoicesReadAtOnce's.
    return type(f"{iterator.__name__}ReadAtOnce", (iterator, ChoicesReadAtOnce), {})


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes, so templates render fields plainly.

    Its model choice fields read their options with one plain query (`ChoicesReadAtOnce`).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and issubclass(field.iterator, ModelChoiceIterator):
                field.iterator = read_at_once(field.iterator)
                field.widget.choices = field.choices
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error) -> None:
        """Record the error and mark its field's control invalid, so the page shows which field it is about.

        Every error passes here: a field's own, the form's `clean` and a service's, which views add to the form.
        """
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def share_choices(form: forms.Form, *names: str) -> None:
    """Let model choice fields that offer the same queryset read it once to render, instead of once each.

    The fields keep their querysets, so what is sent is still checked against them; only the options shown
    come from the one read (e.g. an assignment's lead, co-handling and parallel units).
    """
    fields = [form.fields[name] for name in names]
    objects = list(fields[0].queryset)
    for field in fields:
        iterator = field.iterator(field)
        choices = [iterator.choice(obj) for obj in objects]
        if getattr(field, "empty_label", None) is not None:
            choices.insert(0, ("", field.empty_label))
        field.widget.choices = choices


class CalendarYearForm(StyledForm):
    """A calendar entry made on one year's page: its dates must touch that year."""

    def __init__(self, *args, year: int, **kwargs) -> None:
        self.year = year
        super().__init__(*args, **kwargs)

    def _check_in_year(self, *days: dt.date) -> None:
        if all(day.year != self.year for day in days):
            raise forms.ValidationError(_("The dates must fall in %(year)s."), params={"year": self.year})


class HolidayRangeForm(CalendarYearForm):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)
    name = forms.CharField(label=_("Holiday name"), max_length=50, help_text=_("For example 春节 or 国庆节."))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date must not be before the start date."))
            else:
                self._check_in_year(start, end)
        return data


class AdjustedWorkdayForm(CalendarYearForm):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    name = forms.CharField(
        label=_("For holiday"), max_length=50, help_text=_("The holiday this weekend day is worked for.")
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        self._check_in_year(date)
        if date.weekday() < 5:
            raise forms.ValidationError(
                _("An adjusted workday is a Saturday or Sunday; weekdays are workdays already.")
            )
        return date


class ClearDayForm(CalendarYearForm):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)

    def clean_date(self):
        date = self.cleaned_data["date"]
        self._check_in_year(date)
        return date


class UserFieldsForm(StyledForm):
    """The fields a system administrator sets on a login, limited to the administrator's scope."""

    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for unit heads and unit handlers."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.visible_to(actor)
        self.fields["unit"].queryset = Unit.objects.visible_to(actor).select_related("body")

    def clean(self):
        data = super().clean()
        if set(data.get("roles") or ()) & UNIT_ROLES and not data.get("unit"):
            self.add_error("unit", _("A unit head or unit handler must belong to a unit."))
        return data


class UserCreateForm(UserFieldsForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the person privately; they should change it after the first login."),
    )

    field_order = ["username", "full_name", "phone", "body", "unit", "roles", "password"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("The username %(username)s is already taken."), params={"username": username})
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(password, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class UserUpdateForm(UserFieldsForm):
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("An inactive login cannot sign in; its records are kept.")
    )

    field_order = ["full_name", "phone", "body", "unit", "roles", "is_active"]

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "full_name": user.full_name,
            "phone": user.phone,
            "body": user.body_id,
            "unit": user.unit_id,
            "roles": sorted(user.roles),
            "is_active": user.is_active,
        }
