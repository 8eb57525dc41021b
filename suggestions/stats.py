"""Reads for the suggestion statistics: the four rates, each with its numerator and denominator.

Definitions (DOMAIN.md §2), over the suggestions a person may see that were assigned (交办) and not sent back:

- answer rate 答复率 = answered ÷ assigned
- completion rate 办结率 = closed ÷ assigned (closed = closed, revisited or archived), and the 6-month
  completion rate = closed within six calendar months of assignment ÷ assigned
- satisfaction rate 满意率 = (satisfied + basically satisfied) ÷ rated, on the result rating of the latest
  rated answer; an answered suggestion without a rating is counted as not rated, never as satisfied
- solved rate 解决率 = grade A ÷ answered, on the latest answer's grade

Every count carries the staff list's filters that reproduce the suggestions it counts (`Cell.params`), so
the page links each number to its records.

The counts come from the rollup kept ahead of time (suggestions.tallies): one query sums every grouping, and
three small ones fetch the sessions', units' and categories' names. Where the rollup's key cannot express the
question (a period of assignment, or a person who sees less than a whole body subtree) they are counted live:
each grouping is then one conditional-aggregation query over the visible set, grouped by its key and the
rating. Totals and rankings are summed from the group rows either way, never from suggestions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import CongressSession, Unit
from congress.querysets import in_scope
from congress.text import chinese_ordinal
from suggestions import tallies
from suggestions.models import Category, Rating, Suggestion

if TYPE_CHECKING:
    from congress.models import User

Status = Suggestion.Status
ASSIGNED_STATUSES: tuple[str, ...] = tuple(Suggestion.ASSIGNED_STATUSES)
# Answered at least once: re-handling and follow-up still owe another answer, but the first one counts.
ANSWERED_STATUSES: tuple[str, ...] = (
    Status.ANSWERED,
    Status.REHANDLING,
    Status.FOLLOW_UP,
    Status.CLOSED,
    Status.REVISITED,
    Status.ARCHIVED,
)
CLOSED_STATUSES: tuple[str, ...] = (Status.CLOSED, Status.REVISITED, Status.ARCHIVED)
SATISFIED_LEVELS: tuple[str, ...] = (Rating.Level.SATISFIED, Rating.Level.BASICALLY_SATISFIED)
GRADE_SOLVED = "A"
COMPLETION_MONTHS = 6
# The staff list's value for "no session" (filed between sessions), "no category" and "no unit", which the
# statistics' filters take too; the rollup, which this module imports, reads it as well.
NONE_VALUE = tallies.NONE_VALUE
TRUE, FALSE = "true", "false"

RANK_KEYS: dict[str, Any] = {
    "completion": _("Completion rate"),
    "completion_6m": _("6-month completion rate"),
    "answer": _("Answer rate"),
    "satisfaction": _("Satisfaction rate"),
    "solved": _("Solved rate"),
}
DEFAULT_RANK = "completion"


def can_view_suggestion_stats(user: User) -> bool:
    """Committee-side people read the statistics of their scope."""
    return user.is_authenticated and user.is_committee_side


# SQL building blocks


class AddMonths(models.Func):
    """A datetime expression plus a number of calendar months."""

    output_field = models.DateTimeField()

    def __init__(self, expression: Any, months: int) -> None:
        self.months = months
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"AddMonths has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + make_interval(months => %s))", [*params, self.months]

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps SQLite datetimes as UTC text, which datetime() reads and writes.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql}, %s)", [*params, f"+{self.months} months"]


def latest_rating_result() -> Any:
    """Return the result rating of the suggestion's latest rated answer, NULL when no answer is rated.

    On a joint suggestion several signers may rate the same answer: the lead deputy's rating is the one
    of record, then the latest.
    """
    if any(field.name == "latest_rating" for field in Suggestion._meta.get_fields()):
        # Kept by the rating service beside latest_grade: the aggregates then read one column per row.
        return F("latest_rating")
    ratings = (
        Rating.objects.filter(answer__suggestion=OuterRef("pk"))
        # Joined, not an outer reference: SQLite loses outer columns other than the key under GROUP BY.
        .annotate(not_lead=Case(When(deputy_id=F("answer__suggestion__lead_deputy_id"), then=0), default=1))
        .order_by("-answer__answered_at", "-answer_id", "not_lead", "-rated_at", "-id")
        .values("result")[:1]
    )
    # Only an answered suggestion can be rated; CASE spares the others the lookup.
    return Case(
        When(status__in=ANSWERED_STATUSES, then=Subquery(ratings)),
        default=Value(None),
        output_field=models.CharField(),
    )


def closed_within_months(months: int) -> Q:
    return Q(status__in=CLOSED_STATUSES, closed_at__lte=AddMonths(F("assigned_at"), months))


# Counted per group and rating in SQL; rated, satisfied and unsatisfied come from the rating column.
# Statuses are counted, not ids (never NULL, so the same numbers): the statistics' covering indexes hold
# them, so PostgreSQL can count without reading the table.
AGGREGATES: dict[str, Count] = {
    "assigned": Count("status"),
    "answered": Count("status", filter=Q(status__in=ANSWERED_STATUSES)),
    "closed": Count("status", filter=Q(status__in=CLOSED_STATUSES)),
    "closed_6m": Count("status", filter=closed_within_months(COMPLETION_MONTHS)),
    "grade_a": Count("status", filter=Q(status__in=ANSWERED_STATUSES, latest_grade=GRADE_SOLVED)),
}
MEASURES = (*AGGREGATES, "rated", "not_rated", "satisfied", "unsatisfied")
# What `live_groups` derives from the rating column, as aggregates: the rollup's definitions (tallies.tally_rebuild).
# A rating is counted only on an answered suggestion; NULL and "" are both "not rated".
_RATED = Q(status__in=ANSWERED_STATUSES, latest_rating__isnull=False) & ~Q(latest_rating="")
TALLY_AGGREGATES: dict[str, Count] = {
    **AGGREGATES,
    "rated": Count("status", filter=_RATED),
    "satisfied": Count("status", filter=Q(status__in=ANSWERED_STATUSES, latest_rating__in=SATISFIED_LEVELS)),
    "unsatisfied": Count("status", filter=Q(status__in=ANSWERED_STATUSES, latest_rating=Rating.Level.UNSATISFIED)),
}


def _statuses(statuses: Iterable[str]) -> list[tuple[str, str]]:
    return [("status", str(status)) for status in statuses]


# The staff list's filters that select what each measure counts, within a group.
MEASURE_PARAMS: dict[str, list[tuple[str, str]]] = {
    "assigned": _statuses(ASSIGNED_STATUSES),
    "answered": _statuses(ANSWERED_STATUSES),
    "closed": _statuses(CLOSED_STATUSES),
    "closed_6m": [*_statuses(CLOSED_STATUSES), ("closed_within_months", str(COMPLETION_MONTHS))],
    "rated": [*_statuses(ANSWERED_STATUSES), ("rated", TRUE)],
    "not_rated": [*_statuses(ANSWERED_STATUSES), ("rated", FALSE)],
    "satisfied": [*_statuses(ANSWERED_STATUSES), *[("satisfaction", str(level)) for level in SATISFIED_LEVELS]],
    "unsatisfied": [*_statuses(ANSWERED_STATUSES), ("satisfaction", str(Rating.Level.UNSATISFIED))],
    "grade_a": [*_statuses(ANSWERED_STATUSES), ("grade", GRADE_SOLVED)],
}
# (rate, numerator, denominator)
RATES: dict[str, tuple[str, str]] = {
    "answer": ("answered", "assigned"),
    "completion": ("closed", "assigned"),
    "completion_6m": ("closed_6m", "assigned"),
    "satisfaction": ("satisfied", "rated"),
    "solved": ("grade_a", "answered"),
}


# Results


Params = tuple[tuple[str, str], ...]


MEASURE_PARAMS_TUPLES: dict[str, Params] = {name: tuple(params) for name, params in MEASURE_PARAMS.items()}
# Each measure's own filters, encoded once: the links of a row differ only in this last part.
MEASURE_QUERIES: dict[str, str] = {name: urlencode(params) for name, params in MEASURE_PARAMS.items()}
ASSIGNED_PARAMS: Params = (("assigned", TRUE),)


@lru_cache(maxsize=4096)
def _encode(params: Params) -> str:
    return urlencode(params)


def percent_of(numerator: int, denominator: int) -> float | None:
    """Return numerator ÷ denominator as a percentage to one decimal, or None when nothing is below the line."""
    if not denominator:
        return None
    return round(numerator / denominator * 100, 1)


@dataclass(frozen=True)
class Cell:
    """A count and the staff list's filters that list exactly the suggestions counted."""

    count: int
    params: Params
    # `params` already encoded, when the row built it from parts it encodes once (see StatsRow.cell).
    encoded: str | None = field(default=None, compare=False, repr=False)

    @property
    def query(self) -> str:
        return urlencode(self.params) if self.encoded is None else self.encoded


