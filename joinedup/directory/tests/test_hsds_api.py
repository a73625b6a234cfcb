"""The open HSDS API at /api/hsds/: its responses, parameters, pages and what it never shows."""

from __future__ import annotations

import http.client
import io
import json
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from joinedup.conftest import client_for
from joinedup.directory import geocode, hsds_api
from joinedup.directory.models import Address, Organization, Taxonomy, Visibility
from joinedup.directory.tests import factories as f
from joinedup.directory.validation import errors, openapi, response_errors

pytestmark = pytest.mark.django_db

LISTS = {
    "/services": "hsds_services",
    "/organizations": "hsds_organizations",
    "/taxonomies": "hsds_taxonomies",
    "/taxonomy_terms": "hsds_taxonomy_terms",
    "/service_at_locations": "hsds_service_at_locations",
}
PAGE_FIELDS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def get(url: str, **params: Any) -> Any:
    response = Client().get(url, params)
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response


def ok(url: str, **params: Any) -> Any:
    response = get(url, **params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(doc: dict[str, Any]) -> list[str]:
    return [item["id"] for item in doc["contents"]]


@pytest.fixture
def directory(db: Any) -> SimpleNamespace:
    """Two organisations' public services with needs from one taxonomy, and a refuge whose
    address is confidential and a partners-only service."""
    d = SimpleNamespace()
    d.needs = f.taxonomy("Riverside needs")
    d.other_taxonomy = f.taxonomy("Open Eligibility")
    d.housing = f.term("Housing", taxonomy=d.needs, code="housing")
    d.homeless = f.term("Homelessness", taxonomy=d.needs, parent=d.housing, code="homeless")
    d.mental = f.term("Mental health", taxonomy=d.needs, code="mental-health")
    d.food = f.term("Food", taxonomy=d.other_taxonomy, code="food")
    d.mind = f.organization("Riverside Mind")
    d.foodbank = f.organization("Hillside Food Bank")
    d.rise = f.organization("Rise Refuges")
    d.hub = f.location("Riverside Hub", postal_code="M1 1AE", latitude=53.4794, longitude=-2.2453)
    d.counselling = f.full_service(
        "Counselling", org=d.mind, loc=d.hub, terms=[d.mental], description="Talking therapy"
    )
    d.parcels = f.service(
        "Food parcels", org=d.foodbank, terms=[d.food], description="Emergency food"
    )
    d.pantry = f.location(
        "Hillside Pantry", postal_code="M20 2RN", latitude=53.4165, longitude=-2.2307
    )
    f.at(d.parcels, d.pantry)
    d.safe_house = f.location(
        "Safe house",
        visibility=Visibility.CONFIDENTIAL,
        address_1="17 Hidden Lane",
        postal_code="M14 9ZZ",
        latitude=53.4501,
        longitude=-2.2190,
    )
    # A public service delivered at a public drop-in and at the confidential safe house.
    d.outreach = f.full_service(
        "Outreach for women", org=d.rise, loc=d.hub, terms=[d.homeless], description="Support"
    )
    d.hidden_sal = f.at(d.outreach, d.safe_house)
    d.refuge = f.full_service(
        "Refuge",
        org=d.rise,
        loc=d.safe_house,
        visibility=Visibility.CONFIDENTIAL,
        description="Emergency accommodation",
    )
    d.partners_only = f.full_service(
        "Multi-agency panel", org=d.mind, loc=d.hub, visibility=Visibility.PARTNERS
    )
    d.secret_org = f.organization("Quiet Trust")
    f.service("Quiet service", org=d.secret_org, visibility=Visibility.PARTNERS)
    return d


# The HSDS OpenAPI ---------------------------------------------------------------------------

QUERY_OF_PATH = {
    "/": hsds_api.FormatQuery,
    "/services": hsds_api.ServiceQuery,
    "/services/{id}": hsds_api.FormatQuery,
    "/organizations": hsds_api.OrganizationQuery,
    "/organizations/{id}": hsds_api.OrganizationDetailQuery,
    "/taxonomies": hsds_api.ListQuery,
    "/taxonomies/{id}": hsds_api.FormatQuery,
    "/taxonomy_terms": hsds_api.TaxonomyTermQuery,
    "/taxonomy_terms/{id}": hsds_api.FormatQuery,
    "/service_at_locations": hsds_api.ServiceAtLocationQuery,
    "/service_at_locations/{id}": hsds_api.FormatQuery,
}


def test_every_path_and_parameter_of_the_hsds_openapi_is_served() -> None:
    spec = openapi()
    assert set(spec["paths"]) == set(QUERY_OF_PATH)
    for path, query in QUERY_OF_PATH.items():
        named = set()
        for parameter in spec["paths"][path]["get"].get("parameters", []):
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
            named.add(parameter["name"])
        taken = set(query.base_fields)
        assert named <= taken, path
        # `after`, the cursor of a `next` link, is ours: HSDS pages by number only.
        assert taken - named <= {"format", *(["after"] if path == "/services" else [])}, path
        url = "/api/hsds" + path.replace("{id}", str(uuid.uuid4()))
        assert Client().get(url).status_code in (200, 404), path


# What it answers ---------------------------------------------------------------------------


def test_the_root_names_the_hsds_version_profile_and_openapi(directory: SimpleNamespace) -> None:
    doc = ok(reverse("hsds_root"))
    assert doc["version"] == "3.0"
    assert doc["profile"].startswith("https://")
    assert doc["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    assert response_errors(doc, "/") == []
    spec = Client().get(reverse("hsds_openapi")).json()
    assert "/service_at_locations" in spec["paths"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {}),
        ("/services", {"full": "true"}),
        ("/organizations", {}),
        ("/organizations", {"full": "true"}),
        ("/organizations", {"full_service": "true"}),
        ("/taxonomies", {}),
        ("/taxonomy_terms", {}),
        ("/service_at_locations", {}),
        ("/service_at_locations", {"full": "true"}),
    ],
)
def test_each_list_is_a_valid_hsds_page(
    directory: SimpleNamespace, path: str, params: dict[str, str]
) -> None:
    doc = ok(reverse(LISTS[path]), **params)
    assert list(doc) == PAGE_FIELDS
    assert doc["contents"], "the test directory has something to list"
    assert response_errors(doc, path) == []


