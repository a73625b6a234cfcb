from django.urls import path

from joinedup.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("must-dos/", views.must_dos, name="must_dos"),
    path("agreements/<int:agreement_pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_pk>/diff/", views.version_diff, name="agreement_diff"),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/",
        views.agreement_detail,
        name="agreement_version",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/download/",
        views.version_download,
        name="agreement_download",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/edit/",
        views.version_edit,
        name="agreement_edit",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/comment/",
        views.version_comment,
        name="agreement_comment",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/sign/",
        views.version_sign,
        name="agreement_sign",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/review/",
        views.version_review,
        name="agreement_review",
    ),
    path(
        "agreements/<int:agreement_pk>/v<int:number>/step/<slug:step>/",
        views.version_step,
        name="agreement_step",
    ),
]
