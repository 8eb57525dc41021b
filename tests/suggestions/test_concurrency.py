"""Two people acting on the same suggestion at once, on PostgreSQL with real row locks and two connections."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from congress.workflow import WorkflowError
from suggestions import services
from suggestions.models import Assignment, Suggestion
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Status = Suggestion.Status


def run_at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in separate threads (so separate connections) released together; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects whatever each side got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_staff_registering_the_same_suggestion_one_succeeds_the_other_gets_a_clear_conflict(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.SUBMITTED)
    other_staff = type(cast.staff).objects.get(pk=cast.staff.pk)

    results = run_at_once(
        lambda: services.suggestion_register(suggestion_id=suggestion.pk, actor=cast.staff),
        lambda: services.suggestion_register(suggestion_id=suggestion.pk, actor=other_staff),
    )

    successes = [r for r in results if isinstance(r, Suggestion)]
    conflicts = [r for r in results if isinstance(r, WorkflowError)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    # The loser is told the record is now registered, in the portal's language.
    assert str(Status.REGISTERED.label) in str(conflicts[0])
    assert Suggestion.objects.get(pk=suggestion.pk).number == 1


def test_staff_refusing_while_the_deputy_withdraws_only_one_wins(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.SUBMITTED)

    results = run_at_once(
        lambda: services.suggestion_withdraw(suggestion_id=suggestion.pk, actor=cast.deputy),
        lambda: services.suggestion_reject(
            suggestion_id=suggestion.pk, actor=cast.staff, reason="complaint", note="属控告"
        ),
    )

    assert sum(isinstance(r, Suggestion) for r in results) == 1, results
    assert sum(isinstance(r, WorkflowError) for r in results) == 1, results
    assert Suggestion.objects.get(pk=suggestion.pk).status in (Status.WITHDRAWN, Status.NOT_REGISTERED)


def test_accepting_while_asking_to_re_route_only_one_wins(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.ASSIGNED)
    lead = assignment_of(suggestion, cast.lead_unit)

    results = run_at_once(
        lambda: services.assignment_accept(assignment_id=lead.pk, actor=cast.lead_handler),
        lambda: services.assignment_request_reroute(assignment_id=lead.pk, actor=cast.lead_head, reason="不属本局"),
    )

    assert sum(isinstance(r, Assignment) for r in results) == 1, results
    assert sum(isinstance(r, WorkflowError) for r in results) == 1, results


def test_two_parallel_units_answering_at_once_leave_the_suggestion_answered(county):
    # Each sees the other's answer only after the lock: without it both would think the other still owes one.
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.HANDLING, parallel=True)
    lead = assignment_of(suggestion, cast.lead_unit)
    parallel = assignment_of(suggestion, cast.parallel_unit)

    results = run_at_once(
        lambda: services.suggestion_answer(assignment_id=lead.pk, actor=cast.lead_handler, grade="A", text="甲"),
        lambda: services.suggestion_answer(
            assignment_id=parallel.pk, actor=cast.parallel_handler, grade="B", text="乙"
        ),
    )

    assert not any(isinstance(r, Exception) for r in results), results
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ANSWERED


def test_registering_many_suggestions_at_once_numbers_them_without_gaps_or_duplicates(county):
    cast = loop_cast(county)
    suggestions = [drive(cast, to=Status.SUBMITTED) for _ in range(8)]

    results = run_at_once(
        *[(lambda pk=s.pk: services.suggestion_register(suggestion_id=pk, actor=cast.staff)) for s in suggestions]
    )

    assert not any(isinstance(r, Exception) for r in results), results
    numbers = sorted(Suggestion.objects.filter(session=cast.session).values_list("number", flat=True))
    assert numbers == list(range(1, 9))


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
