"""Checks on uploaded letters and attachments: the type is read from the content, never from the name."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind(".pdf", "application/pdf")
DOC = FileKind(".doc", "application/msword")
DOCX = FileKind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
JPEG = FileKind(".jpg", "image/jpeg")
PNG = FileKind(".png", "image/png")


def max_upload_bytes() -> int:
    return int(getattr(settings, "SUGGESTION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def detect_kind(upload: UploadedFile) -> FileKind | None:
    """Return the kind of a PDF, Word or JPEG/PNG file from its first bytes, or None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # The OLE2 container of Word 97-2003; other Office 97 files share it, which is acceptable for a letter.
        return DOC
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        # Every OOXML file is a ZIP archive; only one holding a Word document part is a .docx.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def validate_upload(upload: UploadedFile, field: str = "letter") -> FileKind:
    """Return the file's kind, or raise a ValidationError when it is too large or not PDF, Word or an image."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {field: _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}}, code="too_large"
        )
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            {field: _("Only PDF, Word (.doc, .docx), JPEG or PNG files can be uploaded; this file is none of them.")},
            code="bad_type",
        )
    return kind


def stored_name(original: str, kind: FileKind) -> str:
    """Name the stored file after what it is, so a PNG sent as "letter.pdf" is served as an image."""
    stem = os.path.splitext(os.path.basename(original or "file"))[0] or "file"
    return f"{stem[:80]}{kind.extension}"
