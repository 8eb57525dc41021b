"""Routes of the deputies roster pages."""

urlpatterns: list = []
