"""The JSON API at /api/v1/: every app's router, one auth scheme, one error shape."""

from __future__ import annotations

from joinedup.api import errors
from joinedup.api.auth import BearerToken
from joinedup.api.openapi import CachedSchemaApi

api = CachedSchemaApi(
    title="Joined Up API",
    version="1",
    description=(
        "Partnerships, their member organisations and memberships, and the resources partners "
        "share: offers, requests, bookings and the give-and-receive ledger; people, their "
        "consents and referrals between partners, under a data-sharing protocol. Authenticate with "
        "`Authorization: Bearer <token>`; make a token on your settings page or with "
        "`joinedup token --user EMAIL`. A token expires after 90 days and is revoked when its "
        "owner resets their password; an expired or revoked token gets 401. "
        "Every error has the shape "
        '`{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`.'
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)


def _mount() -> None:
    from joinedup.agreements.api import router as agreements_router
    from joinedup.charter.api import router as charter_router
    from joinedup.decisions.api import router as decisions_router
    from joinedup.health.api import router as health_router
    from joinedup.health.api_evidence import router as health_evidence_router
    from joinedup.meetings.api import router as meetings_router
    from joinedup.partnerships.api import router as partnerships_router
    from joinedup.referrals.api import router as referrals_router
    from joinedup.resources.api import router as resources_router

    api.add_router("/", partnerships_router)
    api.add_router("/", resources_router)
    api.add_router("/", agreements_router)
    api.add_router("/", meetings_router)
    api.add_router("/", decisions_router)
    api.add_router("/", referrals_router)
    api.add_router("/", health_router)
    api.add_router("/", health_evidence_router)
    api.add_router("/", charter_router)

    from joinedup.reflection.api import router as reflection_router

    api.add_router("/", reflection_router)

    from joinedup.learning.api import router as learning_router

    api.add_router("/", learning_router)

    from joinedup.events.api import router as events_router

    api.add_router("/", events_router)


_mount()
