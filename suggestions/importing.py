"""Import suggestions that arrived on paper: a spreadsheet is read and checked row by row, previewed, then imported.

The flow has two requests. `import_preview_create` reads the upload (an .xlsx, or a CSV in UTF-8 or GB18030),
checks every row against the body's roster and categories, and keeps the normalised rows as JSON in the
default storage under imports/<preview id>.json; nothing else is written. `suggestions_import` then creates
the valid rows through `suggestion_create` (and `suggestion_register` when asked) in one transaction and
records one event for the batch, carrying the preview id: a second confirmation of the same preview finds
that event and creates nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, Event, User
from congress.services import record_event
from congress.workflow import WorkflowError, ensure
from deputies.models import Deputy
from suggestions.models import Category, Suggestion
from suggestions.permissions import is_office_staff
from suggestions.services import suggestion_create, suggestion_register

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 2000
# An .xlsx is a ZIP archive: refuse one that would unpack to far more than any real suggestion list.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
CONTENT_MAX_LENGTH = 20000
PREVIEW_DIR = "imports"
PREVIEW_MAX_AGE = timedelta(days=2)
EVENT_KIND = "suggestions_imported"

LEAD, COSIGNERS, TITLE, CONTENT, CATEGORY = "lead", "cosigners", "title", "content", "category"
# The column headings of the spreadsheet are part of the file format the counties fill in, so they are
# Chinese data, not interface text; the first of each list is what the template spreadsheet writes.
HEADINGS: dict[str, tuple[str, ...]] = {
    LEAD: ("领衔代表", "领衔代表姓名", "领衔人"),
    COSIGNERS: ("附议代表", "附议人", "联名代表"),
    TITLE: ("标题", "建议标题", "案由"),
    CONTENT: ("内容", "建议内容", "正文"),
    CATEGORY: ("分类", "类别", "建议分类"),
}
REQUIRED_COLUMNS = (LEAD, TITLE, CONTENT)
EXAMPLE_ROW = {
    LEAD: "张三",
    COSIGNERS: "李四、王五",
    TITLE: "关于加快城区老旧小区改造的建议",
    CONTENT: "城区部分老旧小区管网老化、缺少停车位，建议将其列入明年改造计划，并公开改造进度。",
    CATEGORY: "城乡建设",
}

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
COSIGNER_SEPARATORS = re.compile(r"[、,，;；\n]+")
PREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADING_NOISE = re.compile(r"[\s*＊]|[（(]必填[)）]")


class PreviewMissing(Exception):
    """The preview has expired, was never made, or belongs to another person."""


@dataclass
class ImportRow:
    """One data row of the spreadsheet, as read and as matched against the roster and the categories."""

    line: int
    lead: str = ""
    cosigners: str = ""
    title: str = ""
    content: str = ""
    category: str = ""
    lead_id: int | None = None
    lead_name: str = ""
    cosigner_ids: list[int] = field(default_factory=list)
    cosigner_names: list[str] = field(default_factory=list)
    category_id: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


@dataclass
class ImportResult:
    """What a confirmation did: the suggestions it created and the rows it left out."""

    preview_id: str
    event: Event
    created_ids: list[int]
    skipped: list[dict]
    already_done: bool = False


# Who and where


def import_body(user: User) -> Body | None:
    """Return the congress whose roster a staff member imports for: a standing committee works for its congress."""
    body = user.body if user.is_authenticated else None
    if body is not None and body.kind == Body.Kind.STANDING_COMMITTEE and body.parent_id:
        return body.parent
    return body


def can_import(user: User, body: Body | None) -> bool:
    """Office staff import on the deputies' behalf, within their own scope (as `suggestion_create` demands)."""
    return body is not None and is_office_staff(user, body)


def import_sessions(body: Body) -> list[CongressSession]:
    """Return the body's sessions, the latest first, for the upload form."""
    return list(
        CongressSession.objects.filter(term__body=body).select_related("term__body").order_by("-start_date", "-number")
    )