@dataclass(frozen=True)
class Rate:
    numerator: Cell
    denominator: Cell

    @property
    def value(self) -> float | None:
        """Return the rate as a fraction, or None when nothing is counted below the line."""
        if not self.denominator.count:
            return None
        return self.numerator.count / self.denominator.count

    @property
    def percent(self) -> float | None:
        return percent_of(self.numerator.count, self.denominator.count)


@dataclass
class StatsRow:
    """One line of statistics: a group (a session, a unit, a category, priority or not) or the total."""

    label: str
    # The filters that select the group, e.g. (("unit", "12"),); empty for the total.
    group_params: Params
    base_params: Params
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    sublabel: str = ""
    rank: int | None = None
    sort_key: tuple = ()

    @cached_property
    def _shared_parts(self) -> tuple[Params, Params, Params]:
        """The filters every number of the row carries: the page's (less those the group sets), assigned, the group."""
        grouped = {name for name, _value in self.group_params}
        base = tuple(param for param in self.base_params if param[0] not in grouped)
        return (base, ASSIGNED_PARAMS, self.group_params)

    @cached_property
    def shared_query(self) -> str:
        """The query string every number of the row starts with, encoded once for the row's dozen links."""
        # A province's page links thousands of numbers made of a few dozen distinct parts: encode each part once.
        return "&".join(query for query in map(_encode, self._shared_parts) if query)

    def query(self, measure: str) -> str:
        """Return the staff list's query string that lists the suggestions `measure` counts in this row."""
        return f"{self.shared_query}&{MEASURE_QUERIES[measure]}"

    def cell(self, measure: str) -> Cell:
        params = (*chain.from_iterable(self._shared_parts), *MEASURE_PARAMS_TUPLES[measure])
        return Cell(count=self.counts[measure], params=params, encoded=self.query(measure))

    def rate(self, name: str) -> Rate:
        numerator, denominator = RATES[name]
        return Rate(numerator=self.cell(numerator), denominator=self.cell(denominator))

    def __getattr__(self, name: str) -> Any:
        # Templates read row.assigned, row.answer_rate, …; each is built once, after the counts are final.
        if name in MEASURES:
            value: Cell | Rate = self.cell(name)
        elif name.endswith("_rate") and name[: -len("_rate")] in RATES:
            value = self.rate(name[: -len("_rate")])
        else:
            raise AttributeError(name)
        self.__dict__[name] = value
        return value


