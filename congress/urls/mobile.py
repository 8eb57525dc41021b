"""Routes of the mobile area."""

urlpatterns: list = []
