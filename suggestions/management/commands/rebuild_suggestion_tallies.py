"""Recount the suggestion tallies (the statistics', the staff list's statuses) from the suggestions themselves."""

import time

from django.core.management.base import BaseCommand

from suggestions.tallies import tally_rebuild


class Command(BaseCommand):
    help = (
        "Recount the suggestion tallies (the statistics', the staff list's statuses) from the suggestions: after "
        "loading suggestions with the tally triggers disabled, or to repair them. Writes to suggestions wait until "
        "it is done."
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        keys = tally_rebuild()
        self.stdout.write(f"Recounted the suggestion tallies: {keys} keys in {time.perf_counter() - start:.1f} s.")
