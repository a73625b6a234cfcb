"""Women Side by Side's regional hubs (seed 000): a year of hub events whose topics came from
what projects asked for — peer support, safeguarding and boundaries, trauma-informed
approaches, intersectionality, sustainability and future funding — run by projects with the
expertise or by local networks; a project offering its room so training reaches a remote area;
invited guests (commissioners, people with lived experience); attendance, anonymous feedback
and the new connections attendees made. The events held count back from the hub partnership's
last day (seed 000's programme ran in 2019; from today for a partnership still running), so
they fall in the year its health evidence covers and its network's "learning" layer shows the
connections made; the next event is ahead of today. All people are invented."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from joinedup.events import actions
from joinedup.events.models import Event
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.models import Hub
from joinedup.resources import actions as resource_actions

# (hub partnership key, topic, asked by, supported by, offered by or network, days from today)
PLAN: list[tuple[str, str, str, list[str], str, int]] = [
    (
        "wsbs-north-west-hub",
        "How to deliver peer support",
        "ordsall-womens-wellbeing",
        ["mersey-survivors-peer-project"],
        "pennine-womens-peer-collective",
        -320,
    ),
    (
        "wsbs-north-west-hub",
        "Safeguarding and the boundaries of peer support",
        "mersey-survivors-peer-project",
        ["ordsall-womens-wellbeing", "pennine-womens-peer-collective"],
        "nw-womens-network",
        -230,
    ),
    (
        "wsbs-north-west-hub",
        "Trauma-informed approaches",
        "pennine-womens-peer-collective",
        ["ordsall-womens-wellbeing"],
        "mersey-survivors-peer-project",
        -140,
    ),
    (
        "wsbs-north-west-hub",
        "Sustainability and future funding",
        "ordsall-womens-wellbeing",
        ["mersey-survivors-peer-project"],
        "agenda",
        -50,
    ),
    (
        "wsbs-midlands-hub",
        "Intersectionality in women's peer support",
        "soar-valley-womens-recovery",
        ["trent-womens-voices"],
        "anam-womens-circle",
        -280,
    ),
    (
        "wsbs-midlands-hub",
        "Trauma-informed peer support training",
        "trent-womens-voices",
        ["anam-womens-circle", "soar-valley-womens-recovery"],
        "mind",
        -90,
    ),
]
STILL_OPEN = [
    (
        "wsbs-north-west-hub",
        "Supporting peer workers' own wellbeing",
        "pennine-womens-peer-collective",
    ),
    ("wsbs-midlands-hub", "Working with local commissioners", "anam-womens-circle"),
]
RATINGS = [5, 4, 4, 5, 3, 4]
DIFFERENTLY = [
    "Agree boundaries with each woman at the first session, in writing.",
    "Ask about what has happened to her, not what is wrong with her.",
    "Invite our commissioners to see the peer groups.",
    "Share our safeguarding policy with the other projects.",
    "",
    "Plan funding bids a year ahead with partners.",
]


def _at(days: int, hour: int, anchor: dt.date | None = None) -> dt.datetime:
    day = (anchor or timezone.localdate()) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _last_day(partnership: Partnership) -> dt.date:
    """The day a partnership's year of evidence ends: its end if it has ended, else today."""
    today = timezone.localdate()
    end = partnership.end_on
    return end if end is not None and end < today else today


