"""Referring through the pages: sending one referral or a net of them, what may be shared
and why not, and the receiver's and referrer's steps, the thread and passing it on."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.referrals.models import DeclineReason, Purpose, Referral, Status
from joinedup.referrals.tests.conftest import refer
from joinedup.referrals.tests.test_pages import page_urls


@pytest.fixture
def pages(world: SimpleNamespace, referring: SimpleNamespace) -> SimpleNamespace:
    referring.referral = refer(world, referring)
    referring.urls = page_urls(world, referring)
    return referring


def send(world: SimpleNamespace, r: SimpleNamespace, **data: Any) -> Any:
    """Post the referral form; each service is for Pat's mental health unless said."""
    payload = {
        "service": [r.therapy.pk],
        "consent": r.consent.pk,
        "protocol": r.protocol.pk,
        "purpose": Purpose.REFERRAL,
        "share": ["name", "contact"],
        "summary": "Anxious since losing her job.",
        **data,
    }
    for pk in payload["service"]:
        payload.setdefault(f"need_{pk}", "mental_health")
    return client_for(world.stan).post(reverse("referral_new", args=[r.pat.pk]), payload)


@pytest.mark.parametrize(
    ("share", "named"),
    [
        (["name", "notes"], "Notes cannot be shared: The protocol does not let notes be shared."),
        (["age_band"], "Age band cannot be shared: The person did not consent"),
        (["name", "ssn"], "What to share: Select a valid choice. ssn is not one of"),
    ],
)
def test_a_crafted_post_cannot_send_a_field_not_offered(world, referring, share, named):
    response = send(world, referring, share=share)
    assert response.status_code == 422
    assert named in response.content.decode().replace("&#x27;", "'")
    assert not Referral.objects.exists()


def test_born_on_goes_only_where_the_protocol_lets_it(world, referring):
    response = send(world, referring, service=[referring.parcels.pk], share=["born_on"])
    assert response.status_code == 422
    assert "Date of birth cannot be shared" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_net_of_support_is_sent_from_the_page(world, referring):
    response = send(
        world,
        referring,
        service=[referring.therapy.pk, referring.parcels.pk],
        share=["name", "contact", "born_on"],
    )
    assert response.status_code == 302
    sent = Referral.objects.order_by("to_org__name")
    assert [(r.to_org, r.fields, r.status) for r in sent] == [
        (world.wider_org, ["name", "contact"], Status.SENT),
        (world.core_org, ["name", "contact", "born_on"], Status.SENT),
    ]
    assert len({r.batch for r in sent}) == 1


def test_the_confirm_step_says_what_goes_to_whom_and_why_not(world, referring):
    url = reverse("referral_new", args=[referring.pat.pk])
    query = f"?service={referring.therapy.pk}&service={referring.parcels.pk}&confirm=1"
    body = client_for(world.stan).get(url + query).content.decode().replace("&#x27;", "'")
    assert 'value="notes"' not in body  # not offered at all, with the reason
    assert "Notes: The protocol does not let notes be shared." in body
    assert (
        "To Riverside Mind only; not to Hillside Food Bank: The protocol does not let date of "
        "birth be shared with Hillside Food Bank." in body
    )
    assert "To Hillside Food Bank and Riverside Mind." in body
    # What both allow is ticked; special category data only by the worker.
    assert 'value="name" aria-describedby="share-to-name" checked' in body
    assert 'value="needs" aria-describedby="share-to-needs">' in body


def test_the_worker_finds_services_with_the_directory_search(world, referring):
    url = reverse("referral_new", args=[referring.pat.pk])
    body = client_for(world.stan).get(url, {"words": "food"}).content.decode()
    assert "Emergency food parcels" in body and "Talking therapies" not in body
    bad = client_for(world.stan).get(url, {"consent": "999999"})
    assert bad.status_code == 422


