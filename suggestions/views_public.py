"""Public pages (答复公开): published suggestions, their progress and answers, readable without logging in."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from suggestions.models import Suggestion
from suggestions.selectors_public import (
    PUBLIC_STATUSES,
    PublicFilters,
    public_filter_choices,
    public_overview,
    public_recently_answered,
    public_suggestion_get,
    public_suggestion_list,
    public_timeline,
)

PER_PAGE = 20
# How each status looks in the lists: still with the units, answered, or finished.
STATUS_TONES = {
    Suggestion.Status.REGISTERED: "secondary",
    Suggestion.Status.ASSIGNED: "warning",
    Suggestion.Status.HANDLING: "warning",
    Suggestion.Status.REHANDLING: "warning",
    Suggestion.Status.ANSWERED: "info",
    Suggestion.Status.FOLLOW_UP: "info",
    Suggestion.Status.CLOSED: "success",
    Suggestion.Status.REVISITED: "success",
    Suggestion.Status.ARCHIVED: "success",
}


class _SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PublicFilterForm(forms.Form):
    """The public list's search box and filters, read from the query string."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)
    session = _SessionChoice(label=_("Session"), queryset=None, required=False, empty_label=_("All sessions"))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All categories")
    )
    unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None, required=False, empty_label=_("All units"))
    status = forms.ChoiceField(label=_("Progress"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in public_filter_choices().items():
            self.fields[name].queryset = queryset
        labels = dict(Suggestion.Status.choices)
        self.fields["status"].choices = [("", _("Any progress"))] + [(s, labels[s]) for s in PUBLIC_STATUSES]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def filters(self) -> PublicFilters:
        """Return the valid filters; an invalid one is left out and its error shown beside it."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PublicFilters(
            text=data.get("q", ""),
            session=data.get("session"),
            category=data.get("category"),
            unit=data.get("unit"),
            status=data.get("status", ""),
        )


def _with_tones(suggestions) -> list[Suggestion]:
    items = list(suggestions)
    for item in items:
        item.status_tone = STATUS_TONES.get(item.status, "secondary")
    return items


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Introduce the public pages, count what is published and offer the search box."""
    return render(
        request,
        "public/home.html",
        {"overview": public_overview(), "recent": _with_tones(public_recently_answered())},
    )


@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """List the published suggestions with their progress, searchable and filtered, 20 to a page."""
    form = PublicFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(public_suggestion_list(filters=filters), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _with_tones(page.object_list)
    filtered = any([filters.text, filters.session, filters.category, filters.unit, filters.status])
    return render(request, "public/suggestion_list.html", {"form": form, "page": page, "filtered": filtered})


@require_GET
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one published suggestion: its text, deputies, units, milestones and published answers."""
    try:
        suggestion = public_suggestion_get(pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None
    suggestion.status_tone = STATUS_TONES.get(suggestion.status, "secondary")
    return render(
        request,
        "public/suggestion_detail.html",
        {"suggestion": suggestion, "timeline": public_timeline(suggestion)},
    )
