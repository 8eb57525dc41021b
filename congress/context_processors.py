"""Values every page's layout needs: the portal title, navigation and the unread count."""

from django.conf import settings

from congress.navigation import nav_for


def portal(request):
    """Name the portal and, for a signed-in person, give the navigation and the unread count.

    A page about one body (the public pages of a county) sets `request.portal_body`, and is named after it.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    viewed = getattr(request, "portal_body", None)
    context = {"portal_title": _title(viewed, user if signed_in else None), "portal_body": viewed}
    if signed_in:
        context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
        context["nav_sections"] = nav_for(user, request.path)
    return context


def _title(viewed, user):
    """Name the portal after the body in view, else the person's body, e.g. 青山县人大常委会.

    Where neither is known (the sign-in page, the list of bodies) the deployment's PORTAL_TITLE is used.
    """
    body = viewed or (getattr(user, "body", None) if user is not None else None)
    if body is not None:
        return body.short_name or body.name
    return settings.PORTAL_TITLE or settings.PORTAL_TITLE_DEFAULT
