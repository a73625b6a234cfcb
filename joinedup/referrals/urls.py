"""Referrals' addresses: an organisation's people and referrals, under /referrals/."""

from django.urls import path

from joinedup.referrals import views, views_privacy

urlpatterns = [
    path("", views.referrals_home, name="referrals"),
    path("refer/", views.refer_someone, name="refer_someone"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("people/<int:pk>/consents/<int:consent_pk>/", views.consent_detail, name="consent"),
    path(
        "people/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("people/<int:pk>/refer/", views.referral_new, name="referral_new"),
    path("people/<int:pk>/export.<str:fmt>", views_privacy.person_export, name="person_export"),
    path("people/<int:pk>/erase/", views_privacy.person_erase, name="person_erase"),
    path("<int:pk>/", views.referral_detail, name="referral"),
    path("<int:pk>/pass-on/", views.referral_pass_on, name="referral_pass_on"),
    path("<int:pk>/messages/", views.referral_message, name="referral_message"),
    path("<int:pk>/<str:step>/", views.referral_step, name="referral_step"),
    path("access/<int:org_pk>/", views_privacy.access_log, name="referral_access_log"),
]