@dataclass
class SuggestionStats:
    total: StatsRow
    by_session: list[StatsRow]
    by_unit: list[StatsRow]
    by_category: list[StatsRow]
    by_priority: list[StatsRow]
    rank_by: str = DEFAULT_RANK

    @property
    def rank_label(self) -> str:
        return str(RANK_KEYS[self.rank_by])


# Filters


def filter_params(filters: Mapping[str, Any]) -> Params:
    """Return the staff list's query parameters for the page's filters."""
    params: list[tuple[str, str]] = []
    # The statistics count by lead unit; the list's `unit` would also match co-handling and parallel units.
    for name, param in (("session", "session"), ("unit", "lead_unit"), ("category", "category")):
        if filters.get(name) is not None:
            value = filters[name]
            params.append((param, NONE_VALUE if value == NONE_VALUE else str(value.pk)))
    if filters.get("priority") is not None:
        params.append(("priority", TRUE if filters["priority"] else FALSE))
    for name in ("assigned_from", "assigned_to"):
        if filters.get(name):
            params.append((name, filters[name].isoformat()))
    return tuple(params)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply_filters(qs: models.QuerySet, filters: Mapping[str, Any]) -> models.QuerySet:
    for name, field_name in (("session", "session"), ("unit", "lead_unit"), ("category", "category")):
        value = filters.get(name)
        if value == NONE_VALUE:
            qs = qs.filter(**{f"{field_name}__isnull": True})
        elif value is not None:
            qs = qs.filter(**{field_name: value})
    if filters.get("priority") is not None:
        qs = qs.filter(is_priority=filters["priority"])
    # Local calendar days, as bounds the assigned_at index can use.
    if filters.get("assigned_from"):
        qs = qs.filter(assigned_at__gte=_start_of_day(filters["assigned_from"]))
    if filters.get("assigned_to"):
        qs = qs.filter(assigned_at__lt=_start_of_day(filters["assigned_to"] + dt.timedelta(days=1)))
    return qs


def assigned_suggestions(*, user: User, filters: Mapping[str, Any]) -> models.QuerySet:
    """Return the visible suggestions counted as assigned under the page's filters."""
    # An archived suggestion may also be one never registered: assigned_at tells them apart.
    qs = Suggestion.objects.visible_to(user).filter(status__in=ASSIGNED_STATUSES, assigned_at__isnull=False)
    return _apply_filters(qs, filters)


