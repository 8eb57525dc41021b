"""The spreadsheet's format: its columns, the limits on a file, reading an .xlsx or a CSV, and the template."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from suggestions.models import Suggestion

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 2000
# An .xlsx is a ZIP archive: refuse one that would unpack to far more than any real suggestion list.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

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

# The first bytes of an .xlsx (a ZIP archive) and of an old .xls (an OLE compound document).
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

HEADING_NOISE = re.compile(r"[\s*＊]|[（(]必填[)）]")


def max_upload_bytes() -> int:
    return int(getattr(settings, "SUGGESTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "SUGGESTION_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


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
    # The content decides what the file is, not its name: a renamed file must not be read as something else.
    if data.startswith(ZIP_MAGIC):
        rows = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise ValidationError(
            _("This is an old Excel 97-2003 (.xls) file. Open it in Excel or WPS, save it as .xlsx and upload that."),
            code="xls",
        )
    elif suffix := _workbook_suffix(upload):
        # Text saved under an Excel name would otherwise be read as CSV and refused for its heading row.
        raise ValidationError(
            _(
                "The file is named %(suffix)s but is not a valid Excel workbook. Open it in Excel or WPS and save "
                "it as an Excel workbook (.xlsx); a CSV file must be uploaded under a .csv name."
            )
            % {"suffix": suffix},
            code="not_xlsx",
        )
    else:
        rows = _read_csv(data)
    return _limit_rows(rows)


def _workbook_suffix(upload: UploadedFile) -> str:
    """Return the Excel suffix the file is named with (".xlsx"), or "" for any other name."""
    name = (upload.name or "").lower()
    return next((suffix for suffix in WORKBOOK_SUFFIXES if name.endswith(suffix)), "")


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


# The heading row


def _heading_key(text: str) -> str | None:
    cleaned = HEADING_NOISE.sub("", text)
    for key, names in HEADINGS.items():
        if cleaned in names:
            return key
    return None


def heading_columns(heading: list[str]) -> dict[str, int]:
    """Return the column index of each known heading; raise ValidationError when one is twice or missing."""
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
