"""Build the demo county 青山县 and print its logins; safe to run again, same seed same data.

The data is fictional: phones use the unassigned mobile segment 100 and area code 0000, and ID
card numbers are left blank (never generated), so nothing in the demo can be a real person's.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from congress.demo.county import (
    DEMO_API_KEY,
    DEMO_API_SCOPES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    build_demo_county,
    demo_counts,
)


class Command(BaseCommand):
    help = "Build (or refresh) a realistic demo county with demo logins for every role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same data")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even though DEBUG is off (it adds demo logins with a published password)",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to seed demo data: DEBUG is off, so this looks like a production database. "
                "The demo adds logins whose password is published. "
                "Pass --allow-production if you really mean it."
            )
        started = time.perf_counter()
        demo = build_demo_county(seed=options["seed"])
        elapsed = time.perf_counter() - started

        rows = [("username", "password", "roles", "name", "unit")]
        for login in DEMO_LOGINS:
            user = demo.users[login.username]
            unit = demo.units[login.unit_code].name if login.unit_code else user.body.name
            rows.append((login.username, DEMO_PASSWORD, ",".join(login.roles), user.full_name, unit))
        self.stdout.write("")
        for line in _table(rows):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"API client key of 'apiclient' ({', '.join(DEMO_API_SCOPES)}): {DEMO_API_KEY}")
        self.stdout.write("")
        counts = demo_counts()
        self.stdout.write(", ".join(f"{label.split('.')[1]}: {count}" for label, count in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo county built with seed {options['seed']} in {elapsed:.1f} s."))


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Lay out rows as aligned columns under a ruled header."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def _width(text: str) -> int:
    """Return how many terminal columns `text` takes; Chinese characters take two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
