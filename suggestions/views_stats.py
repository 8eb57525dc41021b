"""The suggestion statistics page and its Excel export."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from congress.filters import NameFilterField, SessionFilterField, UnitFilterField
from congress.forms import DATE_INPUT, StyledForm
from congress.models import CongressSession, Unit
from congress.querysets import for_viewer, in_scope
from suggestions import stats
from suggestions.export import export_stats
from suggestions.models import Category

# The staff suggestion list every number links to, with the filters in its query string.
SUGGESTION_LIST_PATH = "/suggestions/"
YES_NO = [("", _("All")), (stats.TRUE, _("Priority supervision")), (stats.FALSE, _("Not priority-supervised"))]
# A province's page has some 500 group rows: each group table shows its first rows, and all of them on asking.
STATS_TABLE_ROWS = 50
# The query parameter that opens a table in full, repeatable; the page's own, never a filter.
SHOW_ALL_PARAM = "all"
# The tables it may open, by their key on the page, with the SuggestionStats attribute holding their rows.
CAPPED_TABLES = {"unit": "by_unit", "session": "by_session", "category": "by_category"}


class StatsFilterForm(StyledForm):
    """The statistics page's filters: the same names, and meanings, as the staff list's."""

    # The staff list's own fields, "none" choice included: `none` then means here just what it means there
    # (no session: filed between sessions; no lead unit; no category), and cleans to the NONE_VALUE the
    # statistics selector and the API's stats endpoint take.
    session = SessionFilterField(
        label=_("Session"),
        queryset=CongressSession.objects.none(),
        required=False,
        empty_label=_("All"),
        null_label=_("Between sessions"),
        null_value=stats.NONE_VALUE,
    )
    unit = UnitFilterField(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All"),
        null_label=_("No lead unit"),
        null_value=stats.NONE_VALUE,
    )
    category = NameFilterField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All"),
        null_label=_("No category"),
        null_value=stats.NONE_VALUE,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority supervision"),
        choices=YES_NO,
        required=False,
        coerce=lambda value: value == stats.TRUE,
        empty_value=None,
    )
    assigned_from = forms.DateField(label=_("Assigned from"), required=False, widget=DATE_INPUT)
    assigned_to = forms.DateField(label=_("Assigned until"), required=False, widget=DATE_INPUT)
    rank = forms.ChoiceField(label=_("Rank units by"), choices=list(stats.RANK_KEYS.items()), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in for_viewer("suggestion-stats-filters", user, _choice_querysets).items():
            self.fields[name].queryset = queryset

    def clean(self):
        data = super().clean()
        start, end = data.get("assigned_from"), data.get("assigned_to")
        if start and end and start > end:
            self.add_error("assigned_to", _("The end of the period must not be before its start."))
        return data


def _choice_querysets(user) -> dict[str, QuerySet]:
    """The statistics filters' choice lists for `user`, only the columns the labels show (a province has 300 units)."""
    return {
        "session": CongressSession.objects.visible_to(user)
        .select_related("term")
        .only("number", "term__number")
        .order_by("-start_date", "-pk"),
        "unit": Unit.objects.visible_to(user).handling().only("name", "short_name").order_by("sort_order", "name"),
        "category": in_scope(Category.objects.all(), user).only("name").order_by("sort_order", "name"),
    }


@dataclass(frozen=True)
class GroupTable:
    """The rows a group table shows, how many it has, and the link opening it in full when some are left out."""

    rows: list[stats.StatsRow]
    total: int
    show_all_url: str = ""


def _filter_query(request: HttpRequest) -> QueryDict:
    """Return the page's query string less `all`, which says what to show, not what to count."""
    query = request.GET.copy()
    query.pop(SHOW_ALL_PARAM, None)
    return query


def _group_tables(request: HttpRequest, result: stats.SuggestionStats) -> dict[str, GroupTable]:
    """Cut each group table to its first rows unless `all` opens it; the rows left out are never rendered."""
    opened = set(request.GET.getlist(SHOW_ALL_PARAM))
    tables: dict[str, GroupTable] = {}
    for key, attribute in CAPPED_TABLES.items():
        rows = getattr(result, attribute)
        if key in opened or len(rows) <= STATS_TABLE_ROWS:
            tables[key] = GroupTable(rows=rows, total=len(rows))
            continue
        query = request.GET.copy()
        query.appendlist(SHOW_ALL_PARAM, key)
        show_all_url = f"{request.path}?{query.urlencode()}#stats-{key}"
        tables[key] = GroupTable(rows=rows[:STATS_TABLE_ROWS], total=len(rows), show_all_url=show_all_url)
    return tables


def _stats_for(request: HttpRequest) -> tuple[StatsFilterForm, stats.SuggestionStats | None]:
    if not stats.can_view_suggestion_stats(request.user):
        raise PermissionDenied
    # Without `all`, so that opening a table neither binds the form nor turns an unfiltered page into a live count.
    query = _filter_query(request)
    form = StatsFilterForm(query or None, user=request.user)
    if query and not form.is_valid():
        return form, None
    filters = form.cleaned_data if query else {}
    rank_by = filters.get("rank") or stats.DEFAULT_RANK
    return form, stats.suggestion_stats(user=request.user, filters=filters, rank_by=rank_by)


@login_required
@require_GET
def stats_index(request: HttpRequest) -> HttpResponse:
    """Show the four rates with their numerators and denominators, in total and by group."""
    form, result = _stats_for(request)
    context = {
        "filter_form": form,
        "stats": result,
        "tables": _group_tables(request, result) if result else {},
        "list_url": SUGGESTION_LIST_PATH,
        # The export keeps every row of every table, so it has no use for `all`.
        "export_query": _filter_query(request).urlencode(),
    }
    return render(request, "suggestions/stats.html", context, status=200 if result else 400)


@login_required
@require_GET
def stats_export(request: HttpRequest) -> HttpResponse:
    """Download the statistics on the page as an Excel workbook."""
    form, result = _stats_for(request)
    if result is None:
        return render(request, "suggestions/stats.html", {"filter_form": form, "stats": None}, status=400)
    filename = f"{gettext('Suggestion statistics')}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(export_stats(result), as_attachment=True, filename=filename)
