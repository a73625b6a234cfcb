"""Bearer tokens for the API: `Authorization: Bearer ju_…`, matched by their SHA-256; an
expired token, or an inactive person's, is refused like an unknown one (401)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from joinedup.accounts.models import ApiToken, hash_token

logger = logging.getLogger(__name__)

# Recording every use would write on every read; once in this interval is enough to see
# which tokens are alive.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_in_use(token: str) -> ApiToken | None:
    """The live token `token` (with its user), or None for an unknown, expired or inactive one."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), user__is_active=True, expires_at__gt=timezone.now())
        .first()
    )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_in_use(token)
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            note_use(found, now)
        request.user = found.user
        return found.user


def note_use(token: ApiToken, now: dt.datetime) -> None:
    """Record when the token was last used, never failing the request for it: on a read-only
    disk, or a database refusing writes, the update is undone to its own savepoint (so the
    rest of the request can still read) and a warning logged."""
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError as error:
        logger.warning("Could not record the use of API token %s: %s", token.pk, error)
