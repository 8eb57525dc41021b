"""Closing: the deputy rates, then the suggestion is re-handled, followed up or closed, revisited, archived.

Only the lead deputy (领衔代表) rates, through their own login. Co-signers receive every answer but do not
rate: one rating per answer keeps the satisfaction rate's denominator a count of answers, and a joint
suggestion's signers agree among themselves before their lead deputy rates. No rating is ever assumed: an
answer left unrated past its window is closed by staff as unrated and never counts as satisfied.

With parallel units the deputy may rate one answer unsatisfied and leave another unrated. Once the rating window
has passed, that round is settled as a rated one would be: the unsatisfying units handle it again, the unrated
answers stay unrated. It is never closed, since DOMAIN §2 sends an unsatisfied result back to re-handling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.models import Body, Role, User
from congress.permissions import body_in_scope
from congress.services import record_event
from congress.workflow import WorkflowError, ensure, ensure_transition
from suggestions.deadlines import policy_for, rehandling_due
from suggestions.models import Answer, Assignment, Rating, Suggestion
from suggestions.permissions import (
    can_archive,
    can_close,
    can_prioritize,
    can_publish,
    can_rate,
    can_revisit,
)
from suggestions.services._common import (
    ANSWERING_ROLES,
    deputy_url,
    ensure_status,
    lock_suggestion,
    notify_after_commit,
    require_choice,
    require_text,
    round_answers,
    round_of,
    signer_ids,
    staff_ids,
    staff_url,
    unit_people_ids,
)

FOLLOW_UP_GRADES = (Answer.Grade.B, Answer.Grade.C)
# Priority and publication make sense once the office has taken a suggestion on, until it is archived.
TAKEN_ON_STATUSES = (
    Suggestion.Status.REGISTERED,
    Suggestion.Status.ASSIGNED,
    Suggestion.Status.HANDLING,
    Suggestion.Status.ANSWERED,
    Suggestion.Status.REHANDLING,
    Suggestion.Status.FOLLOW_UP,
    Suggestion.Status.CLOSED,
    Suggestion.Status.REVISITED,
)
# Lapsed rounds are settled this many at a time, each in its own transaction.
SETTLE_BATCH = 200


@transaction.atomic
def suggestion_rate(*, answer_id: int, actor: User, attitude: str, result: str, comment: str = "") -> Rating:
    """Record the lead deputy's own rating; once every answer of the round is rated, decide what follows.

    Any unsatisfied result sends the suggestion back to re-handling with the re-handling deadline; otherwise a
    B or C grade keeps it under follow-up; otherwise it is closed.
    """
    suggestion_id = Answer.objects.values_list("suggestion_id", flat=True).get(pk=answer_id)
    suggestion = lock_suggestion(suggestion_id)
    answer = Answer.objects.select_related("assignment__unit").get(pk=answer_id)
    answer.suggestion = suggestion
    ensure(can_rate(actor, answer))
    ensure_status(suggestion, [Suggestion.Status.ANSWERED], _("This suggestion is not waiting for your rating."))
    answers = round_answers(suggestion)
    if answer.pk not in {a.pk for a in answers}:
        raise WorkflowError(_("This answer has been superseded by a later one; rate the latest answer."))
    if answer.ratings.exists():
        raise WorkflowError(_("This answer has already been rated; a rating cannot be changed."))
    rating = Rating.objects.create(
        answer=answer,
        deputy=suggestion.lead_deputy,
        attitude=require_choice(attitude, Rating.Level, "attitude"),
        result=require_choice(result, Rating.Level, "result"),
        comment=(comment or "").strip(),
        rated_by=actor,
    )
    suggestion.latest_rating = latest_rating_of(suggestion)
    suggestion.save(update_fields=["latest_rating", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="answer_rated",
        data={
            "answer": answer.pk,
            "unit": answer.assignment.unit_id,
            "unit_name": answer.assignment.unit.name,
            "grade": answer.grade,
            "attitude": attitude,
            "result": result,
            "late": answer.rating_due is not None and timezone.localdate() > answer.rating_due,
        },
    )
    ratings = {a.pk: (rating if a.pk == answer.pk else _rating_of(a)) for a in answers}
    if all(ratings.values()):
        _after_round(suggestion, answers, ratings, actor)
    elif (standing := round_standing(answers, timezone.localdate(), ratings)).lapsed:
        # A late rating: the window of the answers still unrated has passed too, so nothing is left to wait for.
        _settle(suggestion, standing, actor=actor)
    return rating


def latest_rating_of(suggestion: Suggestion) -> str | None:
    """Return the result rating of the latest rated answer, the lead deputy's where several rated it.

    This is what Suggestion.latest_rating holds and what the statistics count.
    """
    return (
        Rating.objects.filter(answer__suggestion=suggestion)
        .annotate(not_lead=Case(When(deputy_id=suggestion.lead_deputy_id, then=0), default=1))
        .order_by("-answer__answered_at", "-answer_id", "not_lead", "-rated_at", "-id")
        .values_list("result", flat=True)
        .first()
    )


def _rating_of(answer: Answer) -> Rating | None:
    """Return the answer's rating from its loaded ratings, or None while it is unrated."""
    return next(iter(answer.ratings.all()), None)


