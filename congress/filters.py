"""FilterSets for the kernel's lists, shared by the pages and the API."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, ClassVar

import django_filters
import django_filters.fields
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.forms import NameLabels, SessionLabels, StyledForm, UnitLabels
from congress.models import Body, Role, RoleGrant, Unit, User
from congress.querysets import for_viewer

if TYPE_CHECKING:
    from django.http import HttpRequest

ACTIVE_CHOICES = [("true", _("Active")), ("false", _("Inactive"))]


def _copy_filter(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter for one FilterSet: its own attributes and keyword arguments, sharing what they refer to.

    Nothing a request does changes a label, a choice list or a widget in place: the form's field copies its widget
    and choices when it is built, and a choice list's queryset is replaced per request (`ScopedFilterSet`).
    """
    clone = copy.copy(filter_)
    clone.extra = filter_.extra.copy()
    clone.__dict__.pop("_field", None)
    if clone.method is not None:
        clone.method = filter_.method  # binds the filter's method to the copy, whose parent is the new FilterSet
    return clone


class _BaseFilters(dict):
    """A FilterSet's `base_filters`, copied filter by filter for each instance instead of deeply.

    django-filter deep-copies every filter with its labels, widgets and querysets for each FilterSet made: a
    thousand objects for the suggestion list's 24 filters, some milliseconds of every list page and API list.
    """

    def __deepcopy__(self, memo) -> dict:
        return {name: _copy_filter(filter_) for name, filter_ in self.items()}


class _FieldsOfOneForm(dict):
    """The `base_fields` of a form class made for one FilterSet, whose one form may take them as they are.

    A form deep-copies its class's fields so that its instances do not share them; django-filter makes the class
    for a single form, from fields made for that FilterSet alone, so the copy (every field with its widget and
    choices, a millisecond of every list page) would guard nothing.
    """

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice lists offer only what the user may see.

    Pages pass `user`; DRF's filter backend passes `request`, whose user is taken instead.
    """

    scoped_choices: ClassVar[dict[str, type[models.Model]]] = {}

    class Meta:
        form = StyledForm

    @classmethod
    def get_filters(cls) -> _BaseFilters:
        return _BaseFilters(super().get_filters())

    def __init__(self, data=None, queryset=None, *, request: HttpRequest | None = None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)
        if self.scoped_choices:
            if self.user is None:
                choices = {name: model._default_manager.none() for name, model in self.scoped_choices.items()}
            else:
                choices = for_viewer(type(self).__qualname__, self.user, self._scoped_querysets)
            for name, queryset in choices.items():
                self.filters[name].queryset = queryset

    @classmethod
    def _scoped_querysets(cls, user) -> dict[str, models.QuerySet]:
        return {name: model._default_manager.visible_to(user) for name, model in cls.scoped_choices.items()}

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields)
        return form_class


# django-filter's choice fields (with their "none" choice) labelled from columns, as congress.forms' are.
class SessionFilterField(SessionLabels, django_filters.fields.ModelChoiceField):
    pass


class UnitFilterField(UnitLabels, django_filters.fields.ModelChoiceField):
    pass


class NameFilterField(NameLabels, django_filters.fields.ModelChoiceField):
    pass


class SessionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SessionFilterField


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitFilterField


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NameFilterField


class SearchFilter(django_filters.CharFilter):
    """Match any of `fields` case-insensitively."""

    def __init__(self, *, fields: list[str], **kwargs) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)
        self.search_fields = fields

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = models.Q()
        for field in self.search_fields:
            condition |= models.Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


class ActiveFilter(django_filters.ChoiceFilter):
    """Filter on `is_active` with the choices "active", "inactive" and all."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Status"))
        super().__init__(choices=ACTIVE_CHOICES, empty_label=_("All"), **kwargs)

    def filter(self, qs, value):
        if value in ("true", "false"):
            return qs.filter(is_active=value == "true")
        return qs


def active_filter() -> ActiveFilter:
    return ActiveFilter()


class UnitFilter(ScopedFilterSet):
    q = SearchFilter(fields=["name", "short_name", "code"])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices, empty_label=_("All kinds"))
    active = active_filter()

    class Meta(ScopedFilterSet.Meta):
        model = Unit
        fields: list[str] = []


class UserFilter(ScopedFilterSet):
    q = SearchFilter(fields=["username", "full_name", "phone"])
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles"), method="filter_role"
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("All units"))
    body = django_filters.ModelChoiceFilter(label=_("Body"), queryset=Body.objects.none(), empty_label=_("All bodies"))
    active = active_filter()

    scoped_choices = {"unit": Unit, "body": Body}

    class Meta(ScopedFilterSet.Meta):
        model = User
        fields: list[str] = []

    def filter_role(self, queryset, name, value):
        # A subquery rather than a join, so a user with several roles is listed once without DISTINCT.
        return queryset.filter(pk__in=RoleGrant.objects.filter(role=value).values("user_id"))
