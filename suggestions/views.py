"""The office's suggestion pages: the list with bulk actions and export, the detail page with every decision
form, and entering a paper suggestion. Committee-side people read them; office staff act.

Each action posts to its own address and calls one service. A WorkflowError (someone else changed the
suggestion first, or a rule refused the step) shows the suggestion as it now is with a clear message (409); a
ValidationError shows the form again with what was typed (400). Forms sent by htmx get the re-rendered detail
page with status 200, from which htmx takes the detail block.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress.models import Role, User
from congress.views.htmx import is_htmx
from congress.workflow import StaleState, WorkflowError
from suggestions import permissions, selectors, services
from suggestions.deadlines import assignment_deadlines, policy_for
from suggestions.export import export_suggestions
from suggestions.filters import SuggestionFilter
from suggestions.forms import (
    APPROVE,
    AssignForm,
    BulkForm,
    CloseForm,
    ConfirmForm,
    DecideExtensionForm,
    DecideRerouteForm,
    PrioritizeForm,
    PublishForm,
    RegisterForm,
    RejectForm,
    RevisitForm,
    SuggestionCreateForm,
)
from suggestions.models import Answer, Assignment, Attachment, ExtensionRequest, Signer, Suggestion
from suggestions.search import possible_duplicates
from suggestions.services.closing import TAKEN_ON_STATUSES, close_standing

PER_PAGE = 50
# The list's filter bar shows the everyday filters; these open under "more filters".
MORE_FILTERS = (
    "year",
    "deputy",
    "lead_unit",
    "assigned_from",
    "assigned_to",
    "rated",
    "grade",
    "satisfaction",
    "source",
    "supervising_leader",
)
# Set only by the statistics page's links; carried along, not offered.
HIDDEN_FILTERS = ("assigned", "closed_within_months")
Status = Suggestion.Status

# Red is the portal's own colour and the overdue mark, so no ordinary status is shown in red.
STATUS_BADGES = {
    Status.DRAFT: "text-bg-light border",
    Status.SUBMITTED: "text-bg-warning",
    Status.NOT_REGISTERED: "text-bg-secondary",
    Status.WITHDRAWN: "text-bg-secondary",
    Status.REGISTERED: "bg-info-subtle text-info-emphasis border border-info-subtle",
    Status.ASSIGNED: "text-bg-info",
    Status.HANDLING: "text-bg-info",
    Status.ANSWERED: "bg-success-subtle text-success-emphasis border border-success-subtle",
    Status.REHANDLING: "bg-warning-subtle text-warning-emphasis border border-warning",
    Status.FOLLOW_UP: "bg-warning-subtle text-warning-emphasis border border-warning-subtle",
    Status.CLOSED: "text-bg-success",
    Status.REVISITED: "text-bg-success",
    Status.ARCHIVED: "text-bg-dark",
}


# Who may open the pages


def _is_office_staff(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.OFFICE_STAFF)


def _url(name: str, *args: Any, fallback: str) -> str:
    # Pages other engineers are building at the same time; until their route exists the address is the same.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _elsewhere(request: HttpRequest, pk: int | None = None) -> HttpResponse | None:
    """Send a deputy to the mobile view and a unit's people to their workspace; refuse anyone else off-side."""
    user = request.user
    if user.is_committee_side:
        return None
    if pk is not None and user.is_unit_side:
        return None  # a unit's people read the detail page of a suggestion assigned to their unit
    if user.prefers_mobile:
        if pk is None:
            return redirect(_url("suggestions_mobile:list", fallback="/m/suggestions/"))
        return redirect(_url("suggestions_mobile:detail", pk, fallback=f"/m/suggestions/{pk}/"))
    if user.is_unit_side:
        return redirect(_url("suggestion_unit:todo", fallback="/suggestions/unit/"))
    raise PermissionDenied


# The list


@login_required
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """List the suggestions with the contract's filters, overdue first, 50 a page, with bulk actions."""
    if (response := _elsewhere(request)) is not None:
        return response
    today = timezone.localdate()
    listed = selectors.suggestion_list_page(
        user=request.user, filters=request.GET, number=request.GET.get("page"), per_page=PER_PAGE, today=today
    )
    page, counts = listed.page, listed.status_counts
    for suggestion in page:
        suggestion.badge = STATUS_BADGES.get(suggestion.status, "text-bg-light")
        suggestion.overdue = suggestion.is_overdue(today)
    context = {
        # The form the list was filtered with: building a second FilterSet costs a deep copy of every filter.
        "filter_form": listed.filter_form,
        "page": page,
        "status_counts": [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)],
        "can_act": _is_office_staff(request.user),
        "query": request.GET.urlencode(),
        "filtered": any(key != "page" and any(request.GET.getlist(key)) for key in request.GET),
        "more_filters": any(any(request.GET.getlist(key)) for key in MORE_FILTERS),
        "more_filter_names": MORE_FILTERS,
        "hidden_filter_names": HIDDEN_FILTERS,
    }
    return render(request, "suggestions/list.html", context)


