from django.urls import path

from joinedup.directory import views

urlpatterns = [
    path("", views.directory_search, name="directory_search"),
    path("services/new/", views.directory_service_new, name="directory_service_new"),
    path("services/<uuid:service_id>/", views.directory_service, name="directory_service"),
    path(
        "services/<uuid:service_id>/edit/",
        views.directory_service_edit,
        name="directory_service_edit",
    ),
    path(
        "services/<uuid:service_id>/reviewed/",
        views.directory_service_reviewed,
        name="directory_service_reviewed",
    ),
    path(
        "services/<uuid:service_id>/report/",
        views.directory_service_report,
        name="directory_service_report",
    ),
    path("listings/", views.directory_listings, name="directory_listings"),
    path(
        "reports/<int:report_pk>/resolve/",
        views.directory_report_resolve,
        name="directory_report_resolve",
    ),
    path("import/", views.directory_import, name="directory_import"),
    path("import/<uuid:pk>/", views.directory_import_run, name="directory_import_run"),
    path(
        "import/<uuid:pk>/problems.csv",
        views.directory_import_problems,
        name="directory_import_problems",
    ),
    path("export.<str:fmt>", views.directory_export, name="directory_export"),
    path("duplicates/", views.directory_duplicates, name="directory_duplicates"),
    path("duplicates/merge/", views.directory_merge, name="directory_merge"),
]
