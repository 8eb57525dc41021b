"""Routes of the deputy's own suggestion pages on a phone (namespace "suggestions_mobile", at /m/suggestions/)."""

from django.urls import path

from suggestions import views_mobile

urlpatterns = [
    path("", views_mobile.suggestion_list, name="list"),
    path("new/", views_mobile.create, name="create"),
    path("deputies/", views_mobile.cosigner_search, name="cosigner_search"),
    path("<int:pk>/", views_mobile.detail, name="detail"),
    path("<int:pk>/edit/", views_mobile.edit, name="edit"),
    path("<int:pk>/submit/", views_mobile.submit, name="submit"),
    path("<int:pk>/cosign/", views_mobile.cosign, name="cosign"),
    path("<int:pk>/withdraw/", views_mobile.withdraw, name="withdraw"),
    path("answers/<int:pk>/rate/", views_mobile.rate, name="rate"),
]
