"""The API under the same rules as the pages: every endpoint, every character."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.api import api
from joinedup.conftest import ApiClient, api_for
from joinedup.events.tests.conftest import events_world
from joinedup.partnerships.tests.test_access import resources
from joinedup.referrals.tests.conftest import refer, referring_world
from joinedup.reflection.tests.helpers import reflecting_world

PREFIX = "/api/v1"
# A day a month ahead: within the range of every date that plans ahead (joinedup/dates.py).
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def endpoints() -> list[tuple[str, str]]:
    """(method, path) for every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return [(method, path) for path, ops in schema["paths"].items() for method in ops]


def fill(path: str, w: SimpleNamespace) -> str:
    """Put the id of one of the world's objects into each path parameter."""
    if not hasattr(w, "resources"):
        w.resources = resources(w)
    if not hasattr(w, "referring"):
        w.referring = referring_world(w)
        w.referring.referral = refer(w, w.referring)
    if not hasattr(w, "reflecting"):
        w.reflecting = reflecting_world(w)
    if not hasattr(w, "events"):
        w.events = events_world(w)
    by_prefix = {
        "organisations": w.lead_org.pk,
        "memberships": w.wider_membership.pk,
        "offers": w.resources.room.pk,
        "bookings": w.resources.booking.pk,
        "partnerships": w.partnership.pk,
        "agreements": w.resources.agreement.pk,
        "series": w.resources.meetings.core.pk,
        "meetings": w.resources.meetings.next.pk,
        "actions": w.resources.meetings.action.pk,
        "concerns": w.resources.meetings.concern.pk,
        "proposals": w.resources.proposal.pk,
        "people": w.referring.pat.pk,
        "consents": w.referring.consent.pk,
        "referrals": w.referring.referral.pk,
        "health-rounds": w.resources.round.pk,
        "programmes": w.programme.pk,
        "charter": 1,  # a Charter signature: none in the world, so 404 for everyone
        "reflections": w.reflecting.reflection.pk,
        "handovers": w.reflecting.handover.pk,
        "hubs": w.hub.pk,
        "events": w.events.event.pk,
        "topics": w.events.topic.pk,
        "registrations": w.events.registration.pk,
    }
    pk = by_prefix[path.removeprefix(f"{PREFIX}/").split("/")[0]]
    filled = re.sub(r"\{pk\}", str(pk), path).replace("{number}", "1").replace("{coding_pk}", "1")
    return filled.replace("{org_pk}", str(w.lead_org.pk))


