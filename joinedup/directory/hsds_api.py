"""The open HSDS 3.0 API at /api/hsds/: read-only, no sign-in, public records only.

The endpoints, parameters and response shapes are those of the HSDS OpenAPI
(`hsds/schema/openapi.json`, served at /api/hsds/openapi.json). Plain function views rather
than a second NinjaAPI: the response shapes are the HSDS JSON schemas, which `hsds.py` writes
already, so a framework would only have added a second, weaker description of them.

Only what `Scope.public()` allows is shown: a service or location that is partners-only or
confidential is not listed, not nested, and its id answers 404, as an unknown id does.
Query parameters are checked with Django forms; a bad one answers 400 naming it, in the same
shape as /api/v1's errors: `{"detail": …, "errors": [{"field": …, "message": …}]}`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.db.models import F, FloatField, Prefetch, Q, QuerySet
from django.db.models.expressions import ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from joinedup import dates
from joinedup.directory import geocode
from joinedup.directory.hsds import (
    HSDS_VERSION,
    PROFILE,
    Scope,
    attributes_for,
    full_services,
    organization_doc,
    page,
    plain,
    public_services,
    row,
    service_at_location_doc,
    service_full_doc,
    service_list_doc,
    term_doc,
)
from joinedup.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.search import match_words, words_of

PER_PAGE = 50
MAX_PER_PAGE = 100
# `minimal` asks for every service's id in one call, so it may ask for bigger pages.
MAX_PER_PAGE_MINIMAL = 1000
MAX_PAGE = 1_000_000
# Lists count their matches up to this many and no further: counting a common word's matches
# among a million services costs more than the page itself (see bench/README.md). Past it,
# `total_items` is the cap, `total_pages` runs to the cap, and `last_page` still tells the
# truth (one more row is read to know whether another page follows).
COUNT_CAP = 10_000
# `proximity` is in metres, as the HSDS OpenAPI defines it.
MAX_PROXIMITY_METRES = 1_000_000
EARTH_RADIUS_METRES = 6_371_000.0
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_METRES / 180

OPENAPI_FILE = Path(__file__).resolve().parent / "hsds" / "schema" / "openapi.json"

NOT_FOUND = "Not found."
BAD_QUERY = "Check the query parameters: {names}."
READ_ONLY = "This API is read-only: use GET."
NOT_LOCATED = "We could not locate this postcode."
PROXIMITY_NEEDS_POSTCODE = "Give a postcode to measure the proximity from."
TRUE_OR_FALSE = "Use true or false."
ONLY_JSON = "Only json is offered."
BAD_CURSOR = "Use the after of a list's next link, as it is."
PAGE_OR_AFTER = "Give page or after, not both."


class BadQuery(Exception):
    def __init__(self, form: forms.Form) -> None:
        super().__init__("bad query")
        self.form = form


# The query parameters ----------------------------------------------------------------------


class TrueFalseField(forms.Field):
    """An HSDS boolean parameter: true or false (also 1/0, yes/no); anything else is an error,
    not quietly false."""

    def to_python(self, value: Any) -> bool:
        text = str(value or "").strip().lower()
        if text in ("", "false", "0", "no"):
            return False
        if text in ("true", "1", "yes"):
            return True
        raise forms.ValidationError(TRUE_OR_FALSE)


class FormatQuery(forms.Form):
    format = forms.ChoiceField(
        required=False, choices=[("json", "json")], error_messages={"invalid_choice": ONLY_JSON}
    )


class ListQuery(FormatQuery):
    search = forms.CharField(required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)


class ServiceFilterQuery(ListQuery):
    taxonomy_term_id = forms.UUIDField(required=False)
    taxonomy_id = forms.UUIDField(required=False)
    organization_id = forms.UUIDField(required=False)
    modified_after = forms.DateTimeField(required=False, validators=[dates.CHANGED_SINCE.validate])
    full = TrueFalseField(required=False)


class CursorField(forms.CharField):
    """`after`: where the last page ended, as the `next` link of a list gives it (opaque to
    clients: the next page's number, the last service's name and id, and the list's count as
    its first page found it, so that only the first page counts)."""

    def to_python(  # type: ignore[override]
        self, value: Any
    ) -> tuple[int, str, uuid.UUID, int] | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            number, name, id, total = json.loads(base64.urlsafe_b64decode(text.encode() + b"==="))
            if not (
                isinstance(number, int)
                and 1 < number <= MAX_PAGE
                and isinstance(name, str)
                and isinstance(total, int)
                and 0 <= total <= COUNT_CAP
            ):
                raise ValueError
            return number, name, uuid.UUID(id), total
        except (ValueError, TypeError, UnicodeError, binascii.Error):
            raise forms.ValidationError(BAD_CURSOR) from None


def cursor(number: int, name: str, id: uuid.UUID, total: int) -> str:
    """The `after` of page `number`, which follows the service `name`, `id`, in a list of
    `total` (counted up to the cap)."""
    text = json.dumps([number, name, str(id), total], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class ServiceQuery(ServiceFilterQuery):
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE_MINIMAL)
    minimal = TrueFalseField(required=False)
    after = CursorField(required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("after") and data.get("page"):
            self.add_error("after", PAGE_OR_AFTER)
        per_page = data.get("per_page")
        if per_page and per_page > MAX_PER_PAGE and not data.get("minimal"):
            self.add_error(
                "per_page",
                f"Ensure this value is less than or equal to {MAX_PER_PAGE} "
                f"({MAX_PER_PAGE_MINIMAL} with minimal=true).",
            )
        return data


class ServiceAtLocationQuery(ServiceFilterQuery):
    postcode = forms.CharField(required=False, max_length=20)
    proximity = forms.FloatField(required=False, min_value=0, max_value=MAX_PROXIMITY_METRES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["point"] = None
        if data.get("proximity") is not None and not data.get("postcode"):
            self.add_error("proximity", PROXIMITY_NEEDS_POSTCODE)
        elif data.get("postcode") and not self.errors:
            # Only a query that is otherwise right is worth a call to the geocoder.
            data["point"] = geocode.locate(data["postcode"])
            if data["point"] is None:
                self.add_error("postcode", NOT_LOCATED)
        return data


class OrganizationQuery(ListQuery):
    full = TrueFalseField(required=False)
    full_service = TrueFalseField(required=False)


class OrganizationDetailQuery(FormatQuery):
    full_service = TrueFalseField(required=False)


class TaxonomyTermQuery(ListQuery):
    taxonomy_id = forms.UUIDField(required=False)
    top_only = TrueFalseField(required=False)
    parent_id = forms.UUIDField(required=False)


def _clean(form_class: type[forms.Form], request: HttpRequest) -> dict[str, Any]:
    form = form_class(request.GET)
    if not form.is_valid():
        raise BadQuery(form)
    return form.cleaned_data


# Responses ---------------------------------------------------------------------------------


def _error(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or []}, status=status)


def _bad_query(form: forms.Form) -> JsonResponse:
    errors = [
        {"field": field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    return _error(400, BAD_QUERY.format(names=", ".join(form.errors)), errors)


HSDS_MAX_AGE = 5 * 60  # seconds a public answer may be kept (issue 19)


def endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """An open, read-only JSON endpoint: GET only (405 otherwise; no CSRF token is needed to be
    told so), a bad query answers 400, an unknown or non-public id 404, any origin may read."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse
        if request.method not in ("GET", "HEAD"):
            response = _error(405, READ_ONLY)
            response["Allow"] = "GET, HEAD"
        else:
            try:
                result = view(request, *args, **kwargs)
                response = result if isinstance(result, HttpResponse) else JsonResponse(result)
            except BadQuery as exc:
                response = _bad_query(exc.form)
            except Http404:
                response = _error(404, NOT_FOUND)
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            # Open data that changes a few times a day: shared caches may keep an answer for
            # a few minutes, and a client's repeated page costs the server nothing.
            patch_cache_control(response, public=True, max_age=HSDS_MAX_AGE)
        return response

    return wrapper


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _one(qs: QuerySet[Any], id: str) -> Any:
    found = qs.filter(pk=_uuid(id)).first()
    if found is None:
        raise Http404
    return found


