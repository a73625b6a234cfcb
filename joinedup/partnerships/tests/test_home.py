"""Each person's home leads with what they come for: the programme officer's with the
programme view, the lead's with what is due, the frontline worker's with their people and
the referrals waiting for them; on a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from joinedup.agreements.models import AgreementVersion, VersionStatus
from joinedup.conftest import add_member, client_for, make_user
from joinedup.events import actions as event_actions
from joinedup.events.tests.conftest import events_world
from joinedup.health.tests.helpers import open_round
from joinedup.meetings import actions as meeting_actions
from joinedup.meetings.models import ActionPoint
from joinedup.meetings.tests.helpers import days_from_today, meetings_world
from joinedup.partnerships import actions
from joinedup.partnerships.home import NextEvent
from joinedup.partnerships.models import MemberRole
from joinedup.partnerships.tests.test_query_budget import count_queries, terms_in_force
from joinedup.programmes import actions as programme_actions
from joinedup.programmes.models import Hub
from joinedup.referrals import actions as referral_actions
from joinedup.referrals.tests.conftest import PAT, refer, referring_world

HOME = reverse("home")


def page(user: Any) -> tuple[Any, str]:
    response = client_for(user).get(HOME)
    assert response.status_code == 200
    return response.context["home"], response.content.decode()


def first_heading(body: str) -> str:
    """The first section heading after the page's own."""
    after = body.split("<h1>Home</h1>", 1)[1]
    return after.split("<h2", 1)[1].split(">", 1)[1].split("</h2>", 1)[0]


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    """Something of each kind due: an agreement overdue for review, an overdue and a coming
    action, a concern, an open health-check round, and a referral sent to Riverside Mind."""
    world.meetings = meetings_world(world)
    world.overdue = meeting_actions.action_add(
        by=world.lena,
        meeting=world.meetings.past,
        description="Send the minutes to every partner",
        owner=world.lead_org,
        due_on=days_from_today(1),
    )
    ActionPoint.objects.filter(pk=world.overdue.pk).update(due_on=days_from_today(-3))
    terms_in_force(world)
    AgreementVersion.objects.filter(status=VersionStatus.IN_FORCE).update(
        review_on=days_from_today(-10)
    )
    world.round = open_round(world)
    world.referring = referring_world(world)
    world.referral = refer(world, world.referring)  # sent at once
    # Hana coordinates the North hub: an event is coming, Riverside Mind asked for a topic
    # and Cora registered.
    world.hana = make_user("hana@crisis-fund.example", "Hana Hub")
    Hub.objects.filter(pk=world.hub.pk).update(coordinator=world.hana)
    world.events = events_world(world)
    return world


def test_the_programme_officers_home_leads_with_the_programme_view(
    busy: SimpleNamespace,
) -> None:
    home, body = page(busy.otis)
    assert home.leads_with == "programmes"
    assert first_heading(body) == "Your programmes"
    view = reverse("programme_health", args=[busy.programme.pk])
    assert f'href="{view}"' in body
    summary = home.programmes[0]
    assert (summary.partnerships, summary.hubs, summary.checked) == (1, 1, 1)
    assert summary.concerns == 0  # the one concern is to the lead only: not the officer's
    assert "all 1 partnership side by side" in body
    # The programme's partnerships are in the programme view, not one card each.
    assert home.cards == [] and home.due is None and home.casework is None


def test_the_leads_home_leads_with_what_is_due(busy: SimpleNamespace) -> None:
    home, body = page(busy.lena)
    assert home.leads_with == "due"
    assert first_heading(body) == "What is due"
    due = home.due
    assert [r.version.agreement.title for r in due.reviews] == ["ToR"]
    assert [a.description for a in due.actions] == [
        "Send the minutes to every partner",
        "Share the referral form",
    ]
    assert due.overdue_actions == 1
    assert [c.title for c, _ in due.concerns] == ["Referrals go unanswered"]
    assert [(r.partnership, r.round, r.answered) for r in due.rounds] == [
        (busy.partnership, busy.round, False)
    ]
    # An overdue action says so in words, not only in colour.
    overdue = body.split("Send the minutes to every partner", 1)[1].split("</li>", 1)[0]
    assert "Overdue" in overdue
    assert "Review overdue" in body
    assert reverse("health_answer", args=[busy.partnership.pk, busy.round.pk]) in body
    assert reverse("all_concerns") in body


