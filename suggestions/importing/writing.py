"""The import itself: the preview's valid rows written in bulk in one transaction, and what it did."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, Event, User
from congress.services import record_event
from congress.workflow import ensure
from suggestions.importing.checking import ImportRow, can_import, import_body
from suggestions.importing.previews import PREVIEW_ID, PreviewMissing, import_preview_get, preview_path
from suggestions.models import Suggestion
from suggestions.services.bulk import BulkItemError, NewSuggestion, suggestions_create_bulk

logger = logging.getLogger(__name__)

EVENT_KIND = "suggestions_imported"


@dataclass
class ImportResult:
    """What a confirmation did: the suggestions it created and the rows it left out."""

    preview_id: str
    event: Event
    created_ids: list[int]
    skipped: list[dict]
    already_done: bool = False


def _import_event(body_id: int, preview_id: str) -> Event | None:
    return (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Body),
            object_id=body_id,
            kind=EVENT_KIND,
            data__preview_id=preview_id,
        )
        .select_related("actor")
        .first()
    )


def suggestions_import(*, preview_id: str, actor: User, all_or_nothing: bool = False) -> ImportResult:
    """Create a suggestion from every valid row of the preview (or none, when all-or-nothing meets an error).

    Idempotent on the preview id: confirming the same preview again returns the first import's result.
    Everything is written in one transaction, so a failure on the way leaves nothing of the import behind.
    """
    try:
        return _import(preview_id=preview_id, actor=actor, all_or_nothing=all_or_nothing)
    except DatabaseError:
        # The transaction has been rolled back: tell the person plainly, keep the details for the administrator.
        logger.exception("Import of preview %s failed and was rolled back", preview_id)
        raise ValidationError(
            _(
                "The import failed and nothing was imported. Try again; if it fails again, "
                "tell the system administrator."
            ),
            code="failed",
        ) from None


@transaction.atomic
def _import(*, preview_id: str, actor: User, all_or_nothing: bool) -> ImportResult:
    body = import_body(actor)
    ensure(can_import(actor, body))
    # The body's row serialises two confirmations of one preview (a double click, two tabs). FOR NO KEY UPDATE,
    # not FOR UPDATE: the key-share lock each new row referencing the body takes must not wait for the import,
    # or a registration holding the session's numbering lock would wait here while the import waits for it.
    Body.objects.select_for_update(no_key=True).only("pk").get(pk=body.pk)
    done = _import_event(body.pk, preview_id) if PREVIEW_ID.match(preview_id or "") else None
    if done is not None:
        if done.actor_id != actor.pk:
            raise PreviewMissing
        return _result(done, already_done=True)
    preview = import_preview_get(preview_id=preview_id, actor=actor)
    if preview.body_id != body.pk:
        raise PreviewMissing
    if all_or_nothing and preview.error_rows:
        raise ValidationError(
            _("%(count)s rows have errors, so nothing was imported. Correct the file and upload it again.")
            % {"count": len(preview.error_rows)},
            code="has_errors",
        )
    session = CongressSession.objects.select_related("term").get(pk=preview.session_id) if preview.session_id else None
    rows = preview.ok_rows
    try:
        # The rows are checked again against the roster as it is now: it may have changed since the preview.
        intake = suggestions_create_bulk(
            body=body,
            items=[_new_suggestion(row) for row in rows],
            actor=actor,
            session=session,
            register=preview.register,
            skip_invalid=not all_or_nothing,
        )
    except BulkItemError as error:
        raise ValidationError(
            _("Row %(line)s could not be imported, so nothing was: %(reason)s")
            % {"line": rows[error.index].line, "reason": error.reason}
        ) from error
    created = [suggestion.pk for suggestion in intake.created]
    # The title (cut short) lets the result page say which suggestion a left-out row was without the file at hand.
    skipped = [{"line": row.line, "title": row.title[:100], "errors": row.errors} for row in preview.error_rows]
    skipped += [
        {"line": rows[index].line, "title": rows[index].title[:100], "errors": [reason]}
        for index, reason in intake.refused.items()
    ]
    event = record_event(
        body,
        actor=actor,
        kind=EVENT_KIND,
        note=preview.file_name,
        data={
            "preview_id": preview.id,
            "file_name": preview.file_name,
            "session": preview.session_id,
            "register": preview.register,
            "all_or_nothing": all_or_nothing,
            "rows": len(preview.rows),
            "created": created,
            "skipped": sorted(skipped, key=lambda item: item["line"]),
        },
    )
    path = preview_path(preview.id)
    transaction.on_commit(lambda: default_storage.delete(path))
    return _result(event)


def _new_suggestion(row: ImportRow) -> NewSuggestion:
    return NewSuggestion(
        lead_deputy_id=row.lead_id,
        title=row.title,
        content=row.content,
        category_id=row.category_id,
        cosigner_ids=tuple(row.cosigner_ids),
    )


def _result(event: Event, *, already_done: bool = False) -> ImportResult:
    return ImportResult(
        preview_id=event.data["preview_id"],
        event=event,
        created_ids=list(event.data.get("created", [])),
        skipped=list(event.data.get("skipped", [])),
        already_done=already_done,
    )


def import_result_get(*, preview_id: str, actor: User) -> ImportResult:
    """Return what the import of this preview did, for the person who ran it."""
    body = import_body(actor)
    if not can_import(actor, body):
        raise PermissionDenied
    event = _import_event(body.pk, preview_id) if PREVIEW_ID.match(preview_id or "") else None
    if event is None or event.actor_id != actor.pk:
        raise PreviewMissing
    return _result(event)


def import_done(*, preview_id: str, actor: User) -> bool:
    """Tell whether the actor has already imported this preview."""
    try:
        import_result_get(preview_id=preview_id, actor=actor)
    except PreviewMissing:
        return False
    return True


def imported_suggestions(result: ImportResult) -> list[Suggestion]:
    """Return the suggestions an import created, in the file's order, with what the result page shows."""
    return list(
        Suggestion.objects.filter(pk__in=result.created_ids)
        .select_related("lead_deputy", "session__term", "category")
        .order_by("pk")
    )
