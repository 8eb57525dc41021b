"""Celery tasks of the suggestions app."""

from celery import shared_task


@shared_task(name="suggestions.tasks.compact_suggestion_tallies")
def compact_suggestion_tallies() -> int:
    """Fold the statistics' pending changes into the tally; beat runs it every minute, and twice is harmless."""
    from suggestions.tallies import tally_compact

    return tally_compact()
