"""Routes of the handling units' workspace for suggestions."""

from django.urls import path

from suggestions import views_unit

urlpatterns = [
    path("", views_unit.todo, name="todo"),
    path("<int:pk>/accept/", views_unit.action_view("accept"), name="accept"),
    path("<int:pk>/reroute/", views_unit.action_view("reroute"), name="reroute"),
    path("<int:pk>/contact/", views_unit.action_view("contact"), name="contact"),
    path("<int:pk>/co-opinion/", views_unit.action_view("co_opinion"), name="co_opinion"),
    path("<int:pk>/extension/", views_unit.action_view("extension"), name="extension"),
    path("<int:pk>/answer/", views_unit.action_view("answer"), name="answer"),
]
