"""The staff list's filters, shared by the pages, the API and the statistics page's links.

Every name here is part of the query string contract: session, year, status (repeatable), unit (lead or any
assigned unit), category, priority, overdue, deputy, q, assigned_from, assigned_to, rated, grade, satisfaction,
source, pending (reroute or extension: a unit's request awaiting the office's decision, as the office's to-do
list counts them) and supervising_leader (a leader's user id, as a leader's to-do list links to it).
`assigned`, `lead_unit` and `closed_within_months` are what the statistics page adds so that its links list
exactly the suggestions each number counts. "none" selects suggestions without a session, category or lead
unit, as the statistics page writes it.
"""

from __future__ import annotations

import datetime as dt

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.filters import NameChoiceFilter, ScopedFilterSet, SessionChoiceFilter, UnitChoiceFilter
from congress.forms import DATE_INPUT, LabelColumns
from congress.models import CongressSession, Role, Unit, User
from congress.querysets import for_viewer, in_scope, scope_path
from deputies.models import Deputy
from suggestions.models import Answer, Assignment, Category, ExtensionRequest, Rating, Signer, Suggestion
from suggestions.search import search_suggestions
from suggestions.stats import ASSIGNED_STATUSES, NONE_VALUE, closed_within_months, latest_rating_result

TRUE, FALSE = "true", "false"
YES_NO = [(TRUE, _("Yes")), (FALSE, _("No"))]
PENDING_REROUTE, PENDING_EXTENSION = "reroute", "extension"
PENDING_CHOICES = [
    (PENDING_REROUTE, _("Re-routing request")),
    (PENDING_EXTENSION, _("Extension request")),
]
LATEST_RATING = "latest_rating_result"


