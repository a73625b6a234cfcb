"""What a consent says, in plain English, for the worker to read out or print for the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from joinedup.lib.needs import NEEDS
from joinedup.referrals.models import (
    FIELDS,
    SPECIAL_CATEGORY,
    Consent,
    ConsentMethod,
    Person,
    Purpose,
)

PURPOSE_WORDS = {
    Purpose.REFERRAL: "to refer you to them for support",
    Purpose.COORDINATION: "so that the services supporting you can work together",
    Purpose.SAFEGUARDING: "to keep you or others safe from harm",
}
METHOD_WORDS = {
    ConsentMethod.VERBAL: "by telling us",
    ConsentMethod.WRITTEN: "in writing",
    ConsentMethod.DIGITAL: "online",
}
FIELD_WORDS = {
    "name": "your name",
    "contact": "how to contact you",
    "safe_contact": "how not to contact you",
    "born_on": "your date of birth",
    "age_band": "your age group",
    "postcode": "your postcode",
    "needs": "your needs",
    "notes": "notes about your situation",
}


def listed(items: Iterable[str], joiner: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def day(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return f"{value:%-d %B %Y}"


def consent_summary(consent: Consent) -> list[str]:
    """The consent as sentences addressed to the person."""
    holder = consent.person.organisation
    recipients = sorted(o.name for o in consent.recipients.all())
    fields = [f for f in FIELDS if f in consent.fields]
    who = f"{consent.given_by} agreed for you" if consent.given_by else "You agreed"
    sentences = [
        f"{who} on {day(consent.recorded_at)} that {holder} may share "
        f"{listed(FIELD_WORDS[f] for f in fields)} with {listed(recipients, 'or')}, "
        f"{listed((PURPOSE_WORDS[Purpose(p)] for p in consent.purposes), 'or')}, "
        f"until {day(consent.expires_on)}.",
    ]
    if not consent.given_by:
        sentences.append(f"You gave this agreement {METHOD_WORDS[ConsentMethod(consent.method)]}.")
    special = [FIELD_WORDS[f] for f in fields if f in SPECIAL_CATEGORY]
    if special:
        sentences.append(
            f"{listed(special).capitalize()} may say something about your health or your "
            "safety. The law gives this extra protection, and it is shared only as you agreed."
        )
    sentences.append(
        f"Only the people at {holder} and at the organisations you are referred to who need to "
        "see it will see it. Nothing else about you is shared, and nothing is shared with "
        "anyone else."
    )
    if consent.withdrawn_at is not None:
        sentences.append(
            f"You withdrew this agreement on {day(consent.withdrawn_at)}: nothing more is "
            "shared, and the organisations you were referred to can no longer see your details."
        )
    else:
        sentences.append(
            f"You can change your mind at any time by telling {holder}. From then on nothing "
            "more is shared, and the organisations you were referred to can no longer see your "
            "details. You can also ask to see everything we hold about you, or ask us to "
            "delete it."
        )
    return sentences


def shown(person: Person, field: str) -> str:
    """A field of a person's record, as words."""
    value = getattr(person, field)
    if field == "needs":
        return ", ".join(NEEDS.get(code, code) for code in value)
    if field == "age_band":
        return str(person.get_age_band_display())  # type: ignore[attr-defined]
    if field == "born_on":
        return day(value) if value else ""
    return str(value or "")
