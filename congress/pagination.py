"""Paging a large list for a page: ids first, rows second, each part of the order from its own index.

A county's list holds 125,000 suggestions and a province's a million. Sorting them in the database to
show 50, or walking OFFSET over full rows, costs seconds; reading the ids of one page from an index
that is already in the list's order costs a fraction of a millisecond, and loading 50 rows by id another.

`IdPaginator` is Django's `Paginator` (the templates' `page.has_next`, `paginator.num_pages`, … work
unchanged) over one or more ordered querysets shown one after another — e.g. the overdue suggestions,
each in due-date order, then the rest — whose sizes the caller already knows from its counts. A part may
also be anything that slices into ids: the list of them, when the caller has read them already.

A list too long to count (a text search matching a hundred thousand suggestions) can be paged over its first
rows only: the counts then cover those, and `capped` tells the templates the list goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdPaginator(Paginator):
    """Pages through `parts` in turn; each part's page ids are read first, then `load` turns ids into rows.

    `counts[i]` must be the size of `parts[i]` (or of its first rows that are paged, when `capped`);
    `load(ids)` returns the objects of those ids (in any order: the page puts them back in the ids' order).
    """

    def __init__(
        self,
        parts: Sequence[QuerySet | Any],
        per_page: int,
        *,
        counts: Sequence[int],
        load: Callable[[list[Any]], Iterable[Any]],
        capped: bool = False,
    ) -> None:
        if len(parts) != len(counts):
            raise ValueError("every part needs its count")
        super().__init__(parts, per_page)
        # Slicing a part gives the ids of that stretch: a query for a queryset, items for a list of ids.
        self.parts = [part.values_list("pk", flat=True) if isinstance(part, QuerySet) else part for part in parts]
        self.counts = list(counts)
        self.load = load
        self.capped = capped
        # Paginator.count is a cached property: the caller's counts answer it without another query.
        self.__dict__["count"] = sum(self.counts)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids: list[Any] = []
        start = 0
        for part, size in zip(self.parts, self.counts, strict=True):
            low, high = max(bottom - start, 0), min(top - start, size)
            if low < high:
                ids.extend(part[low:high])
            start += size
        by_id = {row.pk: row for row in self.load(ids)} if ids else {}
        # A row gone between the two reads (deleted meanwhile) is simply not shown.
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)
