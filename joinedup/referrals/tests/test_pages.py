"""The referral pages, for every named character: the test matrix of issue 6.

Stan refers (staff of Riverside Citizens Advice, which holds Pat's record), Cora receives at
Riverside Mind; Will (a third partner), Otis (the programme officer) and Olive (an outsider)
get a 404 from every page about Pat and never see her name, contact or safe contact.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.referrals import actions
from joinedup.referrals.models import (
    Access,
    AccessKind,
    ConsentMethod,
    DeclineReason,
    Person,
    Purpose,
    Referral,
    Status,
)
from joinedup.referrals.tests.conftest import PAT, refer

NEVER_SHOWN = [PAT["name"], PAT["contact"], PAT["safe_contact"]]
POST_ONLY = {"referral_step", "referral_message"}  # withdrawing a consent asks first (GET)


def page_urls(world: SimpleNamespace, r: SimpleNamespace) -> dict[str, str]:
    """Every page about Pat and her referral, her subject access export and erasure, and the
    access log of the organisation holding her record."""
    pat, consent = r.pat.pk, r.consent.pk
    return {
        "person": reverse("person", args=[pat]),
        "person_edit": reverse("person_edit", args=[pat]),
        "consent_new": reverse("consent_new", args=[pat]),
        "consent": reverse("consent", args=[pat, consent]),
        "consent_withdraw": reverse("consent_withdraw", args=[pat, consent]),
        "referral_new": reverse("referral_new", args=[pat]),
        "referral": reverse("referral", args=[r.referral.pk]),
        "referral_pass_on": reverse("referral_pass_on", args=[r.referral.pk]),
        "referral_message": reverse("referral_message", args=[r.referral.pk]),
        "referral_step": reverse("referral_step", args=[r.referral.pk, "accept"]),
        "person_export": reverse("person_export", args=[pat, "json"]),
        "person_erase": reverse("person_erase", args=[pat]),
        "referral_access_log": reverse("referral_access_log", args=[world.lead_org.pk]),
    }


@pytest.fixture
def pages(world: SimpleNamespace, referring: SimpleNamespace) -> SimpleNamespace:
    referring.referral = refer(world, referring)
    referring.urls = page_urls(world, referring)
    return referring


def fetch(client: Any, name: str, url: str) -> Any:
    if name in POST_ONLY:
        return client.post(url, {"text": "Hello", "note": "x"})
    return client.get(url)


EXPECTED = {
    "stan": {
        "person": 200,
        "person_edit": 200,
        "consent_new": 200,
        "consent": 200,
        "consent_withdraw": 200,  # the page that asks first
        "referral_new": 200,
        "referral": 200,
        "referral_pass_on": 403,  # he may see it, but only the receiver passes it on
        "referral_message": 302,
        "referral_step": 403,  # accepting is the receiver's
        "person_export": 200,
        "person_erase": 403,  # the holder's admins and managers erase
        "referral_access_log": 403,  # and read its access log
    },
    "cora": {
        "person": 404,
        "person_edit": 404,
        "consent_new": 404,
        "consent": 404,
        "consent_withdraw": 404,
        "referral_new": 404,
        "referral": 200,
        "referral_pass_on": 200,
        "referral_message": 302,
        "referral_step": 302,
        "person_export": 404,
        "person_erase": 404,
        "referral_access_log": 403,  # she may know the organisation, not read its log
    },
}


@pytest.mark.parametrize("character", ["stan", "cora"])
def test_the_referrer_and_the_receiver_get_what_the_rules_say(world, pages, character):
    client = client_for(getattr(world, character))
    got = {name: fetch(client, name, pages.urls[name]).status_code for name in EXPECTED[character]}
    assert got == EXPECTED[character]


@pytest.mark.parametrize("character", ["will", "otis", "olive"])
def test_everyone_else_gets_404_and_never_sees_pat(world, pages, character):
    client = client_for(getattr(world, character))
    for name, url in pages.urls.items():
        refused = {404}
        if name == "referral_access_log" and character != "olive":
            # The organisation is no secret to its partners and the programme officer: its
            # log is refused them with a 403.
            refused = {403}
        got, posted = fetch(client, name, url), client.post(url, {"share": ["name"]})
        assert got.status_code in refused, (name, got.status_code)
        assert posted.status_code in refused | {405}, (name, posted.status_code)
        for response in (got, posted):
            body = response.content.decode()
            assert not any(secret in body for secret in NEVER_SHOWN), name
    for url in (reverse("referrals"), reverse("protocols", args=[world.partnership.pk])):
        body = client.get(url).content.decode()
        assert not any(secret in body for secret in NEVER_SHOWN)


def test_the_receiver_sees_pat_only_through_the_referral(world, pages):
    cora = client_for(world.cora)
    page = cora.get(pages.urls["referral"]).content.decode()
    assert PAT["name"] in page and PAT["contact"] in page
    assert "Left a violent partner" not in page  # notes were not shared
    home = cora.get(reverse("referrals")).content.decode()
    assert str(pages.referral) in home
    assert PAT["name"] not in home  # names on lists are for the holder's staff
    assert "Riverside Mind, to accept or decline" in home  # opened, not yet answered
    stan_home = client_for(world.stan).get(reverse("referrals")).content.decode()
    assert PAT["name"] in stan_home
    assert "Riverside Mind, to accept or decline" in stan_home


def test_pages_refuse_the_wrong_method(world, pages):
    stan = client_for(world.stan)
    for name in POST_ONLY:
        assert stan.get(pages.urls[name]).status_code == 405, name
    for name in ("person", "consent", "referral"):
        assert stan.post(pages.urls[name]).status_code == 405, name
    assert stan.post(reverse("referrals")).status_code == 405
    assert stan.post(reverse("protocols", args=[world.partnership.pk])).status_code == 405


def test_every_view_of_pat_is_in_the_access_log(world, pages):
    before = Access.objects.filter(kind=AccessKind.VIEW).count()
    client_for(world.stan).get(pages.urls["person"])
    client_for(world.stan).get(pages.urls["consent"])
    client_for(world.cora).get(pages.urls["referral"])
    views = Access.objects.filter(kind=AccessKind.VIEW).order_by("pk")[before:]
    assert [(a.actor, a.actor_org, a.record) for a in views] == [
        (world.stan, world.lead_org, str(pages.pat)),
        (world.stan, world.lead_org, str(pages.consent)),
        (world.cora, world.core_org, str(pages.referral)),
    ]
    assert views[2].referral == pages.referral and views[2].holder == world.lead_org


def test_opening_it_as_the_receiver_marks_it_seen(world, pages):
    client_for(world.stan).get(pages.urls["referral"])
    pages.referral.refresh_from_db()
    assert pages.referral.status == Status.SENT  # the referrer opening it changes nothing
    client_for(world.cora).get(pages.urls["referral"])
    pages.referral.refresh_from_db()
    assert pages.referral.status == Status.SEEN
    page = client_for(world.stan).get(pages.urls["referral"]).content.decode()
    assert "Seen" in page


def test_withdrawing_consent_hides_pat_from_the_receiver_at_once(world, pages):
    stan = client_for(world.stan)
    assert stan.post(pages.urls["consent_withdraw"]).status_code == 302
    cora = client_for(world.cora)
    before = Access.objects.filter(actor=world.cora, kind=AccessKind.VIEW).count()
    response = cora.get(pages.urls["referral"])
    body = response.content.decode()
    assert response.status_code == 200
    assert not any(secret in body for secret in NEVER_SHOWN)
    assert "withdrew their consent" in body
    assert "Referral for support" in body and "Withdrawn" in body  # the facts remain
    assert Access.objects.filter(actor=world.cora, kind=AccessKind.VIEW).count() == before
    assert cora.post(pages.urls["referral_message"], {"text": "Hi"}).status_code == 403
    assert PAT["name"] in stan.get(pages.urls["referral"]).content.decode()  # the holder's


def test_a_withdrawn_referral_says_why_its_details_are_hidden(world, pages):
    url = reverse("referral_step", args=[pages.referral.pk, "withdraw"])
    stan = client_for(world.stan)
    asked = stan.post(url, {"note": "Found help elsewhere"}).content.decode()  # asks first
    assert "This cannot be undone." in asked and 'value="Found help elsewhere"' in asked
    assert Referral.objects.get(pk=pages.referral.pk).status != "withdrawn"
    confirmed = {"note": "Found help elsewhere", "confirmed": "yes"}
    assert stan.post(url, confirmed).status_code == 302
    body = client_for(world.cora).get(pages.urls["referral"]).content.decode()
    assert "Riverside Citizens Advice withdrew this referral" in body
    assert PAT["name"] not in body


def test_after_erasure_only_the_facts_of_the_referral_remain(world, pages):
    now = timezone.now()
    blank = {"name": "", "contact": "", "safe_contact": "", "notes": "", "postcode": ""}
    Person.objects.filter(pk=pages.pat.pk).update(erased_at=now, born_on=None, needs=[], **blank)
    Referral.objects.filter(pk=pages.referral.pk).update(erased_at=now, summary="")
    for character in ("stan", "cora"):
        body = client_for(getattr(world, character)).get(pages.urls["referral"]).content.decode()
        assert "data was erased on" in body and "Riverside Mind" in body, character
        assert not any(secret in body for secret in NEVER_SHOWN), character
    stan = client_for(world.stan)
    assert "Their data was erased" in stan.get(pages.urls["person"]).content.decode()
    assert stan.get(pages.urls["person_edit"]).status_code == 302
    assert stan.get(pages.urls["referral_new"]).status_code == 302
    consent = stan.get(pages.urls["consent"]).content.decode()
    assert "You agreed" not in consent and "data was erased" in consent


def test_the_consent_reads_in_plain_english(world, pages):
    body = client_for(world.stan).get(pages.urls["consent"]).content.decode()
    today = timezone.localdate()
    assert (
        f"You agreed on {today:%-d %B %Y} that Riverside Citizens Advice may share your name, "
        "how to contact you, how not to contact you, your date of birth, your postcode and "
        "your needs with Hillside Food Bank or Riverside Mind, to refer you to "
        "them for support, until"
    ) in body.replace("&#x27;", "'")
    assert "You can change your mind at any time by telling Riverside Citizens Advice" in body


def test_a_worker_records_a_person_and_their_consent(world, referring):
    stan = client_for(world.stan)
    response = stan.post(
        reverse("person_new"),
        {"organisation": world.lead_org.pk, "name": "Sam Sample", "postcode": "rv2 9zz"},
    )
    assert response.status_code == 302
    person = world.lead_org.people.get(name="Sam Sample")
    assert person.postcode == "RV2 9ZZ"
    response = stan.post(
        reverse("consent_new", args=[person.pk]),
        {
            "method": ConsentMethod.WRITTEN,
            "purposes": [Purpose.REFERRAL],
            "categories": ["name", "needs"],
            "recipients": [world.core_org.pk],
            "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = person.consents.get()
    assert consent.fields == ["name", "needs"] and list(consent.recipients.all()) == [
        world.core_org
    ]
    edit = stan.post(reverse("person_edit", args=[person.pk]), {"name": "Sam Sample-Jones"})
    assert edit.status_code == 302
    person.refresh_from_db()
    assert person.name == "Sam Sample-Jones" and person.postcode == ""


@pytest.mark.parametrize(
    ("url_name", "data", "named"),
    [
        ("person_new", {"name": ""}, "Name: This field is required."),
        (
            "person_new",
            {"name": "Sam", "born_on": "2999-01-01"},
            "Date of birth: A date of birth must fall",
        ),
        ("consent_new", {"method": "telepathy"}, "How they agreed: Select a valid choice."),
        (
            "consent_new",
            {
                "method": "verbal",
                "purposes": ["referral"],
                "categories": ["name"],
                "recipients": ["999999"],
                "expires_on": "2030-01-01",
            },
            "With whom: Select a valid choice.",
        ),
        (
            "consent_new",
            {
                "method": "verbal",
                "purposes": ["referral"],
                "categories": ["name"],
                "expires_on": "2001-01-01",
            },
            "Until: A consent's end must fall between",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, pages, url_name, data, named):
    args = [] if url_name == "person_new" else [pages.pat.pk]
    payload = {"organisation": world.lead_org.pk, **data}
    if url_name == "consent_new" and "recipients" not in data:
        payload["recipients"] = [world.core_org.pk]
    response = client_for(world.stan).post(reverse(url_name, args=args), payload)
    assert response.status_code == 422
    assert named in response.content.decode().replace("&#x27;", "'")


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(world: SimpleNamespace, r: SimpleNamespace, n: int) -> None:
    for i in range(n):
        referral = refer(world, r)
        actions.message_post(referral=r.referral, by=world.cora, text=f"Question {i}")
        actions.referral_see(referral=referral, by=world.cora)
        actions.referral_decline(referral=referral, by=world.cora, reason=DeclineReason.NO_CAPACITY)
        actions.person_create(organisation=world.lead_org, by=world.stan, name=f"Person {i}")


def test_the_home_and_referral_pages_keep_to_a_query_budget(world, pages):
    client_for(world.cora).get(pages.urls["referral"])  # seen once: no more writes on opening
    urls = [reverse("referrals"), pages.urls["referral"], pages.urls["person"]]
    budgets = {}
    for character in ("stan", "cora"):
        client = client_for(getattr(world, character))
        seen = urls if character == "stan" else urls[:2]  # Pat's record is not Cora's to see
        budgets[character] = {url: count_queries(client, url) for url in seen}
    grow(world, pages, 4)
    for character in ("stan", "cora"):
        client = client_for(getattr(world, character))
        assert {url: count_queries(client, url) for url in budgets[character]} == budgets[
            character
        ], character


def test_the_page_budgets_in_numbers(world, pages, django_assert_num_queries):
    client = client_for(world.cora)
    client.get(pages.urls["referral"])
    # session, user, the referral (with its person, consent, organisations, service and
    # partnership), the user's organisations, the access-log row, events, messages
    with django_assert_num_queries(7):
        client.get(pages.urls["referral"])
    # session, user, the user's organisations, referrals sent, referrals received (each with
    # its organisations, service, person and last message), people
    with django_assert_num_queries(6):
        client.get(reverse("referrals"))


def test_a_superuser_is_no_one_on_the_referral_pages(world, pages):
    from joinedup.accounts.models import User

    root = User.objects.create_superuser("root@example.org", "a-long-test-password")
    client = client_for(root)
    for name in ("person", "person_edit", "consent", "referral_new", "referral"):
        response = client.get(pages.urls[name])
        assert response.status_code == 404, name
        assert PAT["name"] not in response.content.decode()


def test_listing_people_by_name_on_the_home_page_is_in_the_access_log(world, pages):
    from joinedup.referrals.models import Access, AccessKind

    before = Access.objects.filter(person=pages.pat, kind=AccessKind.VIEW).count()
    client_for(world.stan).get(reverse("referrals"))
    listed = Access.objects.filter(person=pages.pat, kind=AccessKind.VIEW)
    assert listed.count() == before + 1  # once, though Pat is listed and referred
    assert listed.order_by("-pk")[0].actor == world.stan
    # Cora sees referrals without names: nothing of Pat's is listed for her.
    client_for(world.cora).get(reverse("referrals"))
    assert listed.count() == before + 1