class YesNoFilter(django_filters.ChoiceFilter):
    """A true/false filter offering "all" as its empty choice."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(choices=YES_NO, **kwargs)


class LeaderFilterField(LabelColumns, django_filters.fields.ModelChoiceField):
    """A leader by the name the pages show (User.display_name)."""

    label_columns = ("full_name", "first_name", "last_name", "username")

    def label_from_values(self, full_name: str, first_name: str, last_name: str, username: str) -> str:
        return full_name or f"{first_name} {last_name}".strip() or username


class LeaderChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LeaderFilterField


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _choice_querysets(user: User) -> dict[str, QuerySet]:
    """The suggestion filters' choice lists for `user`: what they may see, only the columns the labels show.

    A county offers 300 deputies and 40 units, and a chosen value filters by its id alone.
    """
    units = Unit.objects.visible_to(user).handling().only("name", "short_name").order_by("sort_order", "name")
    return {
        "session": CongressSession.objects.visible_to(user)
        .select_related("term")
        .only("number", "term", "term__number")
        .order_by("-start_date", "-pk"),
        "unit": units,
        "lead_unit": units,
        "category": in_scope(Category.objects.all(), user).only("name").order_by("sort_order", "name"),
        "deputy": Deputy.objects.visible_to(user).only("name").order_by("name", "pk"),
        # Who may supervise, as the priority form offers them; a leader who left still filters their old list.
        "supervising_leader": User.objects.visible_to(user)
        .filter(role_grants__role=Role.LEADER)
        .order_by("full_name", "username"),
    }


class SuggestionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, text or number")}),
    )
    session = SessionChoiceFilter(
        label=_("Session"),
        queryset=CongressSession.objects.none(),
        empty_label=_("All sessions"),
        null_label=_("Between sessions"),
        null_value=NONE_VALUE,
    )
    year = django_filters.NumberFilter(label=_("Year"), widget=forms.NumberInput(attrs={"min": 1990, "max": 2100}))
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Suggestion.Status.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = UnitChoiceFilter(
        label=_("Handling unit"),
        queryset=Unit.objects.none(),
        empty_label=_("All units"),
        null_label=_("No lead unit"),
        null_value=NONE_VALUE,
        method="filter_unit",
    )
    lead_unit = UnitChoiceFilter(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        empty_label=_("All units"),
        null_label=_("No lead unit"),
        null_value=NONE_VALUE,
    )
    category = NameChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("All categories"),
        null_label=_("No category"),
        null_value=NONE_VALUE,
    )
    priority = YesNoFilter(label=_("Priority supervision"), method="filter_priority")
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"), choices=[(TRUE, _("Overdue only"))], empty_label=_("All"), method="filter_overdue"
    )
    deputy = django_filters.ModelChoiceFilter(
        label=_("Deputy"), queryset=Deputy.objects.none(), empty_label=_("All deputies"), method="filter_deputy"
    )
    assigned_from = django_filters.DateFilter(
        label=_("Assigned from"), method="filter_assigned_from", widget=DATE_INPUT
    )
    assigned_to = django_filters.DateFilter(label=_("Assigned until"), method="filter_assigned_to", widget=DATE_INPUT)
    rated = YesNoFilter(label=_("Rated by the deputy"), method="filter_rated")
    grade = django_filters.MultipleChoiceFilter(
        label=_("Result grade"),
        field_name="latest_grade",
        choices=Answer.Grade.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    satisfaction = django_filters.MultipleChoiceFilter(
        label=_("Deputy's rating"),
        choices=Rating.Level.choices,
        method="filter_satisfaction",
        widget=forms.CheckboxSelectMultiple,
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Suggestion.Source.choices, empty_label=_("All"))
    pending = django_filters.ChoiceFilter(
        label=_("Request to decide"),
        choices=PENDING_CHOICES,
        empty_label=_("All"),
        method="filter_pending",
        help_text=_(
            "Only suggestions with a unit's request awaiting the office's decision: "
            "a re-routing request (reroute) or an extension request (extension)."
        ),
    )
    supervising_leader = LeaderChoiceFilter(
        label=_("Supervising leader"),
        queryset=User.objects.none(),
        empty_label=_("All leaders"),
        help_text=_("Only the suggestions under priority supervision by this leader (a user id)."),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"), choices=[(TRUE, _("Yes"))], empty_label=_("All"), method="filter_assigned"
    )
    closed_within_months = django_filters.NumberFilter(
        label=_("Closed within (months of assignment)"), method="filter_closed_within_months", min_value=1
    )

    class Meta(ScopedFilterSet.Meta):
        model = Suggestion
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_open = False
        if self.user is None:
            return
        for name, queryset in for_viewer("suggestion-filters", self.user, _choice_querysets).items():
            self.filters[name].queryset = queryset

    def open_search_qs(self) -> QuerySet:
        """Return `qs` for a caller that keeps only open suggestions (the overdue part of a search).

        The text is then looked up in the open suggestions' own gram index (see `search_suggestions`). The form
        already validated for `qs` serves again: building a second FilterSet cost as much as the first.
        """
        self.search_open = True
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            self.search_open = False

    # Each method returns the queryset unchanged for an empty value: django-filter skips those already.

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A person's scope is a set of bodies, unless it is everything (a superuser's). The gram index is then
        # read body by body, which suits counting; a plan walking the list's order tests rows of every body.
        by_body = self.user is not None and bool(scope_path(self.user))
        return search_suggestions(queryset, value, by_body=by_body, open_only=self.search_open)

    def filter_unit(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value == NONE_VALUE:
            return queryset.filter(lead_unit__isnull=True)
        # Exists, not a join: a suggestion with several units is listed once without DISTINCT.
        takes_part = Assignment.objects.filter(suggestion=OuterRef("pk"), unit=value).exclude(
            status=Assignment.Status.WITHDRAWN
        )
        return queryset.filter(Q(lead_unit=value) | Exists(takes_part))

    def filter_priority(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_priority=value == TRUE)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.overdue() if value == TRUE else queryset

    def filter_deputy(self, queryset: QuerySet, name: str, value: Deputy) -> QuerySet:
        """Keep the suggestions the deputy leads or co-signs."""
        return queryset.filter(Exists(Signer.objects.filter(suggestion=OuterRef("pk"), deputy=value)))

    def filter_assigned_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        # Local calendar days, as bounds the assigned_at index can use.
        return queryset.filter(assigned_at__gte=_start_of_day(value))

    def filter_assigned_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(assigned_at__lt=_start_of_day(value + dt.timedelta(days=1)))

    def _with_latest_rating(self, queryset: QuerySet) -> QuerySet:
        # The statistics' own definition, so a number and the list behind it always agree.
        if LATEST_RATING in queryset.query.annotations:
            return queryset
        return queryset.annotate(**{LATEST_RATING: latest_rating_result()})

    def filter_rated(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        queryset = self._with_latest_rating(queryset)
        # "" comes from a denormalised column, NULL from the lookup: both mean not rated.
        unrated = Q(**{f"{LATEST_RATING}__isnull": True}) | Q(**{LATEST_RATING: ""})
        if value == TRUE:
            return queryset.exclude(**{f"{LATEST_RATING}__isnull": True}).exclude(**{LATEST_RATING: ""})
        return queryset.filter(unrated)

    def filter_satisfaction(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return self._with_latest_rating(queryset).filter(**{f"{LATEST_RATING}__in": value})

    def filter_pending(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Exists, not a join: two units asking at once still list the suggestion once, as the to-do list counts it.
        if value == PENDING_REROUTE:
            requests = Assignment.objects.filter(suggestion=OuterRef("pk"), status=Assignment.Status.REROUTE_REQUESTED)
        elif value == PENDING_EXTENSION:
            requests = ExtensionRequest.objects.filter(
                assignment__suggestion=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
            )
        else:
            return queryset
        return queryset.filter(Exists(requests))

    def filter_assigned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != TRUE:
            return queryset
        return queryset.filter(status__in=ASSIGNED_STATUSES, assigned_at__isnull=False)

    def filter_closed_within_months(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(closed_within_months(int(value)))
