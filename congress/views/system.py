"""The system pages: working-day calendar, units, users, terms and the system status."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress import selectors, services
from congress.filters import UnitFilter, UserFilter
from congress.forms import AdjustedWorkdayForm, ClearDayForm, HolidayRangeForm, UserCreateForm, UserUpdateForm
from congress.models import Body
from congress.permissions import (
    can_edit_user,
    can_manage_calendar,
    can_manage_users,
    can_view_system,
    can_view_units,
)
from congress.views.htmx import is_htmx

PER_PAGE = 25
USER_EVENT_LABELS = {
    "user_created": _lazy("Login created"),
    "user_updated": _lazy("Profile changed"),
    "roles_changed": _lazy("Roles changed"),
    "login": _lazy("Signed in"),
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# Working-day calendar


@login_required
@require_GET
def calendar_years(request: HttpRequest) -> HttpResponse:
    """List the years with whether their official holiday calendar has been entered."""
    _require(can_view_system(request.user))
    today = timezone.localdate()
    return render(
        request,
        "system/calendar_years.html",
        {"rows": selectors.calendar_year_list(today=today), "today": today, **_calendar_rights(request.user)},
    )


def _calendar_rights(user) -> dict:
    """Tell the calendar pages whether the user may edit, and if not, who may: the shared calendar is read-only."""
    if can_manage_calendar(user):
        return {"can_edit": True, "read_only_note": ""}
    tops = list(Body.objects.filter(parent__isnull=True).order_by("pk")[:2])
    if len(tops) == 1:
        note = _(
            "The working-day calendar is shared by every body in the portal: only the office staff of %(body)s "
            "and the system administrators can change it. Ask them if a day is wrong."
        ) % {"body": tops[0].name}
    else:
        note = _(
            "The working-day calendar is shared by every body in the portal: only the system administrators "
            "can change it. Ask them if a day is wrong."
        )
    return {"can_edit": False, "read_only_note": note}


@login_required
@require_GET
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    """Show a year's twelve months with holidays and adjusted workdays, and the forms to enter them."""
    _require(can_view_system(request.user))
    return _render_calendar_year(request, year)


def _render_calendar_year(request: HttpRequest, year: int, *, bound: forms.Form | None = None, notice: str = ""):
    forms_by_name = {
        "holiday_form": HolidayRangeForm(year=year, prefix="holiday"),
        "workday_form": AdjustedWorkdayForm(year=year, prefix="workday"),
        "clear_form": ClearDayForm(year=year, prefix="clear"),
    }
    if bound is not None:
        forms_by_name[f"{bound.prefix}_form"] = bound
    context = {
        "detail": selectors.calendar_year_get(year=year),
        **_calendar_rights(request.user),
        "this_year": timezone.localdate().year,
        "notice": notice,
        **forms_by_name,
    }
    template = "system/partials/_calendar_year.html" if is_htmx(request) else "system/calendar_year.html"
    return render(request, template, context)


