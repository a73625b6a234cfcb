"""The directory's pages: search, a service, keeping listings true, and the leads' tools."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.directory.models import ListingReport, Organization, Service
from joinedup.directory.needs import term_id
from joinedup.directory.tests.conftest import (
    SECRET_LAT,
    SECRET_LON,
    SECRET_POSTCODE,
    SECRET_STREET,
    listing,
    need,
)
from joinedup.jobs.testing import exported

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")

SEARCH = reverse("directory_search")
SECRETS = (SECRET_STREET, SECRET_POSTCODE, str(SECRET_LAT), str(SECRET_LON), "RV9")


def search(user: object, **params: object) -> tuple[int, str]:
    response = client_for(user).get(SEARCH + "?" + urlencode(params, doseq=True))  # type: ignore[arg-type]
    return response.status_code, response.content.decode()


def test_each_character_finds_what_they_may_see(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    everything = {"words": "", "capacity": []}
    _, lena = search(world.lena, **everything, area="riverside")
    _, cora = search(world.cora, **everything, area="riverside")
    _, olive = search(world.olive, **everything, area="riverside")

    for name in ("Riverside advice drop-in", "Debt clinic for partners", "Riverside refuge"):
        assert name in lena and name in cora
    assert "Riverside advice drop-in" in olive
    assert "Debt clinic for partners" not in olive
    assert "Riverside refuge" not in olive
    # A partner knows the refuge exists and how to refer, never where it is.
    assert "Address confidential" in cora
    for secret in SECRETS:
        assert secret not in cora and secret not in olive
    assert SECRET_STREET in lena  # its own organisation sees it


def test_several_needs_at_once_rank_the_services_that_meet_more_of_them(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    needs = [str(term_id("housing")), str(term_id("money_debt"))]
    status, body = search(world.cora, needs=needs)

    assert status == 200
    # The advice drop-in meets both needs; the clinic one; the refuge (housing) one.
    assert body.index("Riverside advice drop-in") < body.index("Debt clinic for partners")
    assert "Elsewhere larder" not in body


def test_a_parent_need_finds_services_listed_under_its_children(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    _, body = search(world.cora, needs=[str(term_id("domestic_abuse"))])
    assert "Riverside refuge" in body


def test_the_partnerships_members_come_first_and_are_marked(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    outside = listing(world.outside_org, "Aardvark advice", needs=[need("advice")])
    assert outside.visibility == "public"
    _, body = search(world.cora, needs=[str(term_id("advice"))], partnership=world.partnership.pk)
    assert body.index("Riverside advice drop-in") < body.index("Aardvark advice")
    assert "Partnership member" in body


def test_distance_never_uses_a_confidential_address(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    near_refuge = f"{SECRET_LAT}, {SECRET_LON}"
    _, cora = search(world.cora, near=near_refuge, within_km=1)
    _, lena = search(world.lena, near=near_refuge, within_km=1)
    assert "Riverside refuge" not in cora
    assert "Riverside refuge" in lena
    _, near_advice = search(world.olive, near="51.5, -1.7", within_km=2)
    assert "Riverside advice drop-in" in near_advice
    assert "km away" in near_advice


def test_a_postcode_the_directory_knows_is_located_without_the_network(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    status, body = search(world.olive, near="rv11aa", within_km=1)
    assert status == 200
    assert "Riverside advice drop-in" in body
    # The refuge's postcode is not public, so it locates nothing.
    status, body = search(world.cora, near=SECRET_POSTCODE)
    assert status == 422
    assert "could not be located" in body


def test_eligibility_and_capacity_narrow_the_search(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    listing(world.lead_org, "Youth club", needs=[need("advice")], minimum_age=11, maximum_age=18)
    _, adult = search(world.cora, needs=[str(term_id("advice"))], age=40)
    _, young = search(world.cora, needs=[str(term_id("advice"))], age=15)
    assert "Youth club" not in adult and "Youth club" in young
    _, open_only = search(world.cora, capacity=["open"], area="riverside")
    assert "Riverside advice drop-in" in open_only
    assert "Debt clinic for partners" not in open_only


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age": "old"}, "age"),
        ({"within_km": "0"}, "within_km"),
        ({"near": "91, 10"}, "near"),
        ({"needs": "not-a-uuid"}, "needs"),
        ({"capacity": "bursting"}, "capacity"),
        ({"partnership": "999999"}, "partnership"),
    ],
)
def test_a_bad_query_string_is_named_on_the_form(
    world: SimpleNamespace, params: dict[str, str], field: str
) -> None:
    status, body = search(world.cora, **params)
    assert status == 422
    assert f'id="id_{field}_error' in body or f"#id_{field}" in body or "errorlist" in body


def test_the_search_page_keeps_its_query_count_as_listings_grow(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    client = client_for(world.cora)
    url = SEARCH + "?" + urlencode(
        {"needs": [str(term_id("money_debt")), str(term_id("housing"))], "near": "51.5, -1.7",
         "within_km": 50, "partnership": world.partnership.pk}, doseq=True
    )  # fmt: skip
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(25):
        listing(world.core_org, f"Counselling {i}", needs=[need("money_debt")])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    # One query of the page is the services' referral acceptance rates (referrals.queries).
    rates = [q for q in many.captured_queries if "referrals_referral" in q["sql"]]
    assert len(rates) == 1


def test_the_outsider_cannot_open_a_partners_only_service(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    olive = client_for(world.olive)
    assert olive.get(listed.clinic.get_absolute_url()).status_code == 404
    assert olive.get(listed.refuge.get_absolute_url()).status_code == 404
    assert olive.get(listed.advice.get_absolute_url()).status_code == 200


def test_a_partner_sees_the_refuge_but_not_its_address(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    body = client_for(world.will).get(listed.refuge.get_absolute_url()).content.decode()
    assert "Riverside refuge" in body and "Address confidential" in body
    for secret in SECRETS:
        assert secret not in body


def test_staff_edit_their_own_listing_and_no_one_else_can(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    url = reverse("directory_service_edit", args=[listed.advice.pk])
    assert client_for(world.cora).get(url).status_code == 403
    form = client_for(world.stan).get(url)
    assert form.status_code == 200
    data = {
        "name": "Riverside advice drop-in",
        "description": "Advice.",
        "status": "active",
        "gender": "",
        "capacity": "full",
        "wait_days": "30",
        "visibility": "public",
        "needs": [str(term_id("advice"))],
        "areas": "Riverside, Hillside",
        "location_visibility": "public",
        "address_1": "1 Market Place",
        "city": "Riverside",
        "postal_code": "RV1 1AA",
    }
    response = client_for(world.stan).post(url, data)
    assert response.status_code == 302
    service = Service.objects.get(pk=listed.advice.pk)
    assert service.capacity == "full" and service.wait_days == 30
    assert service.wait_given_on == dt.date.today()
    assert "hillside" in service.area_text
    bad = client_for(world.stan).post(url, {**data, "minimum_age": "30", "maximum_age": "20"})
    assert bad.status_code == 422
    assert "must not be below" in bad.content.decode()


def test_a_partner_reports_a_mistake_and_the_organisation_deals_with_it(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    url = reverse("directory_service_report", args=[listed.advice.pk])
    assert client_for(world.cora).post(url, {"what_is_wrong": ""}).status_code == 422
    assert (
        client_for(world.cora).post(url, {"what_is_wrong": "Closed on Fridays"}).status_code == 302
    )
    report = ListingReport.objects.get()
    listings = client_for(world.lena).get(reverse("directory_listings")).content.decode()
    assert "Closed on Fridays" in listings
    resolve = reverse("directory_report_resolve", args=[report.pk])
    assert client_for(world.cora).post(resolve, {"fixed": "yes"}).status_code == 404
    assert client_for(world.stan).post(resolve, {"fixed": "yes"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "fixed"


def test_a_listing_not_checked_for_six_months_is_flagged_until_checked(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    Service.objects.filter(pk=listed.advice.pk).update(
        reviewed_on=dt.date.today() - dt.timedelta(days=200)
    )
    page = client_for(world.stan).get(reverse("directory_listings")).content.decode()
    assert "Check it" in page
    done = reverse("directory_service_reviewed", args=[listed.advice.pk])
    assert client_for(world.stan).post(done, {"next": "listings"}).status_code == 302
    page = client_for(world.stan).get(reverse("directory_listings")).content.decode()
    assert "Check it" not in page


def test_leads_merge_likely_duplicates(world: SimpleNamespace, listed: SimpleNamespace) -> None:
    twin = Organization.objects.create(name="Riverside Citizens Advice Ltd", description="x")
    listing_org = listed.advice.organization
    page = client_for(world.lena).get(reverse("directory_duplicates"))
    assert page.status_code == 200
    assert "Riverside Citizens Advice Ltd" in page.content.decode()
    assert client_for(world.cora).get(reverse("directory_duplicates")).status_code == 403

    merge = {"kind": "organization", "keep": listing_org.pk, "duplicate": twin.pk}
    assert client_for(world.cora).post(reverse("directory_merge"), merge).status_code == 403
    asked = client_for(world.lena).post(reverse("directory_merge"), merge)  # asks first
    assert asked.status_code == 200 and "This cannot be undone." in asked.content.decode()
    assert Organization.objects.filter(pk=twin.pk).exists()
    merge["confirmed"] = "yes"
    assert client_for(world.lena).post(reverse("directory_merge"), merge).status_code == 302
    assert not Organization.objects.filter(pk=twin.pk).exists()


@pytest.mark.usefixtures("jobs_run_at_once")
def test_leads_import_and_export_and_see_what_happened(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    url = reverse("directory_import")
    assert client_for(world.cora).get(url).status_code == 403
    doc = {
        "id": "2c3b8a33-3d8f-4d1b-a1a4-8b2f9d8e7c10",
        "name": "Imported Org",
        "description": "d",
        "email": "hello@imported.example",
    }
    upload = SimpleUploadedFile("org.json", json.dumps(doc).encode(), "application/json")
    response = client_for(world.lena).post(url, {"file": upload, "country": "GB"}, follow=True)
    assert response.status_code == 200
    assert "1</strong> records added" in response.content.decode()
    assert Organization.objects.filter(name="Imported Org").exists()

    junk = SimpleUploadedFile("junk.json", b"{nope", "application/json")
    bad = client_for(world.lena).post(url, {"file": junk, "country": "GB"}, follow=True)
    assert "junk.json is not valid JSON" in bad.content.decode()

    exported_json = exported(client_for(world.lena), reverse("directory_export", args=["json"]))
    document = json.loads(exported_json)
    names = {s["name"] for s in document["contents"]}
    assert "Riverside advice drop-in" in names
    assert not names & {"Debt clinic for partners", "Riverside refuge"}
    archive = exported(client_for(world.lena), reverse("directory_export", args=["zip"]))
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        text = "".join(z.read(n).decode() for n in z.namelist())
    for secret in SECRETS:
        assert secret not in text and secret not in exported_json.decode()
    assert client_for(world.lena).get("/directory/export.exe").status_code == 404


def test_a_service_page_keeps_its_query_count_as_its_details_grow(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    client = client_for(world.cora)
    url = listed.advice.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(5):
        client.post(
            reverse("directory_service_report", args=[listed.advice.pk]),
            {"what_is_wrong": f"Mistake {i}"},
        )
    from joinedup.directory.models import Phone, Schedule

    for i in range(10):
        Phone.objects.create(service=listed.advice, number=f"0161 000 00{i:02d}")
        Schedule.objects.create(service=listed.advice, byday="MO", description=f"Session {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_remind_tells_an_organisation_once_of_listings_due_a_check(
    world: SimpleNamespace, listed: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail
    from django.core.management import call_command

    from joinedup.meetings.models import Notice

    Service.objects.filter(pk=listed.advice.pk).update(
        reviewed_on=dt.date.today() - dt.timedelta(days=200)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=out)
    assert "organisations told of listings to check: 1" in out.getvalue()
    notices = Notice.objects.filter(user=world.lena, subject__contains="directory listing")
    assert notices.count() == 1
    assert any("Riverside advice drop-in" in m.body for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=io.StringIO())
    assert notices.count() == 1


def test_a_lead_cannot_merge_another_organisations_listings_into_their_own(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    """Olive leads her own partnership: merging Riverside's records into hers would hand her
    the refuge and its confidential address."""
    riverside, elsewhere = listed.refuge.organization, listed.larder.organization
    takes = [
        {"kind": "organization", "keep": elsewhere.pk, "duplicate": riverside.pk},
        {"kind": "organization", "keep": riverside.pk, "duplicate": elsewhere.pk},
        {"kind": "service", "keep": listed.larder.pk, "duplicate": listed.refuge.pk},
        {"kind": "service", "keep": listed.larder.pk, "duplicate": listed.advice.pk},
    ]
    for merge in takes:
        response = client_for(world.olive).post(
            reverse("directory_merge"), {**merge, "confirmed": "yes"}
        )
        assert response.status_code in (302, 403)
    assert Organization.objects.filter(pk=riverside.pk).exists()
    assert Service.objects.filter(organization=riverside).count() == 3
    assert Service.objects.get(pk=listed.larder.pk).organization_id == elsewhere.pk
    page = client_for(world.olive).get(listed.larder.get_absolute_url()).content.decode()
    for secret in SECRETS:
        assert secret not in page


def test_the_duplicates_page_shows_a_lead_only_the_services_they_may_see(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from joinedup.directory.models import ServiceAtLocation

    twin = listing(world.lead_org, "Riverside refuge", visibility="confidential")
    location = listed.refuge.service_at_locations.get().location
    ServiceAtLocation.objects.create(service=twin, location=location)
    mine = client_for(world.lena).get(reverse("directory_duplicates")).content.decode()
    assert "Riverside refuge" in mine
    theirs = client_for(world.olive).get(reverse("directory_duplicates")).content.decode()
    assert "Riverside refuge" not in theirs
    assert str(twin.pk) not in theirs


def test_services_of_two_organisations_are_not_merged(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from django.core.exceptions import ValidationError

    from joinedup.directory import actions

    with pytest.raises(ValidationError):
        actions.service_merge(keep=listed.larder, duplicate=listed.refuge, by=None)
    assert Service.objects.filter(pk=listed.refuge.pk).exists()


def test_merging_two_listings_keeps_what_hangs_from_the_duplicate(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from joinedup.directory import actions
    from joinedup.directory.models import CostOption, Schedule, ServiceAtLocation

    twin = listing(world.lead_org, "Riverside refuge", visibility="partners")
    location = listed.refuge.service_at_locations.get().location
    ServiceAtLocation.objects.create(service=twin, location=location)
    Schedule.objects.create(service=twin, byday="MO", description="Mondays")
    CostOption.objects.create(service=twin, amount=5)
    ListingReport.objects.create(service=twin, what_is_wrong="Closed on Fridays")

    actions.service_merge(keep=listed.refuge, duplicate=twin, by=world.lena)

    refuge = listed.refuge
    assert ServiceAtLocation.objects.filter(service=refuge).count() == 1
    assert Schedule.objects.filter(service=refuge, description="Mondays").exists()
    assert CostOption.objects.filter(service=refuge).count() == 1
    assert ListingReport.objects.filter(service=refuge).count() == 1


def test_a_damaged_upload_is_refused_with_its_name_and_nothing_is_written(
    world: SimpleNamespace,
) -> None:
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("organizations.csv", "id,name,description\n" + "o,Org,x\n" * 50)
    data = bytearray(zipped.getvalue())
    at = data.index(b"o,Org,x")
    data[at : at + 3] = b"zzz"
    upload = SimpleUploadedFile("partners.zip", bytes(data), "application/zip")

    response = client_for(world.lena).post(
        reverse("directory_import"), {"file": upload, "country": "GB"}, follow=True
    )

    assert "partners.zip cannot be read" in response.content.decode()
    assert not Organization.objects.exists()


def test_a_service_page_does_not_show_what_hangs_from_a_place_the_reader_may_not_know(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from joinedup.directory.models import Phone, Schedule

    refuge_place = listed.refuge.service_at_locations.get().location
    Phone.objects.create(service=listed.advice, location=refuge_place, number="0800 111 999")
    Schedule.objects.create(service=listed.advice, location=refuge_place, description="Door hours")
    url = listed.advice.get_absolute_url()

    for outsider in (world.cora, world.olive):
        page = client_for(outsider).get(url).content.decode()
        assert "0800 111 999" not in page
        assert "Door hours" not in page
    assert "0800 111 999" in client_for(world.stan).get(url).content.decode()


def test_an_imported_organisations_hidden_places_are_not_merged_into_a_leads_own(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from joinedup.directory.models import Address, Location

    imported = Organization.objects.create(name="Riverside Citizens Advice Ltd", description="x")
    hideout = Location.objects.create(
        organization=imported, name="Safe house", visibility="confidential"
    )
    Address.objects.create(
        location=hideout, address_1="3 Quiet Close", city="Riverside", state_province="R",
        postal_code="RV8 8ZZ", country="GB",
    )  # fmt: skip
    merge = {
        "kind": "organization",
        "keep": listed.advice.organization.pk,
        "duplicate": imported.pk,
        "confirmed": "yes",
    }

    response = client_for(world.lena).post(reverse("directory_merge"), merge, follow=True)

    assert "not public" in response.content.decode()
    assert Organization.objects.filter(pk=imported.pk).exists()
    assert Location.objects.get(pk=hideout.pk).organization_id == imported.pk


def test_editing_a_service_at_a_shared_place_leaves_the_other_services_there(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    from joinedup.directory.models import ServiceAtLocation

    neighbour = listing(world.lead_org, "Neighbour service")
    place = listed.advice.service_at_locations.get().location
    ServiceAtLocation.objects.create(service=neighbour, location=place)
    url = reverse("directory_service_edit", args=[listed.advice.pk])
    data = {
        "name": "Riverside advice drop-in", "description": "Advice.", "status": "active",
        "gender": "", "visibility": "public", "location_visibility": "public",
        "address_1": "9 New Road", "city": "Riverside", "postal_code": "RV2 2BB",
    }  # fmt: skip

    assert client_for(world.stan).post(url, data).status_code == 302

    moved = listed.advice.service_at_locations.get().location
    assert moved.pk != place.pk
    assert moved.addresses.get().address_1 == "9 New Road"
    assert place.addresses.get().address_1 == "1 Market Place"
    assert neighbour.service_at_locations.get().location_id == place.pk
