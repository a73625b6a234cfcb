"""What the site answers when something fails outside a view's own checks.

The APIs (everything under /api/) answer their JSON error shape whatever the status,
`{"detail": "…", "errors": []}`; pages answer HTML in the site's look. When the database is
away (restarting, unreachable, out of connections, locked for too long) both answer
**503 Service Unavailable** with `Retry-After`, not 500: the fault is the service's, it
passes, and a person, a client or a load balancer should try again shortly.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

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


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the last resort for an exception nothing else answered.

    It runs while that exception is being handled, so it can tell a database that is away
    (raised, say, while a middleware saved the session) from a fault in our code."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_AWAY):
        return unavailable(request)
    if is_api(request):
        return json_error(500, SERVER_ERROR)
    return defaults.server_error(request)
