"""Values every page's layout needs: the portal title, navigation and the unread count."""

from django.conf import settings

from congress.navigation import nav_for


def portal(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context = {"portal_title": settings.PORTAL_TITLE or _body_title(user if signed_in else None)}
    if signed_in:
        context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
        context["nav_sections"] = nav_for(user, request.path)
    return context


def _body_title(user):
    """Name the portal after the body the person works for, e.g. 青山县人大常委会."""
    body = getattr(user, "body", None) if user is not None else None
    if body is None:
        return settings.PORTAL_TITLE_DEFAULT
    return body.short_name or body.name
