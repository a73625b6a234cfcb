from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from joinedup.accounts import views as accounts
from joinedup.accounts import views_sign_in as sign_in
from joinedup.accounts import views_two_factor as two_factor
from joinedup.api import api
from joinedup.charter import urls as charter_urls
from joinedup.help import help_page
from joinedup.learning import views as learning
from joinedup.partnerships import views as partnerships
from joinedup.partnerships import views_manage as partnerships_manage
from joinedup.programmes import views as programmes
from joinedup.programmes import views_manage as programmes_manage

urlpatterns = [
    path("", partnerships.home, name="home"),
    path("help/", help_page, name="help"),
    path("accounts/login/", sign_in.SignInView.as_view(), name="login"),
    path("accounts/login/code/", sign_in.sign_in_code, name="login_code"),
    path("accounts/password_reset/", sign_in.ResetRequestView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        sign_in.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password_change/", sign_in.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("settings/", accounts.settings_page, name="settings"),
    path("settings/two-factor/", two_factor.two_factor, name="two_factor"),
    path("settings/two-factor/confirm/", two_factor.two_factor_confirm, name="two_factor_confirm"),
    path("settings/two-factor/off/", two_factor.two_factor_off, name="two_factor_off"),
    path("settings/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("partnerships/<int:pk>/", partnerships.partnership_detail, name="partnership"),
    path(
        "partnerships/<int:pk>/history/",
        partnerships.partnership_history,
        name="partnership_history",
    ),
    path("partnerships/<int:pk>/audit/", partnerships.partnership_audit, name="partnership_audit"),
    path(
        "partnerships/<int:pk>/composition/",
        partnerships.partnership_composition,
        name="partnership_composition",
    ),
    path(
        "partnerships/<int:pk>/criteria/",
        partnerships.partnership_criteria,
        name="partnership_criteria",
    ),
    path("partnerships/<int:pk>/members/", partnerships.members_manage, name="members_manage"),
    path(
        "partnerships/<int:pk>/members/<int:membership_pk>/",
        partnerships.member_change,
        name="member_change",
    ),
    path(
        "partnerships/<int:pk>/members/<int:membership_pk>/leave/",
        partnerships.member_leave,
        name="member_leave",
    ),
    path("partnerships/<int:pk>/", include("joinedup.resources.urls")),
    path("partnerships/<int:pk>/", include("joinedup.agreements.urls")),
    path("partnerships/<int:pk>/", include("joinedup.meetings.urls")),
    path("partnerships/<int:pk>/", include("joinedup.decisions.urls")),
    path("partnerships/<int:pk>/", include("joinedup.referrals.partnership_urls")),
    path("referrals/", include("joinedup.referrals.urls")),
    path("partnerships/<int:pk>/", include("joinedup.health.urls")),
    path("partnerships/<int:pk>/", include("joinedup.health.evidence_urls")),
    path("", include("joinedup.meetings.root_urls")),
    path("", include("joinedup.reflection.urls")),
    path("partnerships/<int:pk>/members/invite/", partnerships.member_invite, name="member_invite"),
    path("invitations/<str:token>/", partnerships.invitation, name="invitation"),
    path(
        "partnership-invitations/<int:pk>/",
        partnerships.invitation_answer,
        name="invitation_answer",
    ),
    path("", include("joinedup.organisations.urls")),
    path("", include("joinedup.jobs.urls")),
    path("organisations/<int:pk>/", partnerships.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", partnerships.organisation_edit, name="organisation_edit"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme"),
    path("programmes/<int:pk>/charter/", include(charter_urls.programme_urlpatterns)),
    path("partnerships/<int:pk>/charter/", include(charter_urls.partnership_urlpatterns)),
    path("programmes/<int:pk>/", include("joinedup.health.programme_urls")),
    path("programmes/<int:pk>/", include("joinedup.learning.urls")),
    path("partnerships/<int:pk>/learning/", learning.profile_page, name="learning_profile"),
    path("directory/", include("joinedup.directory.urls")),
    path("partnerships/new/", partnerships_manage.partnership_new, name="partnership_new"),
    path(
        "partnerships/<int:pk>/edit/", partnerships_manage.partnership_edit, name="partnership_edit"
    ),
    path(
        "organisations/new/",
        partnerships_manage.organisation_register,
        name="organisation_register",
    ),
    path("programmes/new/", programmes_manage.programme_new, name="programme_new"),
    path("programmes/<int:pk>/hubs/new/", programmes_manage.hub_new, name="hub_new"),
    path("hubs/<int:pk>/", programmes_manage.hub_detail, name="hub"),
    path("hubs/<int:pk>/edit/", programmes_manage.hub_edit, name="hub_edit"),
    path("", include("joinedup.events.urls")),  # hub events and topic requests
    # The admin signs in through the same page as everyone, with its throttle and second step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/hsds/", include("joinedup.directory.hsds_urls")),
]

# A database that is away answers 503, and the APIs answer JSON, even for a fault outside a view.
handler500 = "joinedup.ops.errors.server_error"
