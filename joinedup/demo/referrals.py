"""A year of invented referrals between the Axis Youth Hub's partners, through the actions.

The hub signs a data-sharing protocol first (an agreement signed by every party). Then each
week or so a partner refers someone: most are accepted and completed, some declined with a
reason, one expires unanswered, one person withdraws their consent, the latest wait for an
answer; partners also signpost people anonymously. Every person is invented, marked
`invented=True`, and named with "(invented)".

The actions stamp each step with the time it runs; the demo then moves those stamps back to
the day each step is meant to have happened, so that the year reads as a year. A hub whose
protocol exists already is skipped whole, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from joinedup.agreements import actions as agreement_actions
from joinedup.agreements.models import Agreement, AgreementKind
from joinedup.directory.models import Service
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals import actions
from joinedup.referrals.models import (
    Access,
    ConsentMethod,
    DeclineReason,
    Event,
    LawfulBasis,
    Outcome,
    Person,
    Purpose,
    Referral,
    Status,
)

PARTNERSHIP = "axis-youth-hub"
TITLE = "Axis Youth Hub data-sharing protocol"
SHARED = ["name", "contact", "safe_contact", "age_band", "postcode", "needs"]
REFERRERS = ["wyre-forest-nightstop", "kdyt", "basement-project", "our-way"]
# Receiver, and the need it is referred for.
RECEIVERS = [
    ("kdyt", "children_young_people"),
    ("wf-community-food-bank", "food"),
    ("nw-young-minds-counselling", "mental_health"),
    ("forest-debt-benefits-advice", "money_debt"),
    ("wf-council-housing-options", "housing"),
    ("our-way", "learning_disability"),
    ("turnaround-young-peoples-service", "substance_use"),
    ("safe-harbour-da-service", "domestic_abuse"),
    ("kidderminster-jobcentre", "employment_skills"),
    ("wyre-forest-nightstop", "housing"),
]
FIRST = ["Jordan", "Casey", "Riley", "Alex", "Morgan", "Taylor", "Jamie", "Sam", "Charlie", "Robin"]
LAST = ["Ashby", "Brook", "Carver", "Dale", "Ellery", "Fenn", "Garrow", "Hale", "Ince", "Jory"]
AGE_BANDS = ["16_17", "18_24", "18_24", "25_34"]
# What happens to the n-th referral (n % 8), unless it is one of the latest.
STORY = [
    "completed",
    "completed",
    "declined:no_capacity",
    "completed",
    "declined:not_eligible",
    "no_help",
    "completed",
    "declined:better_elsewhere",
]
WEEKS = 50
EXPIRED_WEEK = 3  # weeks ago: sent and never answered
WITHDRAWN_WEEK = 5  # weeks ago: the person withdrew their consent while it was open
WAITING_DAYS = (1, 3, 6)  # the latest, still waiting for an answer


def load(orgs: dict[str, Organisation], partnerships: dict[str, Partnership]) -> int:
    """Load the hub's referrals (if not loaded yet); return how many there are."""
    partnership = partnerships[PARTNERSHIP]
    if Agreement.objects.filter(partnership=partnership, title=TITLE).exists():
        return Referral.objects.filter(partnership=partnership).count()
    today = timezone.localdate()
    protocol = _protocol(partnership, today)
    receivers = [(orgs[key], need) for key, need in RECEIVERS]
    services = _services([o for o, _ in receivers])
    made = 0
    for week in range(WEEKS, 0, -1):
        n = WEEKS - week
        sent = _at(today - dt.timedelta(weeks=week, days=n % 3), 9 + n % 7)
        referrer = orgs[REFERRERS[n % len(REFERRERS)]]
        to_org, need = next(
            (o, need)
            for o, need in receivers[n % len(receivers) :] + receivers
            if o.pk != referrer.pk
        )
        person, consent = _person(
            n, referrer, [o for o, _ in receivers if o != referrer], sent, need
        )
        referral = actions.referral_create(
            person=person,
            consent=consent,
            protocol=protocol,
            by=None,
            from_org=referrer,
            service=services.get(to_org.pk),
            to_org=to_org,
            fields=["name", "contact", "needs", *(["safe_contact"] if person.safe_contact else [])],
            need=need,
            summary=f"{person.name.split()[0]} asked for help with "
            f"{need.replace('_', ' ')}. (Invented for the demo.)",
        )
        if week == EXPIRED_WEEK:
            actions.referral_expire(referral=referral)
        elif week == WITHDRAWN_WEEK:
            actions.referral_see(referral=referral, by=None)
            actions.consent_withdraw(consent=consent, by=None)
        else:
            _answer(referral, STORY[n % len(STORY)], until=timezone.now() - sent)
        _backdate(referral, person, sent)
        made += 1
    for i, days in enumerate(WAITING_DAYS):
        n = WEEKS + i
        sent = _at(today - dt.timedelta(days=days), 10 + i)
        referrer, (to_org, need) = orgs[REFERRERS[i]], receivers[(i + 1) % len(receivers)]
        person, consent = _person(n, referrer, [to_org], sent, need)
        referral = actions.referral_create(
            person=person,
            consent=consent,
            protocol=protocol,
            by=None,
            from_org=referrer,
            service=services.get(to_org.pk),
            to_org=to_org,
            fields=["name", "contact", "needs"],
            need=need,
            summary="Waiting for an answer. (Invented for the demo.)",
        )
        _backdate(referral, person, sent)
        made += 1
    _signposts(partnership, orgs, receivers, services, today)
    return made


