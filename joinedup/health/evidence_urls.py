"""Pages computed from evidence, under a partnership (`partnerships/<pk>/`)."""

from django.urls import path

from joinedup.health import views_evidence as views

urlpatterns = [
    path("health/depth/", views.depth, name="health_depth"),
    path("health/network/", views.network, name="health_network"),
    path("health/network.graphml", views.network_graphml, name="health_network_graphml"),
    path(
        "health/network-ties.csv",
        views.network_csv,
        {"table": "ties"},
        name="health_network_ties_csv",
    ),
    path(
        "health/network-organisations.csv",
        views.network_csv,
        {"table": "organisations"},
        name="health_network_organisations_csv",
    ),
    path("health/gaps/", views.gaps, name="health_gaps"),
    path("health/report/", views.report, name="health_report"),
    path("health/report/file/", views.report_file_start, name="health_report_file"),
    path("health/refresh/", views.refresh, name="health_evidence_refresh"),
]