def load(orgs: dict[str, Organisation], partnerships: dict[str, Partnership]) -> int:
    if not all(k in partnerships for k in ("wsbs-north-west-hub", "wsbs-midlands-hub")):
        return 0
    hubs = {k: partnerships[k].hub for k in ("wsbs-north-west-hub", "wsbs-midlands-hub")}
    if any(h is None for h in hubs.values()):
        return 0
    if Event.objects.filter(hub__in=list(hubs.values())).exists():
        return 0  # loaded before: loading twice changes nothing
    made = 0
    # Seed 000: a project freely offers its room, so training reaches women in a remote area.
    room = resource_actions.offer_create(
        by=None,
        organisation=orgs["soar-valley-womens-recovery"],
        partnership=partnerships["wsbs-midlands-hub"],
        kind="venue",
        title="Training room in Melton",
        description="A ground-floor room for twenty, so training can reach women in rural "
        "Leicestershire.",
        capacity=20,
        area="Melton",
        reach="hub",
    )
    for key, title, asker, supporters, runner, days in PLAN:
        hub: Hub = hubs[key]  # type: ignore[assignment]
        anchor = _last_day(partnerships[key])
        topic = actions.request_topic(by=None, hub=hub, organisation=orgs[asker], title=title)
        for s in supporters:
            actions.topic_vote(by=None, request=topic, organisation=orgs[s])
        network = runner == "nw-womens-network"
        offer = actions.expertise_offer(
            by=None,
            request=topic,
            organisation=None if network else orgs[runner],
            network="North West Women's Network" if network else "",
            description=f"We can run a session on {title.lower()}.",
        )
        remote = key == "wsbs-midlands-hub" and days == -90  # training in rural Melton
        event = actions.event_create(
            by=None,
            hub=hub,
            title=f"{hub.region} hub day: {title}",
            purpose="Projects, specialist organisations and local networks share learning.",
            format="workshop" if days % 2 else "world-cafe",
            starts_at=_at(days, 10, anchor),
            ends_at=_at(days, 15, anchor),
            place="" if remote else f"{hub.region} community venue",
            capacity=25,
            invited=["commissioner", "lived-experience", "peer-support"],
            venue=room if remote else None,
            venue_for=(orgs["trent-womens-voices"], partnerships[key]) if remote else None,
        )
        if event.venue_booking is not None:
            resource_actions.booking_confirm(booking=event.venue_booking, by=None)
        actions.session_schedule(by=None, event=event, offer=offer)
        members = [m.organisation for m in partnerships[key].memberships.current()]
        regs = []
        for i, org in enumerate(members):
            regs.append(
                actions.registration_create(
                    by=None,
                    event=event,
                    organisation=org,
                    name=f"{org.name} worker",
                    email=f"events{event.pk}-{i}@demo.joinedup.example",
                    audience="peer-support",
                    listed=i % 2 == 0,
                    at=_at(days - 20, 9, anchor),
                )
            )
        regs.append(
            actions.registration_create(
                by=None,
                event=event,
                name="A local commissioner",
                email=f"commissioner{event.pk}@demo.joinedup.example",
                audience="commissioner",
                at=_at(days - 15, 9, anchor),
            )
        )
        for r in regs:
            actions.attendance_confirm(by=None, registration=r, at=_at(days, 10, anchor))
        actions.event_held(by=None, event=event)
        actions.notes_save(
            by=None,
            event=event,
            text=f"Session on {title.lower()}, run by {offer.by_name()}. "
            "Attendees shared what works in their projects and agreed to keep in touch.",
        )
        for i, r in enumerate(regs):
            others = [m for m in members if m.pk != (r.organisation_id or 0)]
            actions.feedback_give(
                by=None,
                registration=r,
                rating=RATINGS[i % len(RATINGS)],
                do_differently=DIFFERENTLY[i % len(DIFFERENTLY)],
                connected_with=others[i % max(len(others), 1) : i % max(len(others), 1) + 1],
            )
        made += 1
    for key, title, asker in STILL_OPEN:
        actions.request_topic(by=None, hub=hubs[key], organisation=orgs[asker], title=title)  # type: ignore[arg-type]
    nw: Hub = hubs["wsbs-north-west-hub"]  # type: ignore[assignment]
    actions.event_create(
        by=None,
        hub=nw,
        title="North West hub day: open space",
        purpose="Bring the topics you want to talk about; the agenda is set on the day.",
        format="open-space",
        starts_at=_at(21, 10),
        ends_at=_at(21, 15),
        place="Salford community venue",
        capacity=30,
        invited=["commissioner", "lived-experience", "local-network"],
    )
    return made + 1
