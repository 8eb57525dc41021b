"""The deputy's own suggestions on a phone: list, draft and submit, co-sign, withdraw, read answers, rate.

Thin pages over `suggestions.services`: each POST calls one service (or, for a draft with photos, the
create/update, attach and submit services in one transaction) and shows its refusal in plain words.
Office staff and unit people who land here are sent to the staff pages, where they work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress.views.htmx import is_htmx
from congress.workflow import WorkflowError
from suggestions import services
from suggestions.deadlines import policy_for
from suggestions.forms_mobile import RatingForm, SuggestionDraftForm, WithdrawForm
from suggestions.models import Answer, Assignment, Rating, Signer, Suggestion
from suggestions.permissions import can_cosign, can_edit_draft, can_rate, can_submit, can_withdraw
from suggestions.selectors_mobile import (
    cosigner_candidates,
    cosigners_by_ids,
    deputy_of,
    my_answer_get,
    my_suggestion_get,
    my_suggestions,
    progress_steps,
)
from suggestions.services.intake import COSIGNABLE_STATUSES

Status = Suggestion.Status
# What each grade means for the deputy, beside its label. Lazy: a plain gettext here ran once at import, in
# whatever language was active then, and the meaning stayed Chinese for a deputy who chose English.
GRADE_MEANINGS = {
    Answer.Grade.A: gettext_lazy("The matter is solved or mostly solved."),
    Answer.Grade.B: gettext_lazy("The matter is being solved or is in a plan; the unit answers again when it is done."),
    Answer.Grade.C: gettext_lazy(
        "The matter waits for conditions to allow it; the unit keeps it in view and answers again."
    ),
    Answer.Grade.D: gettext_lazy("The suggestion is kept for reference in the unit's future work."),
}
STATUS_TONES = {
    Status.DRAFT: "secondary",
    Status.SUBMITTED: "secondary",
    Status.REGISTERED: "secondary",
    Status.ASSIGNED: "warning",
    Status.HANDLING: "warning",
    Status.REHANDLING: "warning",
    Status.ANSWERED: "info",
    Status.FOLLOW_UP: "info",
    Status.CLOSED: "success",
    Status.REVISITED: "success",
    Status.ARCHIVED: "success",
    Status.WITHDRAWN: "light",
    Status.NOT_REGISTERED: "light",
}


def _staff_url(pk: int | None = None) -> str:
    """Return the staff page for the same suggestion, or the staff list."""
    return reverse("suggestions:detail", args=[pk]) if pk else reverse("suggestions:list")


def deputy_page(view: Callable | None = None, *, suggestion_in_url: bool = True) -> Callable:
    """Let deputies with a linked roster record in; send anyone else to the staff pages where they work.

    With `suggestion_in_url`, a `pk` in the URL is a suggestion's and staff land on its staff page.
    """

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_deputy:
                messages.info(request, _("These pages are for deputies; here are the office's suggestion pages."))
                return redirect(_staff_url(kwargs.get("pk") if suggestion_in_url else None))
            deputy = deputy_of(request.user)
            if deputy is None:
                return render(request, "mobile/suggestions/no_deputy.html", status=403)
            request.deputy = deputy
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def _suggestion_or_404(request: HttpRequest, pk: int) -> Suggestion:
    try:
        return my_suggestion_get(user=request.user, deputy=request.deputy, pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def _detail(pk: int) -> HttpResponse:
    return redirect("suggestions_mobile:detail", pk=pk)


def _refused(request: HttpRequest, error: Exception, pk: int) -> HttpResponse:
    """Tell the deputy why a step was refused and return to the suggestion; nothing was changed."""
    if isinstance(error, PermissionDenied):
        messages.error(request, _("You cannot do this on this suggestion."))
    else:
        messages.error(request, str(error) if isinstance(error, WorkflowError) else " ".join(error.messages))
    return _detail(pk)


@deputy_page(suggestion_in_url=False)
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """Show my suggestions grouped by what I can do with them."""
    groups = my_suggestions(user=request.user, deputy=request.deputy)
    for group in (groups.drafts, groups.invitations, groups.to_rate, groups.in_progress, groups.finished):
        for item in group:
            item.status_tone = STATUS_TONES.get(item.status, "secondary")
    return render(request, "mobile/suggestions/list.html", {"groups": groups})


def _rateable(suggestion: Suggestion) -> set[int]:
    """Return the answers of the current round still waiting for the lead deputy's rating."""
    if suggestion.status != Status.ANSWERED:
        return set()
    latest: dict[int, Answer] = {}
    for answer in suggestion.answers.all():
        if answer.assignment.answers_for_itself and answer.assignment.status != Assignment.Status.WITHDRAWN:
            latest[answer.assignment_id] = answer
    return {answer.pk for answer in latest.values() if not answer.ratings.all()}


