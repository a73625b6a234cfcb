from django.urls import path

from joinedup.decisions import views

urlpatterns = [
    path("decisions/", views.decision_log, name="decisions"),
    path("decisions/new/", views.proposal_new, name="proposal_new"),
    path("decisions/urgent/", views.urgent_new, name="urgent_new"),
    path("decisions/lead-time/", views.lead_time, name="lead_time"),
    path("decisions/<int:proposal_pk>/", views.proposal_detail, name="proposal"),
    path("decisions/<int:proposal_pk>/position/", views.position_cast, name="position_cast"),
    path("decisions/<int:proposal_pk>/outcome/", views.proposal_outcome, name="proposal_outcome"),
    path("decisions/<int:proposal_pk>/ratify/", views.proposal_ratify, name="proposal_ratify"),
]
