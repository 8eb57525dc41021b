"""Pagination: cursors for collections that grow without bound, page numbers where a count is cheap."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination


class CursorPagination(pagination.CursorPagination):
    """Fast at any depth: no COUNT, no OFFSET scan; the view's `ordering` must end on a unique field."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = _("Invalid cursor: use the next or previous link as given.")

    def paginate_queryset(self, queryset, request, view=None):
        # decode_cursor checks the position against the ordering field, which only the queryset knows.
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            # A mangled cursor is bad input, not a missing resource.
            raise self._invalid_cursor() from error
        if cursor is not None and cursor.position is not None and not self._position_fits(cursor.position):
            # A forged position would reach the database: a 500, a raw Django message or an overflow.
            raise self._invalid_cursor()
        return cursor

    def _invalid_cursor(self) -> exceptions.ValidationError:
        return exceptions.ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]})

    def _position_fits(self, position: str) -> bool:
        """Tell whether `position` is a value the ordering's first field can hold, as a real row's would be."""
        model = getattr(self, "_model", None)
        if model is None:
            return True
        name = self.ordering[0].lstrip("-")
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        return position_fits(field, position)

    def get_page_size(self, request):
        _validate_page_size(request, self.page_size_query_param, self.max_page_size)
        return super().get_page_size(request)


class IdFirstCursorPagination(CursorPagination):
    """Cursor pages of a very large collection: the page's ids and positions first, then its rows by id.

    The first read touches only the columns of the ordering (an index-only scan when an index holds them
    and the scope's key), however many rows the collection has; the second loads the page's rows with
    everything the serializer needs, by primary key. A view may name where those rows come from with
    `get_page_queryset()`: the ids have passed its filters already, so it need not filter them again.
    """

    def paginate_queryset(self, queryset, request, view=None):
        ordering = self.get_ordering(request, queryset, view)
        fields = {"pk", *(field.lstrip("-") for field in ordering)}
        keys = super().paginate_queryset(queryset.values(*fields), request, view)
        if keys is None:
            return None
        get_page_queryset = getattr(view, "get_page_queryset", None)
        rows_from = queryset.order_by() if get_page_queryset is None else get_page_queryset()
        rows = rows_from.in_bulk([key["pk"] for key in keys])
        # A row deleted between the two reads is left out, not an error.
        return [rows[key["pk"]] for key in keys if key["pk"] in rows]


class PageNumberPagination(pagination.PageNumberPagination):
    """For small reference lists (terms, sessions, units), where counting rows costs little."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        _validate_page_size(request, self.page_size_query_param, self.max_page_size)
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page is not None and page != "last" and not (page.isascii() and page.isdigit() and 0 < int(page) < 10**9):
            raise exceptions.ValidationError({self.page_query_param: [str(_("Give a page number from 1."))]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        return response


def position_fits(field: models.Field, position: str) -> bool:
    """Tell whether a cursor's `position` parses as a value of `field` within the column's range."""
    if "\x00" in position:
        # PostgreSQL refuses NUL in text; no row holds one.
        return False
    try:
        value = field.to_python(position)
        # The integer fields' validators carry the column's range on this database.
        field.run_validators(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    if isinstance(value, datetime.datetime) and settings.USE_TZ:
        # A row's position carries its offset; a naive or out-of-range moment is not one of them.
        if value.tzinfo is None:
            return False
        try:
            value.astimezone(datetime.UTC)
        except OverflowError:
            return False
    return value is not None


def _validate_page_size(request, param: str, maximum: int) -> None:
    value = request.query_params.get(param)
    if value is None:
        return
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= maximum):
        raise exceptions.ValidationError({param: [str(_("Give a number from 1 to %(max)d.") % {"max": maximum})]})
