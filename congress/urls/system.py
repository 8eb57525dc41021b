"""Routes of the system area: calendar, units, users, terms and status."""

from django.urls import path

from congress.views import system

urlpatterns = [
    path("calendar/", system.calendar_years, name="calendar_years"),
    path("calendar/<int:year>/", system.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/holidays/", system.calendar_holiday_add, name="calendar_holiday_add"),
    path("calendar/<int:year>/workdays/", system.calendar_workday_add, name="calendar_workday_add"),
    path("calendar/<int:year>/clear/", system.calendar_day_clear, name="calendar_day_clear"),
    path("calendar/<int:year>/confirm/", system.calendar_year_confirm, name="calendar_year_confirm"),
    path("units/", system.unit_list, name="unit_list"),
    path("units/<int:pk>/", system.unit_detail, name="unit_detail"),
    path("users/", system.user_list, name="user_list"),
    path("users/new/", system.user_create, name="user_create"),
    path("users/<int:pk>/", system.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", system.user_edit, name="user_edit"),
    path("terms/", system.term_list, name="term_list"),
    path("status/", system.system_status, name="system_status"),
]
