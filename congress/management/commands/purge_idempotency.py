"""Delete Idempotency-Key records older than API_IDEMPOTENCY_TTL_HOURS (schedule it daily)."""

from django.core.management.base import BaseCommand

from congress.api.idempotency import purge_idempotency_records


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than API_IDEMPOTENCY_TTL_HOURS."

    def handle(self, *args, **options):
        deleted = purge_idempotency_records()
        self.stdout.write(f"Deleted {deleted} idempotency records.")
