"""The deputies' mobile view: their card and to-dos, their profile and their inbox, 390px first."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress.todos import todos_for
from congress.views.htmx import is_htmx
from congress.views.portal import inbox_context, inbox_return_url, mark_read_from_post
from deputies.models import Deputy

HOME_NOTIFICATIONS = 3


def deputy_required(view: Callable) -> Callable:
    """Let deputies in; send anyone else who is signed in to the staff home with a word why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_deputy:
            messages.info(request, _("The mobile view is for deputies; here is your work portal."))
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


@deputy_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the deputy's card, their to-dos and their latest unread messages."""
    user = request.user
    context = {
        "deputy": _deputy_of(user),
        "todos": todos_for(user),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:HOME_NOTIFICATIONS]),
    }
    return render(request, "mobile/home.html", context)


@deputy_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """Show the deputy's profile with the account actions: password, language, logout."""
    return render(request, "mobile/me.html", {"deputy": _deputy_of(request.user)})


@deputy_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """List the deputy's own messages."""
    context = inbox_context(request, area="mobile:")
    template = "congress/partials/_notification_list.html" if is_htmx(request) else "mobile/notifications.html"
    return render(request, template, context)


@deputy_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one message or all of the deputy's messages read."""
    mark_read_from_post(request)
    if is_htmx(request):
        context = inbox_context(request, area="mobile:", source=request.POST)
        return render(request, "congress/partials/_notification_update.html", context)
    if request.POST.get("all"):
        messages.success(request, _("All messages are marked as read."))
    return redirect(inbox_return_url(request, "mobile:notifications"))


@method_decorator(deputy_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password inside the mobile layout and return to the profile."""

    template_name = "mobile/password_change.html"
    success_url = reverse_lazy("mobile:me")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _deputy_of(user) -> Deputy | None:
    return (
        Deputy.objects.visible_to(user)
        .filter(user=user)
        .select_related("body", "constituency", "group", "station", "term")
        .first()
    )
