"""Starting a programme, adding and editing its hubs, and the hub page: who may, what is saved,
what a bad input is told, and the hub page's query budget."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.audit.models import AuditEvent
from joinedup.conftest import client_for, make_org, make_user
from joinedup.partnerships import actions as partnership_actions
from joinedup.programmes import actions
from joinedup.programmes.models import Hub, Programme

NEW_PROGRAMME = reverse("programme_new")


def hub_new_url(w: SimpleNamespace) -> str:
    return reverse("hub_new", args=[w.programme.pk])


def hub_url(w: SimpleNamespace) -> str:
    return reverse("hub", args=[w.hub.pk])


def hub_edit_url(w: SimpleNamespace) -> str:
    return reverse("hub_edit", args=[w.hub.pk])


# --- starting a programme --------------------------------------------------------------------


def test_a_programme_officer_starts_a_programme_and_oversees_it(world: SimpleNamespace) -> None:
    response = client_for(world.otis).post(
        NEW_PROGRAMME,
        {"name": "Warm Winters", "funder": world.funder.pk, "budget_pounds": "250000"},
    )
    programme = Programme.objects.get(name="Warm Winters")
    assert response.status_code == 302 and response["Location"] == reverse(
        "programme", args=[programme.pk]
    )
    assert (programme.funder, programme.budget_pounds) == (world.funder, 250000)
    assert list(programme.officers.all()) == [world.otis]
    assert AuditEvent.objects.filter(action="programme.create", actor=world.otis).exists()


def test_a_superuser_starts_a_programme_without_becoming_its_officer(db: Any) -> None:
    root = User.objects.create_superuser("root@example.org", "x", name="Root")
    assert client_for(root).post(NEW_PROGRAMME, {"name": "Warm Winters"}).status_code == 302
    assert not Programme.objects.get(name="Warm Winters").officers.exists()


@pytest.mark.parametrize("character", ["lena", "stan", "cora", "will", "olive"])
def test_only_officers_and_superusers_start_programmes(
    world: SimpleNamespace, character: str
) -> None:
    client = client_for(getattr(world, character))
    assert client.get(NEW_PROGRAMME).status_code == 403
    assert client.post(NEW_PROGRAMME, {"name": "Warm Winters"}).status_code == 403
    assert not Programme.objects.filter(name="Warm Winters").exists()


def test_a_bad_programme_names_the_field(world: SimpleNamespace) -> None:
    client = client_for(world.otis)
    taken = client.post(NEW_PROGRAMME, {"name": "Help in Crisis"})
    assert taken.status_code == 422
    assert "Programme with this Name already exists" in taken.content.decode()
    backwards = client.post(
        NEW_PROGRAMME, {"name": "Later", "start_on": "2026-01-01", "end_on": "2025-01-01"}
    )
    assert backwards.status_code == 422
    assert "Ends on: A programme cannot end before it starts." in backwards.content.decode()
    assert client.put(NEW_PROGRAMME).status_code == 405
    assert Client().get(NEW_PROGRAMME)["Location"].startswith(reverse("login"))


# --- adding and editing hubs -----------------------------------------------------------------


def test_the_officer_adds_a_hub_with_a_coordinator(world: SimpleNamespace) -> None:
    programme_page = client_for(world.otis).get(reverse("programme", args=[world.programme.pk]))
    assert hub_new_url(world) in programme_page.content.decode()
    response = client_for(world.otis).post(
        hub_new_url(world),
        {"name": "South", "region": "South East", "coordinator_email": "LENA@riverside-ca.example"},
    )
    hub = Hub.objects.get(programme=world.programme, name="South")
    assert response.status_code == 302 and response["Location"] == hub.get_absolute_url()
    assert (hub.region, hub.coordinator) == ("South East", world.lena)
    event = AuditEvent.objects.get(action="hub.create", object_id=str(hub.pk))
    assert event.after["coordinator"] == "Lena Lead"


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 403), ("stan", 403), ("cora", 403), ("will", 403), ("olive", 404)],
)
def test_others_may_not_add_hubs(world: SimpleNamespace, character: str, status: int) -> None:
    client = client_for(getattr(world, character))
    assert client.get(hub_new_url(world)).status_code == status
    assert client.post(hub_new_url(world), {"name": "South"}).status_code == status
    assert not Hub.objects.filter(name="South").exists()


def test_a_bad_hub_names_the_field(world: SimpleNamespace) -> None:
    client = client_for(world.otis)
    nobody = client.post(
        hub_new_url(world), {"name": "South", "coordinator_email": "nobody@example.org"}
    )
    assert nobody.status_code == 422
    assert "Coordinator&#x27;s email address: Nobody uses Joined Up" in nobody.content.decode()
    taken = client.post(hub_new_url(world), {"name": "North"})
    assert taken.status_code == 422
    assert "Hub with this Programme and Name already exists" in taken.content.decode()
    assert client.post(hub_new_url(world), {"name": ""}).status_code == 422
    assert client.put(hub_new_url(world)).status_code == 405
    assert Hub.objects.filter(programme=world.programme).count() == 1


def test_the_officer_names_a_coordinator_on_an_existing_hub(world: SimpleNamespace) -> None:
    client = client_for(world.otis)
    assert client.get(hub_edit_url(world)).status_code == 200
    response = client.post(
        hub_edit_url(world),
        {"name": "North", "region": "North West", "coordinator_email": world.cora.email},
    )
    assert response.status_code == 302
    world.hub.refresh_from_db()
    assert world.hub.coordinator == world.cora
    event = AuditEvent.objects.get(action="hub.update")
    assert (event.before["coordinator"], event.after["coordinator"]) == (None, "Cora Core")
    assert client.put(hub_edit_url(world)).status_code == 405


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 403), ("stan", 403), ("cora", 403), ("will", 403), ("olive", 404)],
)
def test_others_may_not_edit_hubs(world: SimpleNamespace, character: str, status: int) -> None:
    client = client_for(getattr(world, character))
    assert client.get(hub_edit_url(world)).status_code == status
    assert client.post(hub_edit_url(world), {"name": "Taken"}).status_code == status
    world.hub.refresh_from_db()
    assert world.hub.name == "North"


# --- the hub page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 200), ("stan", 200), ("cora", 200), ("will", 200), ("otis", 200), ("olive", 404)],
)
def test_who_sees_the_hub_page(world: SimpleNamespace, character: str, status: int) -> None:
    response = client_for(getattr(world, character)).get(hub_url(world))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Riverside Crisis Partnership" in body
        assert (hub_edit_url(world) in body) == (character == "otis")


def test_the_hub_page_names_its_coordinator_who_sees_every_partnership_in_it(
    world: SimpleNamespace,
) -> None:
    outsider_org = make_org("Northern Network")
    coordinator = make_user("nina@northern.example", "Nina North", outsider_org)
    actions.hub_update(hub=world.hub, by=None, coordinator=coordinator)
    page = client_for(coordinator).get(hub_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nina North" in body and "nina@northern.example" in body
    # She coordinates the hub: its partnership is named, though she is not part of it (and
    # its page, which is its members', is not linked).
    assert "You coordinate this hub" in body
    assert "Riverside Crisis Partnership" in body and "not part of" not in body
    assert world.partnership.get_absolute_url() not in body
    assert client_for(coordinator).post(hub_url(world)).status_code == 405
    # Once someone else coordinates it, the hub is not hers to see.
    other = make_user("ollie@northern.example", "Ollie North", outsider_org)
    actions.hub_update(hub=world.hub, by=None, coordinator=other)
    assert client_for(coordinator).get(hub_url(world)).status_code == 404


def test_the_hub_page_has_no_events_section_yet(world: SimpleNamespace) -> None:
    body = client_for(world.otis).get(hub_url(world)).content.decode()
    assert "Events" not in body


def hub_partnerships(w: SimpleNamespace, n: int) -> None:
    """`n` more partnerships in the hub, each with Lena's organisation as a wider partner."""
    for i in range(n):
        lead = make_org(f"Hub lead {Hub.objects.count()}-{i}-{w.hub.partnerships.count()}")
        partnership = partnership_actions.partnership_create(
            by=None,
            name=f"Hub partnership {w.hub.partnerships.count()}",
            shared_goal="Together.",
            lead=lead,
            start_on=w.partnership.start_on,
            programme=w.programme,
            hub=w.hub,
        )
        partnership_actions.membership_add(
            by=None, partnership=partnership, organisation=w.lead_org, role="wider"
        )