# The list's panels that open on demand: the page leaves out their long choice lists (a county's 300 deputies
# and its units four times over) until someone opens them; a filter already in use is shown at once.


@login_required
@require_GET
def suggestion_list_more_filters(request: HttpRequest) -> HttpResponse:
    """Return the list's "more filters" fields, showing the values in the query string."""
    if (response := _elsewhere(request)) is not None:
        return response
    context = {"filter_form": SuggestionFilter(request.GET, user=request.user).form, "more_filter_names": MORE_FILTERS}
    return render(request, "suggestions/partials/_list_more_filters.html", context)


@login_required
@require_GET
def suggestion_bulk_units(request: HttpRequest) -> HttpResponse:
    """Return the bulk assignment's unit fields for the list page."""
    if not _is_office_staff(request.user):
        raise PermissionDenied
    context = {"bulk_form": BulkForm(user=request.user, prefix="bulk")}
    return render(request, "suggestions/partials/_list_bulk_units.html", context)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith(
        reverse("suggestions:list")
    ):
        target = reverse("suggestions:list")
    return redirect(target)


@login_required
@require_POST
def suggestion_bulk(request: HttpRequest) -> HttpResponse:
    """Register the ticked suggestions, or assign them all to the same lead (and co or parallel) units."""
    if not _is_office_staff(request.user):
        raise PermissionDenied
    form = BulkForm(request.POST, user=request.user, prefix="bulk")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_list(request)
    data = form.cleaned_data
    visible = list(
        Suggestion.objects.visible_to(request.user).filter(pk__in=data["ids"]).values_list("pk", "title").order_by()
    )
    if len(visible) != len(data["ids"]):
        raise Http404
    if data["action"] == BulkForm.ASSIGN:
        try:
            done = services.suggestions_assign_bulk(
                suggestion_ids=data["ids"],
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                parallel_units=data["parallel_units"],
                actor=request.user,
            )
        except (WorkflowError, PermissionDenied) as error:
            messages.error(request, str(error) or _("You do not have permission to do this."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)d suggestions assigned to %(unit)s.") % {"count": len(done), "unit": data["lead_unit"]},
            )
        return _back_to_list(request)
    # Registration numbers are given one by one: each registration stands on its own, so one that someone
    # else has just registered or withdrawn does not hold back the others.
    registered, failed = 0, []
    for pk, title in visible:
        try:
            services.suggestion_register(suggestion_id=pk, actor=request.user)
        except (WorkflowError, PermissionDenied, ValidationError):
            failed.append(title)
        else:
            registered += 1
    if registered:
        messages.success(request, _("%(count)d suggestions registered.") % {"count": registered})
    if failed:
        messages.warning(
            request,
            _("These could not be registered, as they are no longer under review: %(titles)s")
            % {"titles": "、".join(failed)},
        )
    return _back_to_list(request)


@login_required
@require_GET
def suggestion_export(request: HttpRequest) -> HttpResponse:
    """Download the filtered list as an Excel workbook, in the list's order."""
    if not request.user.is_committee_side:
        raise PermissionDenied
    suggestions = selectors.suggestion_list(user=request.user, filters=request.GET)
    filename = f"{_('Suggestion list')}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(export_suggestions(suggestions), as_attachment=True, filename=filename)


# The detail page


def _duplicates(user: User, suggestion: Suggestion) -> list[tuple[Suggestion, float]]:
    if suggestion.status != Status.SUBMITTED or not user.is_committee_side:
        return []
    visible = Suggestion.objects.visible_to(user).select_related("session", "lead_deputy")
    return possible_duplicates(suggestion=suggestion, queryset=visible)


