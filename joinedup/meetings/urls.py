from django.urls import path

from joinedup.meetings import views, views_calendar, views_concerns

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/series/new/", views.series_new, name="series_new"),
    path("meetings/series/<int:series_pk>/", views.series_detail, name="meeting_series"),
    path("meetings/series/<int:series_pk>/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_pk>/circulate/", views.agenda_circulate, name="agenda_circulate"),
    path(
        "meetings/<int:meeting_pk>/attendance/",
        views.attendance_record,
        name="attendance_record",
    ),
    path("meetings/<int:meeting_pk>/minutes/", views.minutes_record, name="minutes_record"),
    path("meetings/<int:meeting_pk>/actions/", views.action_add, name="action_add"),
    path("meetings/actions/<int:action_pk>/", views.action_status, name="action_status"),
    path("meetings/review/", views.communication_review, name="communication_review"),
    path("concerns/", views_concerns.concern_list, name="concerns"),
    path("concerns/new/", views_concerns.concern_new, name="concern_new"),
    path("concerns/<int:concern_pk>/", views_concerns.concern_detail, name="concern"),
    path("concerns/<int:concern_pk>/answer/", views_concerns.concern_answer, name="concern_answer"),
    path("calendar/", views_calendar.calendar, name="calendar"),
]
