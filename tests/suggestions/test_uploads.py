"""Reply letters are checked by content and size; a bad file is refused and changes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions import services
from suggestions.models import Answer, Assignment, Attachment, Suggestion
from tests.suggestions.factories import PDF_BYTES, PNG_BYTES, assignment_of, drive, loop_cast

# Messages are matched on their English wording; the portal itself speaks Chinese.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Suggestion.Status


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    return buffer.getvalue()


@pytest.fixture
def handling(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.HANDLING)
    return cast, suggestion, assignment_of(suggestion, cast.lead_unit)


def answer_with(handling, name: str, content: bytes):
    cast, _suggestion, lead = handling
    return services.suggestion_answer(
        assignment_id=lead.pk,
        actor=cast.lead_handler,
        grade="A",
        text="已解决。",
        letter=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    ("name", "content", "stored_extension"),
    [
        ("答复函.pdf", PDF_BYTES, ".pdf"),
        ("答复函.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".doc"),
        ("答复函.docx", docx_bytes(), ".docx"),
        ("扫描件.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, ".jpg"),
        # Named .pdf but really a PNG: allowed, because the content decides, and stored as what it is.
        ("答复函.pdf", PNG_BYTES, ".png"),
    ],
)
def test_pdf_word_and_images_are_accepted_by_their_content(handling, name, content, stored_extension):
    answer = answer_with(handling, name, content)
    assert answer.letter.name.endswith(stored_extension)
    assert answer.letter_name == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("答复函.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows program renamed .pdf
        ("答复函.docx", plain_zip_bytes()),  # a ZIP archive that is not a Word document
        ("答复函.pdf", b"just text pretending"),
        ("答复函.pdf", b""),
    ],
)
def test_a_file_that_is_not_an_allowed_type_is_refused_and_nothing_changes(handling, name, content):
    _cast, suggestion, lead = handling
    with pytest.raises(ValidationError) as raised:
        answer_with(handling, name, content)
    assert "letter" in raised.value.message_dict
    assert Answer.objects.count() == 0
    assert Assignment.objects.get(pk=lead.pk).status == Assignment.Status.ACCEPTED
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.HANDLING


def test_a_file_over_the_size_limit_is_refused(handling, settings):
    settings.SUGGESTION_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than"):
        answer_with(handling, "答复函.pdf", PDF_BYTES + b"\x00" * 1024)
    assert Answer.objects.count() == 0


def test_the_default_limit_is_twenty_megabytes(handling):
    too_big = PDF_BYTES + b"\x00" * (20 * 1024 * 1024)
    with pytest.raises(ValidationError, match="larger than"):
        answer_with(handling, "答复函.pdf", too_big)


def test_a_deputy_attaches_a_photo_to_a_draft_but_not_a_program(county):
    cast = loop_cast(county)
    suggestion = drive(cast, to=Status.DRAFT)
    photo = services.suggestion_attach(
        suggestion_id=suggestion.pk, actor=cast.deputy, file=SimpleUploadedFile("现场.png", PNG_BYTES)
    )
    assert photo.content_type == "image/png" and photo.size == len(PNG_BYTES)
    with pytest.raises(ValidationError):
        services.suggestion_attach(
            suggestion_id=suggestion.pk, actor=cast.deputy, file=SimpleUploadedFile("a.jpg", b"MZ")
        )
    assert Attachment.objects.count() == 1