@deputy_page
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show my suggestion: text, signers, progress in plain words, answers, and what I may do next."""
    suggestion = _suggestion_or_404(request, pk)
    user = request.user
    signers = list(suggestion.signers.all())
    my_signer = next((s for s in signers if s.deputy_id == request.deputy.pk), None)
    rateable = _rateable(suggestion)
    answers = list(suggestion.answers.all())
    for answer in answers:
        answer.meaning = GRADE_MEANINGS.get(answer.grade, "")
        answer.can_rate = answer.pk in rateable and can_rate(user, answer)
        answer.rating = next(iter(answer.ratings.all()), None)
    suggestion.status_tone = STATUS_TONES.get(suggestion.status, "secondary")
    context = {
        "suggestion": suggestion,
        "signers": signers,
        "units": list(suggestion.assignments.all()),
        "answers": answers,
        "steps": progress_steps(suggestion),
        "answer_due": suggestion.due_date if suggestion.status in Suggestion.OPEN_STATUSES else None,
        "is_lead": my_signer is not None and my_signer.role == Signer.Role.LEAD,
        "can_edit": suggestion.status == Status.DRAFT and can_edit_draft(user, suggestion),
        "can_submit": suggestion.status == Status.DRAFT and can_submit(user, suggestion),
        "can_cosign": my_signer is not None
        and my_signer.confirmed_at is None
        and suggestion.status in COSIGNABLE_STATUSES
        and can_cosign(user, my_signer),
        "can_withdraw": Status.WITHDRAWN in Suggestion.TRANSITIONS[suggestion.status]
        and can_withdraw(user, suggestion),
    }
    return render(request, "mobile/suggestions/detail.html", context)


def _draft_context(request: HttpRequest, form: SuggestionDraftForm, suggestion: Suggestion | None) -> dict:
    picked_ids = set(form.picked_cosigner_ids())
    query = form.data.get("cosigner_query", "") if form.is_bound else ""
    return {
        "form": form,
        "suggestion": suggestion,
        "picked": cosigners_by_ids(deputy=request.deputy, ids=picked_ids),
        "found": cosigner_candidates(deputy=request.deputy, text=query, exclude=picked_ids),
        "searched": bool(query.strip()),
        "attachments": list(suggestion.attachments.all()) if suggestion else [],
    }


def _save_draft(request: HttpRequest, form: SuggestionDraftForm, suggestion: Suggestion | None) -> Suggestion:
    """Create or update the draft, attach the photos and, when asked, submit: all of it or none of it."""
    fields = form.service_fields()
    with transaction.atomic():
        if suggestion is None:
            suggestion = services.suggestion_create(
                body=request.deputy.body, lead_deputy=request.deputy, actor=request.user, **fields
            )
        else:
            suggestion = services.suggestion_update_draft(suggestion_id=suggestion.pk, actor=request.user, **fields)
        for upload in form.cleaned_data["attachments"]:
            services.suggestion_attach(suggestion_id=suggestion.pk, actor=request.user, file=upload)
        if "submit" in request.POST:
            services.suggestion_submit(suggestion_id=suggestion.pk, actor=request.user)
    return suggestion


def _draft_page(request: HttpRequest, suggestion: Suggestion | None) -> HttpResponse:
    initial = {}
    if suggestion is not None:
        initial = {
            "title": suggestion.title,
            "content": suggestion.content,
            "category": suggestion.category,
            "session": suggestion.session,
            "cosigners": [s.deputy for s in suggestion.signers.all() if s.role == Signer.Role.CO],
        }
    if request.method != "POST":
        form = SuggestionDraftForm(deputy=request.deputy, initial=initial)
        return render(request, "mobile/suggestions/form.html", _draft_context(request, form, suggestion))
    form = SuggestionDraftForm(request.POST, request.FILES, deputy=request.deputy, initial=initial)
    # The search button (the no-JavaScript fallback of the co-signer search) only redraws the form.
    if "search" not in request.POST and form.is_valid():
        try:
            saved = _save_draft(request, form, suggestion)
        except ValidationError as error:
            _add_service_errors(form, error)
        except (WorkflowError, PermissionDenied) as error:
            return _refused(request, error, suggestion.pk) if suggestion else _refused_new(request, error)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Your suggestion was sent to the office for review."))
            else:
                messages.success(request, _("Your draft was saved. It is sent only when you submit it."))
            return _detail(saved.pk)
    return render(request, "mobile/suggestions/form.html", _draft_context(request, form, suggestion))


def _refused_new(request: HttpRequest, error: Exception) -> HttpResponse:
    messages.error(request, str(error) if isinstance(error, WorkflowError) else _("You cannot file this suggestion."))
    return redirect("suggestions_mobile:list")


def _add_service_errors(form: SuggestionDraftForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        target = {"cosigner_ids": "cosigners", "file": "attachments"}.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


@deputy_page(suggestion_in_url=False)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Write a new suggestion: save it as a draft or send it at once."""
    return _draft_page(request, None)


