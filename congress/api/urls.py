"""Routes of the REST API, /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from congress.api import views
from deputies.api.views import DeputyViewSet

router = SimpleRouter()
router.register("users", views.UserViewSet, basename="api-user")
router.register("units", views.UnitViewSet, basename="api-unit")
router.register("terms", views.TermViewSet, basename="api-term")
router.register("sessions", views.SessionViewSet, basename="api-session")
router.register("deputies", DeputyViewSet, basename="api-deputy")
router.register("notifications", views.NotificationViewSet, basename="api-notification")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("users/me/", views.MeView.as_view(), name="api-me"),
    path("calendar/working-days/", views.WorkingDaysView.as_view(), name="api-working-days"),
    path("calendar/working-days/add/", views.AddWorkingDaysView.as_view(), name="api-working-days-add"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
    path("", include("suggestions.api.urls")),
    # Last: unknown paths get the API's JSON 404 rather than the portal's HTML page.
    re_path(r"^", views.NotFoundView.as_view(), name="api-not-found"),
]
