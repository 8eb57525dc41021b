"""Run one reminder sweep now, or as of a given moment (for operations and tests)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congress.reminders.sweep import sweep


def parse_moment(raw: str) -> dt.datetime:
    """Read an ISO 8601 moment; one without an offset is taken in the portal's time zone."""
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as error:
        raise CommandError(f"--at must be an ISO 8601 moment such as 2027-03-01T09:00+08:00, not {raw!r}") from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Record the reminders due as of now (or --at) in the ledger and hand their deliveries to the workers."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="sweep as of this moment, e.g. 2027-03-01T09:00+08:00")

    def handle(self, *args, **options):
        at = parse_moment(options["at"]) if options["at"] else timezone.now()
        result = sweep(at=at)
        self.stdout.write(
            f"Swept as of {timezone.localtime(at).isoformat()}: {result.reminders} reminders recorded, "
            f"{result.deliveries} deliveries written, {result.enqueued} handed to the workers."
        )
