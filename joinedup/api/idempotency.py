"""`Idempotency-Key` on the API's POSTs, as Stripe's API has it.

A client that may retry a POST (a timeout, a dropped connection, a 500 after the write was
saved) sends a key of its own making, at most 255 characters, unique per request — a UUID4.
The first answer with a 2xx status is kept 24 hours with the key; the same key from the same
person for the same request gets that answer again (with `Idempotent-Replayed: true`) and
nothing is written twice. The same key with another path or body is refused with 422. An
answer that is not 2xx is not kept: the request wrote nothing, and a retry runs it afresh.

Answers about the people partners support (under /api/v1/people, /referrals, /consents) are
not kept whole: what the first answer showed may no longer be theirs to see on a retry (the
person withdrew consent, the referral moved on, the asker left the organisation), and a replay
runs no access check and writes no access-log row. For those the kept answer is the status and
the record's `id`, with a `detail` saying the request was already made: the client reads the
record again, under today's access rules, for what it holds now.

The key is saved in the request's own transaction, before the write, so the write and the kept
answer commit together or not at all. Two retries at the same moment: the second's insert of
the key waits on the unique (user, key) index until the first commits (PostgreSQL), or for the
write lock (SQLite, whose transactions begin IMMEDIATE), and then replays the first's answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from joinedup.accounts.models import IdempotentRequest
from joinedup.api.auth import token_in_use

HEADER = "Idempotency-Key"
KEPT = dt.timedelta(hours=24)
PREFIX = "/api/"
KEY_LENGTH = "Give an Idempotency-Key of 1 to 255 characters, e.g. a UUID."
REUSED = (
    "This Idempotency-Key was used for another request (another path or body) in the last 24 "
    "hours: use a new key for a new request."
)


PERSONAL = ("/api/v1/people", "/api/v1/referrals", "/api/v1/consents")
ALREADY_MADE = (
    "This request was already made with this Idempotency-Key and nothing was done again. "
    "Read the record for what it holds now."
)


def _kept_body(path: str, content: bytes) -> bytes:
    """What is kept of a 2xx answer: all of it, or for personal data only its record's id."""
    if not path.startswith(PERSONAL):
        return content
    try:
        first = json.loads(content)
    except ValueError:
        first = None
    kept: dict[str, object] = {"detail": ALREADY_MADE, "errors": []}
    if isinstance(first, dict) and "id" in first:
        kept["id"] = first["id"]
    return json.dumps(kept).encode()


def _refuse(message: str) -> JsonResponse:
    return JsonResponse(
        {"detail": "The request is not valid.", "errors": [{"field": HEADER, "message": message}]},
        status=422,
    )


def _replay(kept: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(kept.body), status=kept.status, content_type=kept.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = token_in_use(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            return self.get_response(request)  # the API answers 401
        if not 1 <= len(key) <= 255:
            return _refuse(KEY_LENGTH)
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.get_full_path().encode(), request.body])
        ).hexdigest()
        with transaction.atomic():
            IdempotentRequest.objects.filter(
                user=found.user, created_at__lt=timezone.now() - KEPT
            ).delete()
            try:
                with transaction.atomic():
                    kept = IdempotentRequest.objects.create(
                        user=found.user,
                        key=key,
                        fingerprint=fingerprint,
                        status=0,
                        body=b"",
                        content_type="",
                    )
            except IntegrityError:
                # The key was used: its answer was committed (a request at the same moment
                # held us on the unique index until then).
                earlier = IdempotentRequest.objects.get(user=found.user, key=key)
                return _replay(earlier) if earlier.fingerprint == fingerprint else _refuse(REUSED)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                kept.status = response.status_code
                kept.body = _kept_body(request.path, response.content)
                kept.content_type = (
                    "application/json"
                    if request.path.startswith(PERSONAL)
                    else response.get("Content-Type", "application/json")
                )
                kept.save(update_fields=["status", "body", "content_type"])
            elif transaction.get_connection().needs_rollback:
                pass  # the request failed inside the transaction: all of it is undone
            else:
                kept.delete()
            return response