@deputy_page
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change my draft, add photos, save it or send it."""
    suggestion = _suggestion_or_404(request, pk)
    if not can_edit_draft(request.user, suggestion):
        raise Http404
    if suggestion.status != Status.DRAFT:
        messages.info(request, _("This suggestion has been sent and can no longer be edited."))
        return _detail(pk)
    return _draft_page(request, suggestion)


@deputy_page(suggestion_in_url=False)
@require_GET
def cosigner_search(request: HttpRequest) -> HttpResponse:
    """Return the deputies matching the search box, as tick boxes for the draft form (htmx)."""
    if not is_htmx(request):
        return redirect("suggestions_mobile:create")
    picked = {int(pk) for pk in request.GET.getlist("cosigners") if pk.isdigit()}
    text = request.GET.get("cosigner_query", "")
    context = {
        "picked": cosigners_by_ids(deputy=request.deputy, ids=picked),
        "found": cosigner_candidates(deputy=request.deputy, text=text, exclude=picked),
        "searched": bool(text.strip()),
    }
    return render(request, "mobile/suggestions/partials/_cosigner_results.html", context)


@deputy_page
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send my draft to the office."""
    suggestion = _suggestion_or_404(request, pk)
    try:
        services.suggestion_submit(suggestion_id=suggestion.pk, actor=request.user)
    except (WorkflowError, PermissionDenied, ValidationError) as error:
        return _refused(request, error, pk)
    messages.success(request, _("Your suggestion was sent to the office for review."))
    return _detail(pk)


@deputy_page
@require_POST
def cosign(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm that I co-sign a colleague's suggestion."""
    suggestion = _suggestion_or_404(request, pk)
    try:
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=request.user)
    except (WorkflowError, PermissionDenied) as error:
        return _refused(request, error, pk)
    messages.success(request, _("You have co-signed this suggestion."))
    return _detail(pk)


@deputy_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before withdrawing my suggestion, then withdraw it."""
    suggestion = _suggestion_or_404(request, pk)
    if not can_withdraw(request.user, suggestion):
        raise PermissionDenied
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_withdraw(suggestion_id=pk, actor=request.user, note=form.cleaned_data["note"])
        except (WorkflowError, PermissionDenied) as error:
            return _refused(request, error, pk)
        messages.success(request, _("Your suggestion was withdrawn."))
        return _detail(pk)
    if Status.WITHDRAWN not in Suggestion.TRANSITIONS[suggestion.status]:
        messages.error(request, _("This suggestion has already been assigned and can no longer be withdrawn."))
        return _detail(pk)
    return render(request, "mobile/suggestions/withdraw.html", {"suggestion": suggestion, "form": form})


@deputy_page(suggestion_in_url=False)
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate one answer in two steps: choose, then confirm, because a rating cannot be changed."""
    try:
        answer = my_answer_get(user=request.user, deputy=request.deputy, pk=pk)
    except Answer.DoesNotExist:
        raise Http404 from None
    suggestion = answer.suggestion
    if not can_rate(request.user, answer):
        raise PermissionDenied
    if answer.ratings.all():
        messages.error(request, _("This answer has already been rated; a rating cannot be changed."))
        return _detail(suggestion.pk)
    if suggestion.status != Status.ANSWERED:
        messages.error(request, _("This suggestion is not waiting for your rating."))
        return _detail(suggestion.pk)
    form = RatingForm(request.POST if request.method == "POST" else None)
    context = {
        "answer": answer,
        "suggestion": suggestion,
        "form": form,
        "meaning": GRADE_MEANINGS.get(answer.grade, ""),
        "rehandle_months": policy_for(suggestion.body).rehandle_months,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "confirm" not in request.POST or "change" in request.POST:
            context["confirming"] = "change" not in request.POST
            # Only an unsatisfied result reopens handling (suggestion_rate); an attitude rating alone does not.
            context["unsatisfied"] = data["result"] == Rating.Level.UNSATISFIED
            labels = dict(Rating.Level.choices)
            context["chosen"] = {"attitude": labels[data["attitude"]], "result": labels[data["result"]]}
            return render(request, "mobile/suggestions/rate.html", context)
        try:
            rating = services.suggestion_rate(
                answer_id=answer.pk,
                actor=request.user,
                attitude=data["attitude"],
                result=data["result"],
                comment=data["comment"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except (WorkflowError, PermissionDenied) as error:
            return _refused(request, error, suggestion.pk)
        else:
            messages.success(request, _rated_message(rating))
            return _detail(suggestion.pk)
    return render(request, "mobile/suggestions/rate.html", context)


def _rated_message(rating: Rating) -> str:
    suggestion = Suggestion.objects.only("status", "due_date").get(pk=rating.answer.suggestion_id)
    if suggestion.status == Status.REHANDLING and suggestion.due_date:
        return _("Thank you. The unit will handle it again and answer by %(date)s.") % {
            "date": date_format(suggestion.due_date)
        }
    return _("Thank you; your rating was recorded.")