def _paged(
    qs: QuerySet[Any],
    data: dict[str, Any],
    docs: Callable[[list[Any]], list[Any]],
    *,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """A page of `qs` in the HSDS envelope, by `page` number or — given `request`, for a list
    ordered by name and id — also after a cursor (`after`), with a `next` link to the page
    that follows. A numbered page reads past every row before it (OFFSET); a page after a
    cursor starts at its place in the index of name and id, so the millionth row costs what
    the first does.

    The count stays a separate, capped query (`COUNT` over `LIMIT 10,001`), not the page's
    own `COUNT(*) OVER ()` as the search page has (`joinedup.pages.OneScanPaginator`): this page
    walks the name index and stops after `per_page + 1` rows, and a window count would make
    it read, count and sort every match first (a third of a million for a common word at
    1,000,000 services) with no cap; nor can the cap share the page's query, as the first
    page by name comes from all the matches, not from the first 10,001 found."""
    per_page = data.get("per_page") or PER_PAGE
    after = data.get("after")
    if after:
        number, name, id, counted = after
        # `name >= …` lets the index start at the cursor; the rest steps past its row.
        following = Q(name__gt=name) | Q(name=name, pk__gt=id)
        rows = list(qs.filter(following, name__gte=name)[: per_page + 1])
    else:
        number = data.get("page") or 1
        rows = list(qs[(number - 1) * per_page : number * per_page + 1])
    start = (number - 1) * per_page
    items, more = rows[:per_page], len(rows) > per_page
    if not more and (items or not start):
        total = start + len(items)  # the last page: the count is known without counting
    elif after:
        total = counted  # as the first page counted it
    elif start < COUNT_CAP:
        # Counted up to the cap only: COUNT over a LIMIT, never over every match.
        total = min(qs.order_by()[: COUNT_CAP + 1].count(), COUNT_CAP)
    else:
        total = COUNT_CAP  # a page past the cap
    doc = page(docs(items), total=total, number=number, per_page=per_page)
    doc["last_page"] = not more
    if request is not None and more:
        query = request.GET.copy()
        query.pop("page", None)
        query["after"] = cursor(number + 1, items[-1].name, items[-1].pk, total)
        doc["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return doc


# Services ----------------------------------------------------------------------------------


def _filter_services(qs: QuerySet[Service], data: dict[str, Any]) -> QuerySet[Service]:
    qs = match_words(qs, data.get("search") or "")
    if data.get("taxonomy_term_id"):
        tagged = Attribute.objects.filter(
            link_entity="service", taxonomy_term_id=data["taxonomy_term_id"]
        )
        qs = qs.filter(id__in=tagged.values("link_id"))
    if data.get("taxonomy_id"):
        tagged = Attribute.objects.filter(
            link_entity="service", taxonomy_term__taxonomy_detail_id=data["taxonomy_id"]
        )
        qs = qs.filter(id__in=tagged.values("link_id"))
    if data.get("organization_id"):
        qs = qs.filter(organization_id=data["organization_id"])
    if data.get("modified_after"):
        qs = qs.filter(last_modified__gte=data["modified_after"])
    return qs


def _full_service_docs(services: list[Service]) -> list[dict[str, Any]]:
    attributes = attributes_for([s.id for s in services])
    return [service_full_doc(s, attributes) for s in services]


@endpoint
def root(request: HttpRequest) -> dict[str, Any]:
    _clean(FormatQuery, request)
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("hsds_openapi")),
    }