def test_the_frontline_workers_home_leads_with_people_and_referrals(
    busy: SimpleNamespace,
) -> None:
    home, body = page(busy.cora)
    assert home.leads_with == "casework"
    assert first_heading(body) == "People you support"
    assert home.casework.waiting == [busy.referral]
    assert busy.referral.get_absolute_url() in body and "to accept or decline" in body
    assert f'href="{reverse("refer_someone")}#whom-title">Refer someone</a>' in body
    # Stan, who recorded Pat, finds her with a link to refer her.
    home, body = page(busy.stan)
    assert home.leads_with == "casework"
    assert [p.name for p in home.casework.people] == [PAT["name"]]
    assert reverse("referral_new", args=[busy.referring.pat.pk]) in body
    assert busy.referring.pat.accesses.filter(purpose__contains="home page").exists()
    # What is due for staff who do not run the partnership: their own organisation's actions.
    assert [a.description for a in home.due.actions] == ["Send the minutes to every partner"]
    assert [a.description for a in page(busy.cora)[0].due.actions] == ["Share the referral form"]


def test_a_hub_coordinators_home_leads_with_their_hubs(busy: SimpleNamespace) -> None:
    later = busy.events.event.starts_at + dt.timedelta(days=30)
    event_actions.event_create(
        by=None, hub=busy.hub, title="Later", starts_at=later, ends_at=later + dt.timedelta(hours=1)
    )
    home, body = page(busy.hana)
    assert home.leads_with == "hubs"
    assert first_heading(body) == "Hubs you coordinate"
    [h] = home.hubs
    event = busy.events.event
    assert (h.hub, h.open_requests) == (busy.hub, 1)
    assert h.next_event == NextEvent(event.pk, event.title, event.starts_at)
    # The hub's page leads, its learning page beside it.
    assert f'<a href="{reverse("hub", args=[busy.hub.pk])}">{busy.hub.label}</a>' in body
    assert reverse("hub_learning", args=[busy.hub.pk]) in body
    assert "1 open topic request;" in body and event.get_absolute_url() in body
    # Those who coordinate no hub have no such part.
    assert page(busy.lena)[0].hubs is None


def test_a_projects_staff_ask_their_hub_for_a_topic_from_home(busy: SimpleNamespace) -> None:
    ask = reverse("topic_request_new", args=[busy.hub.pk])
    home, body = page(busy.cora)
    assert home.hub_learning.hubs == [busy.hub]
    assert f'href="{ask}">Ask your hub for a topic</a>' in body
    assert home.hub_learning.events == [busy.events.event]
    assert "you are registered" in body
    home, body = page(busy.will)
    assert f'href="{ask}"' in body and "registration open" in body
    # Once registration has closed, an event Will did not register for is not offered.
    busy.events.event.registration_closes_at = busy.events.event.starts_at.replace(year=2000)
    busy.events.event.save()
    assert page(busy.will)[0].hub_learning.events == []
    assert page(busy.cora)[0].hub_learning.events == [busy.events.event]
    # The officer and someone outside the hub's partnerships are not asked.
    for outside in (busy.otis, busy.olive, busy.hana):
        home, body = page(outside)
        assert home.hub_learning is None and ask not in body


def test_a_concern_to_the_lead_only_is_not_due_for_a_wider_partner(
    busy: SimpleNamespace,
) -> None:
    home, _ = page(busy.will)
    assert home.due.concerns == []
    assert home.due.actions == []  # the core series' actions are not the wider partner's


def test_a_lead_with_no_health_check_in_a_year_is_asked_to_open_one(
    world: SimpleNamespace,
) -> None:
    home, body = page(world.lena)
    assert [(r.partnership, r.round) for r in home.due.rounds] == [(world.partnership, None)]
    assert reverse("health_round_open", args=[world.partnership.pk]) in body
    assert page(world.cora)[0].due.rounds == []  # the lead opens rounds, not a core partner