def _staff_forms(user: User, suggestion: Suggestion, bound: dict[str, Any]) -> dict[str, Any]:
    """Return the decision forms the person may use on the suggestion in its present state."""
    status = suggestion.status
    allowed = Suggestion.TRANSITIONS.get(status, set())
    forms: dict[str, Any] = {}

    def offer(name: str, form_class: type, condition: bool) -> None:
        if condition:
            forms[name] = bound.get(name) or form_class(user=user, suggestion=suggestion, prefix=name)

    # Only a suggestion under review is registered; an assigned one may fall back to registered by re-routing.
    offer("register", RegisterForm, status == Status.SUBMITTED and permissions.can_register(user, suggestion))
    offer("reject", RejectForm, Status.NOT_REGISTERED in allowed and permissions.can_reject(user, suggestion))
    offer("assign", AssignForm, Status.ASSIGNED in allowed and permissions.can_assign(user, suggestion))
    offer("prioritize", PrioritizeForm, status in TAKEN_ON_STATUSES and permissions.can_prioritize(user, suggestion))
    publishable = status in (*TAKEN_ON_STATUSES, Status.ARCHIVED)
    offer("publish", PublishForm, publishable and permissions.can_publish(user, suggestion))
    may_close = Status.CLOSED in allowed and permissions.can_close(user, suggestion)
    # Offer only what closing would do: inside the rating window it refuses, and an unsatisfied rating sends the
    # suggestion back to re-handling instead. The page says which, and when.
    if may_close and (standing := close_standing(suggestion, suggestion.answers.all())):
        may_close = False
        forms["close_standing"] = standing
        offer("settle_round", ConfirmForm, standing.lapsed)
    offer("close", CloseForm, may_close)
    offer("revisit", RevisitForm, Status.REVISITED in allowed and permissions.can_revisit(user, suggestion))
    offer("archive", ConfirmForm, Status.ARCHIVED in allowed and permissions.can_archive(user, suggestion))
    if "publish" in forms and not forms["publish"].is_bound:
        forms["publish"].initial = {"public": "false" if suggestion.is_public else "true"}
    if "assign" in forms:
        forms["assign_deadlines"] = assignment_deadlines(policy_for(suggestion.body), timezone.localdate())
    return forms


def _pending_decisions(user: User, suggestion: Suggestion, bound: dict[str, Any]) -> tuple[list, list]:
    """Return (assignment, form) for each re-routing request and (request, form) for each pending extension."""
    reroutes, extensions = [], []
    for assignment in suggestion.assignments.all():
        assignment.suggestion = suggestion
        if assignment.status == Assignment.Status.REROUTE_REQUESTED and permissions.can_decide_reroute(
            user, assignment
        ):
            name = f"reroute-{assignment.pk}"
            reroutes.append((assignment, bound.get(name) or DecideRerouteForm(user=user, prefix=name)))
        for request in assignment.extension_requests.all():
            request.assignment = assignment
            if request.status == ExtensionRequest.Status.PENDING and permissions.can_decide_extension(user, request):
                name = f"extension-{request.pk}"
                extensions.append((request, bound.get(name) or DecideExtensionForm(user=user, prefix=name)))
    return reroutes, extensions


def _unit_actions(user: User, suggestion: Suggestion) -> list:
    """Return the unit workspace's panels for a unit person's own assignments (its forms post to its pages)."""
    if not user.is_unit_side:
        return []
    try:
        from suggestions.views_unit import unit_actions_for
    except ImportError:  # the unit workspace lands on its own
        return []
    return unit_actions_for(user=user, suggestion=suggestion)


