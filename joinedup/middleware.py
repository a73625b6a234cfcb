"""Middleware of our own: the content security policy every page is held to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Everything is served from our own origin; no inline script or style, no CDN. htmx is told
# (in base.html) not to inject its indicator styles, so pages pass this policy as they are.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


# Answers that carry personal data of people being supported, or secrets: the API, and every
# page of the referrals app (people, consents, referrals, the access log, subject access
# exports). Pages that show a secret once (a new API token, recovery codes) say so themselves
# with Django's `never_cache`.
NO_STORE_PREFIXES = ("/api/v1/",)
NO_STORE_APPS = ("joinedup.referrals.",)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on personal-data answers, so no browser or proxy keeps them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        module = getattr(match.func, "__module__", "") if match else ""
        if request.path.startswith(NO_STORE_PREFIXES) or module.startswith(NO_STORE_APPS):
            response.headers["Cache-Control"] = "no-store"
        return response
