"""Celery tasks of the suggestions app."""

from celery import shared_task


@shared_task(name="suggestions.tasks.compact_suggestion_tallies")
def compact_suggestion_tallies() -> int:
    """Fold the statistics' pending changes into the tally; beat runs it every minute, and twice is harmless."""
    from suggestions.tallies import tally_compact

    return tally_compact()


@shared_task(name="suggestions.tasks.search_duplicates", acks_late=True)
def search_duplicates(suggestion_ids: list[int]) -> int:
    """Search and keep the possible duplicates of these submitted suggestions; twice is harmless."""
    from suggestions.services.duplicates import suggestions_search_duplicates

    return suggestions_search_duplicates(suggestion_ids=suggestion_ids)


@shared_task(name="suggestions.tasks.sweep_duplicates")
def sweep_duplicates() -> int:
    """Search the submitted suggestions no worker has searched yet; beat runs it, and a missed run is harmless."""
    from suggestions.services.duplicates import duplicates_sweep

    return duplicates_sweep()


@shared_task(name="suggestions.tasks.settle_lapsed_rounds")
def settle_lapsed_rounds() -> int:
    """Send back for re-handling the rounds rated unsatisfied whose rating window passed; twice is harmless."""
    from suggestions.services.closing import suggestions_settle_lapsed_rounds

    return suggestions_settle_lapsed_rounds()