@dataclass(frozen=True)
class RoundStanding:
    """Where the deputy's rating of a round stands while it is not fully rated."""

    unsatisfied: list[Answer]
    unrated: list[Answer]
    # The last day the deputy may still rate an unrated answer; None once none may be.
    open_until: dt.date | None

    @property
    def lapsed(self) -> bool:
        """An answer is rated unsatisfied and the others can no longer be rated in time: settle the round now."""
        return bool(self.unsatisfied) and self.open_until is None

    @property
    def closable(self) -> bool:
        """Nothing is rated unsatisfied and the window has passed: the office may close it unrated."""
        return not self.unsatisfied and self.open_until is None

    @property
    def closable_from(self) -> dt.date | None:
        """Return the first day the office may close it unrated if it stays unrated, or None if that never comes."""
        if self.unsatisfied or self.open_until is None:
            return None
        return self.open_until + dt.timedelta(days=1)

    @property
    def unsatisfied_units(self) -> list[str]:
        return [answer.assignment.unit.name for answer in self.unsatisfied]

    @property
    def unrated_units(self) -> list[str]:
        return [answer.assignment.unit.name for answer in self.unrated]


def round_standing(
    answers: list[Answer], today: dt.date, ratings: dict[int, Rating | None] | None = None
) -> RoundStanding:
    """Return what the round's ratings decide so far: the answers rated unsatisfied, the unrated, the window.

    `answers` are the round's (round_of), with their ratings loaded; `ratings` overrides them by answer id (a
    rating just given, not in the loaded ones).
    """
    rated = {a.pk: (ratings[a.pk] if ratings and a.pk in ratings else _rating_of(a)) for a in answers}
    unrated = [a for a in answers if rated[a.pk] is None]
    return RoundStanding(
        unsatisfied=[a for a in answers if rated[a.pk] and rated[a.pk].result == Rating.Level.UNSATISFIED],
        unrated=unrated,
        open_until=max((a.rating_due for a in unrated if a.rating_due and a.rating_due >= today), default=None),
    )


def _after_round(suggestion: Suggestion, answers: list[Answer], ratings: dict, actor: User) -> None:
    unsatisfied = [a for a in answers if ratings[a.pk].result == Rating.Level.UNSATISFIED]
    follow_up = [a for a in answers if a.grade in FOLLOW_UP_GRADES]
    if unsatisfied:
        _send_back(suggestion, unsatisfied, actor=actor)
    elif follow_up:
        # Follow-up has no fixed date: the unit answers again when the matter is solved.
        _reopen(suggestion, follow_up, answer_due=None, status=Suggestion.Status.FOLLOW_UP, actor=actor)
        notify_after_commit(
            unit_people_ids(a.assignment.unit_id for a in follow_up),
            kind="suggestion_follow_up",
            title=_("Under follow-up: answer again when it is solved: %(title)s") % {"title": suggestion.title},
            url=staff_url(suggestion.pk),
        )
    else:
        _close(suggestion, actor=actor, note="", data={"rated": True})


