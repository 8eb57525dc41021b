"""Staff pages of the reminders engine: the ledger, the policies, the message texts; everyone's own preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress.models import MessageTemplate
from congress.reminders import selectors, services
from congress.reminders.forms import LedgerFilterForm, MessageTemplateForm, PolicyBodyForm, PolicyForm, PreferenceForm
from congress.reminders.messages import PLACEHOLDERS
from congress.reminders.permissions import can_manage_reminders, can_set_own_preferences
from congress.reminders.policies import reminder_policy_create_for_body, reminder_policy_update

PER_PAGE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """List what was sent to whom, when, through which channel, and every failure with its reason."""
    _require(can_manage_reminders(request.user))
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.reminder_ledger(user=request.user, filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "filter_form": form,
        "page": page,
        "counts": selectors.delivery_counts(user=request.user),
        "digests": selectors.digest_deliveries(user=request.user, status=filters.get("status", ""))[:10],
    }
    return render(request, "reminders/ledger.html", context)


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed delivery again."""
    _require(can_manage_reminders(request.user))
    try:
        services.delivery_retry(delivery_id=pk, actor=request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect(request.POST.get("next") if _is_local(request.POST.get("next")) else "reminders:ledger")


def _is_local(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


@login_required
@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    """List each kind's policy for every body, and the bodies with their own."""
    _require(can_manage_reminders(request.user))
    context = {
        "rows": selectors.reminder_policy_list(user=request.user),
        "body_form": PolicyBodyForm(user=request.user),
    }
    return render(request, "reminders/policies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a policy; bad values are refused with the reason and nothing changes."""
    _require(can_manage_reminders(request.user))
    row = selectors.reminder_policy_get(user=request.user, pk=pk)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(row.policy))
    if request.method == "POST" and form.is_valid():
        reminder_policy_update(policy_id=row.policy.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The policy is saved; the next sweep uses it."))
        return redirect("reminders:policies")
    return render(request, "reminders/policy_form.html", {"row": row, "form": form})


@login_required
@require_POST
def policy_add_body(request: HttpRequest, kind: str) -> HttpResponse:
    """Give one body its own policy for a kind, starting as a copy of the default."""
    _require(can_manage_reminders(request.user))
    form = PolicyBodyForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a body."))
        return redirect("reminders:policies")
    try:
        policy = reminder_policy_create_for_body(kind_name=kind, body=form.cleaned_data["body"], actor=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("reminders:policies")
    return redirect("reminders:policy_edit", pk=policy.pk)


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    """List the message texts."""
    _require(can_manage_reminders(request.user))
    return render(request, "reminders/templates.html", {"templates": selectors.message_template_list()})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a message text; one that does not render is refused with the reason."""
    _require(can_manage_reminders(request.user))
    template = get_object_or_404(MessageTemplate, pk=pk)
    initial = {"title": template.title, "body": template.body, "sms": template.sms}
    form = MessageTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_template_update(template_id=template.pk, actor=request.user, **form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The message text is saved."))
            return redirect("reminders:templates")
    context = {"template": template, "form": form, "placeholders": PLACEHOLDERS}
    return render(request, "reminders/template_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Let a person choose their channels and the daily digest."""
    _require(can_set_own_preferences(request.user))
    current = selectors.notification_preference_get(user=request.user)
    initial = {"email": current.email, "sms": current.sms, "digest": current.digest}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


@login_required
@require_POST
def preferences_test(request: HttpRequest) -> HttpResponse:
    """Send the person a test message through their channels; the page answers at once, the workers send."""
    _require(can_set_own_preferences(request.user))
    services.notification_test_send(user=request.user)
    messages.success(request, _("A test message is on its way through your channels."))
    return redirect("reminders:preferences")
