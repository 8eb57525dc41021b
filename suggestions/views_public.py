"""Public pages (答复公开): published suggestions, their progress and answers, readable without logging in.

Each congress body has its own pages under /public/<body id>/; /public/ lists the bodies that have published
something, or goes straight to the only one. The pages name the body they show (see
congress.context_processors), and a suggestion is found only under its own body.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from congress.models import Body
from suggestions.models import Suggestion
from suggestions.selectors_public import (
    PUBLIC_STATUSES,
    PublicFilters,
    public_bodies,
    public_body_get,
    public_filter_choices,
    public_overview,
    public_recently_answered,
    public_suggestion_body_id,
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

    def __init__(self, *args, body: Body, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in public_filter_choices(body).items():
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


def _viewed_body(request: HttpRequest, body_id: int) -> Body:
    """Find the body in the URL, or 404; the layout names the portal after it."""
    try:
        body = public_body_get(pk=body_id)
    except Body.DoesNotExist:
        raise Http404 from None
    request.portal_body = body
    return body


def _only_body(bodies: list[Body]) -> Body | None:
    """Return the one body the public pages are about, when `bodies` (those that publish) make it plain."""
    if not bodies:
        # Nothing is published yet: a one-county deployment still opens on its county.
        bodies = list(Body.objects.filter(parent__isnull=True)[:2])
    return bodies[0] if len(bodies) == 1 else None


def _others(body: Body) -> bool:
    """Tell whether other bodies have published suggestions, so the pages offer the way back to the list."""
    return public_bodies().exclude(pk=body.pk).exists()


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """List the bodies that have published suggestions, or open the only one."""
    bodies = list(public_bodies())
    only = _only_body(bodies)
    if only is not None:
        return redirect("public:home", body_id=only.pk)
    top = min((body.path.count("/") for body in bodies), default=0)
    for body in bodies:
        body.depth = body.path.count("/") - top
    return render(request, "public/index.html", {"bodies": bodies})


@require_GET
def home(request: HttpRequest, body_id: int) -> HttpResponse:
    """Introduce the body's public pages, count what it has published and offer the search box."""
    body = _viewed_body(request, body_id)
    return render(
        request,
        "public/home.html",
        {
            "overview": public_overview(body),
            "recent": _with_tones(public_recently_answered(body=body)),
            "other_bodies": _others(body),
        },
    )


@require_GET
def suggestion_list(request: HttpRequest, body_id: int) -> HttpResponse:
    """List the body's published suggestions with their progress, searchable and filtered, 20 to a page."""
    body = _viewed_body(request, body_id)
    form = PublicFilterForm(request.GET, body=body)
    filters = form.filters()
    page = Paginator(public_suggestion_list(filters=filters, body=body), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _with_tones(page.object_list)
    filtered = any([filters.text, filters.session, filters.category, filters.unit, filters.status])
    return render(
        request,
        "public/suggestion_list.html",
        {"form": form, "page": page, "filtered": filtered, "other_bodies": _others(body)},
    )


@require_GET
def suggestion_detail(request: HttpRequest, body_id: int, pk: int) -> HttpResponse:
    """Show one published suggestion of the body: its text, deputies, units, milestones and published answers."""
    body = _viewed_body(request, body_id)
    try:
        suggestion = public_suggestion_get(pk=pk, body=body)
    except Suggestion.DoesNotExist:
        raise Http404 from None
    suggestion.status_tone = STATUS_TONES.get(suggestion.status, "secondary")
    return render(
        request,
        "public/suggestion_detail.html",
        {"suggestion": suggestion, "timeline": public_timeline(suggestion), "other_bodies": _others(body)},
    )


# The addresses before the pages were per body, still linked from elsewhere: sent on to the right body.


@require_GET
def legacy_suggestion_list(request: HttpRequest) -> HttpResponse:
    """Send /public/suggestions/ to the only body's list (keeping the search), or to the list of bodies."""
    only = _only_body(list(public_bodies()[:2]))
    if only is None:
        return redirect("public:index")
    url = reverse("public:suggestion_list", kwargs={"body_id": only.pk})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_GET
def legacy_suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Send /public/suggestions/<pk>/ to the suggestion under its own body, for good."""
    body_id = public_suggestion_body_id(pk=pk)
    if body_id is None:
        raise Http404
    return redirect("public:suggestion_detail", body_id=body_id, pk=pk, permanent=True)
