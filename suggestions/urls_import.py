"""Routes of the suggestion import pages."""

urlpatterns: list = []
