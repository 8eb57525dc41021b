"""The preview: what an upload turned into, kept as JSON in the default storage until it is confirmed."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import CongressSession, User
from congress.workflow import ensure
from suggestions.importing.checking import ImportRow, can_import, check_rows, import_body
from suggestions.importing.reading import read_table

PREVIEW_DIR = "imports"
PREVIEW_MAX_AGE = timedelta(days=2)
PREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class PreviewMissing(Exception):
    """The preview has expired, was never made, or belongs to another person."""


@dataclass
class ImportPreview:
    """What an upload turned into: the rows with their errors, and the choices made on upload."""

    id: str
    uploader_id: int
    body_id: int
    session_id: int | None
    register: bool
    file_name: str
    created_at: str
    rows: list[ImportRow]

    @property
    def ok_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def preview_path(preview_id: str) -> str:
    """Return where the preview is kept in the default storage."""
    return f"{PREVIEW_DIR}/{preview_id}.json"


def import_preview_create(
    *, upload: UploadedFile, actor: User, session: CongressSession | None, register: bool
) -> ImportPreview:
    """Read and check the upload and keep the result for confirmation; write nothing else."""
    body = import_body(actor)
    ensure(can_import(actor, body))
    if session is not None and session.term.body_id != body.pk:
        raise ValidationError(_("The session belongs to another congress."))
    table = read_table(upload)
    rows = check_rows(table, body=body, session=session)
    if not rows:
        raise ValidationError(_("The file has a heading row but no suggestions under it."), code="empty")
    preview = ImportPreview(
        id=secrets.token_urlsafe(18),
        uploader_id=actor.pk,
        body_id=body.pk,
        session_id=session.pk if session else None,
        register=register,
        file_name=(upload.name or "")[:200],
        created_at=timezone.now().isoformat(),
        rows=rows,
    )
    _discard_old_previews()
    payload = json.dumps(asdict(preview), ensure_ascii=False).encode("utf-8")
    default_storage.save(preview_path(preview.id), ContentFile(payload))
    return preview


def import_preview_get(*, preview_id: str, actor: User) -> ImportPreview:
    """Return the uploader's own preview; raise PreviewMissing when it has gone or is someone else's."""
    if not PREVIEW_ID.match(preview_id or ""):
        raise PreviewMissing
    try:
        with default_storage.open(preview_path(preview_id), "rb") as stored:
            data = json.loads(stored.read().decode("utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        raise PreviewMissing from None
    # Another person's preview is treated as missing, so its contents and existence stay private.
    if data.get("uploader_id") != actor.pk:
        raise PreviewMissing
    data["rows"] = [ImportRow(**row) for row in data["rows"]]
    return ImportPreview(**data)


def _discard_old_previews() -> None:
    """Delete previews nobody confirmed in PREVIEW_MAX_AGE: they hold deputies' texts and must not pile up."""
    cutoff = timezone.now() - PREVIEW_MAX_AGE
    try:
        _dirs, files = default_storage.listdir(PREVIEW_DIR)
        for name in files:
            path = f"{PREVIEW_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
