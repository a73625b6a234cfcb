"""Middleware of our own: the content security policy every page is held to, no caching of
personal data, and compression of the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control

V = TypeVar("V", bound=Callable[..., Any])

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
    """`Cache-Control: no-store` on personal-data answers, so no browser or proxy keeps them;
    `public, max-age` on the API's public documents."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_personal_data(request):
            response.headers["Cache-Control"] = "no-store"
        elif request.path in PUBLIC_API_PATHS and response.status_code == 200:
            # The same for everyone and fixed while the process runs: caches may keep it.
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response


# Public, read-only documents under the API's prefix: no personal data, the same for everyone.
PUBLIC_API_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")
PUBLIC_MAX_AGE = 60 * 60  # an hour: a new release's document is read within the hour


def counts_only(view: V) -> V:
    """Mark a page of an app that carries personal data (`NO_STORE_APPS`) as one that shows
    counts and organisations only, never a person: it is compressed like any other page (the
    referral flows: 319 kB at 500 members, 22 kB gzipped; issue 19). It is still kept by no
    cache: a message left for the next page may name someone. Decorators copy the mark to
    their wrappers (`functools.wraps` updates `__dict__`)."""
    view.counts_only = True  # type: ignore[attr-defined]
    return view


def carries_personal_data(request: HttpRequest) -> bool:
    """Whether the answer to `request` may carry personal data of people being supported (or
    a secret): kept by no cache and, in `PageCompressionMiddleware`, not compressed."""
    if request.path in PUBLIC_API_PATHS:
        return False
    match = request.resolver_match
    module = getattr(match.func, "__module__", "") if match else ""
    return request.path.startswith(NO_STORE_PREFIXES) or module.startswith(NO_STORE_APPS)


class PageCompressionMiddleware(GZipMiddleware):
    """Pages and JSON gzipped (a 7 MB network page is 0.3 MB gzipped), but not the answers
    that carry personal data.

    BREACH: an attacker who can make a victim's browser send requests that reflect chosen
    text into a compressed HTTPS response, and can watch the responses' sizes, may guess a
    secret on the same page a character at a time. Here:
    - the CSRF token is masked afresh on every response (Django has done so since 1.10), so
      the token on a page is never the same string twice and cannot be guessed this way;
    - Django's GZipMiddleware (4.2+) pads each compressed response with 0–100 random bytes
      ("Heal the Breach"), which makes the sizes too noisy to read a secret from;
    - and we choose not to compress what would be worth stealing — the answers that carry
      people's personal data (the referrals app's pages and the API, `carries_personal_data`,
      the same set that is kept out of caches). Those are small pages; the large ones
      (network, report, ratings, flows, the directory) hold counts and organisations.
    Static files are compressed once, at `collectstatic`, by whitenoise
    (`CompressedManifestStaticFilesStorage`), and are served as they are."""

    def process_response(  # type: ignore[override]
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        match = request.resolver_match
        counts_only = match is not None and getattr(match.func, "counts_only", False)
        if carries_personal_data(request) and not counts_only:
            return response
        return super().process_response(request, response)
