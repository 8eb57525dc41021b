"""The suggestion statistics on a hand-computed data set, and the filters each number carries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.db.models import Q

from congress.models import Role
from suggestions import stats
from suggestions.models import Rating, Suggestion
from tests.congress.factories import make_user
from tests.suggestions.stats_data import answer, at, rate, stats_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
SAT, BASIC, UNSAT = Rating.Level.SATISFIED, Rating.Level.BASICALLY_SATISFIED, Rating.Level.UNSATISFIED
# The staff list's filter names, the only ones a statistics link may use.
LIST_FILTERS = {
    "session",
    "status",
    "unit",
    "lead_unit",
    "category",
    "priority",
    "overdue",
    "deputy",
    "q",
    "assigned_from",
    "assigned_to",
    "rated",
    "grade",
    "satisfaction",
    "assigned",
    "closed_within_months",
}


@pytest.fixture
def world():
    return stats_world()


@pytest.fixture
def hand_set(world):
    """Nine assigned suggestions whose rates are worked out by hand in the tests, plus six not counted.

    #  status      unit       grade  ratings (answers oldest first)              closed
    1  assigned    education
    2  handling    transport
    3  answered    education  A      (none)
    4  answered    education  B      satisfied
    5  closed      education  A      basically satisfied                        in 4 months
    6  closed      transport  B      unsatisfied, then satisfied on a 2nd answer  in 7½ months
    7  rehandling  education  C      unsatisfied, 2nd answer not yet rated
    8  archived    education  A      (none); priority, 2nd session, roads     in 1 month
    9  answered    education  A      lead deputy satisfied, co-signer unsatisfied later
    """
    w = world
    suggestion(w, status=Status.ASSIGNED)
    suggestion(w, status=Status.HANDLING, lead_unit=w.transport)
    s3 = suggestion(w, status=Status.ANSWERED)
    answer(w, s3, grade="A", answered_at=at(2025, 4, 1))
    s4 = suggestion(w, status=Status.ANSWERED)
    rate(w, answer(w, s4, grade="B", answered_at=at(2025, 4, 1)), result=SAT)
    s5 = suggestion(w, status=Status.CLOSED, closed_at=at(2025, 6, 1))
    rate(w, answer(w, s5, grade="A", answered_at=at(2025, 4, 1)), result=BASIC)
    s6 = suggestion(w, status=Status.CLOSED, lead_unit=w.transport, closed_at=at(2025, 9, 15))
    rate(w, answer(w, s6, grade="C", answered_at=at(2025, 4, 1)), result=UNSAT)
    rate(w, answer(w, s6, grade="B", answered_at=at(2025, 7, 1)), result=SAT)
    s7 = suggestion(w, status=Status.REHANDLING)
    rate(w, answer(w, s7, grade="D", answered_at=at(2025, 4, 1)), result=UNSAT)
    answer(w, s7, grade="C", answered_at=at(2025, 7, 1))
    s8 = suggestion(
        w,
        status=Status.ARCHIVED,
        is_priority=True,
        session=w.second,
        category=w.roads,
        assigned_at=at(2026, 2, 1),
        closed_at=at(2026, 3, 1),
    )
    answer(w, s8, grade="A", answered_at=at(2026, 2, 20))
    s9 = suggestion(w, status=Status.ANSWERED)
    joint = answer(w, s9, grade="A", answered_at=at(2025, 4, 1))
    rate(w, joint, result=SAT, rated_at=at(2025, 4, 5))
    rate(w, joint, result=UNSAT, deputy=w.li, rated_at=at(2025, 4, 9))
    # Not counted: never assigned, or sent back before assignment.
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REGISTERED, Status.WITHDRAWN):
        suggestion(w, status=status)
    suggestion(w, status=Status.NOT_REGISTERED, reject_reason=Suggestion.RejectReason.NO_CONTENT)
    suggestion(w, status=Status.ARCHIVED, assigned_at=None, reject_reason=Suggestion.RejectReason.COMPLAINT)
    return w


def counts(row: stats.StatsRow) -> dict[str, int]:
    return {measure: row.counts[measure] for measure in stats.MEASURES}


def test_the_rates_match_the_hand_computed_set(hand_set):
    result = stats.suggestion_stats(user=hand_set.office, filters={})

    assert counts(result.total) == {
        "assigned": 9,
        "answered": 7,
        "closed": 3,
        "closed_6m": 2,
        "grade_a": 4,
        "rated": 5,
        "not_rated": 2,
        "satisfied": 4,
        "unsatisfied": 1,
    }
    assert result.total.answer_rate.percent == 77.8
    assert result.total.completion_rate.percent == 33.3
    assert result.total.completion_6m_rate.percent == 22.2
    assert result.total.satisfaction_rate.percent == 80.0
    assert result.total.solved_rate.percent == 57.1


def test_an_unrated_answer_is_counted_as_not_rated_and_never_as_satisfied(world):
    item = suggestion(world, status=Status.ANSWERED)
    answer(world, item, grade="A", answered_at=at(2025, 4, 1))

    total = stats.suggestion_stats(user=world.office, filters={}).total

    assert (total.rated.count, total.not_rated.count, total.satisfied.count) == (0, 1, 0)
    assert total.satisfaction_rate.percent is None


def test_the_latest_rated_answer_decides_satisfaction(world):
    item = suggestion(world, status=Status.ANSWERED)
    rate(world, answer(world, item, grade="C", answered_at=at(2025, 4, 1)), result=SAT)
    rate(world, answer(world, item, grade="A", answered_at=at(2025, 8, 1)), result=UNSAT)

    total = stats.suggestion_stats(user=world.office, filters={}).total

    assert (total.satisfied.count, total.unsatisfied.count) == (0, 1)


def test_the_lead_deputys_rating_is_the_rating_of_record_on_a_joint_suggestion(world):
    item = suggestion(world, status=Status.ANSWERED)
    given = answer(world, item, grade="A", answered_at=at(2025, 4, 1))
    rate(world, given, result=UNSAT, rated_at=at(2025, 4, 2))
    rate(world, given, result=SAT, deputy=world.li, rated_at=at(2025, 4, 20))

    total = stats.suggestion_stats(user=world.office, filters={}).total

    assert (total.rated.count, total.unsatisfied.count) == (1, 1)


def test_completion_within_six_months_counts_calendar_months_from_assignment(world):
    suggestion(world, status=Status.CLOSED, assigned_at=at(2025, 2, 1), closed_at=at(2025, 7, 31))
    suggestion(world, status=Status.CLOSED, assigned_at=at(2025, 2, 1), closed_at=at(2025, 8, 2))

    total = stats.suggestion_stats(user=world.office, filters={}).total

    assert (total.closed.count, total.closed_6m.count) == (2, 1)


def test_the_groupings_split_the_same_set(hand_set):
    w = hand_set
    result = stats.suggestion_stats(user=w.office, filters={})

    by_unit = {row.label: counts(row) for row in result.by_unit}
    assert by_unit[w.transport.name] == {
        "assigned": 2,
        "answered": 1,
        "closed": 1,
        "closed_6m": 0,
        "grade_a": 0,
        "rated": 1,
        "not_rated": 0,
        "satisfied": 1,
        "unsatisfied": 0,
    }
    assert by_unit[w.education.name]["assigned"] == 7
    assert [row.counts["assigned"] for row in result.by_session] == [8, 1]
    assert [row.label for row in result.by_session] == ["第十八届第一次会议", "第十八届第二次会议"]
    assert [(row.label, row.counts["assigned"]) for row in result.by_category] == [("教育", 8), ("交通", 1)]
    priority, ordinary = result.by_priority
    assert (priority.counts["assigned"], priority.counts["closed_6m"], ordinary.counts["assigned"]) == (1, 1, 8)
    for grouping in (result.by_session, result.by_unit, result.by_category, result.by_priority):
        assert sum(row.counts["assigned"] for row in grouping) == 9


def test_units_are_ranked_by_the_chosen_rate(hand_set):
    w = hand_set

    by_completion = stats.suggestion_stats(user=w.office, filters={}, rank_by="completion").by_unit
    by_answer = stats.suggestion_stats(user=w.office, filters={}, rank_by="answer").by_unit

    # Completion: transport 1/2 = 50% beats education 2/7; answers: education 6/7 beats transport 1/2.
    assert [(row.rank, row.label) for row in by_completion] == [(1, w.transport.name), (2, w.education.name)]
    assert [(row.rank, row.label) for row in by_answer] == [(1, w.education.name), (2, w.transport.name)]


def test_equal_rates_share_a_rank_and_units_with_nothing_to_rate_come_last(world):
    third = world.transport.__class__.objects.create(
        body=world.county.congress, code="U-3", name="县水利局", kind=world.transport.kind
    )
    suggestion(world, status=Status.CLOSED, closed_at=at(2025, 3, 1))
    suggestion(world, status=Status.CLOSED, lead_unit=world.transport, closed_at=at(2025, 3, 1))
    suggestion(world, status=Status.HANDLING, lead_unit=third)

    rows = stats.suggestion_stats(user=world.office, filters={}, rank_by="satisfaction").by_unit

    assert [row.rank for row in rows] == [None, None, None]
    rows = stats.suggestion_stats(user=world.office, filters={}, rank_by="completion").by_unit
    assert [row.rank for row in rows] == [1, 1, 3]


def test_filters_narrow_every_grouping(hand_set):
    w = hand_set

    result = stats.suggestion_stats(user=w.office, filters={"session": w.second})
    assert result.total.counts["assigned"] == 1
    result = stats.suggestion_stats(user=w.office, filters={"unit": w.transport, "priority": False})
    assert result.total.counts["assigned"] == 2
    result = stats.suggestion_stats(user=w.office, filters={"category": w.schools})
    assert result.total.counts["assigned"] == 8
    period = {"assigned_from": dt.date(2026, 1, 1), "assigned_to": dt.date(2026, 2, 1)}
    result = stats.suggestion_stats(user=w.office, filters=period)
    assert result.total.counts["assigned"] == 1
    result = stats.suggestion_stats(user=w.office, filters={**period, "assigned_to": dt.date(2026, 1, 31)})
    assert result.total.counts["assigned"] == 0


def test_another_countys_suggestions_are_not_counted(hand_set):
    elsewhere = stats_world("白水县")
    suggestion(elsewhere, status=Status.CLOSED, closed_at=at(2025, 3, 1))

    assert stats.suggestion_stats(user=hand_set.office, filters={}).total.counts["assigned"] == 9
    assert stats.suggestion_stats(user=elsewhere.office, filters={}).total.counts["assigned"] == 1


def test_a_units_handler_counts_only_what_is_assigned_to_the_unit(hand_set):
    handler = make_user(body=hand_set.county.congress, roles=[Role.UNIT_HANDLER], unit=hand_set.transport)

    assert stats.suggestion_stats(user=handler, filters={}).total.counts["assigned"] == 2
    assert not stats.can_view_suggestion_stats(handler)


# Traceability: each number's filters list exactly the suggestions it counts.


def reproduce(params: stats.Params, user) -> int:
    """Apply the staff list's filters the way the list page is to read them, and count."""
    qs = Suggestion.objects.visible_to(user).annotate(rating=stats.latest_rating_result())
    values: dict[str, list[str]] = {}
    for name, value in params:
        assert name in LIST_FILTERS, name
        values.setdefault(name, []).append(value)
    for name, field in (("session", "session_id"), ("lead_unit", "lead_unit_id"), ("category", "category_id")):
        for value in values.get(name, []):
            qs = qs.filter(**{f"{field}__isnull": True} if value == stats.NONE_VALUE else {field: int(value)})
    if "status" in values:
        qs = qs.filter(status__in=values["status"])
    if "assigned" in values:
        qs = qs.filter(assigned_at__isnull=values["assigned"] != ["true"])
    if "priority" in values:
        qs = qs.filter(is_priority=values["priority"] == ["true"])
    if "grade" in values:
        qs = qs.filter(latest_grade__in=values["grade"])
    if "rated" in values:
        qs = qs.filter(rating__isnull=values["rated"] != ["true"])
    if "satisfaction" in values:
        qs = qs.filter(rating__in=values["satisfaction"])
    if "closed_within_months" in values:
        qs = qs.filter(stats.closed_within_months(int(values["closed_within_months"][0])))
    return qs.filter(Q()).count()