# Selectors


def live_groups(*, user: User, filters: Mapping[str, Any]) -> dict[str, dict[Any, dict[str, int]]]:
    """Count what `tallies.tally_groups` returns, live: per session, lead unit, category and priority flag.

    One query grouped by all four keys reads the rows once (a county's year: 12,000 entries of the period
    index) and the groups are summed here; one query per grouping read them four times. Groups with nothing
    assigned do not occur.
    """
    keys = tallies.GROUPINGS
    measures = tuple(TALLY_AGGREGATES)
    rows = (
        assigned_suggestions(user=user, filters=filters)
        .values(*keys)
        .annotate(**TALLY_AGGREGATES)
        .order_by()
        .values_list(*keys, *measures)
    )
    groups: dict[str, dict[Any, dict[str, int]]] = {key: {} for key in keys}
    width = len(keys)
    for row in rows:
        numbers = row[width:]
        for key, value in zip(keys, row[:width], strict=False):
            if key == "is_priority":
                value = bool(value)
            group = groups[key].get(value)
            if group is None:
                groups[key][value] = dict(zip(measures, numbers, strict=True))
                continue
            for measure, number in zip(measures, numbers, strict=True):
                group[measure] += number
    return groups


def _param(value: Any) -> str:
    return NONE_VALUE if value is None else str(value)


def _session_row(row: dict[str, Any], base: Params) -> StatsRow:
    if row["session_id"] is None:
        label, sublabel, order = str(_("Between sessions")), "", (dt.date.max,)
    else:
        term, number = chinese_ordinal(row["session__term__number"]), chinese_ordinal(row["session__number"])
        label = f"第{term}届第{number}次会议"
        sublabel, order = row["session__term__body__name"], (row["session__start_date"], row["session_id"])
    return StatsRow(label, (("session", _param(row["session_id"])),), base, sublabel=sublabel, sort_key=order)


def _unit_row(row: dict[str, Any], base: Params) -> StatsRow:
    label = row["lead_unit__name"] or str(_("No lead unit"))
    return StatsRow(label, (("lead_unit", _param(row["lead_unit_id"])),), base)


def _category_row(row: dict[str, Any], base: Params) -> StatsRow:
    if row["category_id"] is None:
        label, order = str(_("No category")), (1, 0, "", 0)
    else:
        # Counties name their categories alike: the id keeps a province's order the same on every read.
        label = row["category__name"]
        order = (0, row["category__sort_order"], label, row["category_id"])
    return StatsRow(label, (("category", _param(row["category_id"])),), base, sort_key=order)


def _priority_row(row: dict[str, Any], base: Params) -> StatsRow:
    label = _("Priority supervision") if row["is_priority"] else _("Not priority-supervised")
    return StatsRow(str(label), (("priority", TRUE if row["is_priority"] else FALSE),), base)


# Where each grouping's objects name their body, to read the labels of what the person may see.
SCOPE_BODY = {"session": "term__body", "unit": "body", "category": "body"}
SESSION_KEYS = [
    "session_id",
    "session__number",
    "session__term__number",
    "session__term__body__name",
    "session__start_date",
]
UNIT_KEYS = ["lead_unit_id", "lead_unit__name"]
CATEGORY_KEYS = ["category_id", "category__name", "category__sort_order"]


def _in_order(rows: Iterable[StatsRow]) -> list[StatsRow]:
    """Order sessions oldest first and categories in their own order; between sessions and uncategorised last."""
    return sorted(rows, key=lambda row: row.sort_key)


def _by_priority(rows: Iterable[StatsRow]) -> list[StatsRow]:
    """Put the priority-supervised suggestions' row first."""
    return sorted(rows, key=lambda row: row.group_params[0][1] != TRUE)


def rank_rows(rows: list[StatsRow], rank_by: str) -> list[StatsRow]:
    """Order rows by a rate, best first, rows with nothing to rate last; equal rates share a rank."""
    if rank_by not in RATES:
        rank_by = DEFAULT_RANK
    numerator, denominator = RATES[rank_by]

    # From the counts, as Rate.value reads them: building each row's links only to rank it would cost more.
    def value(row: StatsRow) -> float | None:
        below = row.counts[denominator]
        return row.counts[numerator] / below if below else None

    def key(row: StatsRow) -> tuple:
        rate = value(row)
        # The group's id last, so units of the same name in different counties keep one order.
        return (rate is None, -(rate or 0), -row.counts[denominator], row.label, row.group_params)

    ranked = sorted(rows, key=key)
    last_value: float | None = None
    last_rank: int | None = None
    for position, row in enumerate(ranked, start=1):
        rate = value(row)
        if rate is not None and rate != last_value:
            last_value, last_rank = rate, position
        row.rank = None if rate is None else last_rank
    return ranked


