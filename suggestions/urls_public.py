"""Routes of the suggestion public pages, mounted at /public/ with the namespace "public"."""

from django.urls import path

from suggestions import views_public

urlpatterns = [
    path("", views_public.home, name="home"),
    path("suggestions/", views_public.suggestion_list, name="suggestion_list"),
    path("suggestions/<int:pk>/", views_public.suggestion_detail, name="suggestion_detail"),
]