def _render_detail(
    request: HttpRequest,
    pk: int,
    *,
    bound: dict[str, Any] | None = None,
    conflict: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    suggestion = selectors.suggestion_get(user=user, pk=pk)
    bound = bound or {}
    today = timezone.localdate()
    reroutes, extensions = _pending_decisions(user, suggestion, bound)
    answers = list(suggestion.answers.all())
    for answer in answers:
        answer.rating_list = list(answer.ratings.all())
        answer.rating_open = answer.rating_due is not None and answer.rating_due >= today
    context = {
        "suggestion": suggestion,
        "badge": STATUS_BADGES.get(suggestion.status, "text-bg-light"),
        "overdue": suggestion.is_overdue(today),
        "today": today,
        "signers": list(suggestion.signers.all()),
        "assignments": list(suggestion.assignments.all()),
        "answers": answers,
        "attachments": list(suggestion.attachments.all()),
        "timeline": selectors.suggestion_timeline(suggestion=suggestion),
        "duplicates": _duplicates(user, suggestion),
        "forms": _staff_forms(user, suggestion, bound),
        "reroutes": reroutes,
        "extensions": extensions,
        "unit_actions": _unit_actions(user, suggestion),
        "conflict": conflict,
        "notice": notice,
        "has_errors": bool(bound),
    }
    # htmx swaps only successful responses; the page says what went wrong either way.
    return render(request, "suggestions/detail.html", context, status=200 if is_htmx(request) else status)


@login_required
@require_GET
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show everything about one suggestion, its timeline, and the decisions the person may take."""
    if (response := _elsewhere(request, pk)) is not None:
        return response
    return _render_detail(request, pk)


def _act(
    request: HttpRequest,
    pk: int,
    *,
    name: str,
    form_class: type,
    allowed: Callable[[User, Suggestion], bool],
    apply: Callable[[Suggestion, dict[str, Any]], str],
) -> HttpResponse:
    """Validate one decision form, apply it through its service and show the suggestion again."""
    suggestion = selectors.suggestion_get(user=request.user, pk=pk)
    if not allowed(request.user, suggestion):
        raise PermissionDenied
    form = form_class(request.POST, user=request.user, suggestion=suggestion, prefix=name)
    if form.is_valid():
        try:
            notice = apply(suggestion, form.cleaned_data)
        except WorkflowError as error:
            return _conflict(request, pk, error)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, pk, notice)
    return _render_detail(request, pk, bound={name: form}, status=400)


def _conflict(request: HttpRequest, pk: int, error: WorkflowError) -> HttpResponse:
    # Only a state that moved under the person was someone else's doing; a rule's refusal says why on its own.
    if isinstance(error, StaleState):
        message = _("Someone else changed this suggestion; here is its current state. %(detail)s") % {"detail": error}
    else:
        message = _("This step was not taken. %(detail)s") % {"detail": error}
    return _render_detail(request, pk, conflict=message, status=409)


def _done(request: HttpRequest, pk: int, notice: str) -> HttpResponse:
    if is_htmx(request):
        return _render_detail(request, pk, notice=notice)
    messages.success(request, notice)
    return redirect("suggestions:detail", pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields it names, the rest on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def suggestion_register(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        done = services.suggestion_register(suggestion_id=suggestion.pk, actor=request.user, category=data["category"])
        return _("Registered as %(reference)s.") % {"reference": done.reference}

    return _act(request, pk, name="register", form_class=RegisterForm, allowed=permissions.can_register, apply=apply)


@login_required
@require_POST
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_reject(
            suggestion_id=suggestion.pk, actor=request.user, reason=data["reason"], note=data["note"]
        )
        return _("Not registered; the deputy has been told why.")

    return _act(request, pk, name="reject", form_class=RejectForm, allowed=permissions.can_reject, apply=apply)


@login_required
@require_POST
def suggestion_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_assign(
            suggestion_id=suggestion.pk,
            lead_unit=data["lead_unit"],
            co_units=data["co_units"],
            parallel_units=data["parallel_units"],
            actor=request.user,
        )
        return _("Assigned to %(unit)s.") % {"unit": data["lead_unit"]}

    return _act(request, pk, name="assign", form_class=AssignForm, allowed=permissions.can_assign, apply=apply)


@login_required
@require_POST
def suggestion_prioritize(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_prioritize(
            suggestion_id=suggestion.pk,
            actor=request.user,
            priority=data["priority"],
            supervising_leader=data["supervising_leader"] if data["priority"] else None,
            note=data["note"],
        )
        return _("Put under priority supervision.") if data["priority"] else _("Priority supervision removed.")

    return _act(
        request, pk, name="prioritize", form_class=PrioritizeForm, allowed=permissions.can_prioritize, apply=apply
    )


@login_required
@require_POST
def suggestion_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_publish(suggestion_id=suggestion.pk, actor=request.user, public=data["public"])
        return _("Published on the public pages.") if data["public"] else _("Taken off the public pages.")

    return _act(request, pk, name="publish", form_class=PublishForm, allowed=permissions.can_publish, apply=apply)


@login_required
@require_POST
def suggestion_close(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_close(suggestion_id=suggestion.pk, actor=request.user, note=data["note"])
        return _("Closed.")

    return _act(request, pk, name="close", form_class=CloseForm, allowed=permissions.can_close, apply=apply)


@login_required
@require_POST
def suggestion_settle_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Send back for re-handling now what the hourly sweep would: a lapsed round with an unsatisfied rating."""

    def apply(suggestion: Suggestion, data: dict) -> str:
        done = services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=request.user)
        return _("Sent back for re-handling, to be answered again by %(date)s.") % {"date": date_format(done.due_date)}

    return _act(request, pk, name="settle_round", form_class=ConfirmForm, allowed=permissions.can_close, apply=apply)


