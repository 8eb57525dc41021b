"""Routes of the reminders engine's pages (namespace "reminders")."""

from django.urls import path

from congress.views import reminders

urlpatterns = [
    path("", reminders.ledger, name="ledger"),
    path("deliveries/<int:pk>/retry/", reminders.delivery_retry, name="delivery_retry"),
    path("policies/", reminders.policies, name="policies"),
    path("policies/<int:pk>/", reminders.policy_edit, name="policy_edit"),
    path("policies/<str:kind>/bodies/", reminders.policy_add_body, name="policy_add_body"),
    path("templates/", reminders.templates, name="templates"),
    path("templates/<int:pk>/", reminders.template_edit, name="template_edit"),
    path("preferences/", reminders.preferences, name="preferences"),
    path("preferences/test/", reminders.preferences_test, name="preferences_test"),
]
