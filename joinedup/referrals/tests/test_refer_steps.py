"""Referring in a few steps: the form opens with Pat's consent, the protocol and her needs
already chosen; the finder lists only the services her consent and the protocol allow and
says why the others are left out; links from her page, her consent and a service's page lead
there; a bad query value is named, never a 500.

On top of the referral world (see conftest): Talking therapies meets mental health, and
Riverside Housing Trust, a fourth member whom Pat's consent does not name, runs a crisis line
for mental health that is never offered for her."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import add_member, client_for, make_org, make_user
from joinedup.directory.actions import service_create, service_update
from joinedup.directory.models import TaxonomyTerm
from joinedup.directory.needs import term_id
from joinedup.referrals.models import Access, AccessKind, Referral


def need(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(pk=term_id(code))


@pytest.fixture
def finding(world: SimpleNamespace, referring: SimpleNamespace) -> SimpleNamespace:
    r = referring
    # Talking therapies takes referrals through Joined Up, and meets mental health.
    service_update(
        service=r.therapy, by=None, needs=[need("mental_health")], referral_method="joined_up"
    )
    service_create(
        organisation=world.core_org,
        by=None,
        name="Peer support group",
        needs=[need("mental_health")],
    )
    r.housing_org = make_org("Riverside Housing Trust")
    add_member(world.partnership, r.housing_org)
    r.crisis = service_create(
        organisation=r.housing_org, by=None, name="Crisis line", needs=[need("mental_health")]
    )
    r.url = reverse("referral_new", args=[r.pat.pk])
    return r


def test_the_form_opens_with_her_needs_searched_and_only_what_her_consent_allows(world, finding):
    response = client_for(world.stan).get(finding.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Talking therapies — Riverside Mind" in body
    assert "Peer support group — Riverside Mind" in body
    assert "Crisis line" not in body
    assert "1 service not shown: the consent does not cover their organisations." in body
    assert "services for Mental health, Money and debt" in body
    assert f'value="{term_id("mental_health")}"' in body  # the need ticked for the search
    assert f'name="consent" value="{finding.consent.pk}"' in body
    assert f'name="protocol" value="{finding.protocol.pk}"' in body
    access = Access.objects.filter(person=finding.pat, kind=AccessKind.VIEW).latest("pk")
    assert (access.actor, access.purpose) == (world.stan, "Choosing services to refer them to")


def test_choosing_services_leads_to_the_confirm_step_which_sends_them(world, finding):
    stan = client_for(world.stan)
    query = f"?service={finding.therapy.pk}&service={finding.parcels.pk}&confirm=1"
    confirm = stan.get(finding.url + query)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Send 2 referrals" in page
    for name, value in [("consent", finding.consent.pk), ("protocol", finding.protocol.pk)]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    access = Access.objects.filter(person=finding.pat, kind=AccessKind.VIEW).latest("pk")
    assert access.purpose == "Confirming what to share in a referral"
    none = stan.get(finding.url + "?confirm=1&words=")
    assert none.status_code == 422 and "Choose one or more services." in none.content.decode()
    sent = stan.post(
        finding.url + query,
        {
            "service": [finding.therapy.pk, finding.parcels.pk],
            "consent": finding.consent.pk,
            "protocol": finding.protocol.pk,
            "purpose": "referral",
            "share": ["name", "contact"],
            f"need_{finding.therapy.pk}": "mental_health",
            f"need_{finding.parcels.pk}": "money_debt",
        },
        follow=True,
    )
    said = sent.content.decode()
    assert "Sent: 2 referrals, to " in said and "Riverside Mind (Talking therapies)" in said
    assert Referral.objects.count() == 2


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("service=not-an-id", "Services: “not-an-id” is not a valid UUID."),
        ("consent=999999", "Consent: Select a valid choice."),
        ("protocol=abc", "Data-sharing protocol: Select a valid choice."),
        ("purpose=gossip", "Purpose: Select a valid choice."),
        ("needs=nonsense&words=", "Needs: “nonsense” is not a valid UUID."),
        ("area=" + "x" * 101 + "&words=", "Area: Ensure this value has at most 100 characters"),
    ],
)
def test_a_bad_query_value_is_named_never_a_500(world, finding, query, named):
    response = client_for(world.stan).get(f"{finding.url}?{query}")
    assert response.status_code == 422
    assert named in response.content.decode().replace("&#x27;", "'")


def test_a_service_her_consent_does_not_cover_is_refused_naming_why(world, finding):
    response = client_for(world.stan).get(f"{finding.url}?service={finding.crisis.pk}&confirm=1")
    assert response.status_code == 422
    assert "Crisis line: the consent does not cover Riverside Housing Trust." in (
        response.content.decode()
    )


def test_links_from_her_page_her_consent_and_a_service_lead_to_the_form(world, finding):
    stan = client_for(world.stan)
    person = stan.get(reverse("person", args=[finding.pat.pk])).content.decode()
    assert f'href="{finding.url}#refer-title">Refer</a>' in person
    consent = stan.get(finding.consent.get_absolute_url()).content.decode()
    under = f"{finding.url}?consent={finding.consent.pk}#refer-title"
    assert f'href="{under}">Refer under this consent' in consent
    service = stan.get(finding.therapy.get_absolute_url()).content.decode()
    pick = reverse("refer_someone") + f"?service={finding.therapy.pk}"
    assert f'href="{pick}#whom-title">Refer someone' in service
    # Only where the service says "Refer through Joined Up", and not to one's own service.
    assert "Refer someone" not in stan.get(finding.parcels.get_absolute_url()).content.decode()
    own = client_for(world.cora).get(finding.therapy.get_absolute_url()).content.decode()
    assert "Refer someone" not in own
    # From the service: whom to refer, then the form with the service and consent chosen.
    listed = stan.get(pick)
    form_url = f"{finding.url}?consent={finding.consent.pk}&amp;service={finding.therapy.pk}"
    assert listed.status_code == 200
    assert f'href="{form_url}#refer-title">Pat Example' in listed.content.decode()
    opened = stan.get(form_url.replace("&amp;", "&")).content.decode()
    assert f'name="service" value="{finding.therapy.pk}" checked' in opened
    # Listing Pat by name is logged.
    assert Access.objects.filter(
        person=finding.pat, purpose="Listed by name to choose whom to refer"
    ).exists()


def test_whom_to_refer_shows_only_consents_that_cover_the_service(world, finding):
    stan = client_for(world.stan)
    body = stan.get(reverse("refer_someone"), {"service": finding.crisis.pk}).content.decode()
    assert "Pat Example" not in body
    assert "1 person not shown: no standing consent of theirs covers Riverside Housing Trust." in (
        body
    )
    bad = stan.get(reverse("refer_someone"), {"service": "nope"})
    assert bad.status_code == 422 and "Service: “nope” is not a valid UUID." in bad.content.decode()
    # Someone who acts for no organisation has no one to refer; Cora cannot see Pat at all.
    no_one = make_user("nobody@example.org", "Nadia Nobody")
    assert client_for(no_one).get(reverse("refer_someone")).status_code == 403
    theirs = client_for(world.cora).get(reverse("refer_someone")).content.decode()
    assert "Pat Example" not in theirs
    assert client_for(world.cora).get(finding.url).status_code == 404


def test_finding_services_keeps_to_a_query_budget(world, finding):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(world.stan).get(finding.url).status_code == 200
        return len(queries)

    before = count()
    for i in range(4):
        service_create(
            organisation=world.core_org, by=None, name=f"Group {i}", needs=[need("mental_health")]
        )
        service_create(
            organisation=finding.housing_org, by=None, name=f"Line {i}", needs=[need("money_debt")]
        )
    assert count() == before
