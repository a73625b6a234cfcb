"""Writing directory records as HSDS 3.0 documents, for the export and the HSDS API.

Empty values are left out rather than written as "" (HSDS formats such as `uri` and `email`
refuse an empty string). Only what `Scope` allows leaves: the public scope, used by the export
and the open API, carries no service or location that is not public, and so no confidential
address, ever.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet

from joinedup.directory.models import (
    Attribute,
    Contact,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Visibility,
)
from joinedup.lib.weblinks import is_web_address

HSDS_VERSION = "3.0"
PROFILE = "https://openreferral.org/hsds/3.0"

# The HSDS scalar fields of each table that the model holds, in HSDS order. A field named
# "x_id" is the model's foreign key "x".
FIELDS: dict[str, list[str]] = {
    "organization": [
        "id", "name", "alternate_name", "description", "email", "website", "tax_status",
        "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id",
    ],
    "organization_identifier": [
        "id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
    ],
    "service": [
        "id", "organization_id", "name", "alternate_name", "description", "url", "email",
        "status", "interpretation_services", "application_process", "fees_description",
        "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age",
        "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified",
    ],
    "location": [
        "id", "location_type", "url", "organization_id", "name", "alternate_name",
        "description", "transportation", "latitude", "longitude", "external_identifier",
        "external_identifier_type",
    ],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "address": [
        "id", "location_id", "attention", "address_1", "address_2", "city", "region",
        "state_province", "postal_code", "country", "address_type",
    ],
    "contact": [
        "id", "organization_id", "service_id", "service_at_location_id", "location_id", "name",
        "title", "department", "email",
    ],
    "phone": [
        "id", "location_id", "service_id", "organization_id", "contact_id",
        "service_at_location_id", "number", "extension", "type", "description",
    ],
    "schedule": [
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to",
        "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday",
        "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at",
        "schedule_link", "attending_type", "notes",
    ],
    "service_area": ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    "cost_option": [
        "id", "service_id", "valid_from", "valid_to", "option", "currency", "amount",
        "amount_description",
    ],
    "language": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "accessibility": ["id", "location_id", "description", "details", "url"],
    "taxonomy": ["id", "name", "description", "uri", "version"],
    "taxonomy_term": [
        "id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "language",
        "term_uri",
    ],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    "metadata": [
        "id", "resource_id", "resource_type", "last_action_date", "last_action_type",
        "field_name", "previous_value", "replacement_value", "updated_by",
    ],
}  # fmt: skip

# Fields the HSDS schemas require: written even when empty, as "" (none of them has a format
# that refuses an empty string).
REQUIRED: dict[str, set[str]] = {
    "organization": {"name", "description"},
    "taxonomy": {"name", "description"},
    "taxonomy_term": {"name", "description"},
    "address": {"address_1", "city", "state_province", "postal_code", "country", "address_type"},
    "phone": {"number"},
    "organization_identifier": {"identifier_type", "identifier"},
}

# Our extension fields on a service, exported under these names.
SERVICE_EXTENSIONS = [
    "referral_criteria",
    "referral_method",
    "wait_days",
    "wait_given_on",
    "capacity",
    "capacity_updated_at",
    "visibility",
    "gender",
    "reviewed_on",
]

# Fields that hold a website: only an http(s) address leaves (`lib.weblinks`); anything else
# (a `javascript:` link imported before websites were checked) is left out, as empty.
WEB_ADDRESSES = {
    ("organization", "website"),
    ("service", "url"),
    ("location", "url"),
    ("accessibility", "url"),
}

# Where a model's attribute differs from its HSDS name.
MODEL_NAME = {
    ("taxonomy_term", "taxonomy"): "taxonomy_name",
    ("taxonomy_term", "taxonomy_id"): "taxonomy_detail_id",
}


def plain(value: Any) -> Any:
    """A model value as JSON: ids and dates as text, times as HH:MM."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return value


def row(table: str, obj: Model, *, extensions: Iterable[str] = ()) -> dict[str, Any]:
    """The HSDS scalar fields of `obj`, leaving out the empty ones the schema does not require."""
    out: dict[str, Any] = {}
    required = REQUIRED.get(table, set())
    for name in [*FIELDS[table], *extensions]:
        value = getattr(obj, MODEL_NAME.get((table, name), name))
        if (table, name) in WEB_ADDRESSES and not is_web_address(value or ""):
            value = None
        if value is None or value == "":
            if name in required:
                out[name] = ""
            continue
        out[name] = plain(value)
    return out


@dataclass(frozen=True)
class Scope:
    """Which services and locations may be shown. `public()` is what leaves Joined Up."""

    services: Q
    locations: Q

    @classmethod
    def public(cls) -> Scope:
        return cls(
            services=Q(visibility=Visibility.PUBLIC),
            locations=Q(visibility=Visibility.PUBLIC),
        )


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(Scope.public().services)


