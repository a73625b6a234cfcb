"""A referral's world (on top of `joinedup.conftest.world`).

The partnership has a data-sharing protocol in force: name, contact, safe contact, age band,
postcode and needs may flow to every member for a referral; date of birth only to Riverside
Mind; notes never. Stan (staff at the lead, Riverside Citizens Advice) supports Pat, who
consented to share her name, contact, safe contact, postcode, needs and date of birth with
Riverside Mind and Hillside Food Bank, for a referral — not her age band, not her notes.

The characters of the referral tests: Stan refers (and Lena manages his organisation), Cora
receives at Riverside Mind, Will is the third partner, Otis the programme officer, Olive the
outsider.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.agreements import actions as agreements
from joinedup.agreements.models import AgreementKind
from joinedup.directory.actions import service_create
from joinedup.referrals import actions
from joinedup.referrals.models import ConsentMethod, LawfulBasis, Purpose

SHARED_WITH_ALL = ["name", "contact", "safe_contact", "age_band", "postcode", "needs"]
PAT: dict[str, Any] = {
    "name": "Pat Example",
    "contact": "07700 900123",
    "safe_contact": "Do not leave voicemail; text only after 6pm.",
    "born_on": dt.date(1990, 5, 17),
    "age_band": "35_49",
    "postcode": "RV1 2AB",
    "needs": ["mental_health", "money_debt"],
    "notes": "Left a violent partner in March.",
}


def protocol_in_force(world: SimpleNamespace, *, retention_days: int = 365) -> Any:
    agreement = agreements.agreement_create(
        by=None,
        partnership=world.partnership,
        kind=AgreementKind.DATA_SHARING,
        title="Riverside data-sharing protocol",
    )
    version = agreement.versions.get()
    protocol = actions.protocol_set(
        version=version,
        by=None,
        lawful_basis=LawfulBasis.CONSENT,
        retention_days=retention_days,
        security="Encrypted devices; records kept in Joined Up only.",
        flows={
            **{field: ([Purpose.REFERRAL], []) for field in SHARED_WITH_ALL},
            "born_on": ([Purpose.REFERRAL], [world.core_org]),
        },
    )
    agreements.version_advance(version=version, by=None, to="signoff")
    for organisation in agreements.parties(version):
        agreements.sign(version=version, by=None, organisation=organisation, board_informed=True)
    protocol.refresh_from_db()
    return protocol


@pytest.fixture
def referring(world: SimpleNamespace) -> SimpleNamespace:
    return referring_world(world)


def referring_world(world: SimpleNamespace) -> SimpleNamespace:
    """The protocol, the two services, Pat and her consent (see the module's docstring)."""
    r = SimpleNamespace()
    r.protocol = protocol_in_force(world)
    r.therapy = service_create(
        organisation=world.core_org, by=None, name="Talking therapies", needs=[]
    )
    r.parcels = service_create(
        organisation=world.wider_org, by=None, name="Emergency food parcels", needs=[]
    )
    r.pat = actions.person_create(organisation=world.lead_org, by=world.stan, **PAT)
    r.consent = actions.consent_record(
        person=r.pat,
        by=world.stan,
        method=ConsentMethod.VERBAL,
        purposes=[Purpose.REFERRAL],
        fields=["name", "contact", "safe_contact", "born_on", "postcode", "needs"],
        recipients=[world.core_org, world.wider_org],
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    return r


def refer(world: SimpleNamespace, r: SimpleNamespace, **kw: Any) -> Any:
    """Stan refers Pat to Riverside Mind's talking therapies, sharing name, contact and needs."""
    values: dict[str, Any] = {
        "person": r.pat,
        "consent": r.consent,
        "protocol": r.protocol,
        "by": world.stan,
        "from_org": world.lead_org,
        "service": r.therapy,
        "fields": ["name", "contact", "needs"],
        "need": "mental_health",
        "summary": "Pat would like talking therapy; anxious since losing her job.",
    }
    values.update(kw)
    return actions.referral_create(**values)
