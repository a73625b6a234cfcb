"""Bearer tokens for the API: `Authorization: Bearer ju_…`, matched by their SHA-256; an
expired token, or an inactive person's, is refused like an unknown one (401)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from joinedup.accounts.models import ApiToken, hash_token

# Recording every use would write on every read; once in this interval is enough to see
# which tokens are alive.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True, expires_at__gt=timezone.now())
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
