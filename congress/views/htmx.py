"""What the pages need to know about htmx requests."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Tell whether htmx sent the request, so the view answers with a partial instead of the whole page."""
    return request.headers.get("HX-Request") == "true"