@endpoint
def openapi(request: HttpRequest) -> HttpResponse:
    return HttpResponse(OPENAPI_FILE.read_bytes(), content_type="application/json")


@endpoint
def services(request: HttpRequest) -> dict[str, Any]:
    data = _clean(ServiceQuery, request)
    qs = _filter_services(public_services(), data).order_by("name", "id")
    if data["minimal"]:
        return _paged(
            qs.only("id", "name", "last_modified"),
            data,
            lambda items: [
                {"id": str(s.id), "last_modified": plain(s.last_modified)} for s in items
            ],
            request=request,
        )
    if data["full"]:
        return _paged(full_services(qs, Scope.public()), data, _full_service_docs, request=request)
    return _paged(
        qs.select_related("organization"),
        data,
        lambda items: list(map(service_list_doc, items)),
        request=request,
    )


@endpoint
def service(request: HttpRequest, id: str) -> dict[str, Any]:
    _clean(FormatQuery, request)
    found = _one(full_services(public_services(), Scope.public()), id)
    return service_full_doc(found, attributes_for([found.id]))


# Organizations -----------------------------------------------------------------------------
# An organization is listed when it has a public service: the open API is the public
# directory, and an organization whose every service is for partners only (a refuge, say) has
# nothing public to say and might rather not be named.


