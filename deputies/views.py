"""Pages of the deputies roster: deputies, deputy groups and liaison stations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from congress.permissions import can_view_roster
from deputies import selectors
from deputies.filters import DeputyFilter, DeputyGroupFilter, StationFilter
from deputies.permissions import can_view_deputy_contact, can_view_deputy_login

PER_PAGE = 30


def _require_roster(request: HttpRequest) -> None:
    if not can_view_roster(request.user):
        raise PermissionDenied


@login_required
@require_GET
def deputy_list(request: HttpRequest) -> HttpResponse:
    """List the roster with filters by level, group, constituency, station, status and text."""
    _require_roster(request)
    filterset = DeputyFilter(request.GET, user=request.user)
    deputies = selectors.deputy_list(user=request.user, filters=request.GET)
    page = Paginator(deputies, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "deputies/deputy_list.html", {"filter_form": filterset.form, "page": page})


@login_required
@require_GET
def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a deputy's profile and linked login."""
    _require_roster(request)
    deputy = selectors.deputy_get(user=request.user, pk=pk)
    context = {
        "deputy": deputy,
        "show_contact": can_view_deputy_contact(request.user),
        "link_login": can_view_deputy_login(request.user),
    }
    return render(request, "deputies/deputy_detail.html", context)


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """List the deputy groups with their convenors and member counts."""
    _require_roster(request)
    filterset = DeputyGroupFilter(request.GET, user=request.user)
    groups = selectors.group_list(user=request.user, filters=request.GET)
    return render(request, "deputies/group_list.html", {"filter_form": filterset.form, "groups": groups})


@login_required
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    """List the homes, stations and points by kind with their townships and deputy counts."""
    _require_roster(request)
    filterset = StationFilter(request.GET, user=request.user)
    stations = selectors.station_list(user=request.user, filters=request.GET)
    return render(request, "deputies/station_list.html", {"filter_form": filterset.form, "stations": stations})
