from django.urls import path

from joinedup.charter import views, views_partners

# Mounted at programmes/<int:pk>/charter/
programme_urlpatterns = [
    path("", views.charter_page, name="charter"),
    path("step/", views.charter_step, name="charter_step"),
    path("edit/", views.charter_edit_page, name="charter_edit"),
    path(
        "signatures/<int:signature_pk>/reaffirm/", views.charter_reaffirm, name="charter_reaffirm"
    ),
    path(
        "signatures/<int:signature_pk>/withdraw/", views.charter_withdraw, name="charter_withdraw"
    ),
    path("signatories/", views.signatories, name="charter_signatories"),
    path("self-assessment/", views.self_assessment, name="charter_self_assessment"),
    path(
        "organisations/<int:org_pk>/skills/", views.organisation_skills, name="charter_org_skills"
    ),
    path("recruitment/", views.recruitment, name="charter_recruitment"),
]

# Mounted at partnerships/<int:pk>/charter/
partnership_urlpatterns = [
    path("", views_partners.partners_page, name="charter_partnership"),
    path("step/", views_partners.own_step, name="charter_partnership_step"),
    path("edit/", views_partners.own_edit, name="charter_partnership_edit"),
    path("sign/", views_partners.own_sign, name="charter_partnership_sign"),
    path(
        "signatures/<int:signature_pk>/reaffirm/",
        views_partners.own_reaffirm,
        name="charter_partnership_reaffirm",
    ),
    path(
        "signatures/<int:signature_pk>/withdraw/",
        views_partners.own_withdraw,
        name="charter_partnership_withdraw",
    ),
    path("peer-view/open/", views_partners.peer_view_open, name="charter_peer_view_open"),
    path("peer-view/close/", views_partners.peer_view_close, name="charter_peer_view_close"),
    path("peer-view/rate/<int:org_pk>/", views_partners.peer_rate, name="charter_peer_rate"),
    path("evidence/<int:org_pk>/", views_partners.evidence_page, name="charter_evidence"),
    path("plan/<int:org_pk>/", views_partners.plan_page, name="charter_plan"),
    path(
        "plan/<int:org_pk>/items/<int:item_pk>/mentor/",
        views_partners.plan_mentor,
        name="charter_plan_mentor",
    ),
]
