"""Values every page's layout needs: the portal title and the unread count in the header."""

from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "portal_title": settings.PORTAL_TITLE or settings.PORTAL_TITLE_DEFAULT,
        "unread_count": unread,
    }