def test_a_full_service_list_holds_valid_full_services(directory: SimpleNamespace) -> None:
    doc = ok(reverse("hsds_services"), full="true")
    for item in doc["contents"]:
        assert errors(item, "service.json") == []
    counselling = next(s for s in doc["contents"] if s["name"] == "Counselling")
    assert counselling["attributes"][0]["taxonomy_term"]["name"] == "Mental health"
    assert counselling["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]


def test_each_record_is_valid_hsds(directory: SimpleNamespace) -> None:
    d = directory
    service = ok(reverse("hsds_service", args=[d.counselling.id]))
    assert response_errors(service, "/services/{id}") == []
    assert service["phones"] and service["contacts"] and service["service_at_locations"]
    assert service["organization"]["name"] == "Riverside Mind"

    org = ok(reverse("hsds_organization", args=[d.mind.id]))
    assert response_errors(org, "/organizations/{id}") == []
    assert [s["name"] for s in org["services"]] == ["Counselling"]
    org_full = ok(reverse("hsds_organization", args=[d.mind.id]), full_service="true")
    assert response_errors(org_full, "/organizations/{id}") == []
    assert [errors(s, "service.json") for s in org_full["services"]] == [[]]

    assert (
        response_errors(ok(reverse("hsds_taxonomy", args=[d.needs.id])), "/taxonomies/{id}") == []
    )
    term = ok(reverse("hsds_taxonomy_term", args=[d.homeless.id]))
    assert response_errors(term, "/taxonomy_terms/{id}") == []
    assert term["parent_id"] == str(d.housing.id)
    assert term["taxonomy_detail"]["name"] == "Riverside needs"

    # The HSDS OpenAPI gives compiled/service.json for this path, but its own example (and its
    # description) is a service_at_location: that is what is answered and checked.
    sal_id = d.counselling.service_at_locations.get().id
    sal = ok(reverse("hsds_service_at_location", args=[sal_id]))
    assert errors(sal, "service_at_location.json") == []
    assert sal["location"]["addresses"][0]["address_1"] == "1 High Street"
    assert sal["service"]["name"] == "Counselling"


def test_it_is_open_to_anyone_signed_in_or_not(
    directory: SimpleNamespace, world: SimpleNamespace
) -> None:
    anonymous = Client().get(reverse("hsds_services"))
    signed_in = client_for(world.olive).get(reverse("hsds_services"))
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.json() == signed_in.json()
    assert anonymous["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(directory: SimpleNamespace, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in [
        reverse("hsds_services"),
        reverse("hsds_service", args=[directory.counselling.id]),
        reverse("hsds_root"),
    ]:
        response = getattr(client, method)(url, "{}", content_type="application/json")
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["detail"]
    assert directory.counselling.__class__.objects.filter(pk=directory.counselling.pk).exists()


# Pages --------------------------------------------------------------------------------------


def test_pages_count_and_flag_themselves(db: Any) -> None:
    org = f.organization("Many Services")
    names = [f"Service {n:02}" for n in range(7)]
    for name in names:
        f.service(name, org=org)
    url = reverse("hsds_services")
    pages = [ok(url, per_page=3, page=n) for n in (1, 2, 3, 4)]
    assert [p["total_items"] for p in pages] == [7, 7, 7, 7]
    assert [p["total_pages"] for p in pages] == [3, 3, 3, 3]
    assert [p["page_number"] for p in pages] == [1, 2, 3, 4]
    assert [p["size"] for p in pages] == [3, 3, 1, 0]
    assert [p["first_page"] for p in pages] == [True, False, False, False]
    assert [p["last_page"] for p in pages] == [False, False, True, True]
    assert [p["empty"] for p in pages] == [False, False, False, True]
    assert [s["name"] for p in pages for s in p["contents"]] == names


def test_next_links_walk_every_service_exactly_once_as_numbered_pages_do(db: Any) -> None:
    org = f.organization("Many Services")
    # Names shared by several services: the id orders them, and a cursor must not skip one.
    for n in range(11):
        f.service(f"Service {n % 4}", org=org, description="Debt advice.")
    f.service("Hidden", org=org, visibility=Visibility.PARTNERS)
    f.service("Gardening club", org=org, description="Allotments.")  # no "debt"
    url = reverse("hsds_services")
    for query in ({}, {"search": "debt"}):
        numbered = [ok(url, per_page=3, page=n, **query) for n in (1, 2, 3, 4)]
        walked = [ok(url, per_page=3, **query)]
        while "next" in walked[-1]:
            assert "page" not in parse_qs(urlsplit(walked[-1]["next"]).query)
            response = Client().get(walked[-1]["next"])
            assert response.status_code == 200
            walked.append(response.json())
        assert [ids(p) for p in walked] == [ids(p) for p in numbered]
        every = [i for p in walked for i in ids(p)]
        assert len(every) == len(set(every)) == 11 + (not query)
        assert [p["page_number"] for p in walked] == [1, 2, 3, 4]
        assert [p["last_page"] for p in walked] == [False, False, False, True]
        assert {p["total_items"] for p in walked} == {11 + (not query)}
        assert "next" in numbered[0] and "next" not in numbered[-1]


@pytest.mark.parametrize(
    "after",
    [
        "nonsense",
        "W10",
        "WzEsIngiLCJ5Il0",
        "é" * 3,
        # Fixed ids: each parallel worker must collect the same tests.
        hsds_api.cursor(1, "Service", uuid.UUID(int=1), 7),  # page 1 follows nothing
        hsds_api.cursor(2, "Service", uuid.UUID(int=2), -1),
    ],
    ids=["nonsense", "not-a-list", "wrong-shape", "not-base64", "page-1", "negative-total"],
)
def test_a_cursor_not_given_by_a_next_link_is_a_bad_query(db: Any, after: str) -> None:
    response = get(reverse("hsds_services"), after=after)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "after"


def test_a_page_number_and_a_cursor_together_are_a_bad_query(db: Any) -> None:
    after = hsds_api.cursor(2, "Service", uuid.uuid4(), 7)
    response = get(reverse("hsds_services"), page=2, after=after)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == hsds_api.PAGE_OR_AFTER


def test_an_empty_directory_is_one_empty_page(db: Any) -> None:
    Taxonomy.objects.all().delete()  # the default needs taxonomy, and its terms
    for path, name in LISTS.items():
        doc = ok(reverse(name))
        assert doc == {
            "total_items": 0,
            "total_pages": 1,
            "page_number": 1,
            "size": 0,
            "first_page": True,
            "last_page": True,
            "empty": True,
            "contents": [],
        }, path


def test_per_page_is_fifty_unless_asked(db: Any) -> None:
    org = f.organization()
    for n in range(51):
        f.service(f"Service {n:02}", org=org)
    assert ok(reverse("hsds_services"))["size"] == 50
    assert ok(reverse("hsds_services"), per_page=100)["size"] == 51


# Filters ------------------------------------------------------------------------------------


def names(doc: dict[str, Any]) -> list[str]:
    return sorted(item.get("name") or item["service"]["name"] for item in doc["contents"])


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_services_filter_by_words_needs_taxonomy_organisation_and_date(
    directory: SimpleNamespace, path: str
) -> None:
    d = directory
    url = reverse(LISTS[path])
    assert names(ok(url, search="talking therapy")) == ["Counselling"]
    assert names(ok(url, search="hillside")) == ["Food parcels"], "the organisation's name"
    assert names(ok(url, search="accommodation")) == [], "a confidential service is not found"
    assert names(ok(url, taxonomy_term_id=d.mental.id)) == ["Counselling"]
    assert names(ok(url, taxonomy_id=d.other_taxonomy.id)) == ["Food parcels"]
    assert names(ok(url, taxonomy_id=d.needs.id)) == ["Counselling", "Outreach for women"]
    assert names(ok(url, organization_id=d.rise.id)) == ["Outreach for women"]
    f.modified(d.parcels, f.days_ago(30))
    f.modified(d.outreach, f.days_ago(30))
    recent = ok(url, modified_after=f.days_ago(1).isoformat())
    assert names(recent) == ["Counselling"]
    assert names(ok(url, modified_after="2000-01-01")) == [
        "Counselling",
        "Food parcels",
        "Outreach for women",
    ]


def test_minimal_services_are_ids_and_when_they_changed(directory: SimpleNamespace) -> None:
    doc = ok(reverse("hsds_services"), minimal="true", per_page=1000)
    assert doc["total_items"] == 3
    assert all(set(item) == {"id", "last_modified"} for item in doc["contents"])
    assert str(directory.counselling.id) in ids(doc)


def test_organizations_list_only_their_public_services(directory: SimpleNamespace) -> None:
    d = directory
    doc = ok(reverse("hsds_organizations"), full_service="true")
    assert [o["name"] for o in doc["contents"]] == [
        "Hillside Food Bank",
        "Rise Refuges",
        "Riverside Mind",
    ], "an organisation with no public service is not listed"
    services = {o["name"]: [s["name"] for s in o["services"]] for o in doc["contents"]}
    assert services["Riverside Mind"] == ["Counselling"]
    assert services["Rise Refuges"] == ["Outreach for women"]
    assert "services" not in ok(reverse("hsds_organizations"))["contents"][0]
    assert names(ok(reverse("hsds_organizations"), search="food")) == ["Hillside Food Bank"]
    assert get(reverse("hsds_organization", args=[d.secret_org.id])).status_code == 404


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top(directory: SimpleNamespace) -> None:
    d = directory
    url = reverse("hsds_taxonomy_terms")
    assert names(ok(url, taxonomy_id=d.other_taxonomy.id)) == ["Food"]
    assert names(ok(url, parent_id=d.housing.id)) == ["Homelessness"]
    ours = {"taxonomy_id": d.needs.id}
    assert names(ok(url, top_only="true", **ours)) == ["Housing", "Mental health"]
    assert names(ok(url, search="home", **ours)) == ["Homelessness"]
    default_needs = Taxonomy.objects.get(name="Joined Up needs")
    top = ok(url, top_only="true", taxonomy_id=default_needs.id, per_page=100)
    assert top["total_items"] > 10
    assert "Housing and homelessness" in names(top)
    assert names(ok(reverse("hsds_taxonomies"), search="open")) == ["Open Eligibility"]


# Near a postcode ----------------------------------------------------------------------------


@pytest.fixture
def places(db: Any) -> SimpleNamespace:
    """A service delivered in three places on a line north of Manchester's Piccadilly."""
    p = SimpleNamespace()
    p.service = f.service("Advice", org=f.organization("Advice Line"))
    # 0.009 degrees of latitude is about 1 km.
    p.centre = f.location("Centre", postal_code="M1 1AE", latitude=53.4794, longitude=-2.2453)
    p.two_km = f.location("Two km", postal_code="M4 5AA", latitude=53.4974, longitude=-2.2453)
    p.ten_km = f.location("Ten km", postal_code="M25 1AA", latitude=53.5694, longitude=-2.2453)
    p.nowhere = f.location("No coordinates", postal_code="M9 9ZZ", latitude=None, longitude=None)
    for loc in (p.ten_km, p.centre, p.nowhere, p.two_km):
        f.at(p.service, loc)
    return p


def location_names(doc: dict[str, Any]) -> list[str]:
    return [item["location"]["name"] for item in doc["contents"]]


def test_proximity_in_metres_keeps_the_nearest_first(places: SimpleNamespace) -> None:
    url = reverse("hsds_service_at_locations")
    assert location_names(ok(url, postcode="m11ae", proximity=500)) == ["Centre"]
    assert location_names(ok(url, postcode="M1 1AE", proximity=3000)) == ["Centre", "Two km"]
    assert location_names(ok(url, postcode="M1 1AE", proximity=20000)) == [
        "Centre",
        "Two km",
        "Ten km",
    ]
    everywhere = ok(url, postcode="M1 1AE")
    assert location_names(everywhere) == ["Centre", "Two km", "Ten km", "No coordinates"]
    assert response_errors(everywhere, "/service_at_locations") == []


def test_a_postcode_not_in_the_directory_goes_to_the_geocoder(
    places: SimpleNamespace, settings: Any, monkeypatch: Any
) -> None:
    asked = []

    def fake_urlopen(url: str, timeout: float) -> Any:
        asked.append(url)
        body = {"status": 200, "result": {"latitude": 53.4974, "longitude": -2.2453}}
        return io.BytesIO(json.dumps(body).encode())

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    url = reverse("hsds_service_at_locations")
    assert get(url, postcode="M4 6ZZ", proximity=100).status_code == 400, "no geocoder set"
    settings.JOINEDUP_GEOCODER_URL = "https://geocoder.example/postcodes/{postcode}"
    assert location_names(ok(url, postcode="m46zz", proximity=100)) == ["Two km"]
    assert asked == ["https://geocoder.example/postcodes/M4%206ZZ"]


def test_a_failing_geocoder_means_not_located(settings: Any, monkeypatch: Any, db: Any) -> None:
    def broken(url: str, timeout: float) -> Any:
        raise TimeoutError("too slow")

    monkeypatch.setattr("urllib.request.urlopen", broken)
    settings.JOINEDUP_GEOCODER_URL = "https://geocoder.example/postcodes/{postcode}"
    assert geocode.locate("M4 6ZZ") is None

    def cut_off(url: str, timeout: float) -> Any:
        raise http.client.IncompleteRead(b'{"result": {"lat')

    monkeypatch.setattr("urllib.request.urlopen", cut_off)
    assert geocode.locate("M4 6ZZ") is None
    response = get(reverse("hsds_service_at_locations"), postcode="M4 6ZZ", proximity=100)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("given", "normal"),
    [("sw1a1aa", "SW1A 1AA"), (" M1  1AE ", "M1 1AE"), ("b338th", "B33 8TH")],
)
def test_postcodes_are_normalised(given: str, normal: str) -> None:
    assert geocode.normalise(given) == normal


