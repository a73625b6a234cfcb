"""Writes for people and their API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from joinedup.accounts.models import ApiToken, User, hash_token
from joinedup.actions import action
from joinedup.audit.actions import audit_record


@action
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; return it with the raw value, which is never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), hint=raw[:8])
    audit_record(actor=user, action="api_token.create", obj=token, after={"name": name})
    return token, raw


@action
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    audit_record(actor=by, action="api_token.revoke", obj=token, before={"name": token.name})
    token.delete()


@action
def user_register(*, email: str, name: str, password: str) -> User:
    """A new person, signing up through an invitation sent to `email`."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already signs in with this address."})
    user = User.objects.create_user(email, password, name=name)
    audit_record(actor=user, action="user.register", obj=user, after={"email": user.email})
    return user
