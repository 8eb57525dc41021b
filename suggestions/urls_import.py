"""Routes of the suggestion import pages."""

from django.urls import path

from suggestions import views_import

urlpatterns = [
    path("", views_import.import_upload, name="upload"),
    path("template.xlsx", views_import.import_template, name="template"),
    path("<str:preview_id>/", views_import.import_preview, name="preview"),
    path("<str:preview_id>/done/", views_import.import_done, name="done"),
]
