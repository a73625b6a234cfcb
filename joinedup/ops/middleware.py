"""Answers for faults outside the views: the database away (503), and the APIs' error shape."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.ops.errors import DATABASE_AWAY, is_api, json_error, unavailable

logger = logging.getLogger(__name__)

# Kept from the original answer when it is reshaped: they tell the client what to do next.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")
DETAILS = {
    400: "The request could not be read.",
    403: "You may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    500: "Something went wrong on our side. The error has been logged.",
}


class ServiceErrorsMiddleware:
    """Database faults answer 503 (JSON under /api/, a page elsewhere); every API error that
    Django itself produced (an unknown path, a wrong method, a failure in a middleware)
    is given the API's JSON shape, keeping its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            response = _as_json(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_AWAY):
            return None
        logger.error("The database is not answering (%s): %s", request.path, exception)
        return unavailable(request)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _as_json(response: HttpResponse) -> HttpResponse:
    detail = DETAILS.get(response.status_code, f"{response.reason_phrase}.")
    reshaped = json_error(response.status_code, detail)
    for header in KEPT_HEADERS:
        if header in response:
            reshaped[header] = response[header]
    return reshaped
