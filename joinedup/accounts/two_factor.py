"""Two-factor sign-in: who must use it, and the devices (django-otp) that hold it.

A person's second factor is an authenticator app (a `TOTPDevice`, a time-based code from a
secret shared once through a QR code) and ten single-use recovery codes (a `StaticDevice`),
for when the phone is lost. Both are made unconfirmed when they start setting it up and
confirmed together when they type a first correct code, so a half-finished setup never locks
anyone out.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django_otp import devices_for_user
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.partnerships.models import Affiliation, OrgRole

RECOVERY_CODES = 10
# Roles whose holders see the people their organisation supports (volunteers and trustees do
# not: see joinedup/referrals/rules.py).
PERSONAL_DATA_ROLES = (OrgRole.ADMIN, OrgRole.MANAGER, OrgRole.STAFF)


def two_factor_required(user: Any) -> bool:
    """Whether `user` must sign in with a second factor.

    Superusers must, and so must anyone who can see the personal data of people being
    supported: an admin, manager or staff member of an organisation that holds people's
    records (`referrals.Person`) or receives referrals. Everyone else may turn it on. The
    requirement is off altogether when `JOINEDUP_REQUIRE_2FA` is false (the demo, the tests)."""
    if not settings.JOINEDUP_REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from joinedup.referrals.models import Person, Referral

    holds_people = Exists(Person.objects.filter(organisation=OuterRef("organisation")))
    receives = Exists(Referral.objects.filter(to_org=OuterRef("organisation")))
    return (
        Affiliation.objects.filter(user=user, role__in=PERSONAL_DATA_ROLES)
        .filter(Q(holds_people) | Q(receives))
        .exists()
    )


def has_two_factor(user: Any) -> bool:
    return any(isinstance(d, TOTPDevice) for d in devices_for_user(user, confirmed=True))


def pending_authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def code_used_already(user: Any, code: str) -> bool:
    """Whether `code` is the app's code that last signed this person in (or turned two-factor
    on). Each code works once, so typing it again within its 30 seconds is refused; saying why
    spares them doubting a code that is right."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or device.last_t < 0 or not (code.isascii() and code.isdigit()):
        return False
    return hotp(device.bin_key, device.last_t, digits=device.digits) == int(code)


def qr_svg(device: TOTPDevice) -> str:
    """The authenticator's `otpauth://` address as an inline SVG QR code (drawn here: the
    secret never leaves the server). Sized by its viewBox, so the stylesheet shrinks it to fit a
    narrow phone screen whole, quiet zone included, rather than cropping it."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=5, omitsize=True, title="QR code for your authenticator app"))


def secret_for_typing(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for apps that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def static_device(user: Any, *, confirmed: bool) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=confirmed).first()
