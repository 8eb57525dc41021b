"""Pages of the handling units' workspace: the unit's to-do list and its action forms on one assignment.

Each action is a small page (GET shows the form, POST calls one service) and also appears in the staff detail
page through `unit_actions_for`, whose forms post to the same pages. The services decide; a view only turns
PermissionDenied into 403, WorkflowError into a conflict message (409) and ValidationError into form errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from congress.workflow import WorkflowError
from suggestions import permissions, services
from suggestions.forms_unit import (
    AcceptForm,
    AnswerForm,
    AssignmentForm,
    ContactForm,
    CoOpinionForm,
    ExtensionForm,
    RerouteForm,
)
from suggestions.models import Answer, Assignment, Suggestion
from suggestions.selectors_unit import (
    Kind,
    Show,
    is_unit_head,
    is_unit_person,
    unit_assignment_get,
    unit_assignments_of,
    unit_done_list,
    unit_head_summary,
    unit_todo_counts,
    unit_todo_list,
)

if TYPE_CHECKING:
    from congress.models import User

PER_PAGE = 50
AStatus = Assignment.Status
ANSWERABLE = (Suggestion.Status.HANDLING, Suggestion.Status.REHANDLING, Suggestion.Status.FOLLOW_UP)
CONTACT_STATUSES = (AStatus.ACCEPTED, AStatus.OPINION_SENT, AStatus.ANSWERED)


# The to-do list


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """List what the unit owes, soonest due first, with the counts per kind and the filter."""
    user = request.user
    if not is_unit_person(user):
        raise PermissionDenied
    show = request.GET.get("show", Show.ALL)
    if show not in Show.LABELS:
        show = Show.ALL
    today = timezone.localdate()
    counts = unit_todo_counts(user=user, today=today)
    queryset = unit_done_list(user=user) if show == Show.DONE else unit_todo_list(user=user, show=show, today=today)
    paginator = Paginator(queryset, PER_PAGE)
    # The counts above already hold the size of the list shown: no second COUNT over the unit's rows.
    paginator.__dict__["count"] = counts.for_show(show)
    page = paginator.get_page(request.GET.get("page"))
    summary = None
    if is_unit_head(user) and counts.overdue:
        summary = unit_head_summary(user=user, counts=counts, today=today)
    context = {
        "unit": user.unit,
        "show": show,
        "tabs": [
            {"key": key, "label": label, "count": counts.for_show(key), "active": key == show}
            for key, label in Show.LABELS.items()
        ],
        "kind_counts": [
            {
                "kind": kind,
                "label": Kind.LABELS[kind],
                "count": counts.by_kind[kind],
                "overdue": counts.overdue_by_kind.get(kind, 0),
            }
            for kind in Kind.ORDER
        ],
        "counts": counts,
        "page": page,
        "summary": summary,
        "today": today,
    }
    return render(request, "suggestions/unit/todo.html", context)


# The actions on one assignment


@dataclass(frozen=True)
class Action:
    """One step a unit takes on its assignment: its form, who may take it, when it is open, and its service."""

    name: str
    title: str
    submit: str
    done: str
    icon: str
    form_class: type[AssignmentForm]
    allowed: Callable[[User, Assignment], bool]
    perform: Callable[[Assignment, User, dict], object]
    multipart: bool = False


def _accept(assignment: Assignment, actor: User, data: dict) -> object:
    return services.assignment_accept(assignment_id=assignment.pk, actor=actor)


def _reroute(assignment: Assignment, actor: User, data: dict) -> object:
    return services.assignment_request_reroute(assignment_id=assignment.pk, actor=actor, reason=data["reason"])


def _contact(assignment: Assignment, actor: User, data: dict) -> object:
    return services.contact_log(assignment_id=assignment.pk, actor=actor, **data)


def _co_opinion(assignment: Assignment, actor: User, data: dict) -> object:
    return services.co_opinion_send(assignment_id=assignment.pk, actor=actor, text=data["text"])


def _extension(assignment: Assignment, actor: User, data: dict) -> object:
    return services.extension_request(
        assignment_id=assignment.pk, actor=actor, reason=data["reason"], requested_until=data["requested_until"]
    )


def _answer(assignment: Assignment, actor: User, data: dict) -> object:
    return services.suggestion_answer(assignment_id=assignment.pk, actor=actor, **data)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            name="accept",
            title=gettext_lazy("Accept the suggestion"),
            submit=gettext_lazy("Accept"),
            done=gettext_lazy("Your unit has accepted the suggestion."),
            icon="bi-check2-circle",
            form_class=AcceptForm,
            allowed=permissions.can_accept,
            perform=_accept,
        ),
        Action(
            name="reroute",
            title=gettext_lazy("Ask to re-route"),
            submit=gettext_lazy("Send the request"),
            done=gettext_lazy("Your request to re-route was sent to the office."),
            icon="bi-signpost-split",
            form_class=RerouteForm,
            allowed=permissions.can_request_reroute,
            perform=_reroute,
        ),
        Action(
            name="contact",
            title=gettext_lazy("Log a contact with the deputy"),
            submit=gettext_lazy("Save the contact"),
            done=gettext_lazy("The contact with the deputy was logged."),
            icon="bi-telephone",
            form_class=ContactForm,
            allowed=permissions.can_log_contact,
            perform=_contact,
        ),
        Action(
            name="co_opinion",
            title=gettext_lazy("Send the co-handling opinion"),
            submit=gettext_lazy("Send to the lead unit"),
            done=gettext_lazy("Your opinion was sent to the lead unit."),
            icon="bi-send",
            form_class=CoOpinionForm,
            allowed=permissions.can_send_co_opinion,
            perform=_co_opinion,
        ),
        Action(
            name="extension",
            title=gettext_lazy("Ask for more time"),
            submit=gettext_lazy("Send the request"),
            done=gettext_lazy("Your extension request was sent to the office."),
            icon="bi-calendar-plus",
            form_class=ExtensionForm,
            allowed=permissions.can_request_extension,
            perform=_extension,
        ),
        Action(
            name="answer",
            title=gettext_lazy("Answer the deputy"),
            submit=gettext_lazy("Send the answer"),
            done=gettext_lazy("Your answer was recorded and sent to the deputy."),
            icon="bi-envelope-paper",
            form_class=AnswerForm,
            allowed=permissions.can_answer,
            perform=_answer,
            multipart=True,
        ),
    ]
}


def closed_reason(action: Action, assignment: Assignment, today=None) -> str:
    """Say why the step cannot be taken now, or return "" when it can; the service still has the last word."""
    today = today or timezone.localdate()
    suggestion = assignment.suggestion
    if action.name == "accept":
        return "" if assignment.status == AStatus.ASSIGNED else _("Your unit has already accepted or passed on this.")
    if action.name == "reroute":
        if assignment.status == AStatus.REROUTE_REQUESTED:
            return _("Your request to re-route is waiting for the office's decision.")
        if assignment.status != AStatus.ASSIGNED:
            return _("Re-routing can be asked for only before accepting.")
        if today > assignment.reroute_deadline:
            return _(
                "The re-routing window closed on %(date)s; the assignment is now locked and your unit must handle it."
            ) % {"date": date_format(assignment.reroute_deadline)}
        return ""
    if action.name == "contact":
        if suggestion.status == Suggestion.Status.ARCHIVED:
            return _("This suggestion is archived; no more contacts can be logged on it.")
        return "" if assignment.status in CONTACT_STATUSES else _("Accept the suggestion before logging contacts.")
    if action.name == "co_opinion":
        return "" if assignment.status == AStatus.ACCEPTED else _("There is no opinion to send now.")
    if action.name == "extension":
        if getattr(assignment, "extension_pending", False):
            return _("An extension request for this suggestion is already waiting for a decision.")
        if assignment.status != AStatus.ACCEPTED or suggestion.status != Suggestion.Status.HANDLING:
            return _("An extension can be asked for only before the first answer.")
        return ""
    if action.name == "answer":
        if assignment.status != AStatus.ACCEPTED or suggestion.status not in ANSWERABLE:
            return _("This suggestion is not waiting for an answer from your unit.")
        return ""
    return ""


def _assignment(request: HttpRequest, pk: int, action: Action) -> Assignment:
    try:
        assignment = unit_assignment_get(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    if not action.allowed(request.user, assignment):
        raise PermissionDenied
    return assignment


def _detail_url(assignment: Assignment) -> str:
    return reverse("suggestions:detail", args=[assignment.suggestion_id])


@login_required
@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, pk: int, action_name: str) -> HttpResponse:
    """Show one action's form on the assignment, or take the step through its service."""
    action = ACTIONS[action_name]
    assignment = _assignment(request, pk, action)
    # Bound on every POST, even an empty one: accepting sends no field at all.
    posted = request.method == "POST"
    form = action.form_class(request.POST if posted else None, request.FILES if posted else None, assignment=assignment)
    conflict = ""
    status = 200
    if posted and form.is_valid():
        try:
            action.perform(assignment, request.user, form.cleaned_data)
        except WorkflowError as error:
            conflict, status = str(error), 409
            # Someone may have just moved it on: say where it stands now rather than offer the form again.
            assignment = _assignment(request, pk, action)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, action.done)
            return redirect(_detail_url(assignment))
    context = {
        "action": action,
        "assignment": assignment,
        "suggestion": assignment.suggestion,
        "form": form,
        "conflict": conflict,
        "closed_reason": "" if posted and not conflict else closed_reason(action, assignment),
        "detail_url": _detail_url(assignment),
        "action_url": reverse(f"suggestion_unit:{action.name}", args=[assignment.pk]),
        **(_answer_context(assignment) if action.name == "answer" else {}),
    }
    return render(request, "suggestions/unit/action.html", context, status=status)


