"""Small builders for directory records, each with plausible values that a test can override.

A service's `search_text` is set as the search expects it: its name, description and
organisation's name, lower case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from joinedup.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Visibility,
)


def organization(name: str = "Riverside Mind", **fields: Any) -> Organization:
    fields.setdefault("description", f"{name} works across Riverside.")
    return Organization.objects.create(name=name, **fields)


def taxonomy(name: str = "Test needs", **fields: Any) -> Taxonomy:
    fields.setdefault("description", "Needs a person may have.")
    return Taxonomy.objects.create(name=name, **fields)


def term(
    name: str,
    *,
    taxonomy: Taxonomy | None = None,
    parent: TaxonomyTerm | None = None,
    **fields: Any,
) -> TaxonomyTerm:
    fields.setdefault("description", f"Help with {name.lower()}.")
    return TaxonomyTerm.objects.create(
        name=name,
        parent=parent,
        taxonomy_detail=taxonomy,
        taxonomy_name=taxonomy.name if taxonomy else "",
        **fields,
    )


def service(
    name: str = "Counselling",
    *,
    org: Organization | None = None,
    description: str = "Talking therapy for adults.",
    visibility: str = Visibility.PUBLIC,
    terms: Iterable[TaxonomyTerm] = (),
    **fields: Any,
) -> Service:
    org = org or organization()
    found = Service.objects.create(
        organization=org,
        name=name,
        description=description,
        visibility=visibility,
        search_text=" ".join([name, description, org.name]).lower(),
        **fields,
    )
    for t in terms:
        Attribute.objects.create(link_entity="service", link_id=found.id, taxonomy_term=t)
    return found


def location(
    name: str = "Riverside Hub",
    *,
    visibility: str = Visibility.PUBLIC,
    address_1: str = "1 High Street",
    postal_code: str = "M1 1AE",
    latitude: float | None = 53.4794,
    longitude: float | None = -2.2453,
    **fields: Any,
) -> Location:
    """A physical location with an address, a phone, opening hours, step-free access, a
    contact and a language."""
    found = Location.objects.create(
        name=name, visibility=visibility, latitude=latitude, longitude=longitude, **fields
    )
    Address.objects.create(
        location=found,
        address_1=address_1,
        city="Manchester",
        state_province="Greater Manchester",
        postal_code=postal_code,
        country="GB",
    )
    phone = Phone.objects.create(location=found, number="0161 496 0000", type="voice")
    Language.objects.create(phone=phone, name="English", code="en")
    Schedule.objects.create(
        location=found,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
    )
    Accessibility.objects.create(location=found, description="Step-free access")
    warden = Contact.objects.create(location=found, name="Building manager")
    Phone.objects.create(contact=warden, number="0161 496 0005")
    Language.objects.create(location=found, name="Polish", code="pl")
    return found


def at(svc: Service, loc: Location, **fields: Any) -> ServiceAtLocation:
    return ServiceAtLocation.objects.create(service=svc, location=loc, **fields)


def full_service(
    name: str = "Counselling", *, loc: Location | None = None, **fields: Any
) -> Service:
    """A service with one of everything a full HSDS service holds, delivered at `loc` (a new
    public location if none is given)."""
    svc = service(name, **fields)
    Phone.objects.create(service=svc, number="0161 496 0001", extension=12)
    Schedule.objects.create(service=svc, description="Weekday mornings", opens_at=dt.time(9))
    ServiceArea.objects.create(service=svc, name="Riverside", extent_type="geojson")
    Language.objects.create(service=svc, name="Urdu", code="ur")
    CostOption.objects.create(service=svc, option="Free", currency="GBP", amount=0)
    contact = Contact.objects.create(service=svc, name="Duty worker", email="duty@example.org")
    Phone.objects.create(contact=contact, number="0161 496 0002")
    sal = at(svc, loc or location(), description="Drop in or book")
    Schedule.objects.create(service_at_location=sal, description="Tuesdays", byday="TU")
    Phone.objects.create(service_at_location=sal, number="0161 496 0003")
    sal_contact = Contact.objects.create(service_at_location=sal, name="Reception")
    Phone.objects.create(contact=sal_contact, number="0161 496 0004")
    return svc


def modified(svc: Service, when: dt.datetime) -> Service:
    Service.objects.filter(pk=svc.pk).update(last_modified=when)
    svc.refresh_from_db()
    return svc


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