def test_every_number_links_to_the_suggestions_it_counts(hand_set):
    result = stats.suggestion_stats(user=hand_set.office, filters={"category": hand_set.schools})

    rows = [result.total, *result.by_session, *result.by_unit, *result.by_category, *result.by_priority]
    for row in rows:
        for measure in stats.MEASURES:
            cell = row.cell(measure)
            assert reproduce(cell.params, hand_set.office) == cell.count, (row.label, measure)
            assert cell.query == urlencode(cell.params)
    assert ("category", str(hand_set.schools.pk)) in result.total.assigned.params


@pytest.mark.parametrize("live", [False, True], ids=["tally", "live"])
def test_the_selectors_use_four_queries_whatever_the_data_size(world, django_assert_num_queries, live):
    assert world.office.roles  # loaded once with the session user in a request
    suggestion(world, status=Status.HANDLING)
    # From the tally: the counts, then the names of the sessions, units and categories counted.
    with django_assert_num_queries(4):
        stats.suggestion_stats(user=world.office, filters={}, live=live)
    for number in range(12):
        item = suggestion(world, status=Status.CLOSED, closed_at=at(2025, 5, 1), is_priority=number % 2 == 0)
        rate(world, answer(world, item, grade="A", answered_at=at(2025, 4, 1)), result=SAT)

    with django_assert_num_queries(4):
        result = stats.suggestion_stats(user=world.office, filters={}, live=live)
    assert result.total.counts["satisfied"] == 12
