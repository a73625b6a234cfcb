"""The programme view, under a programme (`programmes/<pk>/`)."""

from django.urls import path

from joinedup.health import views_programme as views

urlpatterns = [
    path("health/", views.programme_health, name="programme_health"),
    path("health/columns/", views.programme_columns, name="programme_health_columns"),
    path("health/refresh/", views.programme_health_refresh, name="programme_health_refresh"),
    path("health.csv", views.programme_health_csv, name="programme_health_csv"),
]