BODIES: dict[tuple[str, str], Any] = {
    ("post", "/programmes/{pk}/framework"): {"themes": [{"name": "Trust"}]},
    ("post", "/programmes/{pk}/codings"): {"source_id": 1, "theme_id": 1, "start": 0, "end": 1},
    ("post", "/programmes/{pk}/codings/{coding_pk}/remove"): {},
    ("post", "/organisations"): {"name": "New Org", "sector": "voluntary"},
    ("patch", "/organisations/{pk}"): {"name": "Renamed"},
    ("post", "/partnerships"): {
        "name": "P",
        "shared_goal": "G",
        "lead_organisation_id": 1,
        "start_on": "2025-01-01",
    },
    ("patch", "/partnerships/{pk}"): {"name": "Renamed"},
    ("post", "/partnerships/{pk}/memberships"): {"organisation_id": 1, "role": "wider"},
    ("patch", "/memberships/{pk}"): {"role": "core"},
    ("post", "/memberships/{pk}/leave"): {"left_on": "2025-01-01", "reason": "Gone"},
    ("post", "/partnerships/{pk}/offers"): {"organisation_id": 1, "kind": "venue", "title": "Room"},
    ("post", "/partnerships/{pk}/requests"): {
        "organisation_id": 1,
        "kind": "venue",
        "title": "A room",
    },
    ("post", "/offers/{pk}/bookings"): {
        "organisation_id": 1,
        "partnership_id": 1,
        "starts_at": f"{SOON}T10:00:00Z",
        "ends_at": f"{SOON}T11:00:00Z",
    },
    ("post", "/bookings/{pk}/confirm"): {},
    ("post", "/bookings/{pk}/decline"): {"reason": "Full"},
    ("post", "/bookings/{pk}/cancel"): {"reason": "Moved"},
    ("post", "/partnerships/{pk}/agreements"): {"kind": "other", "title": "T"},
    ("put", "/agreements/{pk}/versions/{number}"): {"goal": "G"},
    ("post", "/agreements/{pk}/versions/{number}/step"): {"to": "comment"},
    ("post", "/agreements/{pk}/versions"): {},
    ("post", "/agreements/{pk}/versions/{number}/comments"): {
        "organisation_id": 1,
        "section": "goal",
        "text": "x",
    },
    ("post", "/agreements/{pk}/versions/{number}/signatures"): {
        "organisation_id": 1,
        "board_informed": True,
    },
    ("post", "/partnerships/{pk}/series"): {
        "tier": "core",
        "title": "Core partners",
        "min_interval_days": 28,
        "max_interval_days": 42,
    },
    ("post", "/series/{pk}/meetings"): {
        "starts_at": f"{SOON}T10:00:00Z",
        "ends_at": f"{SOON}T12:00:00Z",
        "purpose": "delivery",
        "place": "The hall",
    },
    ("post", "/meetings/{pk}/cancel"): {},
    ("post", "/meetings/{pk}/attendance"): {
        "organisation_id": 1,
        "presence": "present",
        "person_name": "Ann",
    },
    ("post", "/meetings/{pk}/actions"): {
        "description": "Call back",
        "owner_id": 1,
        "due_on": f"{SOON}",
    },
    ("post", "/actions/{pk}/status"): {"status": "done"},
    ("post", "/partnerships/{pk}/concerns"): {
        "organisation_id": 1,
        "audience": "lead",
        "title": "T",
        "text": "Concern",
    },
    ("post", "/concerns/{pk}/answer"): {"status": "discussing"},
    ("post", "/partnerships/{pk}/proposals"): {
        "organisation_id": 1,
        "title": "T",
        "question": "Q?",
        "kind": "consent",
        "deciders": "core",
        "closes_on": f"{SOON}",
    },
    ("post", "/proposals/{pk}/positions"): {"organisation_id": 1, "stance": "agree"},
    ("post", "/proposals/{pk}/close"): {"statement": "Closed at the meeting."},
    ("post", "/proposals/{pk}/ratify"): {"ratified": True},
    ("post", "/partnerships/{pk}/proposals/urgent"): {
        "organisation_id": 1,
        "title": "T",
        "decision": "Book two beds.",
    },
    ("post", "/partnerships/{pk}/health-rounds"): {"closes_on": f"{SOON}"},
    ("post", "/health-rounds/{pk}/close"): {},
    ("post", "/health-rounds/{pk}/answers"): {"organisation_id": 1, "scores": {"trust.1": 4}},
    ("post", "/partnerships/{pk}/ratings"): {"rater_id": 1, "rated_id": 2, "level": 3},
    ("post", "/partnerships/{pk}/time-logs"): {
        "organisation_id": 1,
        "on": "2025-01-01",
        "hours": "1.5",
    },
    ("post", "/partnerships/{pk}/ledger"): {
        "giver_id": 1,
        "receiver_id": 2,
        "kind": "expertise",
        "description": "Advice",
        "on": "2025-01-01",
    },
    ("post", "/people"): {"organisation_id": 1, "name": "Sam Example"},
    ("patch", "/people/{pk}"): {"postcode": "RV2 3CD"},
    ("post", "/people/{pk}/consents"): {
        "method": "verbal",
        "purposes": ["referral"],
        "fields": ["name"],
        "recipient_ids": [1],
        "expires_on": f"{SOON}",
    },
    ("post", "/consents/{pk}/withdraw"): {},
    ("post", "/referrals"): {
        "partnership_id": 1,
        "person_id": 1,
        "consent_id": 1,
        "service_id": "00000000-0000-0000-0000-000000000001",
        "fields": ["name"],
    },
    ("post", "/referrals/net"): {
        "partnership_id": 1,
        "person_id": 1,
        "consent_id": 1,
        "services": [{"service_id": "00000000-0000-0000-0000-000000000001", "need": "food"}],
        "fields": ["name"],
    },
    ("post", "/referrals/{pk}/send"): {},
    ("post", "/referrals/{pk}/accept"): {"note": "We will call her."},
    ("post", "/referrals/{pk}/decline"): {"reason": "no_capacity", "note": "Full"},
    ("post", "/referrals/{pk}/start"): {},
    ("post", "/referrals/{pk}/complete"): {"outcome": "got_help"},
    ("post", "/referrals/{pk}/close"): {"note": "Moved away"},
    ("post", "/referrals/{pk}/withdraw"): {"note": "Not needed"},
    ("post", "/referrals/{pk}/pass-on"): {"service_id": "00000000-0000-0000-0000-000000000001"},
    ("post", "/referrals/{pk}/messages"): {"text": "Any news?"},
    ("post", "/partnerships/{pk}/signposts"): {"organisation_id": 1, "need": "food"},
    ("post", "/programmes/{pk}/charter/signatures"): {"organisation_id": 1, "board_informed": True},
    ("post", "/partnerships/{pk}/charter/signatures"): {
        "organisation_id": 1,
        "board_informed": True,
    },
    ("post", "/charter/signatures/{pk}/reaffirm"): {"board_informed": True},
    ("post", "/charter/signatures/{pk}/withdraw"): {"reason": "Closing"},
    ("post", "/programmes/{pk}/charter/self-assessments/mine"): {
        "organisation_id": 1,
        "answers": {},
    },
    ("post", "/programmes/{pk}/charter/versions"): {},
    ("post", "/programmes/{pk}/charter/start"): {},
    ("put", "/programmes/{pk}/charter/draft"): {"themes": []},
    ("post", "/programmes/{pk}/charter/draft/step"): {"to": "comment"},
    ("put", "/programmes/{pk}/charter/framework"): {"skills": []},
    ("post", "/partnerships/{pk}/charter/plans/{org_pk}"): {
        "subject": "present",
        "title": "Turn up",
        "support": "action_learning",
    },
    ("post", "/partnerships/{pk}/charter/peer-view/ratings"): {
        "rater_org_id": 1,
        "rated_org_id": 1,
        "scores": {},
    },
    ("post", "/reflections"): {
        "partnership_id": 1,
        "organisation_id": 1,
        "title": "What we learnt",
        "template": "what",
        "answers": {"what": "A joint visit"},
    },
    ("post", "/reflections/{pk}/sharing"): {"sharing": "organisation"},
    ("post", "/handovers/{pk}/confirm"): {},
    ("post", "/hubs/{pk}/events"): {
        "title": "Peer support",
        "starts_at": f"{SOON}T10:00:00Z",
        "ends_at": f"{SOON}T12:00:00Z",
    },
    ("post", "/events/{pk}/registrations"): {},
    ("post", "/registrations/{pk}/cancel"): {},
    ("post", "/hubs/{pk}/topics"): {"organisation_id": 1, "title": "Future funding"},
    ("post", "/topics/{pk}/votes"): {"organisation_id": 1},
    ("post", "/topics/{pk}/votes/withdraw"): {"organisation_id": 1},
    ("post", "/topics/{pk}/offers"): {"organisation_id": 1, "description": "We run this"},
}


