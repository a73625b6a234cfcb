from django.urls import path

from joinedup.resources import views

urlpatterns = [
    path("resources/", views.resources_home, name="resources"),
    path("resources/offers/new/", views.offer_new, name="offer_new"),
    path("resources/offers/<int:offer_pk>/", views.offer_detail, name="offer"),
    path("resources/offers/<int:offer_pk>/book/", views.booking_new, name="booking_new"),
    path("resources/offers/<int:offer_pk>/give/", views.offer_give, name="offer_give"),
    path("resources/offers/<int:offer_pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    # Before the other verbs: cancelling asks first (its GET), then acts as they do.
    path(
        "resources/bookings/<int:booking_pk>/cancel/",
        views.booking_cancel,
        name="booking_cancel",
    ),
    path(
        "resources/bookings/<int:booking_pk>/<slug:verb>/",
        views.booking_decide,
        name="booking_decide",
    ),
    path("resources/requests/new/", views.request_new, name="request_new"),
    path("resources/requests/<int:request_pk>/", views.request_detail, name="resource_request"),
    path("resources/requests/<int:request_pk>/close/", views.request_close, name="request_close"),
    path("ledger/", views.ledger, name="ledger"),
    path("documents/", views.documents, name="documents"),
    path(
        "documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
]