def _answer_context(assignment: Assignment) -> dict:
    """Return what the unit answers on: the co-handling units' opinions (for the lead) and the deputy's last rating."""
    co_assignments = []
    if assignment.role == Assignment.Role.LEAD:
        co_assignments = list(
            assignment.suggestion.assignments.filter(role=Assignment.Role.CO)
            .exclude(status=AStatus.WITHDRAWN)
            .select_related("unit", "co_opinion")
            .order_by("pk")
        )
    last_answer = (
        Answer.objects.filter(assignment=assignment).prefetch_related("ratings").order_by("-answered_at", "-pk").first()
    )
    return {
        "co_assignments": co_assignments,
        "last_answer": last_answer,
        "last_ratings": list(last_answer.ratings.all()) if last_answer else [],
    }


def _add_errors(form: AssignmentForm, error: ValidationError) -> None:
    """Put a service's errors on the form's fields when it names one of them, on the whole form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def action_view(action_name: str) -> Callable[..., HttpResponse]:
    """Return the view of one action, for the URL map."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return act(request, pk, action_name)

    view.__name__ = view.__qualname__ = f"unit_{action_name}"
    view.__doc__ = f"Take the {action_name} step on an assignment."
    return view


# The panel on the staff detail page


@dataclass
class ActionEntry:
    action: Action
    url: str
    form: AssignmentForm | None
    closed_reason: str = ""


@dataclass
class UnitPanel:
    """The user's own unit's part in a suggestion, with the steps it may take now."""

    assignment: Assignment
    actions: list[ActionEntry] = field(default_factory=list)
    closed: list[ActionEntry] = field(default_factory=list)


def unit_actions_for(*, user: User, suggestion: Suggestion) -> list[UnitPanel]:
    """Build, for the detail page, each of the user's unit's assignments of the suggestion with its open forms."""
    panels = []
    today = timezone.localdate()
    for assignment in unit_assignments_of(user=user, suggestion=suggestion):
        panel = UnitPanel(assignment=assignment)
        for action in ACTIONS.values():
            if not action.allowed(user, assignment):
                continue
            url = reverse(f"suggestion_unit:{action.name}", args=[assignment.pk])
            reason = closed_reason(action, assignment, today)
            if reason:
                # Only the lock of the re-routing window is worth saying; other closed steps are simply absent.
                if action.name == "reroute" and assignment.status == AStatus.ASSIGNED:
                    panel.closed.append(ActionEntry(action, url, None, reason))
                continue
            panel.actions.append(ActionEntry(action, url, action.form_class(assignment=assignment)))
        panels.append(panel)
    return panels
