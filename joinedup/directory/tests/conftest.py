"""Listings for the test characters' organisations (see `joinedup.conftest.world`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.directory import actions
from joinedup.directory.models import Capacity, TaxonomyTerm, Visibility
from joinedup.directory.needs import term_id

# Where the refuge is: it must never reach anyone outside the lead organisation.
SECRET_STREET = "7 Hidden Mews"
SECRET_POSTCODE = "RV9 9ZZ"
SECRET_LAT, SECRET_LON = 51.123456, -1.654321


def need(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(pk=term_id(code))


def place(street: str, postcode: str, lat: float, lon: float, visibility: str) -> dict[str, Any]:
    return {
        "address_1": street,
        "city": "Riverside",
        "postal_code": postcode,
        "latitude": lat,
        "longitude": lon,
        "location_visibility": visibility,
    }


def listing(organisation: Any, name: str, **values: Any) -> Any:
    values.setdefault("needs", [])
    values.setdefault("description", f"{name}, in Riverside.")
    return actions.service_create(organisation=organisation, by=None, name=name, **values)


@pytest.fixture
def listed(world: SimpleNamespace) -> SimpleNamespace:
    """Riverside Citizens Advice (the lead) lists advice (public), a partners-only debt
    clinic, and a refuge for partners whose address is confidential; the outsider's
    organisation lists a public food bank."""
    d = SimpleNamespace()
    d.advice = listing(
        world.lead_org,
        "Riverside advice drop-in",
        needs=[need("advice"), need("money_debt"), need("housing")],
        place=place("1 Market Place", "RV1 1AA", 51.50, -1.70, Visibility.PUBLIC),
        areas=["Riverside"],
        capacity=Capacity.OPEN,
        wait_days=3,
        referral_criteria="Anyone living in Riverside.",
    )
    d.clinic = listing(
        world.lead_org,
        "Debt clinic for partners",
        needs=[need("money_debt")],
        visibility=Visibility.PARTNERS,
        areas=["Riverside"],
    )
    d.refuge = listing(
        world.lead_org,
        "Riverside refuge",
        needs=[need("domestic_abuse.refuge"), need("housing")],
        visibility=Visibility.PARTNERS,
        place=place(SECRET_STREET, SECRET_POSTCODE, SECRET_LAT, SECRET_LON, "confidential"),
        areas=["Riverside"],
    )
    d.larder = listing(
        world.outside_org,
        "Elsewhere larder",
        needs=[need("food")],
        place=place("2 Far Lane", "EL1 1AA", 52.0, -2.0, Visibility.PUBLIC),
        areas=["Elsewhere"],
    )
    return d
