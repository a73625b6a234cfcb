"""Every page of every demo partnership, as every demo role: nothing answers 5xx.

The demo is what a funder and a partnership first see, so a page that breaks on the demo's
data is a page that breaks in front of them. This walks it all in one test, on the demo as
`joinedup demo_load` loads it (the `demo` fixture): for every partnership, it asks for each page
under `partnerships/<pk>/` that needs nothing but the partnership (found from the URL
configuration, not listed by hand), as

- a manager of its lead organisation (the lead coordinator),
- someone from a core partner, and someone from a wider partner (where the demo has one),
- an officer of its programme (where it has one),
- the demo's administrator, and
- the outsider, who must get 404 everywhere.

No page may answer 5xx to anyone. The pages users rely on (the partnership page and its
tabs, the health check, depth, network, gaps and the printable report) must answer 200 to
everyone who may see the partnership. `pages_for` and `generated_walk` say which pages each
role opens, so that the walk stays within about a minute; for the partnerships the seeds
tell of, the pages of each meeting, series, decision, agreement, round, offer and concern are
walked too. Every failure is collected and reported together, so one run shows them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from joinedup.accounts.models import User
from joinedup.agreements.models import Agreement
from joinedup.decisions.models import Proposal
from joinedup.demo import loader
from joinedup.demo import programme as demo_programme
from joinedup.demo.tests.conftest import Demo
from joinedup.health.models import Round
from joinedup.meetings.models import Concern, Meeting, Series
from joinedup.partnerships.models import MANAGING_ORG_ROLES, MemberRole, Organisation, Partnership
from joinedup.programmes.models import Hub, Programme
from joinedup.resources.models import Offer

pytestmark = pytest.mark.django_db

# The pages every role that sees a partnership relies on: 200, never 403 or 404.
MUST_SHOW = {
    "partnership",
    "agreements",
    "meetings",
    "decisions",
    "resources",
    "referral_flows",
    "health",
    "health_depth",
    "health_network",
    "health_gaps",
    "health_report",
}
# The health check and the pages computed from evidence: every partnership, every role.
EVIDENCE = {"health", "health_depth", "health_network", "health_gaps", "health_report"}
EVERYTHING = {"lead coordinator"}
# The seed documents are the demo's sources, not something a user reads about.
SEED_WORDING = re.compile(rb"seeds? 00\d", re.IGNORECASE)
PARTNERSHIP_ROUTE = "partnerships/<int:pk>/"
PROGRAMME_ROUTE = "programmes/<int:pk>/"
# A programme's forms that only take a POST: a GET answers 405 to everyone.
PROGRAMME_POST_ONLY = {"programme_health_columns", "charter_step", "programme_health_refresh"}
# A programme's pages open to anyone, signed in or not: the Charter's list of signatories.
PROGRAMME_PUBLIC = {"charter_signatories"}
# A page about one thing inside a partnership: its URL keyword, and the things to walk.
CHILDREN = {
    "meeting_pk": lambda p: Meeting.objects.filter(series__partnership=p),
    "series_pk": lambda p: Series.objects.filter(partnership=p),
    "proposal_pk": lambda p: Proposal.objects.filter(partnership=p),
    "agreement_pk": lambda p: Agreement.objects.filter(partnership=p),
    "round_pk": lambda p: Round.objects.filter(partnership=p),
    "offer_pk": lambda p: Offer.objects.filter(partnership=p),
    "concern_pk": lambda p: Concern.objects.filter(partnership=p),
    # A member's Charter pages (evidence, plan, rating it): the first three members.
    "org_pk": lambda p: Organisation.objects.filter(
        pk__in=list(
            p.memberships.current().order_by("pk").values_list("organisation_id", flat=True)[:3]
        )
    ),
}


@dataclass(frozen=True)
class Route:
    name: str
    keywords: tuple[str, ...]  # its URL keywords besides `pk`


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif p.name:
            yield p.name, prefix + str(p.pattern)


def routes(under: str) -> list[Route]:
    """The named routes under `under` whose keywords are all integers (pages that need a
    slug, a format or a step are reached from those pages, not walked here)."""
    found = []
    for name, route in _patterns(get_resolver().url_patterns):
        if not route.startswith(under):
            continue
        keywords = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if any(kind != "int" for kind, _ in keywords):
            continue
        others = tuple(k for _, k in keywords if k != "pk")
        found.append(Route(name, others))
    return found


def _first_user(**affiliation: object) -> User | None:
    lookup = {f"affiliations__{k}": v for k, v in affiliation.items()}
    return User.objects.filter(is_active=True, **lookup).order_by("pk").first()


def roles(partnership: Partnership, admin: User, outsider: User) -> dict[str, User]:
    """The demo's people who stand in each role towards `partnership`."""
    current = list(partnership.memberships.current().values_list("organisation_id", "role"))
    by_role = {r: [org for org, role in current if role == r] for r in MemberRole.values}
    mine = [org for org, _ in current]
    found: dict[str, User | None] = {
        "lead coordinator": _first_user(
            organisation__in=by_role[MemberRole.LEAD], role__in=MANAGING_ORG_ROLES
        ),
        "core partner": _first_user(organisation__in=by_role[MemberRole.CORE]),
        "wider partner": _first_user(organisation__in=by_role[MemberRole.WIDER]),
        "programme officer": (
            partnership.programme.officers.order_by("pk").first() if partnership.programme else None
        ),
        "administrator": admin,
        "outsider": outsider,
    }
    # Someone in two of its organisations stands in the higher role only.
    for role, higher in (("core partner", MemberRole.LEAD), ("wider partner", MemberRole.CORE)):
        user = found[role]
        if user and user.affiliations.filter(organisation__in=by_role[higher]).exists():
            found[role] = None
    assert not outsider.affiliations.filter(organisation__in=mine).exists()
    return {role: user for role, user in found.items() if user is not None}


