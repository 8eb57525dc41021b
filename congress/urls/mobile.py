"""Routes of the deputies' mobile view (namespace "mobile")."""

from django.urls import path

from congress.views import mobile

urlpatterns = [
    path("", mobile.home, name="home"),
    path("me/", mobile.me, name="me"),
    path("me/password/", mobile.PasswordChangeView.as_view(), name="password_change"),
    path("notifications/", mobile.notifications, name="notifications"),
    path("notifications/read/", mobile.notifications_mark_read, name="notifications_mark_read"),
]
