"""Booking what partners offer: one room is one room, even when two confirm at once."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from joinedup.actions import CONFLICT
from joinedup.conftest import add_member, client_for, make_org, make_user
from joinedup.resources import actions
from joinedup.resources.models import Booking, BookingStatus, Exchange
from joinedup.resources.tests.conftest import at, book, held_already

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def test_a_confirmed_booking_goes_in_both_ledgers(world: SimpleNamespace, room: Any) -> None:
    booking = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    actions.booking_confirm(booking=booking, by=world.lena)
    exchange = Exchange.objects.get(booking=booking)
    assert (exchange.giver, exchange.receiver, exchange.hours) == (
        world.lead_org,
        world.wider_org,
        2,
    )
    assert exchange.on == at(3, 10).date()


def test_two_overlapping_bookings_of_one_room_cannot_both_be_confirmed(
    world: SimpleNamespace, room: Any
) -> None:
    first = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    second = held_already(world, room, world.core_org, at(3, 11), at(3, 13))
    taken = held_already(world, room, world.core_org, at(4, 11), at(4, 13), status="confirmed")
    late = held_already(world, room, world.wider_org, at(4, 12), at(4, 14))
    actions.booking_confirm(booking=first, by=world.lena)
    # The clashing request could not be confirmed now: it is declined, not left waiting.
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.DECLINED
    with pytest.raises(ValidationError, match="overlaps a booking already confirmed"):
        actions.booking_confirm(booking=late, by=world.lena)
    assert Booking.objects.get(pk=late.pk).status == BookingStatus.REQUESTED
    assert taken.status == BookingStatus.CONFIRMED
    # Back to back is not overlapping.
    third = book(world, room, world.core_org, at(3, 12), at(3, 13))
    actions.booking_confirm(booking=third, by=world.lena)


def test_the_database_itself_refuses_a_double_booking(world: SimpleNamespace, room: Any) -> None:
    first = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    second = held_already(world, room, world.core_org, at(3, 11), at(3, 13))
    actions.booking_confirm(booking=first, by=world.lena)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=second.pk).update(status=BookingStatus.CONFIRMED, slot=1)


def test_a_cancelled_booking_frees_the_slot_and_leaves_the_ledger(
    world: SimpleNamespace, room: Any
) -> None:
    first = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    actions.booking_confirm(booking=first, by=world.lena)
    with pytest.raises(ValidationError):
        book(
            world, room, world.core_org, at(3, 10), at(3, 12)
        )  # asking for a taken time is refused
    actions.booking_cancel(booking=first, by=world.will, reason="Clinic moved")
    assert not Exchange.objects.filter(booking=first).exists()
    second = book(world, room, world.core_org, at(3, 10), at(3, 12))
    actions.booking_confirm(booking=second, by=world.lena)
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.CONFIRMED


def test_a_course_takes_as_many_bookings_as_it_has_places(world: SimpleNamespace) -> None:
    course = actions.offer_create(
        by=world.cora,
        organisation=world.core_org,
        partnership=world.partnership,
        kind="training",
        title="Safeguarding adults",
        capacity=2,
    )
    third_org = make_org("Third Partner")
    add_member(world.partnership, third_org)
    bookings = [
        book(world, course, org, at(5, 9), at(5, 16)) for org in (world.lead_org, world.wider_org)
    ]
    with pytest.raises(ValidationError, match="already asked for that time"):
        book(world, course, third_org, at(5, 9), at(5, 16))  # two asked for the two places
    late = held_already(world, course, third_org, at(5, 9), at(5, 16))
    actions.booking_confirm(booking=bookings[0], by=world.cora)
    assert Booking.objects.get(pk=late.pk).status == BookingStatus.REQUESTED  # one place left
    actions.booking_confirm(booking=bookings[1], by=world.cora)
    assert Booking.objects.get(pk=late.pk).status == BookingStatus.DECLINED
    slots = Booking.objects.filter(status="confirmed").values_list("slot", flat=True)
    assert sorted(slot or 0 for slot in slots) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_cannot_both_win(
    world: SimpleNamespace, room: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "The race needs two real concurrent transactions: run with DATABASE_URL on PostgreSQL"
        )
    first = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    second = held_already(world, room, world.core_org, at(3, 11), at(3, 13))
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def confirm(booking: Booking) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)  # both transactions are open before either writes
                actions.booking_confirm(booking=booking, by=None)
            outcomes[booking.pk] = "confirmed"
        except ValidationError as error:
            outcomes[booking.pk] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # The loser is refused by the database, or, if the winner got to it first, finds it
    # already declined as displaced.
    loser = next(outcome for outcome in outcomes.values() if outcome != "confirmed")
    assert loser in (CONFLICT, actions.NOT_REQUESTED), outcomes
    assert list(outcomes.values()).count("confirmed") == 1, outcomes
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1
    assert Exchange.objects.count() == 1


def test_bookings_are_only_for_members_and_not_for_the_offerer(
    world: SimpleNamespace, room: Any
) -> None:
    with pytest.raises(ValidationError, match="does not book its own"):
        book(world, room, world.lead_org, at(3, 10), at(3, 12))
    with pytest.raises(ValidationError, match="current member"):
        book(world, room, world.outside_org, at(3, 10), at(3, 12))
    with pytest.raises(ValidationError, match="end after it starts"):
        book(world, room, world.wider_org, at(3, 12), at(3, 10))


def test_the_offering_organisation_hears_of_a_booking_request(
    world: SimpleNamespace, room: Any
) -> None:
    with_commit = transaction.get_connection().in_atomic_block
    assert with_commit  # the test's transaction: on_commit callbacks are captured, not run
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        book(world, room, world.wider_org, at(3, 10), at(3, 12))
    assert [m.to for m in mail.outbox] == [[world.lena.email]]
    assert "Hillside Food Bank asks to book" in mail.outbox[0].subject


def test_the_lead_confirms_through_the_page_and_the_booker_cancels(
    world: SimpleNamespace, room: Any
) -> None:
    will = client_for(world.will)
    url = reverse("booking_new", args=[world.partnership.pk, room.pk])
    day = at(4, 10).date().isoformat()
    response = will.post(
        url, {"organisation": world.wider_org.pk, "day": day, "starts": "10:00", "ends": "11:30"}
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    confirm = reverse("booking_decide", args=[world.partnership.pk, booking.pk, "confirm"])
    assert will.post(confirm).status_code == 403  # the booker does not confirm its own booking
    assert client_for(world.lena).post(confirm).status_code == 302
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    cancel = reverse("booking_decide", args=[world.partnership.pk, booking.pk, "cancel"])
    assert client_for(world.cora).post(cancel).status_code == 403  # not a party to it
    assert will.post(cancel).status_code == 302
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_a_bad_booking_form_names_the_field(world: SimpleNamespace, room: Any) -> None:
    url = reverse("booking_new", args=[world.partnership.pk, room.pk])
    response = client_for(world.will).post(
        url, {"organisation": world.wider_org.pk, "day": "soon", "starts": "10:00", "ends": "09:00"}
    )
    assert response.status_code == 422
    assert set(response.context["booking_form"].errors) == {"day"}
    response = client_for(world.will).post(
        url,
        {
            "organisation": world.wider_org.pk,
            "day": at(30, 10).date().isoformat(),
            "starts": "10:00",
            "ends": "09:00",
        },
    )
    assert "ends" in response.context["booking_form"].errors
    assert not Booking.objects.exists()


def test_a_programme_officer_looks_but_does_not_act(world: SimpleNamespace, room: Any) -> None:
    otis = client_for(world.otis)
    assert otis.get(reverse("offer", args=[world.partnership.pk, room.pk])).status_code == 200
    assert otis.get(reverse("offer_new", args=[world.partnership.pk])).status_code == 403
    assert (
        otis.post(reverse("booking_new", args=[world.partnership.pk, room.pk]), {}).status_code
        == 403
    )


def test_an_offer_to_every_partnership_is_seen_in_each(world: SimpleNamespace) -> None:
    offer = actions.offer_create(
        by=world.olive,
        organisation=world.outside_org,
        partnership=world.elsewhere,
        kind="expertise",
        title="Advice on grant bids",
        reach="all",
    )
    assert (
        client_for(world.will)
        .get(reverse("offer", args=[world.partnership.pk, offer.pk]))
        .status_code
        == 404
    )
    add_member(world.partnership, world.outside_org)
    assert (
        client_for(world.will)
        .get(reverse("offer", args=[world.partnership.pk, offer.pk]))
        .status_code
        == 200
    )
    staff = make_user("x@elsewhere.example", "X", world.outside_org)
    assert staff  # a second person there changes nothing


def test_a_withdrawn_offer_takes_no_new_bookings(world: SimpleNamespace, room: Any) -> None:
    url = reverse("offer_withdraw", args=[world.partnership.pk, room.pk])
    assert client_for(world.will).post(url).status_code == 403
    assert client_for(world.lena).post(url).status_code == 302
    with pytest.raises(ValidationError, match="withdrawn"):
        book(world, room, world.wider_org, at(3, 10), at(3, 12))


def test_a_request_tells_the_organisations_offering_a_match(
    world: SimpleNamespace, room: Any
) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.request_create(
            by=world.will,
            organisation=world.wider_org,
            partnership=world.partnership,
            kind="venue",
            title="A room for a drop-in",
        )
    assert [m.to for m in mail.outbox] == [[world.lena.email]]
    assert "A partner asks for something you offer" in mail.outbox[0].subject
