"""What the site answers when something fails outside a view's own checks.

The APIs (everything under /api/) answer their JSON error shape whatever the status,
`{"detail": "…", "errors": []}`; pages answer HTML in the site's look. When the database is
away (restarting, unreachable, out of connections, locked for too long) both answer
**503 Service Unavailable** with `Retry-After`, not 500: the fault is the service's, it
passes, and a person, a client or a load balancer should try again shortly.

Any other fault answers 500 with a short **reference**, also written in the one log line
for it (`Internal Server Error: /path (reference 7F3A-92C1)` with its traceback), so that
the person who met it can quote it and whoever runs the site can find it. The 500 page is
rendered without the request, like the 503 page: nothing on it may ask the database.
"""

from __future__ import annotations

import logging
import secrets
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape

logger = logging.getLogger(__name__)
# Django's own logger for failed requests: the line keeps its usual name and routing.
request_logger = logging.getLogger("django.request")

# The errors a database raises when it cannot be reached or cannot serve the query now, as
# opposed to refusing it (IntegrityError, DataError): trying again later may succeed.
DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "The database is not answering at the moment; please try again in a minute."
SERVER_ERROR = "Something went wrong on our side. The error has been logged."


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": []}, status=status)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a request that needed the database while it was away.

    The page is rendered without the request: the person's session and account live in the
    database too, so nothing on it may ask who they are."""
    if is_api(request):
        response: HttpResponse = json_error(503, UNAVAILABLE)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": UNAVAILABLE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def new_reference() -> str:
    """Eight random hex digits in two groups, e.g. `7F3A-92C1`: short enough to read out on
    the phone, and 4 billion of them, so one server's log does not repeat one."""
    digits = secrets.token_hex(4).upper()
    return f"{digits[:4]}-{digits[4:]}"


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the last resort for an exception nothing else answered.

    It runs while that exception is being handled, so it can tell a database that is away
    (raised, say, while a middleware saved the session) from a fault in our code. For a fault
    in our code it logs the exception once, with a reference it also gives the person."""
    exc_info = sys.exc_info()
    if isinstance(exc_info[1], DATABASE_AWAY):
        return unavailable(request)
    reference = new_reference()
    request_logger.error(
        "Internal Server Error: %s (reference %s)",
        request.path.encode("unicode_escape").decode("ascii"),
        reference,
        exc_info=exc_info if exc_info[0] is not None else None,
        extra={"status_code": 500, "request": request},
    )
    if is_api(request):
        response: HttpResponse = json_error(500, f"{SERVER_ERROR} Reference: {reference}.")
    else:
        response = HttpResponseServerError(_server_error_page(reference))
    # Logged above, with the reference: Django need not log it again without one.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _server_error_page(reference: str) -> str:
    context = {"reference": reference, "support_email": settings.JOINEDUP_SUPPORT_EMAIL}
    try:
        return render_to_string("500.html", context)
    except Exception:  # the page's own templates or static files failed: still answer
        logger.exception("The 500 page could not be rendered (reference %s)", reference)
        return (
            '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            "<title>Something went wrong · Joined Up</title></head><body><main>"
            "<h1>Something went wrong</h1><p>The error has been logged with the reference "
            f"<strong>{escape(reference)}</strong>.</p>"
            '<p><a href="/">Go to the home page</a></p></main></body></html>'
        )
