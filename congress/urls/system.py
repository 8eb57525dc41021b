"""Routes of the system area."""

urlpatterns: list = []
