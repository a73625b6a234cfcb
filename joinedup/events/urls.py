from django.urls import path

from joinedup.events import views, views_topics

urlpatterns = [
    path("hubs/<int:pk>/learning/", views_topics.hub_learning, name="hub_learning"),
    path("hubs/<int:pk>/topics/new/", views_topics.topic_request_new, name="topic_request_new"),
    path("hubs/<int:pk>/events/new/", views.event_new, name="event_new"),
    path("topics/<int:pk>/", views_topics.topic_request_detail, name="topic_request"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/feedback/", views.event_feedback, name="event_feedback"),
    path("events/<int:pk>/notes/", views.event_notes, name="event_notes"),
    path(
        "events/<int:pk>/sessions/<int:session>/notes/",
        views.session_notes,
        name="session_notes",
    ),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/join/", views.event_join, name="event_join"),
    path("events/<int:pk>/join/sent/", views.event_join_sent, name="event_join_sent"),
    path(
        "events/registration/confirm/<str:signed>/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "events/registration/<str:signed>/",
        views.registration_manage,
        name="registration_manage",
    ),
]