def _protocol(partnership: Partnership, today: dt.date, title: str = TITLE) -> Any:
    agreement = agreement_actions.agreement_create(
        by=None, partnership=partnership, kind=AgreementKind.DATA_SHARING, title=title
    )
    version = agreement.versions.get()
    protocol = actions.protocol_set(
        version=version,
        by=None,
        lawful_basis=LawfulBasis.CONSENT,
        retention_days=365,
        security="Records kept in Joined Up only; devices encrypted; no printing.",
        flows={field: ([Purpose.REFERRAL], []) for field in SHARED},
    )
    agreement_actions.version_advance(version=version, by=None, to="signoff")
    for organisation in agreement_actions.parties(version):
        agreement_actions.sign(
            version=version,
            by=None,
            organisation=organisation,
            board_informed=True,
            signed_on=today - dt.timedelta(days=WEEKS * 7 + 14),
        )
    protocol.refresh_from_db()
    return protocol


def _services(receivers: list[Organisation]) -> dict[int, Service]:
    found: dict[int, Service] = {}
    for service in (
        Service.objects.filter(organization__organisation__in=receivers)
        .select_related("organization")
        .order_by("name")
    ):
        found.setdefault(service.organization.organisation_id, service)  # type: ignore[arg-type]
    return found


def _person(
    n: int, holder: Organisation, recipients: list[Organisation], at: dt.datetime, need: str
) -> tuple[Person, Any]:
    name = f"{FIRST[n % len(FIRST)]} {LAST[n * 3 % len(LAST)]} (invented)"
    person = actions.person_create(
        organisation=holder,
        by=None,
        invented=True,
        name=name,
        contact=f"07700 900{n:03d}",
        safe_contact="Text only; do not leave voicemail." if n % 4 == 0 else "",
        age_band=AGE_BANDS[n % len(AGE_BANDS)],
        postcode=f"DY1{n % 2} {n % 9}ZZ",
        needs=[need],
        notes="Invented for the demo: no such person exists.",
    )
    consent = actions.consent_record(
        person=person,
        by=None,
        method=[ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.DIGITAL][n % 3],
        purposes=[Purpose.REFERRAL],
        fields=SHARED,
        recipients=recipients,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    Person.objects.filter(pk=person.pk).update(created_at=at - dt.timedelta(hours=1))
    consent.__class__.objects.filter(pk=consent.pk).update(
        recorded_at=at - dt.timedelta(minutes=30)
    )
    return person, consent


DECLINE_NOTES: dict[str, str] = {
    DeclineReason.NO_CAPACITY: "Our caseload is full until next month.",
    DeclineReason.NOT_ELIGIBLE: "Outside our age range.",
}


def _answer(referral: Referral, story: str, until: dt.timedelta) -> None:
    """Take `referral` through `story`, as far as it has got `until` after it was sent: a
    referral sent three weeks ago is still in progress, not completed in the future."""
    actions.referral_see(referral=referral, by=None)
    if story.startswith("declined:"):
        reason = story.split(":")[1]
        actions.referral_decline(
            referral=referral,
            by=None,
            reason=reason,
            note=DECLINE_NOTES.get(reason, "Better met by the council's housing options team."),
        )
        return
    actions.referral_accept(referral=referral, by=None)
    actions.referral_start(referral=referral, by=None)
    if until < dt.timedelta(hours=AFTER[Status.COMPLETED]):
        return
    outcome = Outcome.NO_HELP if story == "no_help" else Outcome.GOT_HELP
    actions.referral_complete(referral=referral, by=None, outcome=outcome)


# Hours after sending that each status is reached.
AFTER = {
    Status.DRAFT: 0,
    Status.SENT: 0,
    Status.SEEN: 5,
    Status.ACCEPTED: 30,
    Status.DECLINED: 52,
    Status.IN_PROGRESS: 100,
    Status.COMPLETED: 24 * 35,
    Status.WITHDRAWN: 24 * 4,
    Status.EXPIRED: 24 * 14,
}
STAMPS: dict[str, str] = {
    Status.SENT: "sent_at",
    Status.SEEN: "seen_at",
    Status.ACCEPTED: "responded_at",
    Status.DECLINED: "responded_at",
}


def _backdate(referral: Referral, person: Person, sent: dt.datetime) -> None:
    stamps: dict[str, dt.datetime] = {"created_at": sent}
    for event in Event.objects.filter(referral=referral):
        event.at = sent + dt.timedelta(hours=AFTER[Status(event.status)])
        event.save(update_fields=["at"])
        if event.status in STAMPS:
            stamps[STAMPS[event.status]] = event.at
        if event.status in (Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN, Status.EXPIRED):
            stamps["ended_at"] = event.at
    Referral.objects.filter(pk=referral.pk).update(**stamps)
    Access.objects.filter(person=person).update(at=sent)


def _signposts(
    partnership: Partnership,
    orgs: dict[str, Organisation],
    receivers: list[tuple[Organisation, str]],
    services: dict[int, Service],
    today: dt.date,
) -> None:
    for i in range(24):
        from_org = orgs[REFERRERS[i % len(REFERRERS)]]
        to_org, need = next(
            (o, need)
            for o, need in receivers[(i * 3) % len(receivers) :] + receivers
            if o != from_org
        )
        nowhere = i % 6 == 5  # a need no partner's service meets
        actions.signpost_record(
            partnership=partnership,
            by=None,
            from_org=from_org,
            service=None if nowhere else services.get(to_org.pk),
            to_org=None if nowhere else to_org,
            need="immigration" if nowhere else need,
            area=f"DY1{i % 2}",
            on=today - dt.timedelta(days=7 + i * 14),
        )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
