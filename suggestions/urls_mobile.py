"""Routes of the suggestion mobile pages."""

urlpatterns: list = []
