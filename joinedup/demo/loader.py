"""Load the demo data set (`data/seeds.json`, built from the seed documents) through the actions.

Loading is idempotent: every record is looked up by its natural key first, and only what is
missing is written, so a second run writes nothing (not even an audit row).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.test.utils import override_settings
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.actions import loading
from joinedup.agreements import actions as agreement_actions
from joinedup.agreements.models import Agreement
from joinedup.demo import charter as demo_charter
from joinedup.demo import directory as demo_directory
from joinedup.demo import health as demo_health
from joinedup.demo import manchester as demo_manchester
from joinedup.demo import meetings as demo_meetings
from joinedup.demo import referrals as demo_referrals
from joinedup.organisations.actions import affiliation_set_by_system
from joinedup.partnerships import actions, invitations
from joinedup.partnerships.models import (
    Affiliation,
    MemberRole,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.programmes import actions as programme_actions
from joinedup.programmes.models import Hub, Programme
from joinedup.resources import actions as resource_actions
from joinedup.resources.models import (
    Booking,
    BookingStatus,
    Exchange,
    Offer,
    ResourceRequest,
    SharedDocument,
)
from joinedup.resources.queries import offers_seen_in

DATA = Path(__file__).parent / "data" / "seeds.json"
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"
RESOURCES = Path(__file__).parent / "data" / "resources.json"
AGREEMENTS = Path(__file__).parent / "data" / "agreements.json"
PASSWORD = "joinedup-demo"
ADMIN_EMAIL = "admin@demo.joinedup.example"

CHARACTERS = {
    "lead_coordinator": "Lead coordinator",
    "core_worker": "Core partner worker",
    "wider_contact": "Wider partner contact",
    "programme_officer": "Programme officer",
    "outsider": "Outsider (in no partnership)",
    "hub_coordinator": "Hub coordinator",
}


@dataclass(frozen=True)
class SignIn:
    character: str  # a key of CHARACTERS, or "staff"
    name: str
    email: str
    organisation: str


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _required_date(*values: str | None) -> dt.date:
    """The first of `values` that is given: the data file's dates that must be there."""
    given = next((v for v in values if v), None)
    if given is None:
        raise ValueError(f"The demo data lacks a date where one is needed: {values}")
    return dt.date.fromisoformat(given)


def load(progress: Callable[[str], None] = lambda _: None, path: Path = DATA) -> list[SignIn]:
    """Load the demo; return the demo sign-ins, one per kind of user."""
    data = json.loads(path.read_text())
    # Every demo user shares one password: hash it once, not once per user (each hash is
    # deliberately slow).
    password_hash = make_password(PASSWORD)
    with loading():
        orgs = {o["key"]: _organisation(o) for o in data["organisations"]}
        progress(f"{len(orgs)} organisations")
        programmes, hubs = {}, {}
        for p in data["programmes"]:
            programmes[p["key"]] = _programme(p, orgs)
            for h in p["hubs"]:
                hubs[h["key"]] = _hub(h, programmes[p["key"]])
        progress(f"{len(programmes)} programmes, {len(hubs)} hubs")
        partnerships = {}
        for p in data["partnerships"]:
            partnerships[p["key"]] = _partnership(p, orgs, programmes, hubs)
        progress(f"{len(partnerships)} partnerships")
        sign_ins = [
            _person(p, orgs, programmes, hubs, partnerships, password_hash) for p in data["people"]
        ]
        progress(f"{len(sign_ins)} people")
        _admin(password_hash)
        shared = _resources(json.loads(RESOURCES.read_text()), orgs, partnerships)
        progress(f"{shared} offers, with their bookings, exchanges, requests and documents")
        signed = _agreements(json.loads(AGREEMENTS.read_text()), orgs, partnerships)
        progress(f"{signed} agreements in force")
        listed = demo_directory.load(data, orgs)
        progress(f"{listed} services listed in the directory")
    # A year of invented meetings would otherwise write a file for every agenda and action it
    # sends; the notices in the app are kept.
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), loading():
        held = demo_meetings.load(orgs, partnerships)
        progress(f"{held} meetings, with their agendas, attendance, actions and decisions")
        rounds = demo_health.load(partnerships)
        progress(f"{rounds} rounds of the health check, with ratings and time invested")
        signed = demo_charter.load(programmes, partnerships, orgs)
        progress(f"{signed} organisations signed the Good Partners Charter")
        from joinedup.demo import reflection as demo_reflection

        reflected = demo_reflection.load(orgs, partnerships, password_hash)
        progress(f"{reflected} reflections, an action learning set and a handover")
        from joinedup.demo import events as demo_events

        hub_events = demo_events.load(orgs, partnerships)
        progress(f"{hub_events} hub learning events, with topic requests and feedback")
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), loading():
        referred = demo_referrals.load(orgs, partnerships)
        referred += demo_manchester.load(orgs, partnerships)
        progress(f"{referred} referrals of invented people, under a signed data-sharing protocol")
    order = list(CHARACTERS)
    return sorted(
        (s for s in sign_ins if s.character in CHARACTERS), key=lambda s: order.index(s.character)
    )


