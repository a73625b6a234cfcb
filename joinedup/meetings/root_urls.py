"""Meetings' addresses outside a partnership: the calendar feed behind its secret link, and
the signed-in person's notices."""

from django.urls import path

from joinedup.meetings import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("notices/", views.notices, name="notices"),
]
