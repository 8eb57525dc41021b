"""The statistics' rollup: counts kept ahead of time per (body, session, lead unit, category, priority).

Every write to a suggestion, whatever its path (services, bulk_create, QuerySet.update, imports, raw SQL),
fires a database trigger (migration 0005_tally) that appends the row's change to the counts, new contribution
minus old, to SuggestionTallyDelta. That table is insert-only, so writers never wait for each other on a shared
counter. `tally_compact()` folds those changes into SuggestionTally (beat runs it every minute); a read sums the
tally and the changes not yet folded in one statement, so it sees each change exactly once, right after the
write commits.

Compaction also keeps the tally's sums per session, per lead unit and per category (priority flag kept): a read
without a session, unit or category filter sums those, a few rows per body, not every key's row; a filtered
read sums the key rows under its filter with GROUPING SETS.

The key cannot express a period of assignment (a day, not in the key) nor visibility narrower than a body
subtree (a unit's people, deputies): `tally_serves()` says when the tally can answer, and the statistics count
live otherwise.

The staff list's status tabs read a second tally, kept the same way (migration 0008_status_tally): every
suggestion per (body, session, status). Compaction and rebuild treat both alike; only the reads are their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce

from congress.models import Body, Role
from congress.querysets import scope_path
from suggestions.models import (
    Suggestion,
    SuggestionStatusTally,
    SuggestionStatusTallyDelta,
    SuggestionTally,
    SuggestionTallyDelta,
    TallyCounts,
)

if TYPE_CHECKING:
    from congress.models import User

TALLY = SuggestionTally._meta.db_table
DELTA = SuggestionTallyDelta._meta.db_table
KEY = TallyCounts.KEY
MEASURES = TallyCounts.MEASURES
# The groupings the statistics page shows, by their key column; the body is only ever a scope.
GROUPINGS = ("session_id", "lead_unit_id", "category_id", "is_priority")
# The columns the tally also keeps sums over; 0 stands for "none" in them (no session, unit or category).
SUMMED = ("session_id", "lead_unit_id", "category_id")
ALL = TallyCounts.ALL
# A session, unit or category filter's value for "none" (stats.NONE_VALUE), which the key columns store as 0.
NONE_VALUE = "none"
# Past this many changes waiting in a reader's scope, the reader folds them in for the readers after it.
COMPACT_AFTER = 10_000
# Transaction-level advisory lock taken by compaction and rebuild on PostgreSQL ("tally" in ASCII).
LOCK_ID = 0x74616C6C79

Counts = dict[str, int]


def tally_serves(*, user: User, filters: Mapping[str, Any]) -> bool:
    """Tell whether the tally can count what the user sees under these filters.

    Only when the user sees the whole of a body subtree, as `SuggestionQuerySet.visible_to` gives the committee
    side, superusers and county systems; and only without a period of assignment.
    """
    if filters.get("assigned_from") or filters.get("assigned_to"):
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.is_committee_side or user.has_role(Role.API_CLIENT)


# Reading


def _scope_conditions(user: User) -> tuple[list[str], list[Any]]:
    """Return the conditions keeping a tally's rows of the bodies the user sees."""
    prefix = scope_path(user)
    if prefix is None:
        return ["1 = 0"], []
    if not prefix:
        return [], []
    # The same subtree `in_scope` keeps, decided by the same lookup.
    bodies = Body.objects.visible_to(user).order_by().values("pk")
    sql, params = bodies.query.get_compiler(connection=connection).as_sql()
    return [f"body_id IN ({sql})"], list(params)


