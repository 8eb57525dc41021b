"""Load the official holiday calendar from the installed chinesecalendar package."""

from django.core.management.base import BaseCommand

from congress.services import calendar_load_official


class Command(BaseCommand):
    help = "Load the official holidays and adjusted workdays the chinesecalendar package knows."

    def handle(self, *args, **options):
        years = calendar_load_official()
        self.stdout.write(f"Official calendar loaded for {years[0]}-{years[-1]} ({len(years)} years).")
