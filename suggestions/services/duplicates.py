"""Search once for the possible duplicates of a submitted suggestion, and keep what is found.

A submitted suggestion's title and content no longer change, and the office reads its possible duplicates while
it reviews it: so they are looked for once, by a worker right after the submission commits, not on every reading
of its page (ranking two years of a large county's titles takes a tenth of a second). Each search also adds the
new suggestion to the kept results of the earlier ones it resembles, so what a search keeps stays what a fresh
search would find. Beat searches for the submitted suggestions a worker has not searched yet (the broker was
down, or they predate this), and until then the detail page searches itself (`search.possible_duplicates`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from congress.models import Body
from suggestions.models import DuplicateSearch, PossibleDuplicate, Suggestion
from suggestions.search import (
    DUPLICATE_YEARS,
    MIN_DUPLICATE_SCORE,
    duplicate_candidates,
    scored_similar,
    similarity,
)

logger = logging.getLogger(__name__)

# How many of a search's best matches are kept; the detail page shows five of them.
KEPT = 10
# How many not yet searched submitted suggestions one run of beat's sweep searches.
SWEEP_BATCH = 200
# As the reminders hand work to the broker: one quick retry, then leave it to beat's sweep.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
TEXT_COLUMNS = ("body_id", "year", "title", "content")


def suggestions_search_duplicates(*, suggestion_ids: Iterable[int]) -> int:
    """Search and keep the possible duplicates of each of these suggestions; return how many were searched.

    Safe to run twice: a second search of a suggestion updates what the first kept. Drafts are skipped.
    """
    searched = 0
    suggestions = Suggestion.objects.filter(pk__in=list(suggestion_ids)).exclude(status=Suggestion.Status.DRAFT)
    for suggestion in suggestions.only(*TEXT_COLUMNS).order_by("pk"):
        _search(suggestion)
        searched += 1
    return searched


@transaction.atomic
def _search(suggestion: Suggestion) -> None:
    found = scored_similar(
        title=suggestion.title,
        content=suggestion.content,
        queryset=duplicate_candidates(suggestion=suggestion, queryset=Suggestion.objects.all()),
    )
    search, _created = DuplicateSearch.objects.update_or_create(
        suggestion=suggestion, defaults={"searched_at": timezone.now()}
    )
    rows = [
        PossibleDuplicate(search=search, other_id=candidate.pk, score=candidate.score) for candidate in found[:KEPT]
    ]
    # It is among the possible duplicates of those it resembles of its year and of the year after: their searches,
    # when made, count it (scored from their side; a search not made yet will find it).
    later = [candidate for candidate in found if candidate.year == suggestion.year]
    later += scored_similar(
        title=suggestion.title, content=suggestion.content, queryset=_of_the_years_after(suggestion)
    )
    searched = set(DuplicateSearch.objects.filter(pk__in=[c.pk for c in later]).values_list("pk", flat=True))
    for candidate in later:
        if candidate.pk not in searched:
            continue
        score = similarity(
            title_a=candidate.title, content_a=candidate.content, title_b=suggestion.title, content_b=suggestion.content
        )
        if score >= MIN_DUPLICATE_SCORE:
            rows.append(PossibleDuplicate(search_id=candidate.pk, other_id=suggestion.pk, score=score))
    PossibleDuplicate.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["search", "other"], update_fields=["score"]
    )
    _keep_the_best({row.search_id for row in rows})


def _keep_the_best(search_ids: set[int]) -> None:
    """Drop what these searches keep past their KEPT best: a matter raised by many would else keep them all."""
    if not search_ids:
        return
    ranked = PossibleDuplicate.objects.filter(search_id__in=search_ids).annotate(
        rank=Window(RowNumber(), partition_by=F("search_id"), order_by=(F("score").desc(), F("other_id").desc()))
    )
    dropped = list(ranked.filter(rank__gt=KEPT).values_list("pk", flat=True))
    if dropped:
        PossibleDuplicate.objects.filter(pk__in=dropped).delete()


def _of_the_years_after(suggestion: Suggestion) -> QuerySet[Suggestion]:
    """The suggestions of its body whose possible duplicates may count it though it is of an earlier year."""
    return Suggestion.objects.filter(
        body_id=suggestion.body_id,
        year__gt=suggestion.year,
        year__lt=suggestion.year + DUPLICATE_YEARS,
    ).exclude(status=Suggestion.Status.DRAFT)


def search_duplicates_after_commit(suggestion_ids: Iterable[int]) -> None:
    """Have a worker search the suggestions' possible duplicates once the transaction has committed.

    What one transaction submits goes to the workers as one task: the demo's seed or a session's paper entries in
    one transaction would otherwise queue hundreds of messages ahead of everything else. A broker that is down is
    logged, not raised: the submission stands, and beat's sweep searches them later.
    """
    ids = set(suggestion_ids)
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(ids)
        return
    pending: _Pending | None = getattr(connection, "duplicate_searches_pending", None)
    # A rolled-back transaction (or savepoint) drops its commit callbacks, and with them a pending batch's.
    if (
        pending is None
        or pending.sent
        or not any(callback == pending.send for _ids, callback, *_robust in connection.run_on_commit)
    ):
        pending = _Pending()
        connection.duplicate_searches_pending = pending
        transaction.on_commit(pending.send)
    pending.ids |= ids


class _Pending:
    """The suggestions a transaction has submitted so far, sent to the workers as one task when it commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.sent = False

    def send(self) -> None:
        self.sent = True
        _enqueue(self.ids)


def _enqueue(ids: set[int]) -> None:
    from suggestions.tasks import search_duplicates

    try:
        search_duplicates.apply_async(
            kwargs={"suggestion_ids": sorted(ids)}, retry=True, retry_policy=ENQUEUE_RETRY_POLICY
        )
    except Exception as error:  # noqa: BLE001 - the broker's own errors vary by transport
        logger.warning("could not hand %s duplicate searches to the broker (%s); beat will", len(ids), error)


def duplicates_sweep(*, batch: int = SWEEP_BATCH) -> int:
    """Search the submitted suggestions whose possible duplicates no worker has searched yet, oldest first."""
    # Body by body, so the (body, status) indexes find the few submitted ones among a province's million.
    bodies = list(Body.objects.values_list("pk", flat=True))
    ids = list(
        Suggestion.objects.filter(body_id__in=bodies, status=Suggestion.Status.SUBMITTED, duplicate_search__isnull=True)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    return suggestions_search_duplicates(suggestion_ids=ids)