def _conditions(*, user: User, filters: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    conditions, params = _scope_conditions(user)
    for name, column in (("session", "session_id"), ("unit", "lead_unit_id"), ("category", "category_id")):
        if filters.get(name) is not None:
            conditions.append(f"{column} = %s")
            params.append(0 if filters[name] == NONE_VALUE else filters[name].pk)
    if filters.get("priority") is not None:
        conditions.append("is_priority = %s")
        params.append(bool(filters["priority"]))
    return conditions, params


def _key_rows_sql(where: str) -> str:
    """Return the statement summing the tally's key rows and the pending changes per grouping, in one snapshot."""
    columns = ", ".join((*KEY, *MEASURES))
    counts = (
        # The sum rows carry ALL in session_id or lead_unit_id, never a key row.
        f"SELECT {columns}, 0 AS pending FROM {TALLY} WHERE {where} AND session_id <> {ALL} AND lead_unit_id <> {ALL} "
        f"UNION ALL SELECT {columns}, 1 AS pending FROM {DELTA} WHERE {where}"
    )
    sums = ", ".join(f"sum({name}) AS {name}" for name in (*MEASURES, "pending"))
    if connection.vendor == "postgresql":
        sets = ", ".join(f"({column})" for column in GROUPINGS)
        return f"SELECT {', '.join(GROUPINGS)}, {sums} FROM ({counts}) AS counts GROUP BY GROUPING SETS ({sets})"
    # No GROUPING SETS elsewhere: the same rows from one GROUP BY per grouping, still one statement.
    selects = []
    for grouping in GROUPINGS:
        keys = ", ".join(column if column == grouping else f"NULL AS {column}" for column in GROUPINGS)
        selects.append(f"SELECT {keys}, {sums} FROM counts GROUP BY {grouping}")
    return f"WITH counts AS ({counts}) " + " UNION ALL ".join(selects)


def _sums_sql(where: str) -> str:
    """Return the statement summing the tally's sum rows and the pending changes cast as such, in one snapshot."""
    columns = ", ".join((*KEY, *MEASURES))
    counts = [
        f"SELECT {columns}, 0 AS pending FROM {TALLY} WHERE {where} AND (session_id = {ALL} OR lead_unit_id = {ALL})"
    ]
    # Each change adds to one sum row per grouping; it is counted as pending once.
    counts += _sum_projections(STATISTICS, f"{DELTA} WHERE {where}", (", 1 AS pending", ", 0", ", 0"))
    sums = ", ".join(f"sum({name}) AS {name}" for name in (*MEASURES, "pending"))
    key = ", ".join(GROUPINGS)
    return f"SELECT {key}, {sums} FROM ({' UNION ALL '.join(counts)}) AS counts GROUP BY {key}"


def tally_groups(*, user: User, filters: Mapping[str, Any]) -> dict[str, dict[Any, Counts]]:
    """Return the counts per session, lead unit, category and priority flag of what the user sees, in one query.

    Keyed by grouping column, then by the group's id (None for none) or priority flag; groups with nothing
    assigned are left out. Without a session, unit or category filter the tally's sum rows answer (a few per
    body); with one, its key rows under that filter. Call only where `tally_serves()`.
    """
    conditions, params = _conditions(user=user, filters=filters)
    where = " AND ".join(conditions) or "1 = 1"
    narrowed = any(filters.get(name) is not None for name in ("session", "unit", "category"))
    with connection.cursor() as cursor:
        if narrowed:
            cursor.execute(_key_rows_sql(where), params * 2)
        else:
            cursor.execute(_sums_sql(where), params * 4)
        rows = cursor.fetchall()
    groups: dict[str, dict[Any, Counts]] = {grouping: {} for grouping in GROUPINGS}
    pending = 0
    width = len(GROUPINGS)

    def add(grouping: str, value: Any, counts: Counts) -> None:
        if grouping == "is_priority":
            value = bool(value)
        elif value == 0:
            value = None
        group = groups[grouping].setdefault(value, dict.fromkeys(MEASURES, 0))
        for name, number in counts.items():
            group[name] += number

    for row in rows:
        keys = dict(zip(GROUPINGS, row, strict=False))
        counts = dict(zip(MEASURES, (int(number) for number in row[width:-1]), strict=True))
        pending += int(row[-1])
        if narrowed:
            # A GROUPING SETS row: the grouping it belongs to is the one column not rolled up (NULL).
            grouping = next(column for column, value in keys.items() if value is not None)
            add(grouping, keys[grouping], counts)
        elif keys["lead_unit_id"] == ALL and keys["category_id"] == ALL:
            # Every suggestion lies in one session's sum row: these also make the priority split.
            add("session_id", keys["session_id"], counts)
            add("is_priority", keys["is_priority"], counts)
        elif keys["session_id"] == ALL and keys["category_id"] == ALL:
            add("lead_unit_id", keys["lead_unit_id"], counts)
        else:
            add("category_id", keys["category_id"], counts)
    for grouping, values in groups.items():
        groups[grouping] = {value: counts for value, counts in values.items() if counts["assigned"]}
    # Under GROUPING SETS each change is counted once per grouping set.
    pending //= len(GROUPINGS) if narrowed else 1
    if pending > COMPACT_AFTER:
        # What was just read is exact either way; folding the changes in keeps the next reads short.
        tally_compact()
    return groups


def tally_status_counts(
    *, user: User, session: int | None, statuses: Sequence[str], beside: Mapping[str, QuerySet]
) -> dict[str, int]:
    """Return how many suggestions the user sees per status, and the size of each `beside` queryset, in one query.

    Counted from the status tally, within `session` (0 for between sessions) and `statuses` when given; statuses
    with none are left out. `beside` are counted live under their names in the same statement, so every number
    comes from one snapshot. Call only where `tally_serves()`.
    """
    conditions, params = _scope_conditions(user)
    if session is not None:
        conditions.append("session_id = %s")
        params.append(session)
    if statuses:
        conditions.append(f"status IN ({', '.join(['%s'] * len(statuses))})")
        params += statuses
    where = " AND ".join(conditions) or "1 = 1"
    table, delta = STATUSES.table, STATUSES.delta
    sql = (
        "SELECT status, sum(suggestions), sum(pending) FROM ("
        f"SELECT status, suggestions, 0 AS pending FROM {table} WHERE {where} "
        f"UNION ALL SELECT status, suggestions, 1 AS pending FROM {delta} WHERE {where}) AS counts GROUP BY status"
    )
    params *= 2
    for name, queryset in beside.items():
        counted, counted_params = queryset.order_by().values("pk").query.sql_with_params()
        sql += f" UNION ALL SELECT %s, count(*), 0 FROM ({counted}) AS beside"
        params += [name, *counted_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if sum(int(pending) for _name, _count, pending in rows) > COMPACT_AFTER:
        # What was just read is exact either way; folding the changes in keeps the next reads short.
        tally_compact()
    return {name: int(count) for name, count, _pending in rows if count or name in beside}


# Writing


@dataclass(frozen=True)
class Tally:
    """A rollup the triggers keep: its table, its pending changes, the key columns it also keeps sums over, and
    its live count per key, for the rebuild.

    `counted()` returns the live count as a values() queryset and the names of its columns in the order of the
    key then the measures.
    """

    model: type[models.Model]
    delta_model: type[models.Model]
    summed: tuple[str, ...]
    counted: Callable[[], tuple[QuerySet, tuple[str, ...]]]

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def delta(self) -> str:
        return self.delta_model._meta.db_table

    @property
    def key(self) -> tuple[str, ...]:
        return self.model.KEY

    @property
    def measures(self) -> tuple[str, ...]:
        return self.model.MEASURES


def _statistics_counted() -> tuple[QuerySet, tuple[str, ...]]:
    """Count the statistics per tally key live, from their own definitions (suggestions.stats)."""
    from suggestions import stats

    none = Value(0)
    counted = (
        Suggestion.objects.filter(status__in=stats.ASSIGNED_STATUSES, assigned_at__isnull=False)
        .annotate(
            tally_session=Coalesce("session_id", none),
            tally_unit=Coalesce("lead_unit_id", none),
            tally_category=Coalesce("category_id", none),
        )
        .values("body_id", "tally_session", "tally_unit", "tally_category", "is_priority")
        .annotate(**stats.TALLY_AGGREGATES)
        .order_by()
    )
    return counted, ("body_id", "tally_session", "tally_unit", "tally_category", "is_priority", *MEASURES)


def _statuses_counted() -> tuple[QuerySet, tuple[str, ...]]:
    """Count every suggestion per body, session and status live."""
    counted = (
        Suggestion.objects.annotate(tally_session=Coalesce("session_id", Value(0)))
        .values("body_id", "tally_session", "status")
        .annotate(tally_suggestions=Count("*"))
        .order_by()
    )
    return counted, ("body_id", "tally_session", "status", "tally_suggestions")


STATISTICS = Tally(SuggestionTally, SuggestionTallyDelta, summed=SUMMED, counted=_statistics_counted)
STATUSES = Tally(SuggestionStatusTally, SuggestionStatusTallyDelta, summed=(), counted=_statuses_counted)
TALLIES = (STATISTICS, STATUSES)


def _sum_projections(tally: Tally, source: str, extra: tuple[str, ...] | None = None) -> list[str]:
    """Select `source`'s key rows as the sum rows they add to: one per summed column (per session, …)."""
    projections = []
    for kept, columns in zip(tally.summed, extra or ("",) * len(tally.summed), strict=True):
        key = ", ".join(
            column if column not in tally.summed or column == kept else f"{ALL} AS {column}" for column in tally.key
        )
        projections.append(f"SELECT {key}, {', '.join(tally.measures)}{columns} FROM {source}")
    return projections


def _upsert_sql(tally: Tally, source: str, *, keys: bool = True) -> str:
    """Return an INSERT adding `source`'s key rows to the tally's key rows (if `keys`) and to its sum rows."""
    columns = ", ".join((*tally.key, *tally.measures))
    projections = _sum_projections(tally, source)
    if keys:
        projections.insert(0, f"SELECT {columns} FROM {source}")
    sums = ", ".join(f"sum({name})" for name in tally.measures)
    added = ", ".join(f"{name} = {tally.table}.{name} + excluded.{name}" for name in tally.measures)
    key = ", ".join(tally.key)
    # WHERE before ON CONFLICT spares SQLite's parser an ambiguity.
    return (
        f"INSERT INTO {tally.table} ({columns}) SELECT {key}, {sums} "
        f"FROM ({' UNION ALL '.join(projections)}) AS added WHERE 1 = 1 "
        f"GROUP BY {key} ON CONFLICT ({key}) DO UPDATE SET {added}"
    )


def _fold(cursor, tally: Tally) -> int:
    """Move the tally's pending changes into it; return how many were moved."""
    if connection.vendor == "postgresql":
        returning = ", ".join((*tally.key, *tally.measures))
        cursor.execute(
            f"WITH moved AS (DELETE FROM {tally.delta} RETURNING {returning}), "
            f"added AS ({_upsert_sql(tally, 'moved')} RETURNING 1) "
            "SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM added)"
        )
        moved = cursor.fetchone()[0]
    else:
        # SQLite runs one writer at a time, so what this transaction reads stays as it read it.
        cursor.execute(f"SELECT max(id), count(*) FROM {tally.delta}")
        last, moved = cursor.fetchone()
        if not moved:
            return 0
        cursor.execute(_upsert_sql(tally, f"{tally.delta} WHERE id <= %s"), [last] * (1 + len(tally.summed)))
        cursor.execute(f"DELETE FROM {tally.delta} WHERE id <= %s", [last])
    if moved:
        # The first measure counts every suggestion its key holds (the others count some of them): at 0 the
        # key is empty.
        cursor.execute(f"DELETE FROM {tally.table} WHERE {tally.measures[0]} = 0")
    return moved


def tally_compact() -> int:
    """Fold the pending changes into the tallies; return how many were folded.

    Safe beside writers and readers: on PostgreSQL the changes are deleted and added in one statement, so a
    change committed meanwhile stays pending for the next run, and a reader sees each change once. A second
    compactor finds the lock taken and returns at once.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_ID])
            if not cursor.fetchone()[0]:
                return 0
        return sum(_fold(cursor, tally) for tally in TALLIES)


def _counted_sql(tally: Tally) -> tuple[str, list[Any]]:
    """Return the INSERT filling the tally's key rows with the live count."""
    counted, columns = tally.counted()
    sql, params = counted.query.get_compiler(connection=connection).as_sql()
    target = ", ".join((*tally.key, *tally.measures))
    # Selected by name from the subquery: the column order of values() plus annotate() is Django's business.
    return f"INSERT INTO {tally.table} ({target}) SELECT {', '.join(columns)} FROM ({sql}) AS counted", list(params)


def tally_rebuild() -> int:
    """Recount the tallies from the suggestions and drop the pending changes; return the number of keys.

    For a repair, or after a bulk load with the triggers disabled.

    On PostgreSQL writers to suggestions wait until it commits (SHARE lock), so no change is both recounted
    and left pending; readers go on reading the old counts meanwhile.
    """
    inserts = [(tally, *_counted_sql(tally)) for tally in TALLIES]
    keys = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
            cursor.execute(f"LOCK TABLE {Suggestion._meta.db_table} IN SHARE MODE")
        for tally, insert, params in inserts:
            cursor.execute(f"DELETE FROM {tally.delta}")
            cursor.execute(f"DELETE FROM {tally.table}")
            cursor.execute(insert, params)
            keys += cursor.rowcount
            if tally.summed:
                cursor.execute(_upsert_sql(tally, tally.table, keys=False))
    return keys
