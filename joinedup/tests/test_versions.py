"""Records two people may edit — partnerships, service listings, meetings, minutes — refuse a
save based on an old version (409) and show both versions to merge; see joinedup.versions."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.directory.actions import service_create
from joinedup.meetings.forms import MeetingForm
from joinedup.meetings.models import AgendaItem
from joinedup.meetings.tests.helpers import meetings_world
from joinedup.partnerships.models import Partnership
from joinedup.partnerships.tests.test_manage_pages import outcome_rows as rows


def test_a_partnership_refuses_a_stale_change(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    path = f"/api/v1/partnerships/{world.partnership.pk}"
    assert lena.get(path).json()["version"] == 1
    assert lena.patch(path, {"area": "Riverside and the valleys", "version": 1}).status_code == 200
    stale = lena.patch(path, {"shared_goal": "Something else.", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["message"].startswith("The current version is 2")

    # The membership criteria page, filled in before that change, shows both to merge.
    url = reverse("partnership_criteria", args=[world.partnership.pk])
    sent = {"membership_criteria": "Local groups only.", "member_limit": "", "wanted": ""}
    page = client_for(world.lena).post(url, {**sent, "version": 1})
    assert page.status_code == 409
    assert "Someone else saved this while you were editing" in page.content.decode()
    merged = {**sent, "version": 2, "keep__membership_criteria": "yours"}
    assert client_for(world.lena).post(url, merged).status_code == 302
    partnership = Partnership.objects.get(pk=world.partnership.pk)
    assert partnership.area == "Riverside and the valleys"
    assert partnership.membership_criteria == "Local groups only." and partnership.version == 3


def test_minutes_written_at_once_by_two_are_merged_not_lost(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    url = reverse("meeting", args=[world.partnership.pk, m.next.pk]) + "minutes/"
    lena = client_for(world.lena)
    first = {"item": m.item.pk, "minutes": "Agreed to share the rota.", "version": 1}
    assert lena.post(url, first).status_code == 302
    second = lena.post(url, {"item": m.item.pk, "minutes": "Rota: Mind first.", "version": 1})

    assert second.status_code == 409
    page = second.content.decode()
    assert "Agreed to share the rota." in page and "Rota: Mind first." in page
    assert AgendaItem.objects.get(pk=m.item.pk).minutes == "Agreed to share the rota."
    combined = "Agreed to share the rota. Rota: Mind first."
    merged = {"item": m.item.pk, "minutes": combined, "version": 2, "keep__minutes": "yours"}
    assert lena.post(url, merged).status_code == 302
    assert AgendaItem.objects.get(pk=m.item.pk).minutes == combined


def test_a_service_listing_refuses_a_stale_edit(world: SimpleNamespace) -> None:
    service = service_create(
        organisation=world.lead_org, by=None, name="Debt advice", needs=[], description="Weekly."
    )
    url = reverse("directory_service_edit", args=[service.pk])
    lena = client_for(world.lena)
    form = {
        "name": "Debt advice",
        "description": "Weekly.",
        "status": service.status,
        "visibility": service.visibility,
        "location_visibility": "public",
    }
    assert lena.post(url, {**form, "description": "Every Monday.", "version": 1}).status_code == 302
    stale = lena.post(url, {**form, "name": "Debt and benefits advice", "version": 1})
    assert stale.status_code == 409
    assert "Every Monday." in stale.content.decode()
    service.refresh_from_db()
    assert (service.name, service.description, service.version) == (
        "Debt advice",
        "Every Monday.",
        2,
    )


def test_a_meeting_changed_by_two_keeps_both_changes(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    meeting = m.next
    shown = MeetingForm.initial_for(meeting)
    url = reverse("meeting", args=[world.partnership.pk, meeting.pk]) + "edit/"
    form = {
        "day": shown["day"].isoformat(),
        "starts": shown["starts"].strftime("%H:%M"),
        "ends": shown["ends"].strftime("%H:%M"),
        "purpose": shown["purpose"],
        "place": shown["place"] or "The library",
        "online_link": shown["online_link"],
        "chair": shown["chair"].pk if shown["chair"] else "",
        "chair_name": shown["chair_name"],
        "version": meeting.sequence,
    }
    lena = client_for(world.lena)
    assert lena.post(url, {**form, "place": "Room 2, Riverside House"}).status_code == 302
    stale = lena.post(url, {**form, "chair_name": "Cora Core"})
    assert stale.status_code == 409
    assert "Room 2, Riverside House" in stale.content.decode()
    merged = {
        **form,
        "chair_name": "Cora Core",
        "version": meeting.sequence + 1,
        "keep__place": "theirs",
    }
    assert lena.post(url, merged).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.chair_name) == ("Room 2, Riverside House", "Cora Core")


def test_the_details_page_merges_a_name_with_outcomes_changed_meanwhile(
    world: SimpleNamespace,
) -> None:
    url = reverse("partnership_edit", args=[world.partnership.pk])
    lena = client_for(world.lena)
    shown = lena.get(url).content.decode()
    base = re.search(r'name="base" value="([^"]*)"', shown)
    assert base is not None
    outcome = world.partnership.outcomes[0]
    theirs = {"title": "Fewer evictions", "measure": "Evictions", "target": "None"}
    api_for(world.lena).patch(
        f"/api/v1/partnerships/{world.partnership.pk}", {"outcomes": [theirs]}
    )
    sent = {
        "name": "Riverside and Valleys Crisis Partnership",
        "shared_goal": world.partnership.shared_goal,
        "version": 1,
        "base": base.group(1),
        **rows((outcome["title"], outcome["measure"], outcome["target"]), initial=1),
    }
    refused = lena.post(url, sent)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert 'value="Fewer evictions"' in page  # Lena left the outcomes alone: theirs are shown
    assert 'name="version" value="2"' in page
    again = {
        **sent,
        "version": 2,
        "keep__name": "yours",
        **rows(("Fewer evictions", "Evictions", "None"), initial=1),
    }
    assert lena.post(url, again).status_code == 302
    partnership = Partnership.objects.get(pk=world.partnership.pk)
    assert partnership.name == "Riverside and Valleys Crisis Partnership"
    assert partnership.outcomes == [theirs]
