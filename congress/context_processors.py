"""Values every page's layout needs: the portal title, navigation and the unread count."""

from django.conf import settings

from congress.navigation import nav_for


def portal(request):
    context = {"portal_title": settings.PORTAL_TITLE or settings.PORTAL_TITLE_DEFAULT}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
        context["nav_sections"] = nav_for(user, request.path)
    return context