def call(client: ApiClient, method: str, path: str, w: SimpleNamespace) -> Any:
    url = fill(path, w)
    if method == "get":
        return client.get(url)
    body = BODIES[(method, path.removeprefix(PREFIX))]
    return getattr(client, method)(url, body)


def test_every_endpoint_is_in_this_test() -> None:
    writes = {(m, p.removeprefix(PREFIX)) for m, p in endpoints() if m != "get"}
    assert writes == set(BODIES)


def test_without_a_token_every_endpoint_answers_401(world: SimpleNamespace) -> None:
    anonymous = api_for(None)
    for method, path in endpoints():
        if path.endswith("openapi.json"):
            continue
        response = call(anonymous, method, path, world)
        assert response.status_code == 401, (method, path)
        assert response.json()["detail"].startswith("Send a valid API token")
    bad = ApiClient(None)
    bad.headers = {"Authorization": "Bearer ju_not-a-real-token"}
    assert bad.get(f"{PREFIX}/partnerships").status_code == 401


def test_the_outsider_gets_404_from_every_endpoint_about_others(world: SimpleNamespace) -> None:
    olive = api_for(world.olive)
    for method, path in endpoints():
        if "{pk}" not in path:
            continue
        response = call(olive, method, path, world)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Not found.", "errors": []}


def test_the_outsiders_lists_hold_only_her_own(world: SimpleNamespace) -> None:
    olive = api_for(world.olive)
    partnerships = olive.get(f"{PREFIX}/partnerships").json()
    assert [p["name"] for p in partnerships["items"]] == ["Elsewhere Partnership"]
    organisations = olive.get(f"{PREFIX}/organisations").json()
    assert [o["name"] for o in organisations["items"]] == ["Elsewhere Trust"]
    resources(world)
    assert olive.get(f"{PREFIX}/bookings").json() == []


def test_the_outsider_cannot_start_a_partnership_led_by_someone_else(
    world: SimpleNamespace,
) -> None:
    body = {
        "name": "Takeover",
        "shared_goal": "G",
        "lead_organisation_id": world.lead_org.pk,
        "start_on": "2025-01-01",
    }
    assert api_for(world.olive).post(f"{PREFIX}/partnerships", body).status_code == 403


@pytest.mark.parametrize(
    ("character", "read", "change"),
    [
        ("lena", 200, 200),
        ("stan", 200, 403),
        ("cora", 200, 403),
        ("will", 200, 403),
        ("otis", 200, 403),
    ],
)
def test_members_read_and_only_the_lead_changes(
    world: SimpleNamespace, character: str, read: int, change: int
) -> None:
    client = api_for(getattr(world, character))
    url = f"{PREFIX}/partnerships/{world.partnership.pk}"
    assert client.get(url).status_code == read
    assert client.patch(url, {"area": "Riverside and Hillside"}).status_code == change
    membership_url = f"{PREFIX}/memberships/{world.wider_membership.pk}"
    assert (
        client.patch(membership_url, {"levels": ["delivery", "management"]}).status_code == change
    )


def test_a_wider_partner_gets_members_without_the_core_details(world: SimpleNamespace) -> None:
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/memberships"
    wider = api_for(world.will).get(url).json()
    assert {m["organisation"]["name"] for m in wider} == {
        "Riverside Citizens Advice",
        "Riverside Mind",
        "Hillside Food Bank",
    }
    assert all(m["contacts"] is None and m["funded"] is None for m in wider)
    core = api_for(world.cora).get(url).json()
    mind = next(m for m in core if m["organisation"]["name"] == "Riverside Mind")
    assert mind["contacts"] == [{"name": "Cora Core", "email": world.cora.email}]
    assert mind["funded"] is True