def _organisation(o: dict[str, Any]) -> Organisation:
    found = Organisation.objects.filter(name=o["name"]).first()
    return found or actions.organisation_create(
        by=None,
        name=o["name"],
        sector=o["sector"],
        size=o["size"] or "",
        user_led=o["user_led"],
        specialisms=o["specialisms"],
        areas=o["areas"],
        website=o["website"],
        description=o["description"],
    )


def _programme(p: dict[str, Any], orgs: dict[str, Organisation]) -> Programme:
    found = Programme.objects.filter(name=p["name"]).first()
    return found or programme_actions.programme_create(
        by=None,
        name=p["name"],
        funder=orgs.get(p["funder"]),
        description=p["description"],
        budget_pounds=p["budget_pounds"],
        start_on=_date(p["start"]),
        end_on=_date(p["end"]),
    )


def _hub(h: dict[str, Any], programme: Programme) -> Hub:
    found = programme.hubs.filter(name=h["name"]).first()
    return found or programme_actions.hub_create(
        by=None, programme=programme, name=h["name"], region=h["region"]
    )


def _partnership(
    p: dict[str, Any],
    orgs: dict[str, Organisation],
    programmes: dict[str, Programme],
    hubs: dict[str, Hub],
) -> Partnership:
    partnership = Partnership.objects.filter(name=p["name"]).first()
    lead = next(m for m in p["members"] if m["role"] == MemberRole.LEAD and not m["left_on"])
    if partnership is None:
        partnership = actions.partnership_create(
            by=None,
            name=p["name"],
            shared_goal=p["shared_goal"],
            lead=orgs[lead["organisation"]],
            start_on=_required_date(lead["joined_on"], p["start"]),
            outcomes=p["outcomes"],
            model=p["model"],
            area=p["area"],
            programme=programmes.get(p["programme"] or ""),
            hub=hubs.get(p["hub"] or ""),
            end_on=_date(p["end"]),
            status=p["status"],
        )
        lead_membership = partnership.memberships.get(role=MemberRole.LEAD)
        actions.membership_change(
            by=None, membership=lead_membership, funded=lead["funded"], levels=lead["levels"]
        )
    for m in p["members"]:
        if m is lead:
            continue
        organisation = orgs[m["organisation"]]
        joined_on = _required_date(m["joined_on"])
        if Membership.objects.filter(
            partnership=partnership, organisation=organisation, joined_on=joined_on
        ).exists():
            continue
        membership = actions.membership_add(
            by=None,
            partnership=partnership,
            organisation=organisation,
            role=m["role"],
            funded=m["funded"],
            levels=m["levels"],
            joined_on=joined_on,
        )
        if m["left_on"]:
            actions.membership_end(
                by=None,
                membership=membership,
                left_on=_required_date(m["left_on"]),
                reason=m["leaving_reason"],
            )
    return partnership


