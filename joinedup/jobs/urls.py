from django.urls import path

from joinedup.jobs import views

urlpatterns = [
    path(
        "organisations/<int:pk>/messages-not-delivered/",
        views.undelivered,
        name="messages_undelivered",
    ),
    path("messages-not-delivered/", views.undelivered_all, name="messages_undelivered_all"),
    path(
        "messages-not-delivered/<int:message_pk>/retry/",
        views.retry,
        name="message_retry",
    ),
    path("exports/<uuid:pk>/", views.export_run, name="export_run"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
]