def _send_back(
    suggestion: Suggestion, unsatisfied: list[Answer], *, actor: User | None, data: dict | None = None
) -> None:
    """Reopen handling for the units whose answers were rated unsatisfied, with the re-handling deadline."""
    due = rehandling_due(policy_for(suggestion.body), timezone.localdate())
    _reopen(suggestion, unsatisfied, answer_due=due, status=Suggestion.Status.REHANDLING, actor=actor, data=data)
    notify_after_commit(
        unit_people_ids(a.assignment.unit_id for a in unsatisfied),
        kind="suggestion_rehandling",
        title=_("The deputy is not satisfied; handle it again and answer by %(date)s: %(title)s")
        % {"date": date_format(due), "title": suggestion.title},
        url=staff_url(suggestion.pk),
    )
    notify_after_commit(
        staff_ids(suggestion.body),
        kind="suggestion_rehandling",
        title=_("A deputy rated an answer unsatisfied: %(title)s") % {"title": suggestion.title},
        url=staff_url(suggestion.pk),
    )


def _settle(suggestion: Suggestion, standing: RoundStanding, *, actor: User | None) -> None:
    """Send a lapsed round back for re-handling; the answers left unrated stay so and are recorded as such."""
    _send_back(
        suggestion,
        standing.unsatisfied,
        actor=actor,
        data={
            # Kept unrated, never counted as satisfied: the deputy may still rate them in the next round.
            "unrated_answers": [answer.pk for answer in standing.unrated],
            "unrated_unit_names": standing.unrated_units,
        },
    )


def _reopen(
    suggestion: Suggestion,
    answers: list[Answer],
    *,
    answer_due,
    status: str,
    actor: User | None,
    data: dict | None = None,
) -> None:
    ensure_transition(suggestion, to=status)
    assignment_ids = [a.assignment_id for a in answers]
    for assignment in Assignment.objects.select_for_update().filter(pk__in=assignment_ids):
        ensure_transition(assignment, to=Assignment.Status.ACCEPTED)
    Assignment.objects.filter(pk__in=assignment_ids).update(
        status=Assignment.Status.ACCEPTED, answer_due=answer_due, completed_at=None
    )
    from_state = suggestion.status
    suggestion.status = status
    suggestion.due_date = answer_due
    suggestion.save(update_fields=["status", "due_date", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind=f"suggestion_{status}",
        from_state=from_state,
        to_state=status,
        data={
            "assignments": assignment_ids,
            # The names as they were, for the timeline: a unit renamed later does not rewrite history.
            "unit_names": [answer.assignment.unit.name for answer in answers],
            "answer_due": answer_due.isoformat() if answer_due else None,
            **(data or {}),
        },
    )


def _close(suggestion: Suggestion, *, actor: User, note: str, data: dict) -> None:
    from_state = suggestion.status
    ensure_transition(suggestion, to=Suggestion.Status.CLOSED)
    suggestion.status = Suggestion.Status.CLOSED
    suggestion.closed_at = timezone.now()
    suggestion.due_date = None
    suggestion.save(update_fields=["status", "closed_at", "due_date", "updated_at"])
    # Units kept open for a follow-up answer owe nothing once the office closes the suggestion.
    suggestion.assignments.filter(status=Assignment.Status.ACCEPTED, completed_at__isnull=True).update(
        completed_at=suggestion.closed_at
    )
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_closed",
        from_state=from_state,
        to_state=suggestion.status,
        note=note,
        data=data,
    )
    title = (
        _("Your suggestion is closed without a second answer: %(title)s")
        if data.get("without_second_answer")
        else _("Your suggestion is closed: %(title)s")
    )
    notify_after_commit(
        signer_ids(suggestion, lead_only=True),
        kind="suggestion_closed",
        title=title % {"title": suggestion.title},
        body=note,
        url=deputy_url(suggestion.pk),
    )


def rating_open_until(latest: Iterable[Answer], today: dt.date) -> dt.date | None:
    """Return the last day the deputy may still rate an unrated answer of the round, or None once none may be."""
    return round_standing(list(latest), today).open_until


