"""Routes of the suggestion staff pages."""

urlpatterns: list = []
