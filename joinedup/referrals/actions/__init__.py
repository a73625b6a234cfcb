"""Every change to people, consents, protocols and referrals. Each runs in one transaction,
writes the audit log (and, for personal data, the access log) and tells the other side only
after it commits."""

from joinedup.referrals.actions.records import (
    consent_record,
    consent_withdraw,
    person_create,
    person_update,
    protocol_set,
)
from joinedup.referrals.actions.workflow import (
    message_post,
    referral_accept,
    referral_close,
    referral_complete,
    referral_create,
    referral_decline,
    referral_expire,
    referral_net,
    referral_pass_on,
    referral_see,
    referral_send,
    referral_start,
    referral_withdraw,
    signpost_record,
    timings_set,
)
from joinedup.referrals.erasure import person_erase, retention_run

__all__ = [
    "consent_record",
    "consent_withdraw",
    "message_post",
    "person_create",
    "person_erase",
    "person_update",
    "protocol_set",
    "referral_accept",
    "referral_close",
    "referral_complete",
    "referral_create",
    "referral_decline",
    "referral_expire",
    "referral_net",
    "referral_pass_on",
    "referral_see",
    "referral_send",
    "referral_start",
    "referral_withdraw",
    "retention_run",
    "signpost_record",
    "timings_set",
]
