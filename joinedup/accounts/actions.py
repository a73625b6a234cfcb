"""Writes for people, their API tokens and their second sign-in step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import ApiToken, User, hash_token
from joinedup.accounts.two_factor import RECOVERY_CODES
from joinedup.actions import action
from joinedup.audit.actions import audit_record

NO_SETUP = "Start setting up two-factor sign-in first."
WRONG_CODE = "That code is not right. Type the six digits your app shows now."


@action
def api_token_create(
    *, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `user`; return it with the raw value, which is never stored. It expires
    at `expires_at`, by default `JOINEDUP_TOKEN_DAYS` (90) days from now."""
    raw = ApiToken.new_raw_token()
    token = ApiToken(user=user, name=name, key_hash=hash_token(raw), hint=raw[:8])
    if expires_at is not None:
        if expires_at <= timezone.now():
            raise ValidationError({"expires_at": "A token must expire in the future."})
        token.expires_at = expires_at
    token.save()
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        after={"name": name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@action
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    audit_record(actor=by, action="api_token.revoke", obj=token, before={"name": token.name})
    token.delete()


@action
def api_tokens_revoke(*, user: User, reason: str, by: User | None = None) -> int:
    """Revoke every API token `user` has, saying why (e.g. "password reset", "removed from
    Riverside Mind"); each is audited. Returns how many were revoked. Call it whenever someone
    must lose the access their tokens carried; it is safe to call when they have none."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user))
    for token in tokens:
        audit_record(
            actor=by,
            action="api_token.revoke",
            obj=token,
            before={"name": token.name},
            after={"reason": reason},
        )
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    return len(tokens)


@action
def secrets_revoke(*, user: User, reason: str, by: User | None = None) -> None:
    """Revoke every API token and calendar link `user` holds, saying why (a password reset or
    change): whoever learnt the old password may have made them."""
    from joinedup.meetings.models import FeedToken

    api_tokens_revoke(user=user, reason=reason, by=by)
    feeds = FeedToken.objects.filter(user=user)
    if feeds.exists():
        audit_record(
            actor=by,
            action="calendar.revoke_all",
            obj=user,
            after={"reason": reason, "calendar_links": feeds.count()},
        )
        feeds.delete()


@action
def two_factor_start(*, user: User) -> TOTPDevice:
    """A new authenticator for `user`, unconfirmed until they type its first code. Starting
    again replaces one that was never confirmed; a confirmed one stays until the new one is."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@action
def two_factor_confirm(*, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with the authenticator being set up, once `code` shows the
    app holds its secret; return ten new recovery codes (shown once; any older ones stop
    working)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": NO_SETUP})
    if not device.verify_token(code.replace(" ", "")):
        raise ValidationError({"code": WRONG_CODE})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    audit_record(actor=user, action="user.two_factor_on", obj=user)
    return codes


@action
def two_factor_disable(*, user: User, by: User) -> None:
    """Turn two-factor sign-in off: the authenticator and the recovery codes are forgotten."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=by, action="user.two_factor_off", obj=user)


@action
def user_register(*, email: str, name: str, password: str) -> User:
    """A new person, signing up through an invitation sent to `email`."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already signs in with this address."})
    user = User.objects.create_user(email, password, name=name)
    audit_record(actor=user, action="user.register", obj=user, after={"email": user.email})
    return user


@action
def preference_set(*, user: User, key: str, value: Any) -> None:
    """Remember how `user` likes a page shown (`key` names the page's choice, e.g.
    "programme_columns"); `value` is JSON. Only they change their own preferences."""
    # Read afresh under a lock: another page may have just remembered a choice of its own.
    preferences = (
        User.objects.select_for_update().values_list("preferences", flat=True).get(pk=user.pk)
    )
    before = preferences.get(key)
    user.preferences = {**preferences, key: value}
    if before == value:
        return
    User.objects.filter(pk=user.pk).update(preferences=user.preferences)
    audit_record(
        actor=user, action="user.preference_set", obj=user, before={key: before}, after={key: value}
    )