# Bad requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("hsds_services", {"page": "0"}, "page"),
        ("hsds_services", {"page": "two"}, "page"),
        ("hsds_services", {"page": "1" + "0" * 30}, "page"),
        ("hsds_services", {"per_page": "1000000000"}, "per_page"),
        ("hsds_services", {"per_page": "101"}, "per_page"),
        ("hsds_services", {"per_page": "1001", "minimal": "true"}, "per_page"),
        ("hsds_services", {"per_page": "-1"}, "per_page"),
        ("hsds_services", {"taxonomy_term_id": "housing"}, "taxonomy_term_id"),
        ("hsds_services", {"taxonomy_id": "1"}, "taxonomy_id"),
        ("hsds_services", {"organization_id": "x'; drop table"}, "organization_id"),
        ("hsds_services", {"modified_after": "last tuesday"}, "modified_after"),
        ("hsds_services", {"modified_after": "2024-13-45"}, "modified_after"),
        ("hsds_services", {"full": "perhaps"}, "full"),
        ("hsds_services", {"minimal": "2"}, "minimal"),
        ("hsds_services", {"format": "ndjson"}, "format"),
        ("hsds_services", {"search": "x" * 201}, "search"),
        ("hsds_organizations", {"full_service": "maybe"}, "full_service"),
        ("hsds_organizations", {"per_page": "0"}, "per_page"),
        ("hsds_taxonomies", {"format": "xml"}, "format"),
        ("hsds_taxonomy_terms", {"parent_id": "root"}, "parent_id"),
        ("hsds_taxonomy_terms", {"top_only": "yes please"}, "top_only"),
        ("hsds_service_at_locations", {"proximity": "1000"}, "proximity"),
        ("hsds_service_at_locations", {"postcode": "M1 1AE", "proximity": "far"}, "proximity"),
        ("hsds_service_at_locations", {"postcode": "M1 1AE", "proximity": "-5"}, "proximity"),
        ("hsds_service_at_locations", {"postcode": "ZZ99 9ZZ"}, "postcode"),
        ("hsds_root", {"format": "csv"}, "format"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(
    directory: SimpleNamespace, name: str, params: dict[str, str], field: str
) -> None:
    response = get(reverse(name), **params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"]


def test_json_is_the_format_offered(directory: SimpleNamespace) -> None:
    assert ok(reverse("hsds_services"), format="json")["total_items"] == 3


@pytest.mark.parametrize(
    "name",
    [
        "hsds_service",
        "hsds_organization",
        "hsds_taxonomy",
        "hsds_taxonomy_term",
        "hsds_service_at_location",
    ],
)
def test_an_unknown_or_malformed_id_is_a_json_404(directory: SimpleNamespace, name: str) -> None:
    for id in [str(uuid.uuid4()), "not-a-uuid"]:
        response = get(reverse(name, args=[id]))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}


# What never leaves --------------------------------------------------------------------------


def every_response(d: SimpleNamespace) -> list[tuple[str, dict[str, Any], str]]:
    """Every endpoint in every mode, with the test directory's ids and its places."""
    located = {"postcode": "M1 1AE", "proximity": "100000"}
    lists = [
        (name, params)
        for name in LISTS.values()
        for params in [{}, {"full": "true"}, {"full_service": "true"}, {"minimal": "true"}]
    ]
    lists += [("hsds_service_at_locations", {**located, "full": "true"})]
    lists += [("hsds_service_at_locations", located)]
    lists += [
        ("hsds_services", {"search": "accommodation"}),
        ("hsds_services", {"search": "hidden"}),
    ]
    records = [("hsds_service", [s.id]) for s in (d.counselling, d.outreach, d.parcels)] + [
        ("hsds_organization", [o.id]) for o in (d.mind, d.rise, d.foodbank)
    ]
    records += [
        ("hsds_service_at_location", [sal.id]) for sal in d.outreach.service_at_locations.all()
    ]
    found = []
    for name, params in lists:
        response = Client().get(reverse(name), params)
        assert response.status_code == 200, (name, params)
        found.append((name, params, response.content.decode()))
    for name, args in records:
        for params in [{}, {"full_service": "true"}]:
            response = Client().get(reverse(name, args=args), params)
            found.append((name, params, response.content.decode()))
    return found


def test_no_confidential_or_partners_only_record_appears_in_any_response(
    directory: SimpleNamespace,
) -> None:
    d = directory
    secrets = [
        "17 Hidden Lane",
        "M14 9ZZ",
        "M149ZZ",
        "53.4501",
        "-2.219",
        "Safe house",
        str(d.safe_house.id),
        str(d.hidden_sal.id),
        str(d.refuge.id),
        'Refuge"',
        str(d.partners_only.id),
        "Multi-agency panel",
        "Quiet",
    ]
    responses = every_response(d)
    assert len(responses) > 30
    for name, params, body in responses:
        for secret in secrets:
            assert secret not in body, (name, params, secret)


def test_a_non_public_record_answers_404_as_if_it_did_not_exist(
    directory: SimpleNamespace,
) -> None:
    d = directory
    refuge_sal = d.refuge.service_at_locations.get()
    for name, id in [
        ("hsds_service", d.refuge.id),
        ("hsds_service", d.partners_only.id),
        ("hsds_service_at_location", d.hidden_sal.id),
        ("hsds_service_at_location", refuge_sal.id),
        ("hsds_organization", d.secret_org.id),
    ]:
        response = get(reverse(name, args=[id]))
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Not found.", "errors": []}


def test_a_confidential_postcode_cannot_be_located(directory: SimpleNamespace) -> None:
    response = get(reverse("hsds_service_at_locations"), postcode="M14 9ZZ", proximity="100")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "postcode", "message": "We could not locate this postcode."}
    ]