def awaiting_second_answer(suggestion: Suggestion, answers: Iterable[Answer] | None = None) -> list[Answer]:
    """Return the B or C answers that closing the suggestion now would leave without a second answer.

    A unit answers again when a B or C matter is solved; until it does, its latest answer is still the one that
    graded it so (a first answer or one after re-handling), not a follow-up answer. That holds under follow-up and
    equally for an answered suggestion the office closes unrated once the rating window has passed: the deputy's
    silence solves nothing. While the deputy may still rate, there is nothing the office may close yet.
    `answers` are the suggestion's answers already loaded, oldest first, with their ratings (the detail page's);
    without them the round is read from the database.
    """
    if suggestion.status not in (Suggestion.Status.FOLLOW_UP, Suggestion.Status.ANSWERED):
        return []
    latest = round_answers(suggestion) if answers is None else round_of(answers)
    if suggestion.status == Suggestion.Status.ANSWERED and rating_open_until(latest, timezone.localdate()):
        return []
    return [answer for answer in latest if answer.grade in FOLLOW_UP_GRADES and answer.kind != Answer.Kind.FOLLOW_UP]


def close_standing(suggestion: Suggestion, answers: Iterable[Answer] | None = None) -> RoundStanding | None:
    """Return why the answered suggestion cannot be closed today (the round's standing), or None when nothing stops it.

    Inside the rating window the office must wait; an answer rated unsatisfied sends it back to re-handling instead.
    `answers` are the suggestion's answers already loaded, oldest first, with their ratings (the detail page's).
    """
    if suggestion.status != Suggestion.Status.ANSWERED:
        return None
    latest = round_answers(suggestion) if answers is None else round_of(answers)
    standing = round_standing(latest, timezone.localdate())
    return None if standing.closable else standing


def grades_of(answers: list[Answer]) -> str:
    """Return the answers' grades for a message: "C", or "B、C" when parallel units graded differently."""
    return "、".join(sorted({answer.grade for answer in answers}))


def reason_required_message(awaiting: list[Answer]) -> str:
    """Return what the office is told when it closes before the second answer without saying why."""
    return _(
        "It was answered with grade %(grade)s and no second answer has come since; say why it is closed without one."
    ) % {"grade": grades_of(awaiting)}


@transaction.atomic
def suggestion_close(*, suggestion_id: int, actor: User, note: str = "") -> Suggestion:
    """Close a suggestion under follow-up, or an answered one whose rating window passed without a rating.

    A B or C matter may never be solved within the term, so the office may close it before the second answer,
    whether the deputy rated the answer (under follow-up) or let the rating window pass (closed unrated), but
    never silently: it says why, the deputy receives the reason, and the record keeps that it was so.

    An answer rated unsatisfied is never closed, inside the window or after it: the close is refused and changes
    nothing. After the window the refusal says how it goes back to re-handling instead (suggestion_settle_round).
    """
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.CLOSED)
    ensure(can_close(actor, suggestion))
    note = (note or "").strip()
    latest = round_answers(suggestion)
    data: dict = {"rated": suggestion.status == Suggestion.Status.FOLLOW_UP}
    if suggestion.status == Suggestion.Status.ANSWERED:
        standing = round_standing(latest, timezone.localdate())
        # Checked before the reason: neither an unsatisfied rating nor the open window lets a reason close it.
        if standing.unsatisfied:
            raise WorkflowError(
                lapsed_round_message(standing) if standing.lapsed else unsatisfied_round_message(standing)
            )
        if standing.open_until:
            raise WorkflowError(
                _("The deputy may rate until %(date)s; it can be closed unrated only after that.")
                % {"date": date_format(standing.open_until)}
            )
        # Recorded as unrated: it never counts as satisfied.
        data["unrated_answers"] = [a.pk for a in standing.unrated]
    if awaiting := awaiting_second_answer(suggestion, latest):
        note = require_text(note, "note", reason_required_message(awaiting))
        # The lead unit's grade when it is among them: the one the suggestion carries.
        shown = next((a for a in awaiting if a.assignment.role == Assignment.Role.LEAD), awaiting[0])
        data |= {"without_second_answer": True, "grade": shown.grade, "awaiting_answers": [a.pk for a in awaiting]}
    _close(suggestion, actor=actor, note=note, data=data)
    return suggestion