def pages_for(role: str, top: list[Route]) -> list[Route]:
    """What each role opens in a partnership the seeds tell of: the lead coordinator (who sees
    and may do the most) every page, and the page of each meeting, decision, agreement and so
    on; the other roles the pages they rely on; the outsider one page, since the 404 comes from
    the one access helper every page opens with."""
    if role == "outsider":
        return [r for r in top if r.name == "partnership"]
    if role in EVERYTHING:
        return top
    return [r for r in top if r.name in MUST_SHOW]


def generated_walk(
    i: int, people: dict[str, User], top: list[Route]
) -> list[tuple[tuple[str, User], Route]]:
    """The generated partnerships are made alike and there are a hundred of them. Their health
    pages (health, depth, network, gaps, report) are asked for by every demo sign-in that may
    see them — the programme officer and the administrator — and, once each, by one of the
    partnership's own members, a role that turns with i, so that every member role opens every
    health page across the programmes; the outsider asks for one page."""
    evidence = [r for r in top if r.name in EVIDENCE]
    signed_in = [(r, u) for r, u in people.items() if r in ("programme officer", "administrator")]
    members = [(r, u) for r, u in people.items() if r.endswith(("coordinator", "partner"))]
    walk = [(who, route) for who in signed_in for route in evidence]
    if members:
        walk += [(members[(i + j) % len(members)], route) for j, route in enumerate(evidence)]
    return walk + [(("outsider", people["outsider"]), r) for r in pages_for("outsider", top)]


def expected(role: str, name: str) -> set[int]:
    if role == "outsider":
        return {404}
    if name in MUST_SHOW:
        return {200}
    return {200, 302, 403, 404, 405}  # a page for some roles only, or a form's POST