@login_required
@require_POST
def suggestion_revisit(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_revisit(suggestion_id=suggestion.pk, actor=request.user, note=data["note"])
        return _("Revisit recorded.")

    return _act(request, pk, name="revisit", form_class=RevisitForm, allowed=permissions.can_revisit, apply=apply)


@login_required
@require_POST
def suggestion_archive(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(suggestion: Suggestion, data: dict) -> str:
        services.suggestion_archive(suggestion_id=suggestion.pk, actor=request.user)
        return _("Archived.")

    return _act(request, pk, name="archive", form_class=ConfirmForm, allowed=permissions.can_archive, apply=apply)


@login_required
@require_POST
def assignment_decide_reroute(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a unit's request to re-route, optionally naming the unit that takes over."""
    visible = Assignment.objects.visible_to(request.user).select_related("suggestion__body")
    assignment = get_object_or_404(visible, pk=pk)
    name = f"reroute-{assignment.pk}"

    def apply(suggestion: Suggestion, data: dict) -> str:
        approve = data["decision"] == APPROVE
        services.assignment_decide_reroute(
            assignment_id=assignment.pk,
            actor=request.user,
            approve=approve,
            note=data["note"],
            new_unit=data["new_unit"] if approve else None,
        )
        return _("Re-routing approved.") if approve else _("Re-routing refused; the unit keeps the suggestion.")

    return _act(
        request,
        assignment.suggestion_id,
        name=name,
        form_class=DecideRerouteForm,
        allowed=lambda user, _suggestion: permissions.can_decide_reroute(user, assignment),
        apply=apply,
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a unit's request for more time."""
    visible = Assignment.objects.visible_to(request.user)
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("assignment__suggestion__body").filter(assignment__in=visible), pk=pk
    )
    name = f"extension-{extension.pk}"

    def apply(suggestion: Suggestion, data: dict) -> str:
        approve = data["decision"] == APPROVE
        services.extension_decide(request_id=extension.pk, actor=request.user, approve=approve, note=data["note"])
        return _("Extension approved.") if approve else _("Extension refused.")

    return _act(
        request,
        extension.assignment.suggestion_id,
        name=name,
        form_class=DecideExtensionForm,
        allowed=lambda user, _suggestion: permissions.can_decide_extension(user, extension),
        apply=apply,
    )


# Files


def _may_read_files(user: User, suggestion: Suggestion, *, public: bool) -> bool:
    """Committee side and the assigned units read every file; deputies their own suggestions' and published ones."""
    if user.is_committee_side or user.is_unit_side:
        return True
    return public or Signer.objects.filter(suggestion=suggestion, deputy__user=user).exists()


def _stream(field_file, name: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name or PurePosixPath(field_file.name).name)


@login_required
@require_GET
def answer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an answer's reply letter to someone who may see its suggestion."""
    visible = Suggestion.objects.visible_to(request.user)
    answer = get_object_or_404(Answer.objects.select_related("suggestion").filter(suggestion__in=visible), pk=pk)
    if not answer.letter or not _may_read_files(request.user, answer.suggestion, public=answer.is_public):
        raise Http404
    return _stream(answer.letter, answer.letter_name)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a suggestion's attachment to someone who may see the suggestion."""
    visible = Suggestion.objects.visible_to(request.user)
    attachment = get_object_or_404(
        Attachment.objects.select_related("suggestion").filter(suggestion__in=visible), pk=pk
    )
    if not _may_read_files(request.user, attachment.suggestion, public=False):
        raise Http404
    return _stream(attachment.file, attachment.name)


# Entering a paper suggestion


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_create(request: HttpRequest) -> HttpResponse:
    """Enter a suggestion that arrived on paper, on the lead deputy's behalf, and optionally register it."""
    if (response := _elsewhere(request)) is not None:
        return response
    if not _is_office_staff(request.user):
        raise PermissionDenied
    form = SuggestionCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create(
                body=data["lead_deputy"].body,
                lead_deputy=data["lead_deputy"],
                title=data["title"],
                content=data["content"],
                category=data["category"],
                session=data["session"],
                cosigner_ids=[deputy.pk for deputy in data["cosigners"]],
                cosigners_confirmed=data["cosigners_signed"],
                source=Suggestion.Source.STAFF,
                submit=True,
                actor=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied:
            form.add_error("lead_deputy", _("You cannot enter suggestions for this deputy."))
        else:
            notice = _("Suggestion entered and submitted for review.")
            if data["register_now"]:
                try:
                    done = services.suggestion_register(suggestion_id=suggestion.pk, actor=request.user)
                except (WorkflowError, PermissionDenied, ValidationError):
                    notice = _("Suggestion entered, but it could not be registered at once; register it below.")
                else:
                    notice = _("Suggestion entered and registered as %(reference)s.") % {"reference": done.reference}
            messages.success(request, notice)
            return redirect("suggestions:detail", pk=suggestion.pk)
    return render(request, "suggestions/create.html", {"form": form}, status=400 if form.errors else 200)