def test_a_public_service_at_a_confidential_place_shows_only_its_public_places(
    directory: SimpleNamespace,
) -> None:
    d = directory
    doc = ok(reverse("hsds_service", args=[d.outreach.id]))
    assert [sal["location"]["name"] for sal in doc["service_at_locations"]] == ["Riverside Hub"]
    sals = ok(reverse("hsds_service_at_locations"), organization_id=d.rise.id)
    assert location_names(sals) == ["Riverside Hub"]


def test_public_ids_are_listed_whole(directory: SimpleNamespace) -> None:
    listed = ids(ok(reverse("hsds_services"), per_page=100))
    d = directory
    assert sorted(listed) == sorted(str(s.id) for s in (d.counselling, d.parcels, d.outreach))
    assert Address.objects.filter(location=d.safe_house).exists()
    assert Organization.objects.count() == 4


# Query budget -------------------------------------------------------------------------------


def test_a_list_counts_its_matches_only_up_to_the_cap(
    directory: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from joinedup.directory import hsds_api

    monkeypatch.setattr(hsds_api, "COUNT_CAP", 2)  # three public services
    first = ok(reverse("hsds_services"), per_page=1)
    assert (first["total_items"], first["total_pages"], first["last_page"]) == (2, 2, False)
    third = ok(reverse("hsds_services"), per_page=1, page=3)  # past the cap: still there
    assert (third["size"], third["last_page"], third["total_items"]) == (1, True, 3)
    whole = ok(reverse("hsds_services"), per_page=10)  # one page: counted exactly
    assert (whole["total_items"], whole["last_page"]) == (3, True)


def make_full_services(count: int) -> None:
    hub = f.location("Shared hub")
    needs = f.taxonomy()
    housing = f.term("Housing", taxonomy=needs)
    org = f.organization("Big Charity")
    for n in range(count):
        f.full_service(f"Service {n:02}", org=org, loc=hub if n % 2 else None, terms=[housing])


# The queries of one page of full services, whatever its size (the last page: no count, as
# its rows say how many there are):
#   the page; service_at_locations; their locations (public only); the locations'
#   addresses, accessibility, languages, schedules, phones and the phones' languages,
#   contacts, their phones and those phones' languages (9);
#   the service_at_locations' contacts, their phones and those phones' languages (3), their
#   phones and languages (2), their schedules; the organisations' identifiers; the services'
#   phones and languages (2), schedules, areas, languages, cost options, contacts, the
#   contacts' phones and languages (3); the attributes with their terms.
FULL_SERVICES_PAGE_QUERIES = 29


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_full_services_costs_the_same_queries_whatever_its_size(
    db: Any, count: int, django_assert_num_queries: Any
) -> None:
    make_full_services(count)
    with django_assert_num_queries(FULL_SERVICES_PAGE_QUERIES):
        doc = ok(reverse("hsds_services"), full="true", per_page=100)
    assert doc["size"] == count
    assert all(len(s["service_at_locations"]) == 1 for s in doc["contents"])


BUDGETS = [
    # the count; the page, organisations joined
    ("/api/hsds/services", 2),
    ("/api/hsds/services?minimal=true", 2),
    # (one organisation: its page is the last, so not counted) the page; the organisations'
    # identifiers; their public services
    ("/api/hsds/organizations?full=true", 3),
    # the same, and a page of full services but for its count and page (28)
    ("/api/hsds/organizations?full_service=true", 31),
    # the count; the page, services, organisations and locations joined; the addresses
    ("/api/hsds/service_at_locations", 3),
    # the count; the page; the locations' nine relations (as above), the contacts' three,
    # the phones' two, the schedules
    ("/api/hsds/service_at_locations?full=true", 17),
    # and locating the postcode
    ("/api/hsds/service_at_locations?full=true&postcode=M1+1AE&proximity=1000", 18),
    # the count; the page, taxonomies joined
    ("/api/hsds/taxonomy_terms", 2),
]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("url", "queries"), BUDGETS)
def test_every_list_has_a_query_budget(
    db: Any, count: int, url: str, queries: int, django_assert_num_queries: Any
) -> None:
    make_full_services(count)
    with django_assert_num_queries(queries):  # a page that is not the last: counted
        response = Client().get(url + ("&" if "?" in url else "?") + "per_page=2")
    assert response.status_code == 200
    assert response.json()["size"] > 0