def _calendar_entry(
    request: HttpRequest, year: int, form_class: type[forms.Form], prefix: str, apply: Callable[[dict], str]
) -> HttpResponse:
    """Validate a calendar form, apply it through a service and show the year again."""
    _require(can_manage_calendar(request.user))
    selectors.calendar_year_get(year=year)  # 404 for a year outside the accepted range
    form = form_class(request.POST, year=year, prefix=prefix)
    if form.is_valid():
        try:
            notice = apply(form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            if is_htmx(request):
                return _render_calendar_year(request, year, notice=notice)
            messages.success(request, notice)
            return redirect("calendar_year", year=year)
    return _render_calendar_year(request, year, bound=form)


@login_required
@require_POST
def calendar_holiday_add(request: HttpRequest, year: int) -> HttpResponse:
    def apply(data: dict) -> str:
        services.calendar_set_days(
            start=data["start"], end=data["end"], is_working_day=False, name=data["name"], actor=request.user
        )
        return _("Holiday %(name)s entered from %(start)s to %(end)s.") % data

    return _calendar_entry(request, year, HolidayRangeForm, "holiday", apply)


@login_required
@require_POST
def calendar_workday_add(request: HttpRequest, year: int) -> HttpResponse:
    def apply(data: dict) -> str:
        services.calendar_set_days(
            start=data["date"], end=data["date"], is_working_day=True, name=data["name"], actor=request.user
        )
        return _("%(date)s entered as an adjusted workday.") % data

    return _calendar_entry(request, year, AdjustedWorkdayForm, "workday", apply)


@login_required
@require_POST
def calendar_day_clear(request: HttpRequest, year: int) -> HttpResponse:
    def apply(data: dict) -> str:
        services.calendar_clear_day(day=data["date"], actor=request.user)
        return _("%(date)s follows Monday to Friday again.") % data

    return _calendar_entry(request, year, ClearDayForm, "clear", apply)


@login_required
@require_POST
def calendar_year_confirm(request: HttpRequest, year: int) -> HttpResponse:
    """Declare the year's official calendar complete."""
    _require(can_manage_calendar(request.user))
    selectors.calendar_year_get(year=year)
    services.calendar_confirm_year(year=year, actor=request.user)
    notice = _("The %(year)s calendar is confirmed as official.") % {"year": year}
    if is_htmx(request):
        return _render_calendar_year(request, year, notice=notice)
    messages.success(request, notice)
    return redirect("calendar_year", year=year)


# Units


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """List the units the person may see, filtered by kind, status and text."""
    _require(can_view_units(request.user))
    filterset = UnitFilter(request.GET, user=request.user)
    page = _page(request, selectors.unit_list(user=request.user, filters=request.GET))
    return render(request, "system/unit_list.html", {"filter_form": filterset.form, "page": page})


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a unit with its heads and handlers."""
    _require(can_view_units(request.user))
    unit = selectors.unit_get(user=request.user, pk=pk)
    context = {
        "unit": unit,
        "children": selectors.unit_children(user=request.user, unit=unit),
        "can_view_users": can_view_system(request.user),
        **selectors.unit_people(user=request.user, unit=unit),
    }
    return render(request, "system/unit_detail.html", context)


# Users


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """List the logins the person may see, filtered by role, unit, body, status and text."""
    _require(can_view_system(request.user))
    filterset = UserFilter(request.GET, user=request.user)
    page = _page(request, selectors.user_list(user=request.user, filters=request.GET))
    context = {"filter_form": filterset.form, "page": page, "can_manage": can_manage_users(request.user)}
    return render(request, "system/user_list.html", context)


@login_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a login: profile, roles, unit and the latest changes made to it."""
    _require(can_view_system(request.user))
    person = selectors.user_get(user=request.user, pk=pk)
    context = {
        "person": person,
        "events": [
            (event, USER_EVENT_LABELS.get(event.kind, event.kind)) for event in selectors.user_events(subject=person)
        ],
        "can_edit": can_edit_user(request.user, person),
    }
    return render(request, "system/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """Create a login with an initial password (system administrators only)."""
    _require(can_manage_users(request.user))
    form = UserCreateForm(request.POST or None, actor=request.user, initial={"body": request.user.body_id})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_create(actor=request.user, **form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Login %(username)s created.") % {"username": person.username})
            return redirect("user_detail", pk=person.pk)
    return render(request, "system/user_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a login's profile, unit, body, roles and active flag (system administrators only)."""
    _require(can_manage_users(request.user))
    person = selectors.user_get(user=request.user, pk=pk)
    _require(can_edit_user(request.user, person))
    form = UserUpdateForm(request.POST or None, actor=request.user, initial=UserUpdateForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user_id=person.pk, actor=request.user, **form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": person.display_name})
            return redirect("user_detail", pk=person.pk)
    return render(request, "system/user_form.html", {"form": form, "person": person})


# Terms and status


@login_required
@require_GET
def term_list(request: HttpRequest) -> HttpResponse:
    """List the terms with their sessions; they are edited in the admin."""
    _require(can_view_system(request.user))
    return render(request, "system/term_list.html", {"terms": selectors.term_list(user=request.user)})


@login_required
@require_GET
def system_status(request: HttpRequest) -> HttpResponse:
    """Show the database, the broker, the workers' heartbeats, missing calendar years and counts."""
    _require(can_view_system(request.user))
    return render(request, "system/status.html", {"status": selectors.system_status(user=request.user)})
