"""The possible duplicates of a submitted suggestion, searched once by a worker and kept."""

from __future__ import annotations

import contextlib
import logging
import time

import pytest
from django.db import transaction

from suggestions import services
from suggestions.models import DuplicateSearch, PossibleDuplicate, Suggestion
from suggestions.search import possible_duplicates
from suggestions.services.duplicates import KEPT, _Pending, duplicates_sweep, suggestions_search_duplicates
from tests.celery_broker import tasks_sent_to
from tests.congress.test_celery_worker import TASK_TIMEOUT
from tests.suggestions.factories import loop_cast
from tests.suggestions.public_data import at, public_world, suggestion
from tests.suggestions.test_search import OLD_HOUSING, OLD_HOUSING_AGAIN

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
SCHOOL_BUS = "关于开通乡村学校校车的建议"
SCHOOL_BUS_CONTENT = "偏远村组学生上学路远，建议开通校车。"


@pytest.fixture
def world():
    return public_world()


def kept(reviewed: Suggestion) -> list[tuple[int, float]]:
    return sorted(PossibleDuplicate.objects.filter(search_id=reviewed.pk).values_list("other_id", "score"))


def shown(reviewed: Suggestion) -> list[tuple[int, float]]:
    return [(item.pk, score) for item, score in possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects)]


def test_a_search_keeps_what_the_page_would_find_itself(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    suggestion(world, title=OLD_HOUSING_AGAIN)
    suggestion(world, title=OLD_HOUSING, year=2024, created_at=at(2024, 1, 12))
    suggestion(world, title=OLD_HOUSING, year=2022, created_at=at(2022, 1, 12))
    suggestion(world, title=SCHOOL_BUS, content=SCHOOL_BUS_CONTENT)
    searched_by_the_page = shown(reviewed)

    suggestions_search_duplicates(suggestion_ids=[reviewed.pk])

    assert len(searched_by_the_page) == 2
    assert shown(reviewed) == searched_by_the_page
    assert kept(reviewed) == sorted(searched_by_the_page)


def test_a_search_that_finds_nothing_is_kept_as_made(world):
    reviewed = suggestion(world, title=SCHOOL_BUS, content=SCHOOL_BUS_CONTENT, status=Status.SUBMITTED)
    suggestion(world, title=OLD_HOUSING)

    suggestions_search_duplicates(suggestion_ids=[reviewed.pk])

    assert DuplicateSearch.objects.filter(pk=reviewed.pk).exists()
    assert kept(reviewed) == []
    assert shown(reviewed) == []


def test_what_each_search_keeps_stays_what_a_fresh_search_finds_as_later_ones_are_searched(world):
    earlier = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    next_year = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED, year=2026, created_at=at(2026, 1, 12))
    suggestions_search_duplicates(suggestion_ids=[earlier.pk, next_year.pk])
    assert kept(earlier) == []

    # When one of the same year and one of the year before are submitted (in that order) and searched
    again = suggestion(world, title=OLD_HOUSING_AGAIN, status=Status.SUBMITTED)
    suggestions_search_duplicates(suggestion_ids=[again.pk])
    last_year = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED, year=2024, created_at=at(2024, 1, 12))
    suggestions_search_duplicates(suggestion_ids=[last_year.pk])

    # Then each search counts those of its year and the year before, whenever they came
    assert {pk for pk, _score in kept(earlier)} == {again.pk, last_year.pk}
    assert {pk for pk, _score in kept(again)} == {earlier.pk, last_year.pk}
    assert {pk for pk, _score in kept(next_year)} == {earlier.pk, again.pk}
    assert kept(last_year) == []
    # with the scores a search made now would give
    for reviewed in (earlier, again, next_year, last_year):
        assert kept(reviewed) == searched_afresh(reviewed)


def searched_afresh(reviewed: Suggestion) -> list[tuple[int, float]]:
    """What the page finds for `reviewed` searching itself, its kept search set aside, in id order."""
    return sorted(shown_afresh(reviewed))


def test_a_matter_raised_by_many_keeps_each_search_to_its_best_and_shows_what_a_fresh_search_would(world):
    many = [
        suggestion(world, title=f"关于加快城关镇老旧小区{'改造' * (1 + n % 3)}的建议（{n}）", status=Status.SUBMITTED)
        for n in range(KEPT + 6)
    ]

    for item in many:  # submitted and searched one after another
        suggestions_search_duplicates(suggestion_ids=[item.pk])

    assert max(len(kept(item)) for item in many) == KEPT
    for item in (many[0], many[7], many[-1]):
        assert shown(item) == shown_afresh(item)


def shown_afresh(reviewed: Suggestion) -> list[tuple[int, float]]:
    """What the page shows for `reviewed` searching itself, its kept search set aside."""
    found = kept(reviewed)
    DuplicateSearch.objects.filter(pk=reviewed.pk).delete()
    try:
        return shown(reviewed)
    finally:
        search = DuplicateSearch.objects.create(suggestion=reviewed)
        PossibleDuplicate.objects.bulk_create(
            PossibleDuplicate(search=search, other_id=pk, score=score) for pk, score in found
        )


