"""Who may see and do what with people, consents and referrals (found by `rules`' autodiscovery).

- A person's record and their consents: the staff of the organisation that holds them.
- A referral: the staff of the referring organisation, and of the receiving one once it is sent.
- Personal details on a referral: the referrer always where it holds the record; otherwise
  (the receiver, or a receiver that passed it on) only while the consent stands and the
  referral is not withdrawn, and never after erasure.
- Everyone else — a third partner, a programme officer, an outsider — sees counts only: a 404
  on every page and endpoint above.
- Erasing a person, and the personal-data access log of an organisation: its admins and
  managers, who act as its data protection lead.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from joinedup.access import acts_for, org_roles, standing
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation, Partnership
from joinedup.referrals.models import Consent, Person, Referral, Status


@rules.predicate
def holds_person(user: Any, person: Person) -> bool:
    return acts_for(user, person.organisation_id)


@rules.predicate
def holds_consent(user: Any, consent: Consent) -> bool:
    return acts_for(user, consent.person.organisation_id)


@rules.predicate
def refers(user: Any, referral: Referral) -> bool:
    return acts_for(user, referral.from_org_id)


@rules.predicate
def receives(user: Any, referral: Referral) -> bool:
    return referral.status != Status.DRAFT and acts_for(user, referral.to_org_id)


def sees_details(user: Any, referral: Referral) -> bool:
    """Whether `user` may read the personal details the referral shares."""
    if referral.erased_at is not None or referral.person.erased_at is not None:
        return False
    if refers(user, referral) and referral.from_org_id == referral.person.organisation_id:
        return True
    if not (refers(user, referral) or receives(user, referral)):
        return False
    return referral.status != Status.WITHDRAWN and referral.consent.stands(timezone.localdate())


@rules.predicate
def manages_holder(user: Any, person: Person) -> bool:
    return org_roles(user).get(person.organisation_id) in MANAGING_ORG_ROLES


@rules.predicate
def reads_access_log(user: Any, organisation: Organisation) -> bool:
    return org_roles(user).get(organisation.pk) in MANAGING_ORG_ROLES


@rules.predicate
def sees_flows(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).can_view


rules.add_perm("referrals.view_person", holds_person)
rules.add_perm("referrals.change_person", holds_person)
rules.add_perm("referrals.erase_person", manages_holder)
rules.add_perm("referrals.view_consent", holds_consent)
rules.add_perm("referrals.change_consent", holds_consent)
rules.add_perm("referrals.view_referral", refers | receives)
rules.add_perm("referrals.refer", refers)
rules.add_perm("referrals.receive", receives)
rules.add_perm("referrals.message", refers | receives)
rules.add_perm("referrals.view_access", reads_access_log)
rules.add_perm("referrals.view_flows", sees_flows)