def test_a_draft_is_saved_then_sent(world, referring):
    response = send(world, referring, draft="1")
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.status == Status.DRAFT
    assert client_for(world.cora).get(referral.get_absolute_url()).status_code == 404
    step = reverse("referral_step", args=[referral.pk, "send"])
    assert client_for(world.stan).post(step).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_the_receiver_declines_with_a_reason_and_the_referrer_sees_it(world, pages):
    url = reverse("referral_step", args=[pages.referral.pk, "decline"])
    cora = client_for(world.cora)
    bad = cora.post(url, {"reason": "busy"})
    assert bad.status_code == 422 and "Reason: Select a valid choice." in bad.content.decode()
    other = cora.post(url, {"reason": DeclineReason.OTHER})
    assert other.status_code == 422 and "Say why" in other.content.decode()
    done = cora.post(url, {"reason": DeclineReason.NO_CAPACITY, "note": "Full until May"})
    assert done.status_code == 302
    again = cora.post(reverse("referral_step", args=[pages.referral.pk, "accept"]))
    assert again.status_code == 422
    assert "A referral that is declined cannot be accepted." in again.content.decode()
    page = client_for(world.stan).get(pages.urls["referral"]).content.decode()
    assert "Declined" in page and "No capacity" in page and "Full until May" in page


def test_the_receiver_takes_it_to_an_outcome(world, pages):
    cora = client_for(world.cora)
    for step, data in [
        ("accept", {}),
        ("start", {}),
        ("complete", {"outcome": "got_help", "note": "Six sessions"}),
    ]:
        response = cora.post(reverse("referral_step", args=[pages.referral.pk, step]), data)
        assert response.status_code == 302, step
    assert (
        client_for(world.cora)
        .post(reverse("referral_step", args=[pages.referral.pk, "fly"]))
        .status_code
        == 404
    )
    pages.referral.refresh_from_db()
    assert (pages.referral.status, pages.referral.outcome) == (Status.COMPLETED, "got_help")
    page = client_for(world.stan).get(pages.urls["referral"]).content.decode()
    for status in ("Sent", "Accepted", "In progress", "Completed", "Got help"):
        assert status in page


def test_the_thread_carries_a_request_for_more_information(world, pages):
    cora = client_for(world.cora)
    asked = cora.post(
        pages.urls["referral_message"], {"text": "Is she free on Mondays?", "asks_for_info": "on"}
    )
    assert asked.status_code == 302
    assert cora.post(pages.urls["referral_message"], {"text": " "}).status_code == 422
    home = client_for(world.stan).get(reverse("referrals")).content.decode()
    assert "Riverside Citizens Advice, for more information" in home
    page = client_for(world.stan).get(pages.urls["referral"]).content.decode()
    assert "Is she free on Mondays?" in page and "asks for more information" in page


def test_the_receiver_passes_it_on_under_the_same_consent(world, pages):
    cora = client_for(world.cora)
    found = cora.get(pages.urls["referral_pass_on"], {"words": "parcels"}).content.decode()
    assert "Emergency food parcels" in found
    more = cora.post(
        pages.urls["referral_pass_on"],
        {"service": pages.parcels.pk, "share": ["name", "postcode"]},
    )
    assert more.status_code == 422 and "Pass on only what was shared" in more.content.decode()
    response = cora.post(
        pages.urls["referral_pass_on"], {"service": pages.parcels.pk, "share": ["name"]}
    )
    assert response.status_code == 302
    onward = Referral.objects.get(passed_from=pages.referral)
    assert (onward.from_org, onward.to_org, onward.consent) == (
        world.core_org,
        world.wider_org,
        pages.consent,
    )
    pages.referral.refresh_from_db()
    assert pages.referral.status == Status.CLOSED


def test_a_referral_erased_by_retention_does_not_name_the_person_unlogged(world, referring):
    """Its personal content is gone, the person's record stays: the page (which reads none
    of it, so logs nothing) names them by number, not by name."""
    from django.utils import timezone

    from joinedup.referrals.models import Access
    from joinedup.referrals.tests.conftest import PAT

    referral = refer(world, referring)
    Referral.objects.filter(pk=referral.pk).update(summary="", erased_at=timezone.now())
    before = Access.objects.count()
    response = client_for(world.stan).get(reverse("referral", args=[referral.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert PAT["name"] not in body or Access.objects.count() > before
    assert reverse("person", args=[referring.pat.pk]) in body  # the record is a click away
