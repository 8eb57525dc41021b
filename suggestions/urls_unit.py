"""Routes of the handling units' workspace for suggestions."""

urlpatterns: list = []
