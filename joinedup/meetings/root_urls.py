"""Meetings' addresses outside a partnership: the calendar feed behind its secret link, and
the signed-in person's notices."""

from django.urls import path

from joinedup.meetings import views_calendar

urlpatterns = [
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
    path("notices/", views_calendar.notices, name="notices"),
]
