"""FilterSets for the API lists, and an ordering filter that refuses fields it does not know.

They build on the page FilterSets' pieces in congress/filters.py but use the API's `search`
parameter and bound every free-text value, so bad input is a 400 rather than a slow query.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from congress.filters import ScopedFilterSet, SearchFilter, active_filter
from congress.models import Body, CongressSession, Notification, Role, RoleGrant, Term, Unit, User

SEARCH_MAX_LENGTH = 100


def search_filter(fields: list[str]) -> SearchFilter:
    return SearchFilter(fields=fields, max_length=SEARCH_MAX_LENGTH, label=gettext_lazy("Search"))


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, but an empty choice or id (`?level=`) is a 400 rather than "no filter".

    The schema documents those parameters as enums and integers, so an empty one is not valid input.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = [
                name
                for name, value in request.query_params.items()
                if value == ""
                and name in filterset_class.base_filters
                and not isinstance(filterset_class.base_filters[name], django_filters.CharFilter)
            ]
            if empty:
                raise exceptions.ValidationError(
                    {name: [_("Leave this parameter out rather than empty.")] for name in empty}
                )
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` limited to the view's `ordering_fields`; an unknown field is a 400, not ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is not None:
            fields = [param.strip() for param in params.split(",")]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [field for field in fields if field.lstrip("-") not in valid]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering %(fields)s; use one of: %(valid)s.")
                            % {"fields": ", ".join(unknown), "valid": ", ".join(sorted(valid))}
                        ]
                    }
                )
            # A unique last key keeps cursor pages stable when the chosen field has ties.
            return [*fields, "-pk" if fields[0].startswith("-") else "pk"]
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = list(getattr(view, "ordering_fields", []))
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "enum": [*fields, *[f"-{field}" for field in fields]]}
        return parameters


class UnitFilter(ScopedFilterSet):
    search = search_filter(["name", "short_name", "code"])
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices)
    active = active_filter()
    parent = django_filters.ModelChoiceFilter(queryset=Unit.objects.none())

    scoped_choices = {"parent": Unit}

    class Meta:
        model = Unit
        fields: list[str] = []


class UserFilter(ScopedFilterSet):
    search = search_filter(["username", "full_name"])
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.none())
    body = django_filters.ModelChoiceFilter(queryset=Body.objects.none())
    active = active_filter()

    scoped_choices = {"unit": Unit, "body": Body}

    class Meta:
        model = User
        fields: list[str] = []

    def filter_role(self, queryset, name, value):
        # A subquery, not a join: a user with several roles stays one row without DISTINCT.
        return queryset.filter(pk__in=RoleGrant.objects.filter(role=value).values("user_id"))


class TermFilter(ScopedFilterSet):
    body = django_filters.ModelChoiceFilter(queryset=Body.objects.none())

    scoped_choices = {"body": Body}

    class Meta:
        model = Term
        fields: list[str] = []


class SessionFilter(ScopedFilterSet):
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.none())

    scoped_choices = {"term": Term}

    class Meta:
        model = CongressSession
        fields: list[str] = []


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class TrueFalseFilter(django_filters.TypedChoiceFilter):
    """A yes/no filter written `true` / `false`; anything else is a 400."""


class NotificationFilter(django_filters.FilterSet):
    unread = TrueFalseFilter(
        choices=[("true", gettext_lazy("Unread")), ("false", gettext_lazy("Read"))],
        coerce=lambda value: value == "true",
        field_name="read_at",
        lookup_expr="isnull",
    )

    class Meta:
        model = Notification
        fields: list[str] = []
