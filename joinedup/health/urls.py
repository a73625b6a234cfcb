from django.urls import path

from joinedup.health import views, views_ratings, views_time

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/rounds/open/", views.round_open, name="health_round_open"),
    path("health/rounds/<int:round_pk>/", views.round_results, name="health_round"),
    path("health/rounds/<int:round_pk>/answer/", views.answer, name="health_answer"),
    path("health/rounds/<int:round_pk>/close/", views.round_close, name="health_round_close"),
    path("health/ratings/", views_ratings.ratings, name="health_ratings"),
    path("health/time/", views_time.time_invested, name="health_time"),
]