def test_searching_twice_keeps_each_match_once(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    suggestion(world, title=OLD_HOUSING_AGAIN)
    suggestions_search_duplicates(suggestion_ids=[reviewed.pk])
    first = kept(reviewed)

    suggestions_search_duplicates(suggestion_ids=[reviewed.pk, reviewed.pk])

    assert kept(reviewed) == first
    assert PossibleDuplicate.objects.count() == 1


def test_the_kept_matches_shown_are_only_what_the_person_may_see(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    hidden = suggestion(world, title=OLD_HOUSING)
    visible = suggestion(world, title=OLD_HOUSING_AGAIN)
    suggestions_search_duplicates(suggestion_ids=[reviewed.pk])

    found = possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.exclude(pk=hidden.pk))

    assert [item for item, _score in found] == [visible]


def test_a_submission_has_a_worker_search_its_duplicates_once_it_commits(django_capture_on_commit_callbacks):
    cast = loop_cast()
    first = services.suggestion_create(
        body=cast.body, lead_deputy=cast.lead_deputy, title=OLD_HOUSING, content="管网老化。", actor=cast.deputy
    )
    second = services.suggestion_create(
        body=cast.body, lead_deputy=cast.lead_deputy, title=OLD_HOUSING_AGAIN, content="管网老化。", actor=cast.deputy
    )

    for draft in (first, second):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.suggestion_submit(suggestion_id=draft.pk, actor=cast.deputy)
        assert callbacks

    assert [pk for pk, _score in kept(first)] == [second.pk]
    assert [pk for pk, _score in kept(second)] == [first.pk]


def test_a_broker_that_is_down_leaves_the_submission_standing_and_beat_searches_it(
    django_capture_on_commit_callbacks, caplog
):
    cast = loop_cast()
    draft = services.suggestion_create(
        body=cast.body, lead_deputy=cast.lead_deputy, title=OLD_HOUSING, content="管网老化。", actor=cast.deputy
    )
    # Nothing listens on port 1: the broker refuses at once.
    with (
        tasks_sent_to("redis://127.0.0.1:1/0"),
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.suggestion_submit(suggestion_id=draft.pk, actor=cast.deputy)

    assert Suggestion.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert "beat will" in caplog.text
    assert not DuplicateSearch.objects.filter(pk=draft.pk).exists()
    assert duplicates_sweep() == 1
    assert DuplicateSearch.objects.filter(pk=draft.pk).exists()


def test_the_sweep_searches_only_submitted_suggestions_not_searched_yet(world):
    waiting = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    searched = suggestion(world, title=OLD_HOUSING_AGAIN, status=Status.SUBMITTED)
    suggestions_search_duplicates(suggestion_ids=[searched.pk])
    suggestion(world, title=OLD_HOUSING, status=Status.DRAFT)
    suggestion(world, title=OLD_HOUSING, status=Status.REGISTERED)

    assert duplicates_sweep() == 1
    assert DuplicateSearch.objects.filter(pk=waiting.pk).exists()
    assert duplicates_sweep() == 0


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_on_redis_searches_each_submission_once_it_commits(celery_worker, not_eager):
    worker, log = celery_worker
    cast = loop_cast()
    drafts = [
        services.suggestion_create(
            body=cast.body, lead_deputy=cast.lead_deputy, title=title, content="管网老化，雨季内涝。", actor=cast.deputy
        )
        for title in (OLD_HOUSING, OLD_HOUSING_AGAIN)
    ]

    for draft in drafts:
        services.suggestion_submit(suggestion_id=draft.pk, actor=cast.deputy)

    deadline = time.monotonic() + TASK_TIMEOUT
    while DuplicateSearch.objects.filter(pk__in=[draft.pk for draft in drafts]).count() < 2:
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}):\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no duplicate search within {TASK_TIMEOUT} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    first, second = drafts
    assert [pk for pk, _score in kept(first)] == [second.pk]
    assert [pk for pk, _score in kept(second)] == [first.pk]


def test_what_one_transaction_submits_goes_to_the_workers_as_one_search(django_capture_on_commit_callbacks):
    cast = loop_cast()
    drafts = [
        services.suggestion_create(
            body=cast.body, lead_deputy=cast.lead_deputy, title=title, content="管网老化。", actor=cast.deputy
        )
        for title in (OLD_HOUSING, OLD_HOUSING_AGAIN, SCHOOL_BUS)
    ]

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for draft in drafts:
            services.suggestion_submit(suggestion_id=draft.pk, actor=cast.deputy)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            rolled_back = services.suggestion_create(
                body=cast.body, lead_deputy=cast.lead_deputy, title=OLD_HOUSING, content="重复。", actor=cast.deputy
            )
            services.suggestion_submit(suggestion_id=rolled_back.pk, actor=cast.deputy)
            raise RuntimeError("rolled back")

    searches = [callback for callback in callbacks if isinstance(getattr(callback, "__self__", None), _Pending)]
    assert len(searches) == 1
    assert DuplicateSearch.objects.filter(pk__in=[draft.pk for draft in drafts]).count() == 3
    assert [pk for pk, _score in kept(drafts[0])] == [drafts[1].pk]
