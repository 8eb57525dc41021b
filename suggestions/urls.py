"""Routes of the suggestion staff pages, mounted at /suggestions/ with the namespace "suggestions"."""

from django.urls import path

from suggestions import views

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_create, name="create"),
    path("export/", views.suggestion_export, name="export"),
    path("bulk/", views.suggestion_bulk, name="bulk"),
    path("bulk/units/", views.suggestion_bulk_units, name="bulk_units"),
    path("more-filters/", views.suggestion_list_more_filters, name="more_filters"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/register/", views.suggestion_register, name="register"),
    path("<int:pk>/reject/", views.suggestion_reject, name="reject"),
    path("<int:pk>/assign/", views.suggestion_assign, name="assign"),
    path("<int:pk>/prioritize/", views.suggestion_prioritize, name="prioritize"),
    path("<int:pk>/publish/", views.suggestion_publish, name="publish"),
    path("<int:pk>/close/", views.suggestion_close, name="close"),
    path("<int:pk>/settle-round/", views.suggestion_settle_round, name="settle_round"),
    path("<int:pk>/revisit/", views.suggestion_revisit, name="revisit"),
    path("<int:pk>/archive/", views.suggestion_archive, name="archive"),
    path("assignments/<int:pk>/decide-reroute/", views.assignment_decide_reroute, name="decide_reroute"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="decide_extension"),
    path("answers/<int:pk>/letter/", views.answer_letter, name="answer_letter"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
