"""Routes of the deputies roster pages."""

from django.urls import path

from deputies import views

urlpatterns = [
    path("", views.deputy_list, name="deputy_list"),
    path("<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("groups/", views.group_list, name="group_list"),
    path("stations/", views.station_list, name="station_list"),
]