def _person(
    p: dict[str, Any],
    orgs: dict[str, Organisation],
    programmes: dict[str, Programme],
    hubs: dict[str, Hub],
    partnerships: dict[str, Partnership],
    password_hash: str,
) -> SignIn:
    user = User.objects.filter(email=p["email"]).first()
    if user is None:
        user = User.objects.create(email=p["email"], name=p["name"], password=password_hash)
    organisation = orgs[p["organisation"]]
    if not Affiliation.objects.filter(
        user=user, organisation=organisation, role=p["role"]
    ).exists():
        affiliation_set_by_system(user=user, organisation=organisation, role=p["role"], why="demo")
    programme = programmes.get(p["officer_of_programme"] or "")
    if programme and not programme.officers.filter(pk=user.pk).exists():
        programme_actions.programme_add_officer(by=None, programme=programme, user=user)
    hub = hubs.get(p.get("coordinator_of_hub") or "")
    if hub and hub.coordinator_id != user.pk:
        programme_actions.hub_update(hub=hub, by=None, coordinator=user)
    for key in p["contact_for"]:
        membership = partnerships[key].memberships.current().get(organisation=organisation)
        if not membership.contacts.filter(pk=user.pk).exists():
            contacts = [*membership.contacts.all(), user]
            actions.membership_set_contacts(by=None, membership=membership, contacts=contacts)
    return SignIn(p["character"], p["name"], p["email"], organisation.name)


def _admin(password_hash: str) -> None:
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create(
            email=ADMIN_EMAIL,
            name="Demo administrator",
            password=password_hash,
            is_staff=True,
            is_superuser=True,
        )


def _resources(
    data: dict[str, Any], orgs: dict[str, Organisation], partnerships: dict[str, Partnership]
) -> int:
    """Offers, bookings, gifts, requests and documents. Their dates count back from the day the
    demo was first loaded, so that loading again on a later day changes nothing."""
    first = Offer.objects.filter(title=data["offers"][0]["title"]).first()
    anchor = timezone.localdate(first.created_at) if first else timezone.localdate()
    offers = {}
    for o in data["offers"]:
        partnership, organisation = partnerships[o["partnership"]], orgs[o["organisation"]]
        offers[o["key"]] = Offer.objects.filter(
            partnership=partnership, organisation=organisation, title=o["title"]
        ).first() or resource_actions.offer_create(
            by=None,
            organisation=organisation,
            partnership=partnership,
            kind=o["kind"],
            title=o["title"],
            description=o["description"],
            availability=o["availability"],
            capacity=o["capacity"],
            audience=o["audience"],
            area=o["area"],
            free=o["free"],
            cost_pounds=Decimal(o["cost_pounds"]) if o["cost_pounds"] else None,
            reach=o["reach"],
        )
    for b in data["bookings"]:
        offer, organisation = offers[b["offer"]], orgs[b["organisation"]]
        partnership = next(
            p
            for p in partnerships.values()
            if p.memberships.current().filter(organisation=organisation).exists()
            and offers_seen_in([p.pk]).filter(pk=offer.pk).exists()
        )
        for weeks in b["weeks_ago"]:
            day = anchor - dt.timedelta(weeks=weeks)
            day += dt.timedelta(days=b["weekday"] - day.weekday())
            starts_at = _at(day, b["from"])
            if Booking.objects.filter(
                offer=offer, organisation=organisation, starts_at=starts_at
            ).exists():
                continue
            booking = resource_actions.booking_request(
                by=None,
                offer=offer,
                organisation=organisation,
                partnership=partnership,
                starts_at=starts_at,
                ends_at=_at(day, b["to"]),
                note=b["note"],
            )
            if b["status"] == BookingStatus.CONFIRMED:
                resource_actions.booking_confirm(booking=booking, by=None)
    for g in data["given"]:
        partnership, giver, receiver = (
            partnerships[g["partnership"]],
            orgs[g["giver"]],
            orgs[g["receiver"]],
        )
        on = _date(g.get("on")) or anchor - dt.timedelta(weeks=g["weeks_ago"])
        if not Exchange.objects.filter(
            partnership=partnership, giver=giver, receiver=receiver, on=on
        ).exists():
            resource_actions.exchange_record(
                by=None,
                partnership=partnership,
                giver=giver,
                receiver=receiver,
                kind=g["kind"],
                description=g["description"],
                on=on,
                hours=Decimal(g["hours"]) if g["hours"] else None,
            )
    for r in data["requests"]:
        partnership, organisation = partnerships[r["partnership"]], orgs[r["organisation"]]
        if not ResourceRequest.objects.filter(partnership=partnership, title=r["title"]).exists():
            resource_actions.request_create(
                by=None,
                organisation=organisation,
                partnership=partnership,
                kind=r["kind"],
                title=r["title"],
                description=r["description"],
                area=r["area"],
                when=r["when"],
            )
    for d in data["documents"]:
        partnership, owner = partnerships[d["partnership"]], orgs[d["owner"]]
        if not SharedDocument.objects.filter(partnership=partnership, title=d["title"]).exists():
            name = d["title"].lower().replace(" ", "-") + ".txt"
            resource_actions.document_add(
                by=None,
                partnership=partnership,
                owner=owner,
                title=d["title"],
                kind=d["kind"],
                version=d["version"],
                audience=d["audience"],
                file=ContentFile(d["text"].encode(), name=name),
            )
    return len(offers)


