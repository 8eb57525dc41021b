"""Routes of the portal area: sign-in, password, the staff home, the inbox and the health check."""

from django.contrib.auth import views as auth_views
from django.urls import path

from congress.views import portal

urlpatterns = [
    path("", portal.home, name="home"),
    path("accounts/login/", portal.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", portal.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", portal.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("notifications/", portal.notifications, name="notifications"),
    path("notifications/read/", portal.notifications_mark_read_view, name="notifications_mark_read"),
    path("healthz", portal.healthz, name="healthz"),
]
