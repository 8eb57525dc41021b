"""The portal's own pages: login, password change, the staff home, the inbox and the health check."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from congress.permissions import can_view_roster, can_view_staff_portal, can_view_system, can_view_units
from congress.selectors import notifications_latest_unread, scope_facts
from congress.services import notifications_mark_read, record_event
from congress.todos import todos_for
from congress.views.htmx import is_htmx

NOTIFICATIONS_PER_PAGE = 20
HOME_NOTIFICATIONS = 5


class LoginView(auth_views.LoginView):
    """Sign a person in, record it in the audit log and send deputies to their phone view."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        record_event(user, actor=user, kind="login")
        return response

    def get_default_redirect_url(self) -> str:
        if self.request.user.is_authenticated and self.request.user.prefers_mobile:
            return reverse("mobile:home")
        return super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the person's to-do list, their latest unread messages and a few facts about their scope."""
    user = request.user
    if user.prefers_mobile:
        return redirect("mobile:home")
    if not can_view_staff_portal(user):
        return render(request, "registration/no_role.html", {"has_roles": bool(user.roles)}, status=403)
    context = {
        "greeting": _greeting(),
        "today": timezone.localdate(),
        "todos": todos_for(user),
        "notifications": notifications_latest_unread(user=user, limit=HOME_NOTIFICATIONS),
        "facts": _scope_facts(user),
    }
    return render(request, "congress/home.html", context)


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """List the signed-in person's own messages, newest first, optionally only the unread ones."""
    context = inbox_context(request)
    template = "congress/partials/_notification_list.html" if is_htmx(request) else "congress/notifications.html"
    return render(request, template, context)


@login_required
@require_POST
def notifications_mark_read_view(request: HttpRequest) -> HttpResponse:
    """Mark one message (`id`) or all of the person's messages read."""
    mark_read_from_post(request)
    if is_htmx(request):
        context = inbox_context(request, source=request.POST)
        return render(request, "congress/partials/_notification_update.html", context)
    if request.POST.get("all"):
        messages.success(request, _("All messages are marked as read."))
    return redirect(inbox_return_url(request, "notifications"))


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer a load balancer: ok after a database round-trip, 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


def inbox_context(request: HttpRequest, *, area: str = "", source=None) -> dict:
    """Build the inbox for the person: the filter, one page of their own messages and the form targets.

    `area` is the URL namespace prefix ("mobile:") so the same partial serves both layouts.
    """
    source = source if source is not None else request.GET
    show = "unread" if source.get("show") == "unread" else "all"
    rows = request.user.notifications.all()
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(source.get("page"))
    return {
        "page": page,
        "show": show,
        "notifications": page.object_list,
        "inbox_url": reverse(f"{area}notifications"),
        "mark_url": reverse(f"{area}notifications_mark_read"),
        "mobile": area == "mobile:",
    }


def mark_read_from_post(request: HttpRequest) -> int:
    """Mark read what the form names, all or one; a message that is not the person's is a 404."""
    if request.POST.get("all"):
        return notifications_mark_read(user=request.user)
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError:
        raise Http404 from None
    if not request.user.notifications.filter(pk=pk).exists():
        raise Http404
    return notifications_mark_read(user=request.user, ids=[pk])


def inbox_return_url(request: HttpRequest, url_name: str) -> str:
    """Return to the inbox page and filter the form came from."""
    url = reverse(url_name)
    query = {key: request.POST[key] for key in ("show", "page") if request.POST.get(key)}
    return f"{url}?{urlencode(query)}" if query else url


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 12:
        return _("Good morning")
    if hour < 18:
        return _("Good afternoon")
    return _("Good evening")


def _scope_facts(user) -> dict:
    """Sum up the person's scope, each fact linking to the page behind it when the person may open it."""
    facts = scope_facts(user=user)
    return {
        "term": facts.term,
        "session": facts.session,
        "terms_url": reverse("term_list") if can_view_system(user) else "",
        # A unit's people see only their own unit, so a count of one would say nothing.
        "own_unit": None if user.is_committee_side else user.unit,
        "units": facts.handling_units,
        "units_url": reverse("unit_list") if can_view_units(user) else "",
        "deputies": facts.serving_deputies,
        "deputies_url": reverse("deputies:deputy_list") if can_view_roster(user) else "",
    }
