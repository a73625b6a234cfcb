"""The open HSDS API, mounted at /api/hsds/. Paths have no trailing slash, as in the HSDS
OpenAPI; ids are taken as text so that a malformed one answers the API's JSON 404."""

from django.urls import path

from joinedup.directory import hsds_api

urlpatterns = [
    path("", hsds_api.root, name="hsds_root"),
    path("openapi.json", hsds_api.openapi, name="hsds_openapi"),
    path("services", hsds_api.services, name="hsds_services"),
    path("services/<str:id>", hsds_api.service, name="hsds_service"),
    path("organizations", hsds_api.organizations, name="hsds_organizations"),
    path("organizations/<str:id>", hsds_api.organization, name="hsds_organization"),
    path("taxonomies", hsds_api.taxonomies, name="hsds_taxonomies"),
    path("taxonomies/<str:id>", hsds_api.taxonomy, name="hsds_taxonomy"),
    path("taxonomy_terms", hsds_api.taxonomy_terms, name="hsds_taxonomy_terms"),
    path("taxonomy_terms/<str:id>", hsds_api.taxonomy_term, name="hsds_taxonomy_term"),
    path("service_at_locations", hsds_api.service_at_locations, name="hsds_service_at_locations"),
    path(
        "service_at_locations/<str:id>",
        hsds_api.service_at_location,
        name="hsds_service_at_location",
    ),
]
