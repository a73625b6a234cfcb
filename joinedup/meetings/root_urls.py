"""Meetings' addresses outside a partnership: the calendar feed behind its secret link, the
signed-in person's notices, and every concern they may see."""

from django.urls import path

from joinedup.meetings import views_calendar, views_concerns

urlpatterns = [
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
    path("notices/", views_calendar.notices, name="notices"),
    path("concerns/", views_concerns.all_concerns, name="all_concerns"),
]
