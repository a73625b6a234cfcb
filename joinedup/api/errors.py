"""One shape for every API error, and the handlers that produce it.

    {"detail": "what went wrong", "errors": [{"field": "name", "message": "…"}]}

`errors` names each field at fault on a 422 and is empty otherwise, but for a 409 about a
stale `version` (joinedup.versions), where it names `version` and the current one.

Every lost race answers 409: a change based on an old version, a database constraint that
stopped the second of two writes, an action that found the state changed under it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from joinedup.ops.errors import unavailable
from joinedup.versions import Stale


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    detail: str
    errors: list[FieldError] = []


def error_responses(*codes: int) -> dict[int, type[Error]]:
    """The error part of an endpoint's `response=`: any endpoint can answer 400 (a body or
    query that cannot be parsed, or too large), 401 (no valid token), 422 (a value that is not
    valid) and 503 (the database is away; try again after `Retry-After` seconds)."""
    return {code: Error for code in sorted({400, 401, 422, 503, *codes})}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_name(loc: list[Any]) -> str:
    # Ninja's locations start with where the value came from ("body", "query", "path"), and a
    # body is named "payload" in our endpoints; what the client sent is named by the rest.
    rest = [str(part) for part in loc[1:] if part != "payload"]
    return ".".join(rest) or (str(loc[0]) if loc else "body")


def _lost_race(exc: DjangoValidationError) -> bool:
    """An action's refusal because another write won (code "conflict", as
    `joinedup.actions.action` raises when the database stops the second of two writes)."""
    if hasattr(exc, "error_dict"):
        errors = [e for es in exc.error_dict.values() for e in es]
    else:
        errors = exc.error_list
    return any(e.code == "conflict" for e in errors)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(list(e.get("loc", []))), "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return _respond(api, request, 422, "The request is not valid.", errors)

    @api.exception_handler(DjangoValidationError)
    def invalid_action(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if _lost_race(exc):
            return _respond(api, request, 409, exc.messages[0])
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "__all__", "message": m} for m in exc.messages]
        return _respond(api, request, 422, "The request is not valid.", errors)

    @api.exception_handler(Stale)
    def stale(request: HttpRequest, exc: Stale) -> HttpResponse:
        message = f"The current version is {exc.current}; this change was based on {exc.based_on}."
        return _respond(api, request, 409, str(exc), [{"field": "version", "message": message}])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, "Not found.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, "You may see this but not change it.")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _respond(
            api, request, 401, "Send a valid API token: Authorization: Bearer <token>."
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Two writes raced and the database's constraints stopped the second: nothing was saved.
        return _respond(
            api, request, 409, "This conflicts with a change made at the same time; try again."
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _respond(api, request, exc.status_code, str(exc))

    install_service_errors(api)


def install_service_errors(api: NinjaAPI) -> None:
    """Faults of the service rather than of the request: a body too large to read, and the
    database away (`joinedup.ops.errors.DATABASE_AWAY`: 503, see that module)."""

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _respond(
            api, request, 400, f"The request body is larger than the {limit:,} bytes allowed."
        )

    @api.exception_handler(OperationalError)
    def database_away(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        return unavailable(request)

    @api.exception_handler(InterfaceError)
    def database_gone(request: HttpRequest, exc: InterfaceError) -> HttpResponse:
        return unavailable(request)
