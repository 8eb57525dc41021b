"""Checking the rows: who may import into which roster, and every data row matched against it, with its errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congress.models import Body, CongressSession, User
from deputies.models import Deputy
from suggestions.importing.reading import CATEGORY, CONTENT, COSIGNERS, HEADINGS, LEAD, TITLE, heading_columns
from suggestions.models import Category, Suggestion
from suggestions.permissions import is_office_staff

CONTENT_MAX_LENGTH = 20000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
COSIGNER_SEPARATORS = re.compile(r"[、,，;；\n]+")


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


# Checking the rows


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
    columns = heading_columns(heading)
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