# Never a 500 -------------------------------------------------------------------------------

PARAMETERS = sorted(
    {name for query in QUERY_OF_PATH.values() for name in query.base_fields} | {"unknown"}
)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(sorted(QUERY_OF_PATH)),
    params=st.dictionaries(st.sampled_from(PARAMETERS), st.text(max_size=40), max_size=4),
)
def test_any_query_is_answered_200_400_or_404(
    directory: SimpleNamespace, path: str, params: dict[str, str]
) -> None:
    url = "/api/hsds" + path.replace("{id}", str(directory.counselling.id))
    response = Client().get(url, params)
    assert response.status_code in (200, 400, 404), response.content[:300]
    assert response["Content-Type"] == "application/json"


def test_a_public_service_does_not_carry_what_hangs_from_its_confidential_place(
    listed: SimpleNamespace,
) -> None:
    """A phone, contact or opening time of a refuge's place, tied to a public service too,
    leaves with neither the service nor the export."""
    from joinedup.directory import exporter
    from joinedup.directory.models import Contact, Phone, Schedule

    refuge_place = listed.refuge.service_at_locations.get().location
    Phone.objects.create(service=listed.advice, location=refuge_place, number="0800 111 999")
    Contact.objects.create(service=listed.advice, location=refuge_place, name="Refuge warden")
    Schedule.objects.create(
        service=listed.advice, location=refuge_place, description="Refuge door hours"
    )

    served = json.dumps(
        [
            ok(reverse("hsds_service", args=[listed.advice.pk])),
            ok(reverse("hsds_services"), full="true"),
            exporter.json_document(),
        ]
    )
    for secret in ("0800 111 999", "Refuge warden", "Refuge door hours", str(refuge_place.pk)):
        assert secret not in served