def full_services(qs: QuerySet[Service], scope: Scope) -> QuerySet[Service]:
    """`qs` with everything a full HSDS service document needs, fetched in a fixed number of
    queries whatever the page size."""
    # A phone, contact or schedule may name a place as well as the service or the service at
    # a location it hangs from: one that names a place out of scope stays behind with it.
    hidden = Location.objects.exclude(scope.locations)
    phones = Phone.objects.exclude(location__in=hidden).prefetch_related("languages")
    contacts = Contact.objects.exclude(location__in=hidden).prefetch_related(
        Prefetch("phones", phones)
    )
    schedules = Schedule.objects.exclude(location__in=hidden)
    locations = Location.objects.filter(scope.locations).prefetch_related(
        "addresses",
        "accessibility",
        "languages",
        "schedules",
        "phones__languages",
        "contacts__phones__languages",
    )
    sals = (
        ServiceAtLocation.objects.filter(location__in=Location.objects.filter(scope.locations))
        .prefetch_related(
            Prefetch("location", queryset=locations),
            Prefetch("contacts", contacts),
            Prefetch("phones", phones),
            Prefetch("schedules", schedules),
        )
        .order_by("id")
    )
    return qs.select_related("organization").prefetch_related(
        Prefetch("service_at_locations", queryset=sals),
        "organization__organization_identifiers",
        Prefetch("phones", phones),
        Prefetch("schedules", schedules),
        "service_areas",
        "languages",
        "cost_options",
        Prefetch("contacts", contacts),
    )


def _phone(phone: Any) -> dict[str, Any]:
    return {
        **row("phone", phone),
        "languages": [row("language", lang) for lang in phone.languages.all()],
    }


def _contact(contact: Any) -> dict[str, Any]:
    return {**row("contact", contact), "phones": [_phone(p) for p in contact.phones.all()]}


def location_doc(location: Location) -> dict[str, Any]:
    return {
        **row("location", location),
        "addresses": [row("address", a) for a in location.addresses.all()],
        "accessibility": [row("accessibility", a) for a in location.accessibility.all()],
        "languages": [row("language", lang) for lang in location.languages.all()],
        "schedules": [row("schedule", s) for s in location.schedules.all()],
        "phones": [_phone(p) for p in location.phones.all()],
        "contacts": [_contact(c) for c in location.contacts.all()],
    }


def organization_doc(org: Organization) -> dict[str, Any]:
    return {
        **row("organization", org),
        "organization_identifiers": [
            row("organization_identifier", i) for i in org.organization_identifiers.all()
        ],
    }


def term_doc(term: TaxonomyTerm) -> dict[str, Any]:
    doc = row("taxonomy_term", term)
    if term.taxonomy_detail is not None:
        doc["taxonomy_detail"] = row("taxonomy", term.taxonomy_detail)
    return doc


def attributes_for(ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """The attributes of the records `ids`, each with its taxonomy term, in one query."""
    found: dict[Any, list[dict[str, Any]]] = {}
    rows = (
        Attribute.objects.filter(link_id__in=ids)
        .select_related("taxonomy_term__taxonomy_detail")
        .order_by("id")
    )
    for attr in rows:
        found.setdefault(attr.link_id, []).append(
            {**row("attribute", attr), "taxonomy_term": term_doc(attr.taxonomy_term)}
        )
    return found


def metadata_for(ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """The change records of the records `ids`, in one query."""
    found: dict[Any, list[dict[str, Any]]] = {}
    for record in Metadata.objects.filter(resource_id__in=ids).order_by("id"):
        found.setdefault(record.resource_id, []).append(row("metadata", record))
    return found


def service_list_doc(service: Service) -> dict[str, Any]:
    """A service with its one-to-one fields only (HSDS `compiled/service_list`)."""
    return {
        **row("service", service, extensions=SERVICE_EXTENSIONS),
        "organization": row("organization", service.organization),
    }


def service_full_doc(
    service: Service,
    attributes: dict[Any, list[dict[str, Any]]],
    metadata: dict[Any, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A service with everything attached, from a queryset prepared by `full_services`, with
    the attributes (and metadata) of a page of services fetched by `attributes_for` (and
    `metadata_for`)."""
    return {
        **row("service", service, extensions=SERVICE_EXTENSIONS),
        "organization": organization_doc(service.organization),
        "phones": [_phone(p) for p in service.phones.all()],
        "schedules": [row("schedule", s) for s in service.schedules.all()],
        "service_areas": [row("service_area", a) for a in service.service_areas.all()],
        "service_at_locations": [
            {
                **row("service_at_location", sal),
                "contacts": [_contact(c) for c in sal.contacts.all()],
                "phones": [_phone(p) for p in sal.phones.all()],
                "schedules": [row("schedule", s) for s in sal.schedules.all()],
                "location": location_doc(sal.location),
            }
            for sal in service.service_at_locations.all()
        ],
        "languages": [row("language", lang) for lang in service.languages.all()],
        "cost_options": [row("cost_option", c) for c in service.cost_options.all()],
        "contacts": [_contact(c) for c in service.contacts.all()],
        "attributes": attributes.get(service.id, []),
        "metadata": (metadata or {}).get(service.id, []),
    }


def service_at_location_doc(sal: ServiceAtLocation) -> dict[str, Any]:
    """A service at a location with everything attached, and its service's one-to-one fields;
    `sal` comes with its location's and its own related rows prefetched."""
    return {
        **row("service_at_location", sal),
        "contacts": [_contact(c) for c in sal.contacts.all()],
        "phones": [_phone(p) for p in sal.phones.all()],
        "schedules": [row("schedule", s) for s in sal.schedules.all()],
        "location": location_doc(sal.location),
        "service": service_list_doc(sal.service),
    }


def page(items: list[Any], *, total: int, number: int, per_page: int) -> dict[str, Any]:
    """The HSDS OpenAPI's pagination envelope."""
    pages = max(1, -(-total // per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not items,
        "contents": items,
    }
