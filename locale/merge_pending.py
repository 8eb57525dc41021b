"""Refresh the Simplified Chinese catalogue and fill it from the engineers' pending translations.

Run from anywhere:  .venv/bin/python locale/merge_pending.py

1. `makemessages -l zh_Hans` collects every msgid in the code and templates;
2. every empty msgstr is filled from locale/pending/*.tsv (one `msgid<TAB>msgstr` per line);
   a guess msgmerge marked fuzzy is dropped first, because a near-miss translation read as
   official text is worse than a visible gap;
3. the msgids still untranslated are listed, and the exit status is 1 when there are any;
4. `compilemessages` writes django.mo, which is committed because a fresh machine has no gettext.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
BASE_DIR = LOCALE_DIR.parent
PENDING_DIR = LOCALE_DIR / "pending"
LANGUAGE = "zh_Hans"
PO_PATH = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "venv", "var", "staticfiles", "node_modules", "test-artifacts", "bench"]
HEADER = {
    "Project-Id-Version": "congress",
    "Language-Team": "Simplified Chinese",
    "Language": LANGUAGE,
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def main() -> int:
    """Run the whole refresh and return the process exit status."""
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command(
        "makemessages",
        locale=[LANGUAGE],
        ignore_patterns=IGNORE,
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )
    pending, conflicts = read_pending(PENDING_DIR)
    for msgid, sources in conflicts.items():
        print(f"conflicting translations for {msgid!r}: {sources}", file=sys.stderr)
    filled, missing = fill_catalogue(PO_PATH, pending)
    print(f"filled {filled} entries from {len(list(PENDING_DIR.glob('*.tsv')))} pending files")
    call_command("compilemessages", locale=[LANGUAGE], ignore_patterns=IGNORE, verbosity=0)
    if missing:
        print(f"{len(missing)} msgids still untranslated:", file=sys.stderr)
        for msgid in missing:
            print(f"  {msgid}", file=sys.stderr)
        return 1
    print("every msgid is translated; django.mo compiled")
    return 0


def read_pending(directory: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Read every TSV in `directory`; return the translations and the msgids translated differently."""
    translations: dict[str, str] = {}
    seen: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                print(f"{path.name}:{number}: no tab, skipped", file=sys.stderr)
                continue
            msgid, msgstr = line.split("\t", 1)
            msgid, msgstr = unescape(msgid), unescape(msgstr.strip())
            if not msgstr:
                continue
            seen.setdefault(msgid, {})[path.name] = msgstr
            translations.setdefault(msgid, msgstr)
    conflicts = {
        msgid: [f"{name}: {text}" for name, text in by_file.items()]
        for msgid, by_file in seen.items()
        if len(set(by_file.values())) > 1
    }
    return translations, conflicts


def unescape(text: str) -> str:
    """Turn the TSV's escaped newlines and tabs back into the characters gettext stores."""
    return text.replace("\\n", "\n").replace("\\t", "\t")


def fill_catalogue(po_path: Path, pending: dict[str, str]) -> tuple[int, list[str]]:
    """Fill empty entries of the catalogue from `pending`; return how many and what is still missing."""
    import polib

    catalogue = polib.pofile(str(po_path))
    catalogue.header = "Simplified Chinese catalogue of the congress portal; refreshed by locale/merge_pending.py."
    catalogue.metadata.update(HEADER)
    for placeholder in ("Last-Translator", "PO-Revision-Date", "Report-Msgid-Bugs-To"):
        catalogue.metadata.pop(placeholder, None)
    catalogue.metadata_is_fuzzy = []
    filled = 0
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "") if entry.msgid_plural else {}
        if entry.msgid_plural:
            if not entry.msgstr_plural.get(0):
                text = pending.get(entry.msgid) or pending.get(entry.msgid_plural)
                if text:
                    entry.msgstr_plural = {0: text}
                    filled += 1
            if not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
            continue
        if not entry.msgstr and entry.msgid in pending:
            entry.msgstr = pending[entry.msgid]
            filled += 1
        if not entry.msgstr:
            missing.append(entry.msgid)
    catalogue.save()
    return filled, missing


if __name__ == "__main__":
    sys.exit(main())