def _at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time.fromisoformat(clock), tzinfo=timezone.get_current_timezone()
    )


def _agreements(
    data: dict[str, Any], orgs: dict[str, Organisation], partnerships: dict[str, Partnership]
) -> int:
    """Agreements signed on paper some months before the demo was first loaded, so that one is
    overdue for its yearly review; drafts still being written; the hours each member commits
    and the must-dos the lead attests."""
    first = Agreement.objects.filter(title=data["agreements"][0]["title"]).first()
    anchor = timezone.localdate(first.created_at) if first else timezone.localdate()
    for a in data["agreements"]:
        partnership = partnerships[a["partnership"]]
        if Agreement.objects.filter(partnership=partnership, title=a["title"]).exists():
            continue
        agreement = agreement_actions.agreement_create(
            by=None,
            partnership=partnership,
            kind=a["kind"],
            title=a["title"],
            sections=a["sections"],
            counterparty=orgs.get(a.get("counterparty", "")),
            delegates=[orgs[key] for key in a["delegates"]] if "delegates" in a else None,
        )
        if a.get("draft"):
            continue
        version = agreement_actions.version_advance(
            version=agreement.versions.get(), by=None, to="signoff"
        )
        signed_on = _date(a.get("signed_on")) or anchor - dt.timedelta(days=30 * a["months_ago"])
        for organisation in agreement_actions.parties(version):
            agreement_actions.sign(
                version=version,
                by=None,
                organisation=organisation,
                board_informed=True,
                signed_on=signed_on,
            )
    for c in data["commitments"]:
        for key, hours in c["hours"].items():
            membership = (
                partnerships[c["partnership"]].memberships.current().get(organisation=orgs[key])
            )
            if membership.committed_hours is None:
                actions.membership_change(
                    by=None, membership=membership, committed_hours=Decimal(hours)
                )
    for t in data["attestations"]:
        partnership = partnerships[t["partnership"]]
        if not partnership.attestations.filter(item=t["item"]).exists():
            agreement_actions.attest(
                partnership=partnership, by=None, item=t["item"], note=t["note"]
            )
    for i in data["invitations"]:
        partnership = partnerships[i["partnership"]]
        if not partnership.invitations.filter(email=i["email"]).exists():
            invitations.invitation_send(
                by=None,
                partnership=partnership,
                email=i["email"],
                contact_name=i["contact_name"],
                role=i["role"],
                organisation_name=i["organisation_name"],
                sector=i["sector"],
            )
    return sum(not a.get("draft") for a in data["agreements"])