def test_every_page_of_every_demo_partnership_answers_every_demo_role(demo: Demo) -> None:
    admin = User.objects.get(email=loader.ADMIN_EMAIL)
    outsider = User.objects.get(email=demo.sign_ins["outsider"].email)
    clients: dict[int, Client] = {}

    def client(user: User) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client(raise_request_exception=False)
            clients[user.pk].force_login(user)
        return clients[user.pk]

    failures: list[str] = []

    def check(url: str, role: str, user: User, allowed: set[int]) -> None:
        response = client(user).get(url)
        status = response.status_code
        if status >= 500 or status not in allowed:
            failures.append(f"{status} {url} as {role} ({user.email}), wanted {sorted(allowed)}")
        elif status == 200 and SEED_WORDING.search(response.content):
            failures.append(f"{url} as {role} names a seed document")

    pages = routes(PARTNERSHIP_ROUTE)
    top = [r for r in pages if not r.keywords]
    inside = [r for r in pages if len(r.keywords) == 1 and r.keywords[0] in CHILDREN]
    assert {"partnership", "health_depth", "health_gaps", "health_report"} <= {r.name for r in top}
    walked = 0
    partnerships = Partnership.objects.select_related("programme").order_by("pk")
    for i, partnership in enumerate(partnerships):
        people = roles(partnership, admin, outsider)
        if demo_programme.GENERATED in partnership.name:
            for (role, user), route in generated_walk(i, people, top):
                url = reverse(route.name, args=[partnership.pk])
                check(url, role, user, expected(role, route.name))
                walked += 1
            continue
        for role, user in people.items():
            for route in pages_for(role, top):
                url = reverse(route.name, args=[partnership.pk])
                check(url, role, user, expected(role, route.name))
                walked += 1
            if role not in EVERYTHING:
                continue
            for route in inside:
                for child in CHILDREN[route.keywords[0]](partnership).order_by("pk"):
                    url = reverse(route.name, args=[partnership.pk, child.pk])
                    check(url, role, user, {200, 302, 403, 404, 405})
                    walked += 1
    for programme in Programme.objects.order_by("pk"):
        officers = {f"officer {u.email}": u for u in programme.officers.all()}
        for route in routes(PROGRAMME_ROUTE):
            if route.keywords:
                continue
            url = reverse(route.name, args=[programme.pk])
            post_only = route.name in PROGRAMME_POST_ONLY
            for role, user in {**officers, "administrator": admin}.items():
                check(url, role, user, {405} if post_only else {200})
            public = route.name in PROGRAMME_PUBLIC
            check(url, "outsider", outsider, {405} if post_only else {200 if public else 404})
            walked += 1
    # Messages not delivered: each lead organisation's, as its coordinator, and everyone's.
    for partnership in partnerships.filter(memberships__role=MemberRole.LEAD).distinct():
        lead = partnership.memberships.current().get(role=MemberRole.LEAD).organisation_id
        people = roles(partnership, admin, outsider)
        url = reverse("messages_undelivered", args=[lead])
        for role in ("lead coordinator", "administrator"):
            if role in people:
                check(url, role, people[role], {200})
        check(url, "outsider", outsider, {403, 404})
        walked += 1
    check(reverse("messages_undelivered_all"), "administrator", admin, {200})
    check(reverse("messages_undelivered_all"), "outsider", outsider, {404})
    walked += _walk_reflection(check, outsider)
    walked += _walk_hub_coordinator(check)
    # Hub learning: each hub's events page, its events (with their notes and calendar entry)
    # and its topic requests, as the roles of its partnerships; the outsider sees none of it.
    for hub in Hub.objects.filter(events__isnull=False).distinct().order_by("pk"):
        hub_people: dict[str, User] = {"administrator": admin}
        for partnership in Partnership.objects.filter(hub=hub).order_by("pk"):
            hub_people.update(roles(partnership, admin, outsider))
        if hub.coordinator is not None:
            hub_people["hub coordinator"] = hub.coordinator
        urls = [reverse("hub_learning", args=[hub.pk])]
        for event in hub.events.order_by("pk"):
            urls += [reverse(n, args=[event.pk]) for n in ("event", "event_ics", "event_notes")]
            if event.status == "planned":  # held and cancelled events are changed no more
                urls += [reverse(n, args=[event.pk]) for n in ("event_edit", "event_cancel")]
            urls += [reverse("session_notes", args=[event.pk, s.pk]) for s in event.sessions.all()]
        urls += [reverse("topic_request", args=[t.pk]) for t in hub.topic_requests.order_by("pk")]
        for url in urls:
            for role, user in hub_people.items():
                check(url, role, user, {404} if role == "outsider" else {200, 403})
                walked += 1
    assert walked > 1500, walked
    assert not failures, f"{len(failures)} of {walked} pages failed:\n" + "\n".join(failures)


def _walk_hub_coordinator(check: Any) -> int:
    """The demo's hub coordinator signs in with the demo password to a home that leads with the
    hub they coordinate, a link to its learning page, and asks their own hub for a topic."""
    people = json.loads(loader.DATA.read_text())["people"]
    user = User.objects.get(
        email=next(p["email"] for p in people if p["character"] == "hub_coordinator")
    )
    assert user.check_password(loader.PASSWORD)
    [hub] = Hub.objects.filter(coordinator=user)
    client = Client()
    client.force_login(user)
    home = client.get(reverse("home"))
    assert home.context["home"].leads_with == "hubs"
    body = home.content.decode()
    assert "Hubs you coordinate" in body
    assert reverse("hub_learning", args=[hub.pk]) in body
    projects = home.context["home"].hub_learning.hubs  # Mind is a member of another hub
    asks = [reverse("topic_request_new", args=[h.pk]) for h in projects]
    assert asks and all(f'href="{url}"' in body for url in asks)
    for url in [reverse("hub", args=[hub.pk]), reverse("event_new", args=[hub.pk]), *asks]:
        check(url, "hub coordinator", user, {200})
    return 3 + len(asks)


def _walk_reflection(check: Any, outsider: User) -> int:
    """Reflective practice and handover: each reflection as its writer, each action learning
    set as its members, each handover as its successor and whoever started it, and every one
    of them as the outsider (404)."""
    from joinedup.reflection.models import Handover, LearningSet, Reflection

    walked = 0
    for r in Reflection.objects.select_related("writer").order_by("pk"):
        url = reverse("reflection", args=[r.pk])
        check(url, "writer", r.writer, {200})
        check(url, "outsider", outsider, {404})
        walked += 2
    for s in LearningSet.objects.prefetch_related("members__user").order_by("pk"):
        url = reverse("learning_set", args=[s.pk])
        for m in s.members.all():
            check(url, "set member", m.user, {200})
            walked += 1
        check(url, "outsider", outsider, {404})
    for h in Handover.objects.select_related("successor", "started_by").order_by("pk"):
        url = reverse("handover", args=[h.pk])
        for who in (h.successor, h.started_by):
            if who is not None:
                check(url, "successor or manager", who, {200})
                check(reverse("handovers"), "successor or manager", who, {200})
                walked += 2
        check(url, "outsider", outsider, {404})
    return walked