def grow(w: SimpleNamespace, n: int) -> None:
    """`n` more of everything each home lists, in partnerships each character is in."""
    from joinedup.meetings.tests.helpers import meet

    for _ in range(n):
        partnership = actions.partnership_create(
            by=None,
            name=f"Grown partnership {w.grown}",
            shared_goal="More.",
            lead=w.lead_org,
            start_on=dt.date(2024, 4, 1),
            programme=w.programme,
        )
        w.grown += 1
        add_member(partnership, w.core_org, MemberRole.CORE)
        add_member(partnership, w.wider_org, MemberRole.WIDER)
        meeting = meet(w.meetings.core, days_from_today(-30 - w.grown))
        meeting_actions.action_add(
            by=None,
            meeting=meeting,
            description=f"Action {w.grown}",
            owner=w.core_org,
            due_on=days_from_today(5),
        )
        meeting_actions.concern_raise(
            by=w.cora,
            partnership=partnership,
            organisation=w.core_org,
            audience="all",
            title=f"Concern {w.grown}",
            text="Worth raising.",
        )
        referral_actions.person_create(
            organisation=w.core_org, by=w.cora, **{**PAT, "name": f"Person {w.grown}"}
        )
        hub = programme_actions.hub_create(
            by=None, programme=w.programme, name=f"Grown hub {w.grown}"
        )
        Hub.objects.filter(pk=hub.pk).update(coordinator=w.hana)
        partnership.hub = hub
        partnership.save(update_fields=["hub"])
        starts = w.events.event.starts_at + dt.timedelta(days=w.grown)
        for at in (w.hub, hub):
            event = event_actions.event_create(
                by=None,
                hub=at,
                title=f"Event {w.grown}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
            )
            event_actions.request_topic(
                by=None, hub=at, organisation=w.core_org, title=f"Topic {w.grown}"
            )
            event_actions.registration_create(
                by=None,
                event=event,
                user=w.cora,
                organisation=w.core_org,
                name=w.cora.name,
                email=w.cora.email,
            )


def test_each_home_keeps_its_query_budget(busy: SimpleNamespace) -> None:
    busy.grown = 0
    grow(busy, 1)
    clients = {u: client_for(getattr(busy, u)) for u in ("otis", "lena", "cora", "will", "hana")}
    before = {u: count_queries(c, HOME) for u, c in clients.items()}
    grow(busy, 4)
    after = {u: count_queries(c, HOME) for u, c in clients.items()}
    assert after == before


def test_the_leads_home_budget_in_numbers(
    busy: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    client = client_for(busy.lena)
    # session, user, the user's organisations, the programmes they oversee, the partnerships
    # seen, their standing in each, agreements due for review; what is due: actions,
    # concerns, rounds, the user's answers to the open one; casework: referrals waiting,
    # people, the access-log rows for the people named, how many people; may they start a
    # partnership (the user's and their groups' permissions); their organisations by name;
    # the programmes whose learning they evaluate (joinedup.learning); the hubs they
    # coordinate; their hubs' coming events; their organisations yet to sign a programme's
    # Charter (joinedup.charter)
    with django_assert_num_queries(22):
        client.get(HOME)


def test_an_evaluator_in_no_partnership_finds_the_learning_they_evaluate_first(
    world: SimpleNamespace,
) -> None:
    from joinedup.learning import actions as learning_actions

    eve = make_user("eve@evaluators.example", "Eve Evaluator")
    learning_actions.evaluator_add(by=None, programme=world.programme, user=eve)
    _, body = page(eve)
    assert first_heading(body) == "Learning you evaluate"
    assert body.count('id="evaluating-title"') == 1
    # Someone in a partnership who also evaluates finds their partnerships' work first.
    learning_actions.evaluator_add(by=None, programme=world.programme, user=world.stan)
    _, body = page(world.stan)
    assert first_heading(body) != "Learning you evaluate"
    assert body.count('id="evaluating-title"') == 1
