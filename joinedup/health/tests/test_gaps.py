"""Gaps in services and duplication, by need and area."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.directory.actions import service_create
from joinedup.directory.queries import services_visible_to
from joinedup.directory.tests.conftest import need
from joinedup.health.evidence import ReferralRow
from joinedup.health.gaps import ServiceFacts, analyse, member_services
from joinedup.referrals.actions import referral_decline
from joinedup.referrals.models import Referral
from joinedup.referrals.tests.conftest import refer, referring  # noqa: F401 (a fixture)

HOUSING = {"housing.emergency": "Emergency accommodation"}
DEBT = {"money_debt.debt_advice": "Debt advice"}


def service(
    name: str, org: int, needs: dict[str, str], areas: set[str], **kw: object
) -> ServiceFacts:
    values: dict = {"gender": "", "minimum_age": None, "maximum_age": None, "capacity": ""}
    values.update(kw)
    return ServiceFacts(name, name, org, f"Org {org}", needs, areas, **values)


def referral(need: str, status: str = "sent", reason: str = "", area: str = "") -> ReferralRow:
    return ReferralRow(1, 1, 2, need, area, status, reason)


SERVICES = [
    service("Night shelter", 1, HOUSING, {"rossendale"}),
    service("Crash pads", 2, HOUSING, {"rossendale", "bacup"}),
    service("Debt line", 2, DEBT, set()),
    service("Young women's money", 3, DEBT, set(), gender="women", minimum_age=16, maximum_age=25),
    service("Men's money", 1, DEBT, set(), gender="men"),
    service("Second shelter", 1, HOUSING, {"rossendale"}),  # same organisation as the first
]


def test_services_overlap_on_need_area_and_eligibility_across_organisations() -> None:
    found = {
        (o.first.name, o.second.name, o.need, tuple(o.areas))
        for o in analyse(SERVICES, []).overlaps
    }
    assert found == {
        ("Night shelter", "Crash pads", "Emergency accommodation", ("rossendale",)),
        ("Crash pads", "Second shelter", "Emergency accommodation", ("rossendale",)),
        ("Debt line", "Young women's money", "Debt advice", ()),
        ("Debt line", "Men's money", "Debt advice", ()),
    }
    # Not: two services of one organisation; women's and men's; an area against no area.


def test_age_ranges_that_do_not_meet_do_not_overlap() -> None:
    young = service("Youth", 1, DEBT, set(), maximum_age=17)
    older = service("Adults", 2, DEBT, set(), minimum_age=18)
    assert analyse([young, older], []).overlaps == []


def test_a_need_referred_for_with_no_service_or_declined_for_capacity_is_a_gap() -> None:
    referrals = [
        referral("food"),
        referral("food.food_bank", status="completed"),
        referral("housing.emergency", "declined", "no_capacity", "BB4"),
        referral("housing", "declined", "no_capacity", "BB4"),
        referral("housing", "declined", "not_eligible", "BB5"),
        referral("housing", "declined", "person_declined"),
        referral("loneliness", status="draft"),
        ReferralRow(1, 1, None, "loneliness", "", "", "", signpost=True),
    ]
    gaps = analyse(SERVICES, referrals)
    rows = {n.code: n for n in gaps.needs}
    assert rows["food"].flags == ["No service"] and rows["food"].referrals == 2
    assert rows["housing"].flags == ["2 declined for capacity", "1 declined for eligibility"]
    assert rows["housing"].declined_areas == {"BB4": 2, "BB5": 1}
    assert rows["housing"].referrals == 4
    assert rows["housing"].areas == ["bacup", "rossendale"]
    # The draft does not count; the signposting does.
    assert (rows["loneliness"].referrals, rows["loneliness"].signposts) == (0, 1)
    assert rows["loneliness"].flags == ["No service"]
    assert [n.code for n in gaps.gaps] == ["food", "housing", "loneliness"]  # by name
    assert "mental_health" in {n.code for n in gaps.unmet}
    assert "housing" not in {n.code for n in gaps.unmet}


def test_only_members_active_services_that_the_viewer_sees_are_counted(
    world: SimpleNamespace,
) -> None:
    service_create(
        organisation=world.core_org,
        by=None,
        name="Crisis line",
        needs=[need("mental_health.crisis")],
        areas=["Riverside"],
    )
    service_create(
        organisation=world.lead_org,
        by=None,
        name="Refuge",
        needs=[need("domestic_abuse.refuge")],
        visibility="confidential",
    )
    service_create(organisation=world.outside_org, by=None, name="Elsewhere help", needs=[])
    service_create(
        organisation=world.core_org, by=None, name="Old clinic", needs=[], status="defunct"
    )
    members = [world.lead_org.pk, world.core_org.pk, world.wider_org.pk]
    seen_by_lena = member_services(services_visible_to(world.lena), members)
    assert {s.name for s in seen_by_lena} == {"Crisis line", "Refuge"}
    crisis = next(s for s in seen_by_lena if s.name == "Crisis line")
    assert crisis.needs == {"mental_health.crisis": "Mental health crisis"}
    assert crisis.areas == {"riverside"}
    seen_by_will = member_services(services_visible_to(world.will), members)
    assert {s.name for s in seen_by_will} == {"Crisis line"}


def test_the_gaps_page_shows_gaps_and_overlaps(world: SimpleNamespace) -> None:
    for org, name in ((world.lead_org, "Drop-in advice"), (world.core_org, "Advice clinic")):
        service_create(
            organisation=org, by=None, name=name, needs=[need("advice")], areas=["Riverside"]
        )
    body = client_for(world.cora).get(reverse("health_gaps", args=[world.partnership.pk]))
    text = body.content.decode()
    assert body.status_code == 200
    assert "Possible duplication" in text
    assert "Advice clinic (Riverside Mind) and Drop-in advice (Riverside Citizens Advice)" in text


def test_referrals_declined_in_several_areas_show_on_the_gaps_page_and_the_report(
    world: SimpleNamespace,
    referring: SimpleNamespace,  # noqa: F811 (the referrals tests' fixture)
) -> None:
    # Three referrals to Riverside Mind for mental health, declined: two for capacity (in RV1
    # and RV2), one for eligibility (in RV1); one to the food bank for food, declined for
    # capacity (RV3). Neither service lists a need, so both needs also have "No service".
    # A Counter handed to the template once answered 500 here.
    declined = [
        (referring.therapy, "mental_health", "no_capacity", "RV1"),
        (referring.therapy, "mental_health", "no_capacity", "RV2"),
        (referring.therapy, "mental_health", "not_eligible", "RV1"),
        (referring.parcels, "food", "no_capacity", "RV3"),
    ]
    for service, need_code, reason, area in declined:
        referral = refer(world, referring, service=service, need=need_code)
        receiver = world.cora if service == referring.therapy else world.will
        referral_decline(referral=referral, by=receiver, reason=reason)
        Referral.objects.filter(pk=referral.pk).update(area=area)
    gaps_url = reverse("health_gaps", args=[world.partnership.pk])
    report_url = reverse("health_report", args=[world.partnership.pk])
    for user in (world.lena, world.cora, world.will, world.otis):
        for url in (gaps_url, report_url):
            response = client_for(user).get(url)
            assert response.status_code == 200, (user, url)
            body = response.content.decode()
            assert (
                "<strong>Mental health</strong>: No service; 2 declined for capacity; "
                "1 declined for eligibility (in RV1: 2, RV2: 1)."
            ) in body
            assert "<strong>Food</strong>: No service; 1 declined for capacity (in RV3: 1)." in body
        assert client_for(world.olive).get(gaps_url).status_code == 404
    programme = client_for(world.otis).get(reverse("programme_health", args=[world.programme.pk]))
    link = f'href="{report_url}"'
    assert link in programme.content.decode()
    assert client_for(world.otis).get(report_url).status_code == 200
