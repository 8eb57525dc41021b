"""Routes of the suggestion public pages."""

urlpatterns: list = []
