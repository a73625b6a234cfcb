"""Seed 000's loop in a real browser: a project asks its hub for a topic, another offers to
run it, the hub's coordinator adds an event, schedules it and changes it, an attendee
registers, attends (with the code shown at the venue) and gives feedback, an invited guest
registers by email and confirms the address, and the project that asked sees "you asked, we
did". Axe runs on every page at 1280 and 320 px."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.conftest import make_user
from joinedup.events.models import Event
from joinedup.jobs.models import OutgoingMessage
from joinedup.programmes.models import Hub
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_a_requested_topic_becomes_a_session_and_the_requester_hears_you_asked_we_did(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    hana = make_user("hana@crisis-fund.example", "Hana Hub")
    Hub.objects.filter(pk=world.hub.pk).update(coordinator=hana)
    contexts = [browser.new_context() for _ in range(4)]
    cora, will, coordinator, guest = (Visitor(c.new_page(), live_server.url) for c in contexts)
    learning = f"/hubs/{world.hub.pk}/learning/"
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    try:
        # Riverside Mind asks for a topic.
        cora.sign_in(world.cora.email)
        cora.visit(learning)
        cora.page.get_by_role("link", name="Ask for a topic").click()
        cora.check()
        cora.page.get_by_label("Asked by").select_option(label="Riverside Mind")
        cora.page.get_by_label("What do you need to know or have?").fill(
            "Safeguarding and boundaries in peer support"
        )
        cora.page.get_by_role("button", name="Ask").click()
        cora.page.get_by_role(
            "heading", name="Safeguarding and boundaries in peer support"
        ).wait_for()
        cora.check()
        topic_url = cora.page.url

        # Hillside Food Bank can run it.
        will.sign_in(world.will.email)
        will.page.goto(topic_url)
        will.check()
        will.page.get_by_label("Your project").select_option(label="Hillside Food Bank")
        will.page.get_by_label("What you would run").fill("Our volunteers' boundaries training.")
        will.page.get_by_role("button", name="Offer to run it").click()
        will.page.get_by_text("Our volunteers' boundaries training.").wait_for()
        will.check()

        # The coordinator adds an event, inviting people with lived experience, and schedules it.
        coordinator.sign_in(hana.email)
        coordinator.visit(learning)
        coordinator.page.get_by_role("link", name="Add an event").click()
        coordinator.check()
        coordinator.page.get_by_label("Title").fill("North hub day")
        coordinator.page.get_by_label("Starts").fill(f"{day}T10:00")
        coordinator.page.get_by_label("Ends").fill(f"{day}T15:00")
        coordinator.page.get_by_label("Place:", exact=True).fill("Riverside Hall")
        coordinator.page.get_by_label("Person with lived experience").check()
        coordinator.page.get_by_role("button", name="Add the event").click()
        coordinator.page.get_by_role("heading", name="North hub day").wait_for()
        coordinator.check()
        event = Event.objects.get(title="North hub day")
        coordinator.page.goto(topic_url)
        coordinator.check()
        coordinator.page.get_by_label("At the event").select_option(label="North hub day")
        coordinator.page.get_by_label("Run by").select_option(label="Hillside Food Bank")
        coordinator.page.get_by_role("button", name="Schedule it").click()
        coordinator.page.get_by_text("Scheduled: a session of").wait_for()
        coordinator.check()

        # The coordinator can change the event, and is asked before cancelling it.
        coordinator.visit(f"/events/{event.pk}/")
        coordinator.page.get_by_role("link", name="Change the event").click()
        coordinator.check()
        coordinator.page.get_by_label("Places").fill("25")
        coordinator.page.get_by_role("button", name="Save the changes").click()
        coordinator.page.get_by_role("heading", name="North hub day").wait_for()
        coordinator.page.get_by_role("link", name="Cancel the event").click()
        coordinator.page.get_by_text("This cannot be undone.").wait_for()
        coordinator.check()
        coordinator.page.get_by_role("link", name="No, go back").click()
        coordinator.page.get_by_role("heading", name="North hub day").wait_for()

        # Will registers ahead.
        will.visit(f"/events/{event.pk}/")
        will.page.get_by_label("Coming for").select_option(label="Hillside Food Bank")
        will.page.get_by_label("Access needs").fill("A quiet room at lunch")
        will.page.get_by_role("button", name="Register").click()
        will.page.get_by_text("You have a place.").wait_for()
        will.check()

        # An invited guest registers by email, without an account, and confirms the address.
        guest.visit(f"/events/{event.pk}/join/")
        guest.page.get_by_label("Name:", exact=True).fill("Ada Lovell")
        guest.page.get_by_label("Email:", exact=True).fill("ada@example.org")
        guest.page.get_by_label("I am coming as").select_option(
            label="Person with lived experience"
        )
        guest.page.get_by_role("button", name="Register").click()
        guest.page.get_by_role("heading", name="Check your email").wait_for()
        guest.check()
        sent = OutgoingMessage.objects.filter(to=["ada@example.org"]).latest("pk")
        link = re.search(r"/events/registration/confirm/\S+/", sent.body)
        assert link is not None
        guest.visit(link.group(0))
        guest.check()
        guest.page.get_by_role("button", name="Confirm my registration").click()
        guest.page.get_by_role("heading", name="Your registration for North hub day").wait_for()
        guest.check()

        # The day comes: the coordinator shows the venue's code, and Will gives it.
        Event.objects.filter(pk=event.pk).update(
            starts_at=timezone.now() - dt.timedelta(hours=1),
            ends_at=timezone.now() + dt.timedelta(hours=2),
        )
        coordinator.visit(f"/events/{event.pk}/")
        code = coordinator.page.locator(".venue-code").inner_text()
        will.visit(f"/events/{event.pk}/")
        will.page.get_by_label("Code shown at the venue").fill(code)
        will.page.get_by_role("button", name="I am here").click()
        will.page.get_by_text("Your attendance is confirmed.").wait_for()

        # The coordinator sees who needs what, and marks the event held.
        coordinator.visit(f"/events/{event.pk}/")
        assert "A quiet room at lunch" in coordinator.page.inner_text("main")
        coordinator.page.get_by_role("button", name="Mark as held").click()
        coordinator.page.get_by_text("Status").first.wait_for()
        coordinator.check()

        # Will gives anonymous feedback.
        will.visit(f"/events/{event.pk}/")
        will.page.get_by_role("link", name="Give feedback").click()
        will.check()
        will.page.locator("input[name=rating][value='4']").check()
        will.page.get_by_label("What will you do differently?", exact=True).fill(
            "Agree boundaries first."
        )
        will.page.locator("input[name$=_rating][value='5']").check()
        will.page.get_by_label("Riverside Mind").check()
        will.page.get_by_role("button", name="Send feedback").click()
        will.page.get_by_text("Thank you. Your answers are anonymous.").wait_for()
        will.check()

        # Riverside Mind hears: you asked, we did.
        cora.visit("/notices/")
        cora.page.get_by_role(
            "link", name="You asked, we did: “Safeguarding and boundaries in peer support”"
        ).click()
        cora.page.get_by_text("You asked, we did.").wait_for()
        cora.check()
        cora.visit(learning)
        assert (
            "Safeguarding and boundaries in peer support"
            in cora.page.get_by_role("region", name="Topic requests").inner_text()
        )
    finally:
        for c in contexts:
            c.close()
