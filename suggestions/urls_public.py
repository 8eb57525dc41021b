"""Routes of the suggestion public pages, mounted at /public/ with the namespace "public".

Each body's pages live under its id; the two addresses from before the pages were per body redirect.
"""

from django.urls import path

from suggestions import views_public

urlpatterns = [
    path("", views_public.index, name="index"),
    path("suggestions/", views_public.legacy_suggestion_list, name="legacy_suggestion_list"),
    path("suggestions/<int:pk>/", views_public.legacy_suggestion_detail, name="legacy_suggestion_detail"),
    path("<int:body_id>/", views_public.home, name="home"),
    path("<int:body_id>/suggestions/", views_public.suggestion_list, name="suggestion_list"),
    path("<int:body_id>/suggestions/<int:pk>/", views_public.suggestion_detail, name="suggestion_detail"),
]
