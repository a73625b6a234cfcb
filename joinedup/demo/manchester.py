"""A year of referrals between Manchester Mind, Centrepoint and GMCDP, through the actions.

Seed 001: three organisations, three specialisms (mental health, homelessness, disability
rights), one part-time adviser each, who share what they learn and refer people to each
other. They sign a data-sharing protocol first; then, about every four weeks, one adviser
refers someone to another, each for the need the other knows best, and every organisation
both refers and receives. The people are invented, marked `invented=True` and named with
"(invented)". A partnership whose protocol exists already is skipped whole, so a second run
writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from joinedup.agreements.models import Agreement
from joinedup.demo import referrals as demo_referrals
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals import actions
from joinedup.referrals.models import Referral

PARTNERSHIP = "manchester-mind-crisis-partnership"
TITLE = "Manchester crisis partnership data-sharing protocol"
# Who refers to whom, and for which need: each to the specialism of the other.
ROUTES = [
    ("centrepoint", "manchester-mind", "mental_health"),
    ("gmcdp", "centrepoint", "housing"),
    ("manchester-mind", "gmcdp", "disability"),
    ("centrepoint", "gmcdp", "benefits"),
    ("gmcdp", "manchester-mind", "mental_health"),
    ("manchester-mind", "centrepoint", "housing"),
]
STORIES = ["completed", "completed", "declined:no_capacity", "completed", "no_help", "completed"]
EVERY = 4  # weeks between referrals
COUNT = 12
# Who they are: people the seeds do not name, so numbered after the Axis hub's people.
FIRST_PERSON = 70


def load(orgs: dict[str, Organisation], partnerships: dict[str, Partnership]) -> int:
    """Load the partnership's referrals (if not loaded yet); return how many there are."""
    partnership = partnerships[PARTNERSHIP]
    if Agreement.objects.filter(partnership=partnership, title=TITLE).exists():
        return Referral.objects.filter(partnership=partnership).count()
    today = timezone.localdate()
    protocol = demo_referrals._protocol(partnership, today, title=TITLE)
    services = demo_referrals._services([orgs[key] for key in {r[1] for r in ROUTES}])
    for n in range(COUNT):
        source, target, need = ROUTES[n % len(ROUTES)]
        sent = demo_referrals._at(today - dt.timedelta(weeks=EVERY * (COUNT - n) - 1), 11)
        referrer, to_org = orgs[source], orgs[target]
        person, consent = demo_referrals._person(FIRST_PERSON + n, referrer, [to_org], sent, need)
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
            summary=f"Referred by the {referrer.name.split(' (')[0]} adviser for "
            f"{need.replace('_', ' ')}. (Invented for the demo.)",
        )
        demo_referrals._answer(referral, STORIES[n % len(STORIES)], until=timezone.now() - sent)
        demo_referrals._backdate(referral, person, sent)
    return COUNT
