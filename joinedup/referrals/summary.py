"""The referral summary is free text, sent beside the fields the consent allows: a phone
number, email address or date typed into it would go to the receiver whatever the consent
says. Before it is sent the worker is warned of each one the consent does not cover, and
sends only once they confirm they have checked (the form's tick; the API's
`summary_acknowledged`)."""

from __future__ import annotations

from joinedup.lib.personal import Kind, personal_details
from joinedup.referrals.models import FIELDS, Consent

# The field of a person's record whose consent covers each kind of detail.
COVERED_BY: dict[Kind, str] = {"phone": "contact", "email": "contact", "date": "born_on"}
WHAT = {"phone": "a phone number", "email": "an email address", "date": "a date"}
SUMMARY_HOLDS = (
    "The summary holds {details}, which the person's consent does not cover ({fields}). "
    "Take {them} out, or confirm that you have checked {them} may be shared."
)


def summary_warning(summary: str, consent: Consent) -> str:
    """What to warn of before `summary` is sent under `consent`; empty when nothing."""
    covered = set(consent.fields)
    uncovered = [f for f in personal_details(summary) if COVERED_BY[f.kind] not in covered]
    if not uncovered:
        return ""
    details = ", ".join(f"{WHAT[f.kind]} ({f.text})" for f in uncovered)
    fields = dict.fromkeys(FIELDS[COVERED_BY[f.kind]] for f in uncovered)
    return SUMMARY_HOLDS.format(
        details=details,
        fields=", ".join(fields),
        them="it" if len(uncovered) == 1 else "them",
    )