def unsatisfied_round_message(standing: RoundStanding) -> str:
    """Return why a round with an unsatisfied rating cannot be closed while the deputy may still rate."""
    return _(
        "The deputy rated the answer of %(units)s unsatisfied, so it goes back to re-handling, not to closing: "
        "once the other answers are rated, or after %(date)s if they are not."
    ) % {"units": "、".join(standing.unsatisfied_units), "date": date_format(standing.open_until)}


def lapsed_round_message(standing: RoundStanding) -> str:
    """Return why a lapsed round with an unsatisfied rating cannot be closed, and how it goes back instead."""
    return _(
        "It cannot be closed: the deputy rated the answer of %(units)s unsatisfied, so it goes back to %(units)s "
        "for re-handling. The office may send it back now from the suggestion's page (“Send back for re-handling "
        "now”); otherwise the portal does so within the hour."
    ) % {"units": "、".join(standing.unsatisfied_units)}


@transaction.atomic
def suggestion_settle_round(*, suggestion_id: int, actor: User | None = None) -> Suggestion:
    """Send back for re-handling an answered suggestion whose round lapsed with an answer rated unsatisfied.

    The deputy rated one parallel unit's answer unsatisfied and left another unrated past the rating window: the
    round is decided as if rated, the unsatisfying units handle it again and the unrated answers stay unrated.
    `actor` is the office's person who asked, or None for the portal's own hourly sweep.
    """
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.REHANDLING)
    if actor is not None:
        # The office that would otherwise close it.
        ensure(can_close(actor, suggestion))
    standing = round_standing(round_answers(suggestion), timezone.localdate())
    if not standing.unsatisfied:
        raise WorkflowError(_("No answer of this round is rated unsatisfied: there is nothing to send back."))
    if standing.open_until:
        raise WorkflowError(unsatisfied_round_message(standing))
    _settle(suggestion, standing, actor=actor)
    return suggestion


def lapsed_rounds(today: dt.date) -> QuerySet[Suggestion]:
    """Return the answered suggestions whose round has an answer rated unsatisfied and none left to rate in time.

    Exactly what suggestion_settle_round settles, found in one query rather than by reading each round.
    """
    superseded = Answer.objects.filter(assignment_id=OuterRef("answer__assignment_id")).filter(
        Q(answered_at__gt=OuterRef("answer__answered_at"))
        | Q(answered_at=OuterRef("answer__answered_at"), pk__gt=OuterRef("answer_id"))
    )
    # On the round's answers only (round_of): a unit's latest, answering and not re-routed away.
    unsatisfied = (
        Rating.objects.filter(
            answer__suggestion_id=OuterRef("pk"),
            result=Rating.Level.UNSATISFIED,
            answer__assignment__role__in=ANSWERING_ROLES,
        )
        .exclude(answer__assignment__status=Assignment.Status.WITHDRAWN)
        .filter(~Exists(superseded))
    )
    # Every answer yet unrated is its unit's latest: an answer is superseded only once its round was decided or
    # settled, when it had been rated (or reopened for being rated unsatisfied).
    still_open = Answer.objects.filter(suggestion_id=OuterRef("pk"), rating_due__gte=today, ratings__isnull=True)
    # Body by body, so the worklist index (body, status, due_date) finds the few among a province's suggestions;
    # an answered suggestion's due date is its rating window's last day.
    return Suggestion.objects.filter(
        Q(due_date__lt=today) | Q(due_date__isnull=True),
        body_id__in=list(Body.objects.values_list("pk", flat=True)),
        status=Suggestion.Status.ANSWERED,
    ).filter(Exists(unsatisfied), ~Exists(still_open))


def suggestions_settle_lapsed_rounds(*, batch: int = SETTLE_BATCH) -> int:
    """Settle every lapsed round with an unsatisfied rating (suggestion_settle_round); return how many were settled.

    Beat runs it hourly. What is due is read from the database each time, so a missed run is caught up by the next
    and a second run finds nothing left; a round rated or closed meanwhile is skipped.
    """
    candidates = lapsed_rounds(timezone.localdate()).order_by("pk").values_list("pk", flat=True)
    settled, after = 0, 0
    while True:
        ids = list(candidates.filter(pk__gt=after)[:batch])
        for pk in ids:
            try:
                suggestion_settle_round(suggestion_id=pk)
            except WorkflowError:
                continue
            settled += 1
        if len(ids) < batch:
            return settled
        after = ids[-1]


