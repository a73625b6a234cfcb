"""Bookings that tell the right people: the offering partner hears in the app and by email,
with a link; a time already asked for is refused to the partner asking, saying so; a clash
is put to the offerer, who can act on it, and a request it displaces is told to choose
another time."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.meetings.models import Notice
from joinedup.resources import actions
from joinedup.resources.models import Booking, BookingStatus
from joinedup.resources.tests.conftest import at, book, held_already

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def ask(client: Any, world: SimpleNamespace, offer: Any, org: Any, day: int, hours: str) -> Any:
    starts, ends = hours.split("-")
    return client.post(
        reverse("booking_new", args=[world.partnership.pk, offer.pk]),
        {
            "organisation": org.pk,
            "day": at(day, 10).date().isoformat(),
            "starts": starts,
            "ends": ends,
        },
    )


def test_the_offering_partner_is_told_in_the_app_and_by_email_with_a_link(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    # Stan, staff at the lead, offered the room: he hears as well as the lead's manager.
    room = actions.offer_create(
        by=world.stan,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Meeting room",
        capacity=12,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            ask(client_for(world.will), world, room, world.wider_org, 3, "10:00-12:00").status_code
            == 302
        )
    booking = Booking.objects.get()
    link = booking.get_absolute_url()
    subject = "Hillside Food Bank asks to book “Meeting room”"
    for person in (world.lena, world.stan):
        assert list(Notice.objects.filter(user=person).values_list("subject", "url")) == [
            (subject, link)
        ]
    assert not Notice.objects.filter(user__in=[world.will, world.cora]).exists()
    by_address = {tuple(m.to): m for m in mail.outbox}
    assert set(by_address) == {(world.lena.email,), (world.stan.email,)}
    for message in by_address.values():
        assert f"{settings.SITE_URL}{link}" in message.body  # absolute: it works from a mail app
    # The link opens the booking, with its Confirm button, for the person told.
    page = client_for(world.stan).get(link.split("#")[0])
    assert f'id="booking-{booking.pk}"' in page.content.decode()
    assert "Confirm<span" in page.content.decode()
    notices = client_for(world.lena).get(reverse("notices")).content.decode()
    assert f'href="{link}"' in notices


def test_a_time_already_asked_for_is_refused_to_the_partner_asking_saying_so(
    world: SimpleNamespace, room: Any
) -> None:
    will, cora = client_for(world.will), client_for(world.cora)
    assert ask(will, world, room, world.wider_org, 3, "10:00-12:00").status_code == 302
    response = ask(cora, world, room, world.core_org, 3, "11:00-13:00")
    assert response.status_code == 422
    errors = response.context["booking_form"].errors
    assert list(errors) == ["starts"]
    assert "Another partner has already asked for that time" in errors["starts"][0]
    assert "Choose another time" in errors["starts"][0]
    # The page shows the time as held, without saying by whom, so another can be chosen.
    page = response.content.decode()
    assert "Asked for by another partner" in page and "Hillside Food Bank" not in page
    again = ask(will, world, room, world.wider_org, 3, "11:00-12:00")
    assert "Hillside Food Bank has already asked for this time" in str(
        again.context["booking_form"].errors
    )
    assert ask(cora, world, room, world.core_org, 3, "12:00-13:00").status_code == 302  # after it
    assert Booking.objects.count() == 2


def test_a_clash_is_put_to_the_offerer_who_can_act_on_it(
    world: SimpleNamespace, room: Any, django_capture_on_commit_callbacks: Any
) -> None:
    held_already(world, room, world.wider_org, at(3, 10), at(3, 12), status="confirmed")
    late = held_already(world, room, world.core_org, at(3, 11), at(3, 13))
    lena = client_for(world.lena)
    offer_page = reverse("offer", args=[world.partnership.pk, room.pk])
    page = lena.get(offer_page).content.decode()
    assert "Clashes with</strong> Hillside Food Bank (10:00–12:00, confirmed)" in page
    confirm = reverse("booking_decide", args=[world.partnership.pk, late.pk, "confirm"])
    response = lena.post(confirm, follow=True)
    # Not a dead end: back on the offer's page, told what to do, with Decline at hand.
    assert response.redirect_chain == [(f"{offer_page}#booking-{late.pk}", 302)]
    page = response.content.decode()
    assert "overlaps a booking already confirmed" in page
    assert "Decline it, and Riverside Mind is told to choose another time." in page
    decline = reverse("booking_decide", args=[world.partnership.pk, late.pk, "decline"])
    assert f'action="{decline}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        lena.post(decline)
    assert Booking.objects.get(pk=late.pk).status == BookingStatus.DECLINED
    told = Notice.objects.get(user=world.cora)
    assert (told.subject, told.url) == ("Booking declined: Meeting room", late.booker_url())
    assert "Choose another time" in mail.outbox[-1].body


def test_confirming_one_request_declines_those_it_displaces_and_tells_them(
    world: SimpleNamespace, room: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    displaced = held_already(world, room, world.core_org, at(3, 11), at(3, 13))
    confirm = reverse("booking_decide", args=[world.partnership.pk, first.pk, "confirm"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.lena).post(confirm, follow=True)
    page = response.content.decode()
    assert "Booking confirmed. 1 other request for that time could not fit and was declined" in page
    assert "Riverside Mind told to choose another time" in page
    assert Booking.objects.get(pk=displaced.pk).status == BookingStatus.DECLINED
    told = Notice.objects.get(user=world.cora)
    assert told.url == displaced.booker_url()
    to_cora = next(m for m in mail.outbox if m.to == [world.cora.email])
    assert "The time was booked by another partner: please choose another time." in to_cora.body
    assert f"{settings.SITE_URL}{displaced.booker_url()}" in to_cora.body


def test_the_offer_form_has_no_blank_kind_and_asks_for_a_number_only_where_it_matters(
    world: SimpleNamespace,
) -> None:
    lena = client_for(world.lena)
    url = reverse("offer_new", args=[world.partnership.pk])
    page = lena.get(url).content.decode()
    assert "---------" not in page
    assert 'name="kind" value=""' not in page
    base = {"organisation": world.lead_org.pk, "free": "on", "audience": "staff"}
    base["reach"] = "partnership"
    response = lena.post(url, {**base, "kind": "training", "title": "First aid"})
    assert response.status_code == 422
    assert response.context["form"].errors["capacity"] == ["Say how many places the course has."]
    lena.post(url, {**base, "kind": "equipment", "title": "Projector"})
    projector = world.lead_org.offers.get(title="Projector")
    assert projector.capacity == 1  # one projector: no number to give
    page = lena.get(projector.get_absolute_url()).content.decode()
    assert "Capacity" not in page and "Places" not in page


def test_the_give_form_names_a_partner_without_a_blank_choice(world: SimpleNamespace) -> None:
    advice = actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="expertise",
        title="Advice on budgets",
    )
    page = client_for(world.lena).get(advice.get_absolute_url()).content.decode()
    assert "Given to" in page and "---------" not in page
