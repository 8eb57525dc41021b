"""Routes of the REST API, /api/v1/."""

urlpatterns: list = []
