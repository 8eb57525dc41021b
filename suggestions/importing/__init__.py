"""Import suggestions that arrived on paper: a spreadsheet is read and checked row by row, previewed, then imported.

The flow has two requests. `import_preview_create` reads the upload (an .xlsx, or a CSV in UTF-8 or GB18030),
checks every row against the body's roster and categories, and keeps the normalised rows as JSON in the
default storage under imports/<preview id>.json; nothing else is written. `suggestions_import` then writes
the valid rows with `suggestions_create_bulk` (created, submitted and, when asked, registered, with the
same rows, timeline and messages as one-by-one entry, in a fixed number of queries) in one transaction and
records one event for the batch, carrying the preview id: a second confirmation of the same preview finds
that event and creates nothing.

The modules: `reading` (the file format, limits and template), `checking` (who imports, and each row matched
against the roster), `previews` (the stored preview) and `writing` (the import). Import from here.
"""

from suggestions.importing.checking import (
    CONTENT_MAX_LENGTH,
    ImportRow,
    Roster,
    can_import,
    check_rows,
    import_body,
    import_sessions,
)
from suggestions.importing.previews import (
    PREVIEW_DIR,
    PREVIEW_MAX_AGE,
    ImportPreview,
    PreviewMissing,
    import_preview_create,
    import_preview_get,
)
from suggestions.importing.reading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    HEADINGS,
    MAX_UNPACKED_BYTES,
    max_rows,
    max_upload_bytes,
    read_table,
    template_workbook,
)
from suggestions.importing.writing import (
    EVENT_KIND,
    ImportResult,
    import_done,
    import_result_get,
    imported_suggestions,
    suggestions_import,
)

__all__ = [
    "CONTENT_MAX_LENGTH",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "EVENT_KIND",
    "HEADINGS",
    "MAX_UNPACKED_BYTES",
    "PREVIEW_DIR",
    "PREVIEW_MAX_AGE",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "PreviewMissing",
    "Roster",
    "can_import",
    "check_rows",
    "import_body",
    "import_done",
    "import_preview_create",
    "import_preview_get",
    "import_result_get",
    "import_sessions",
    "imported_suggestions",
    "max_rows",
    "max_upload_bytes",
    "read_table",
    "suggestions_import",
    "template_workbook",
]