def test_the_hub_page_keeps_its_query_budget(
    world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    hub_partnerships(world, 2)
    client = client_for(world.lena)
    # session, user, the hub (with programme and coordinator); to see it: the programmes the
    # user oversees, their organisations, whether the hub's programme is among those they see;
    # the partnerships they see in the hub with their member counts; how many are in the hub.
    with django_assert_num_queries(8):
        assert client.get(hub_url(world)).status_code == 200
    hub_partnerships(world, 6)
    with django_assert_num_queries(8):
        response = client.get(hub_url(world))
    assert len(response.context["partnerships"]) == 9


def test_the_hubs_coordinator_is_told_of_a_new_topic_request(world: SimpleNamespace) -> None:
    from joinedup.events.actions import request_topic
    from joinedup.jobs.models import OutgoingMessage
    from joinedup.meetings.models import Notice

    coordinator = make_user("nina@northern.example", "Nina North")
    actions.hub_update(hub=world.hub, by=None, coordinator=coordinator)
    topic = request_topic(
        by=world.cora, hub=world.hub, organisation=world.core_org, title="Debt advice"
    )
    notice = Notice.objects.get(user=coordinator)
    assert "Debt advice" in notice.subject and notice.url == topic.get_absolute_url()
    email = OutgoingMessage.objects.get(to=[coordinator.email])
    assert "Cora Core asked" in email.body and topic.get_absolute_url() in email.body
    # A request the coordinator makes themself is not news to them.
    request_topic(by=coordinator, hub=world.hub, organisation=world.core_org, title="Housing")
    assert Notice.objects.filter(user=coordinator).count() == 1
