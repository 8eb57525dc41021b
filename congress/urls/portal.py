"""Routes of the portal area."""

urlpatterns: list = []