def stats_total(rows: Iterable[StatsRow], *, filters: Mapping[str, Any]) -> StatsRow:
    """Sum a complete grouping's rows (each suggestion in exactly one) into the total row."""
    total = StatsRow(str(_("All")), (), filter_params(filters))
    for row in rows:
        for measure in MEASURES:
            total.counts[measure] += row.counts[measure]
    return total


GROUPS = ("session", "unit", "category")


def suggestion_stats(
    *,
    user: User,
    filters: Mapping[str, Any],
    rank_by: str = DEFAULT_RANK,
    groups: Iterable[str] = GROUPS,
    live: bool = False,
) -> SuggestionStats:
    """Return the rates in total and by priority, and by session, unit (ranked) and category as `groups` ask.

    In at most four queries: one count (from the rollup whenever it can answer; live otherwise, or when `live`
    asks for it), and one per grouping for the groups' names.
    """
    rank_by = rank_by if rank_by in RATES else DEFAULT_RANK
    if not live and tallies.tally_serves(user=user, filters=filters):
        counted = tallies.tally_groups(user=user, filters=filters)
    else:
        counted = live_groups(user=user, filters=filters)
    return _grouped_stats(counted, user=user, filters=filters, rank_by=rank_by, groups=set(groups))


# Rows from the counts per grouping (the rollup's or live)


def _labelled(
    groups: Mapping[Any, dict[str, int]], keys: list[str], labels: Mapping[int, dict[str, Any]], make_row
) -> list[StatsRow]:
    """Build one row per group from its counts and its label columns (named as the live query names them)."""
    id_key, *label_keys = keys
    rows = []
    for value, counts in groups.items():
        label_row = labels.get(value, {})
        row = make_row({id_key: value, **{key: label_row.get(key) for key in label_keys}})
        row.counts.update(counts)
        row.counts["not_rated"] = counts["answered"] - counts["rated"]
        rows.append(row)
    return rows


def _labels(
    queryset: models.QuerySet, scope: models.QuerySet, ids: Iterable[Any], keys: list[str], prefix: str
) -> dict[int, dict[str, Any]]:
    """Fetch the label columns of the groups' objects, renamed as the live query's joins name them.

    They are read from `scope`, what the person may see (a county's 40 units, a province's 320), rather than by
    a list of their ids: psycopg parses a statement with hundreds of parameters on every call. An id outside the
    scope (not expected) is still looked up by id.
    """
    ids = {value for value in ids if value is not None}
    if not ids:
        return {}
    fields = [key.removeprefix(prefix) for key in keys[1:]]

    def read(rows: models.QuerySet) -> dict[int, dict[str, Any]]:
        return {
            values["pk"]: {key: values[field] for key, field in zip(keys[1:], fields, strict=True)}
            for values in rows.values("pk", *fields)
            if values["pk"] in ids
        }

    labels = read(scope)
    if missing := ids - labels.keys():
        labels.update(read(queryset.filter(pk__in=missing)))
    return labels


def _grouped_stats(
    counted: Mapping[str, Mapping[Any, dict[str, int]]],
    *,
    user: User,
    filters: Mapping[str, Any],
    rank_by: str,
    groups: set[str],
) -> SuggestionStats:
    """Build the page's rows from the counts per grouping, fetching the groups' labels (one query each)."""
    base = filter_params(filters)

    def rows(group: str, keys: list[str], queryset: models.QuerySet, make_row) -> list[StatsRow]:
        if group not in groups:
            return []
        grouping = counted[keys[0]]
        scope = in_scope(queryset.all(), user, SCOPE_BODY[group])
        labels = _labels(queryset, scope, grouping, keys, prefix=keys[0].removesuffix("_id") + "__")
        return _labelled(grouping, keys, labels, lambda row: make_row(row, base))

    by_priority = _by_priority(
        _labelled(counted["is_priority"], ["is_priority"], {}, lambda row: _priority_row(row, base))
    )
    return SuggestionStats(
        total=stats_total(by_priority, filters=filters),
        by_session=_in_order(rows("session", SESSION_KEYS, CongressSession.objects, _session_row)),
        by_unit=rank_rows(rows("unit", UNIT_KEYS, Unit.objects, _unit_row), rank_by),
        by_category=_in_order(rows("category", CATEGORY_KEYS, Category.objects, _category_row)),
        by_priority=by_priority,
        rank_by=rank_by,
    )