@transaction.atomic
def suggestion_revisit(*, suggestion_id: int, actor: User, note: str) -> Suggestion:
    """Record the office's revisit (回访) of the deputy after closing."""
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.REVISITED)
    ensure(can_revisit(actor, suggestion))
    note = require_text(note, "note", _("Say what the deputy said at the revisit."))
    suggestion.status = Suggestion.Status.REVISITED
    suggestion.save(update_fields=["status", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_revisited",
        from_state=Suggestion.Status.CLOSED,
        to_state=suggestion.status,
        note=note,
    )
    return suggestion


@transaction.atomic
def suggestion_archive(*, suggestion_id: int, actor: User) -> Suggestion:
    """Archive a closed, revisited or unregistered suggestion; nothing changes it afterwards."""
    suggestion = lock_suggestion(suggestion_id)
    ensure_transition(suggestion, to=Suggestion.Status.ARCHIVED)
    ensure(can_archive(actor, suggestion))
    from_state = suggestion.status
    suggestion.status = Suggestion.Status.ARCHIVED
    suggestion.due_date = None
    suggestion.save(update_fields=["status", "due_date", "updated_at"])
    record_event(suggestion, actor=actor, kind="suggestion_archived", from_state=from_state, to_state=suggestion.status)
    return suggestion


@transaction.atomic
def suggestion_prioritize(
    *, suggestion_id: int, actor: User, supervising_leader: User | None, note: str = "", priority: bool = True
) -> Suggestion:
    """Put the suggestion under priority supervision (重点督办) with its supervising leader, or take it off."""
    suggestion = lock_suggestion(suggestion_id)
    ensure(can_prioritize(actor, suggestion))
    ensure_status(
        suggestion, TAKEN_ON_STATUSES, _("Only a registered suggestion that is not archived can be supervised.")
    )
    if priority and not (
        supervising_leader is not None
        and supervising_leader.is_active
        and supervising_leader.has_role(Role.LEADER)
        and body_in_scope(supervising_leader, suggestion.body)
    ):
        raise ValidationError({"supervising_leader": _("Choose one of this congress's leaders.")})
    if priority == suggestion.is_priority and (
        not priority or supervising_leader.pk == suggestion.supervising_leader_id
    ):
        return suggestion
    suggestion.is_priority = priority
    suggestion.supervising_leader = supervising_leader if priority else None
    suggestion.save(update_fields=["is_priority", "supervising_leader", "updated_at"])
    record_event(
        suggestion,
        actor=actor,
        kind="suggestion_prioritized" if priority else "suggestion_priority_removed",
        note=note,
        data={"supervising_leader": supervising_leader.pk if priority else None},
    )
    if priority:
        recipients = [supervising_leader.pk, *unit_people_ids(suggestion.assignments.values_list("unit_id", flat=True))]
        notify_after_commit(
            recipients,
            kind="suggestion_prioritized",
            title=_("Under priority supervision: %(title)s") % {"title": suggestion.title},
            body=note,
            url=staff_url(suggestion.pk),
        )
    return suggestion


@transaction.atomic
def suggestion_publish(*, suggestion_id: int, actor: User, public: bool = True) -> Suggestion:
    """Publish the suggestion and its progress to the public pages, or take it down."""
    suggestion = lock_suggestion(suggestion_id)
    ensure(can_publish(actor, suggestion))
    ensure_status(
        suggestion,
        [*TAKEN_ON_STATUSES, Suggestion.Status.ARCHIVED],
        _("Only a registered suggestion can be published."),
    )
    if suggestion.is_public == public:
        return suggestion
    suggestion.is_public = public
    suggestion.save(update_fields=["is_public", "updated_at"])
    record_event(suggestion, actor=actor, kind="suggestion_published" if public else "suggestion_unpublished")
    return suggestion