def _public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=public_services().values("organization_id"))


def _services_of(org: Organization) -> list[Service]:
    """The public services `_with_services` prefetched onto `org`."""
    services: list[Service] = org.public_services  # type: ignore[attr-defined]
    return services


def _organization_docs(
    orgs: list[Organization], *, full: bool, full_service: bool
) -> list[dict[str, Any]]:
    if full_service:
        attributes = attributes_for([s.id for o in orgs for s in _services_of(o)])
    docs = []
    for org in orgs:
        doc = organization_doc(org) if full or full_service else row("organization", org)
        if full_service:
            doc["services"] = [service_full_doc(s, attributes) for s in _services_of(org)]
        elif full:
            doc["services"] = [service_list_doc(s) for s in _services_of(org)]
        docs.append(doc)
    return docs


def _with_services(qs: QuerySet[Organization], *, full_service: bool) -> QuerySet[Organization]:
    services = public_services().order_by("name", "id")
    if full_service:
        services = full_services(services, Scope.public())
    else:
        services = services.select_related("organization")
    return qs.prefetch_related(
        "organization_identifiers", Prefetch("services", services, to_attr="public_services")
    )


@endpoint
def organizations(request: HttpRequest) -> dict[str, Any]:
    data = _clean(OrganizationQuery, request)
    qs = _public_organizations().order_by("name", "id")
    for word in words_of(data.get("search") or ""):
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    full, full_service = data["full"], data["full_service"]
    if full or full_service:
        qs = _with_services(qs, full_service=full_service)
    return _paged(
        qs, data, lambda items: _organization_docs(items, full=full, full_service=full_service)
    )


@endpoint
def organization(request: HttpRequest, id: str) -> dict[str, Any]:
    data = _clean(OrganizationDetailQuery, request)
    qs = _with_services(_public_organizations(), full_service=data["full_service"])
    found = _one(qs, id)
    return _organization_docs([found], full=True, full_service=data["full_service"])[0]


# Taxonomies --------------------------------------------------------------------------------


@endpoint
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    data = _clean(ListQuery, request)
    qs = Taxonomy.objects.order_by("name", "id")
    for word in words_of(data.get("search") or ""):
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return _paged(qs, data, lambda items: [row("taxonomy", t) for t in items])


@endpoint
def taxonomy(request: HttpRequest, id: str) -> dict[str, Any]:
    _clean(FormatQuery, request)
    return row("taxonomy", _one(Taxonomy.objects.all(), id))


