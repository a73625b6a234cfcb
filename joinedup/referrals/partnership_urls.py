"""Referrals' addresses inside a partnership: its protocols, its flows and signposting."""

from django.urls import path

from joinedup.referrals import views, views_flows

urlpatterns = [
    path("protocols/", views.protocols, name="protocols"),
    path("protocols/<int:version_pk>/terms/", views.protocol_terms, name="protocol_terms"),
    path("referrals/", views_flows.flows, name="referral_flows"),
    path("referrals/refresh/", views_flows.flows_refresh, name="referral_flows_refresh"),
    path("referrals/signpost/", views_flows.signpost_new, name="signpost_new"),
    path("referrals/timings/", views.timings, name="referral_timings"),
]