def max_upload_bytes() -> int:
    return int(getattr(settings, "SUGGESTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "SUGGESTION_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# Reading the file


def read_table(upload: UploadedFile) -> list[tuple[int, list[str]]]:
    """Return the non-blank rows of the file as (spreadsheet line, cell texts); raise ValidationError on a bad file."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s can be imported at once. Split it into several files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s. Split it into several files.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if data.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValidationError(
            _("This is an old Excel 97-2003 (.xls) file. Open it in Excel or WPS, save it as .xlsx and upload that."),
            code="xls",
        )
    else:
        rows = _read_csv(data)
    return _limit_rows(rows)


def _bad_type() -> ValidationError:
    return ValidationError(
        _("This file is not an Excel workbook (.xlsx) or a CSV file. Download the template and fill it in."),
        code="bad_type",
    )


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # imported here: only the import pages need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _bad_type() from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        # A Word document, an archive or anything else packed as ZIP.
        raise _bad_type()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The workbook is too large when unpacked. Split it into several files."), code="bomb")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise ValidationError(
            _("The workbook could not be read; it may be damaged. Save it again in Excel or WPS."), code="damaged"
        ) from None
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook) -> Iterator[tuple[int, list[str]]]:
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield line, cells
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # A deputy number typed as 1001 comes back from Excel as 1001.0.
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data[:4096]:
        # Binary content (a program, an image, a UTF-16 text): no county CSV looks like this.
        raise _bad_type()
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, [cell.strip() for cell in cells]) for cells in reader]
    except csv.Error:
        raise ValidationError(_("The CSV file could not be read: check its quotation marks."), code="csv") from None
    return ((line, cells) for line, cells in rows if any(cells))


def _decode(data: bytes) -> str:
    """Decode a CSV saved by Excel or WPS on Windows (GB18030 family) or elsewhere (UTF-8, maybe with a BOM)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 (GBK) text."), code="encoding")


def _limit_rows(rows: Iterable[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    limit = max_rows()
    table: list[tuple[int, list[str]]] = []
    for row in rows:
        table.append(row)
        # One heading row, then at most `limit` data rows.
        if len(table) > limit + 1:
            raise ValidationError(
                _("The file has more than %(limit)s rows; import at most %(limit)s at once.") % {"limit": limit},
                code="too_many_rows",
            )
    if not table:
        raise ValidationError(_("The file has no rows."), code="empty")
    return table


# Checking the rows


def _heading_key(text: str) -> str | None:
    cleaned = HEADING_NOISE.sub("", text)
    for key, names in HEADINGS.items():
        if cleaned in names:
            return key
    return None


def _columns(heading: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(heading):
        key = _heading_key(text)
        if key is None:
            continue
        if key in columns:
            raise ValidationError(
                _("The column “%(name)s” appears twice in the heading row.") % {"name": HEADINGS[key][0]},
                code="heading",
            )
        columns[key] = index
    missing = [HEADINGS[key][0] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise ValidationError(
            _(
                "The first row must hold the column headings %(required)s (and optionally %(optional)s); "
                "missing: %(missing)s. Download the template to see the layout."
            )
            % {
                "required": "、".join(HEADINGS[key][0] for key in REQUIRED_COLUMNS),
                "optional": "、".join((HEADINGS[COSIGNERS][0], HEADINGS[CATEGORY][0])),
                "missing": "、".join(missing),
            },
            code="heading",
        )
    return columns


class Roster:
    """The serving deputies of a body, found by deputy number or by name."""

    def __init__(self, body: Body) -> None:
        deputies = Deputy.objects.filter(body=body, is_active=True).only("pk", "code", "name")
        self.by_code: dict[str, Deputy] = {}
        self.by_name: dict[str, list[Deputy]] = {}
        for deputy in deputies:
            self.by_code[deputy.code.strip().upper()] = deputy
            self.by_name.setdefault(_squeeze(deputy.name), []).append(deputy)

    def find(self, text: str) -> tuple[Deputy | None, str]:
        """Return the deputy a cell names (by number first, then by name), or None with the reason."""
        deputy = self.by_code.get(text.strip().upper())
        if deputy is not None:
            return deputy, ""
        matches = self.by_name.get(_squeeze(text), [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _(
                "Several serving deputies are called %(name)s (numbers %(codes)s); write the deputy number instead."
            ) % {"name": text, "codes": "、".join(deputy.code for deputy in matches)}
        return None, _("No serving deputy of this congress is called or numbered %(name)s.") % {"name": text}


def _squeeze(text: str) -> str:
    """Drop every space: two-character names are often typed with a space to line them up (王 芳)."""
    return "".join(text.split())


def _split_cosigners(text: str, roster: Roster) -> Iterator[str]:
    """Split a co-signer cell on 、,;，； and line breaks, then on spaces, keeping spaced-out names (王 芳) whole."""
    for part in COSIGNER_SEPARATORS.split(text):
        tokens = part.split()
        start = 0
        while start < len(tokens):
            end = start + 1
            if roster.find(tokens[start])[0] is None:
                # A name typed with spaces to line it up spans up to four tokens.
                for stop in range(start + 2, min(start + 4, len(tokens)) + 1):
                    if roster.find("".join(tokens[start:stop]))[0] is not None:
                        end = stop
                        break
            yield "".join(tokens[start:end])
            start = end


def check_rows(table: list[tuple[int, list[str]]], *, body: Body, session: CongressSession | None) -> list[ImportRow]:
    """Read the heading row and check every data row; return the rows with their errors in the user's language."""
    (_line, heading), *data = table
    columns = _columns(heading)
    roster = Roster(body)
    categories = {category.name.strip(): category for category in Category.objects.filter(body=body, is_active=True)}
    title_max = Suggestion._meta.get_field("title").max_length
    rows: list[ImportRow] = []
    seen: dict[tuple[int, str], int] = {}
    for line, cells in data:
        row = ImportRow(line=line, **{key: _cell(cells, index) for key, index in columns.items()})
        _check_text(row, title_max)
        _match_people(row, roster)
        _match_category(row, categories)
        if row.lead_id and row.title:
            first = seen.setdefault((row.lead_id, row.title), row.line)
            if first != row.line:
                row.errors.append(_("Same lead deputy and title as row %(line)s.") % {"line": first})
        rows.append(row)
    _flag_existing(rows, body=body, session=session)
    return rows


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _check_text(row: ImportRow, title_max: int) -> None:
    for key in (LEAD, COSIGNERS, TITLE, CONTENT, CATEGORY):
        if CONTROL_CHARS.search(getattr(row, key)):
            row.errors.append(
                _("The column “%(name)s” contains invisible control characters; retype it.")
                % {"name": HEADINGS[key][0]}
            )
            setattr(row, key, CONTROL_CHARS.sub("", getattr(row, key)))
    # A title typed with Alt+Enter in Excel is still one line in the portal.
    row.title = " ".join(row.title.split())
    row.content = row.content.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not row.title:
        row.errors.append(_("The title is empty."))
    elif len(row.title) > title_max:
        row.errors.append(
            _("The title has %(length)s characters; at most %(limit)s are allowed.")
            % {"length": len(row.title), "limit": title_max}
        )
    if not row.content:
        row.errors.append(_("The content is empty."))
    elif len(row.content) > CONTENT_MAX_LENGTH:
        row.errors.append(
            _("The content has %(length)s characters; at most %(limit)s are allowed.")
            % {"length": len(row.content), "limit": CONTENT_MAX_LENGTH}
        )


def _match_people(row: ImportRow, roster: Roster) -> None:
    if not row.lead.strip():
        row.errors.append(_("The lead deputy is empty."))
    else:
        lead, reason = roster.find(row.lead)
        if lead is None:
            row.errors.append(_("Lead deputy: %(reason)s") % {"reason": reason})
        else:
            row.lead_id, row.lead_name = lead.pk, lead.name
    for text in _split_cosigners(row.cosigners, roster):
        deputy, reason = roster.find(text)
        if deputy is None:
            row.errors.append(_("Co-signer: %(reason)s") % {"reason": reason})
        elif deputy.pk != row.lead_id and deputy.pk not in row.cosigner_ids:
            row.cosigner_ids.append(deputy.pk)
            row.cosigner_names.append(deputy.name)


def _match_category(row: ImportRow, categories: dict[str, Category]) -> None:
    name = row.category.strip()
    if not name:
        return
    category = categories.get(name)
    if category is None:
        row.errors.append(
            _("There is no category “%(name)s”; use one of: %(names)s, or leave it empty.")
            % {"name": name, "names": "、".join(categories) or "—"}
        )
    else:
        row.category_id = category.pk


def _flag_existing(rows: list[ImportRow], *, body: Body, session: CongressSession | None) -> None:
    """Flag rows already in the portal (the same file imported through an earlier preview)."""
    wanted = {(row.lead_id, row.title) for row in rows if row.lead_id and row.title}
    if not wanted:
        return
    existing = set(
        Suggestion.objects.filter(
            body=body,
            session=session,
            lead_deputy_id__in={lead for lead, _title in wanted},
            title__in={title for _lead, title in wanted},
        )
        .exclude(status=Suggestion.Status.WITHDRAWN)
        .values_list("lead_deputy_id", "title")
    )
    for row in rows:
        if (row.lead_id, row.title) in existing:
            row.errors.append(_("This deputy already has a suggestion with this title in the portal."))


# The preview, kept between the two requests


def _preview_path(preview_id: str) -> str:
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
    default_storage.save(_preview_path(preview.id), ContentFile(payload))
    return preview


def import_preview_get(*, preview_id: str, actor: User) -> ImportPreview:
    """Return the uploader's own preview; raise PreviewMissing when it has gone or is someone else's."""
    if not PREVIEW_ID.match(preview_id or ""):
        raise PreviewMissing
    try:
        with default_storage.open(_preview_path(preview_id), "rb") as stored:
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


# The import itself


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


@transaction.atomic
def suggestions_import(*, preview_id: str, actor: User, all_or_nothing: bool = False) -> ImportResult:
    """Create a suggestion from every valid row of the preview (or none, when all-or-nothing meets an error).

    Idempotent on the preview id: confirming the same preview again returns the first import's result.
    """
    body = import_body(actor)
    ensure(can_import(actor, body))
    # The body's row serialises two confirmations of one preview (a double click, two tabs).
    Body.objects.select_for_update().only("pk").get(pk=body.pk)
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
    deputies = Deputy.objects.select_related("body").in_bulk({row.lead_id for row in preview.ok_rows})
    categories = Category.objects.in_bulk({row.category_id for row in preview.ok_rows if row.category_id})
    created: list[int] = []
    skipped: list[dict] = [{"line": row.line, "errors": row.errors} for row in preview.error_rows]
    for row in preview.ok_rows:
        try:
            # A savepoint per row: a row the roster no longer allows is left out without undoing the others.
            with transaction.atomic():
                suggestion = _import_row(
                    row,
                    actor=actor,
                    body=body,
                    session=session,
                    register=preview.register,
                    deputies=deputies,
                    categories=categories,
                )
        except (ValidationError, WorkflowError) as error:
            if all_or_nothing:
                raise ValidationError(
                    _("Row %(line)s could not be imported, so nothing was: %(reason)s")
                    % {"line": row.line, "reason": _error_text(error)}
                ) from error
            skipped.append({"line": row.line, "errors": [_error_text(error)]})
            continue
        created.append(suggestion.pk)
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
    path = _preview_path(preview.id)
    transaction.on_commit(lambda: default_storage.delete(path))
    return _result(event)


def _import_row(
    row: ImportRow,
    *,
    actor: User,
    body: Body,
    session: CongressSession | None,
    register: bool,
    deputies: dict[int, Deputy],
    categories: dict[int, Category],
) -> Suggestion:
    lead = deputies.get(row.lead_id)
    if lead is None or not lead.is_active or lead.body_id != body.pk:
        raise ValidationError(_("The lead deputy is no longer on the roster."))
    category = categories.get(row.category_id) if row.category_id else None
    suggestion = suggestion_create(
        body=body,
        lead_deputy=lead,
        title=row.title,
        content=row.content,
        actor=actor,
        session=session,
        category=category,
        cosigner_ids=row.cosigner_ids,
        source=Suggestion.Source.IMPORT,
        submit=True,
        # The co-signers signed the paper the office received.
        cosigners_confirmed=True,
    )
    if register:
        suggestion = suggestion_register(suggestion_id=suggestion.pk, actor=actor, category=category)
    return suggestion


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


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


# The template spreadsheet


def template_workbook() -> bytes:
    """Build the template .xlsx: the heading row, one example row, and a sheet of instructions."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Suggestion rows")
    order = (LEAD, COSIGNERS, TITLE, CONTENT, CATEGORY)
    sheet.append([HEADINGS[key][0] for key in order])
    sheet.append([EXAMPLE_ROW[key] for key in order])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F6E3D3")
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (14, 24, 40, 70, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 100
    for line in (
        _("Fill in one suggestion per row on the first sheet; replace the example row."),
        _("领衔代表 (lead deputy): the deputy's name, or the deputy number when two deputies share a name."),
        _("附议代表 (co-signers): names or numbers separated by 、 , ; or spaces; may be empty."),
        _("标题 (title): at most %(limit)s characters. 内容 (content): the full text of the suggestion.")
        % {"limit": Suggestion._meta.get_field("title").max_length},
        _("分类 (category): one of the categories set up in the portal, or empty."),
        _("At most %(rows)s rows and %(size)s per file. Save as .xlsx, or as CSV (UTF-8 or GBK).")
        % {"rows": max_rows(), "size": filesizeformat(max_upload_bytes())},
    ):
        notes.append([line])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