@endpoint
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    data = _clean(TaxonomyTermQuery, request)
    qs = TaxonomyTerm.objects.select_related("taxonomy_detail").order_by("name", "id")
    for word in words_of(data.get("search") or ""):
        qs = qs.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(code__iexact=word)
        )
    if data.get("taxonomy_id"):
        qs = qs.filter(taxonomy_detail_id=data["taxonomy_id"])
    if data.get("parent_id"):
        qs = qs.filter(parent_id=data["parent_id"])
    if data["top_only"]:
        qs = qs.filter(parent__isnull=True)
    return _paged(qs, data, lambda items: list(map(term_doc, items)))


@endpoint
def taxonomy_term(request: HttpRequest, id: str) -> dict[str, Any]:
    _clean(FormatQuery, request)
    return term_doc(_one(TaxonomyTerm.objects.select_related("taxonomy_detail"), id))


# Services at locations ---------------------------------------------------------------------


def _public_service_at_locations() -> QuerySet[ServiceAtLocation]:
    scope = Scope.public()
    return ServiceAtLocation.objects.filter(
        service__in=Service.objects.filter(scope.services),
        location__in=Location.objects.filter(scope.locations),
    )


def _near(
    qs: QuerySet[ServiceAtLocation], point: tuple[float, float], metres: float | None
) -> QuerySet[ServiceAtLocation]:
    """Nearest first; within `metres` if given. Distances are equirectangular (exact enough at
    the scale of a town or county), as plain arithmetic that SQLite and PostgreSQL both run; a
    bounding box first lets the database use its latitude/longitude index."""
    lat, lon = point
    squeeze = math.cos(math.radians(lat))
    dy = (F("location__latitude") - lat) * METRES_PER_DEGREE
    dx = (F("location__longitude") - lon) * (METRES_PER_DEGREE * squeeze)
    qs = qs.annotate(distance2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
    if metres is not None:
        dlat = metres / METRES_PER_DEGREE
        dlon = metres / (METRES_PER_DEGREE * max(squeeze, 0.01))
        qs = qs.filter(
            location__latitude__range=(lat - dlat, lat + dlat),
            location__longitude__range=(lon - dlon, lon + dlon),
            distance2__lte=metres * metres,
        )
    return qs.order_by(F("distance2").asc(nulls_last=True), "id")


def _sal_list_doc(sal: ServiceAtLocation) -> dict[str, Any]:
    return {
        **row("service_at_location", sal),
        "location": {
            **row("location", sal.location),
            "addresses": [row("address", a) for a in sal.location.addresses.all()],
        },
        "service": service_list_doc(sal.service),
    }


def _sal_related(qs: QuerySet[ServiceAtLocation], *, full: bool) -> QuerySet[ServiceAtLocation]:
    qs = qs.select_related("service__organization", "location")
    if full:
        return qs.prefetch_related(
            "location__addresses",
            "location__accessibility",
            "location__languages",
            "location__schedules",
            "location__phones__languages",
            "location__contacts__phones__languages",
            "contacts__phones__languages",
            "phones__languages",
            "schedules",
        )
    return qs.prefetch_related("location__addresses")


@endpoint
def service_at_locations(request: HttpRequest) -> dict[str, Any]:
    data = _clean(ServiceAtLocationQuery, request)
    chosen = _filter_services(public_services(), data)
    qs = _public_service_at_locations().filter(service__in=chosen)
    if data["point"] is not None:
        qs = _near(qs, data["point"], data.get("proximity"))
    else:
        qs = qs.order_by("service__name", "id")
    doc = service_at_location_doc if data["full"] else _sal_list_doc
    return _paged(_sal_related(qs, full=data["full"]), data, lambda items: list(map(doc, items)))


@endpoint
def service_at_location(request: HttpRequest, id: str) -> dict[str, Any]:
    _clean(FormatQuery, request)
    return service_at_location_doc(
        _one(_sal_related(_public_service_at_locations(), full=True), id)
    )
