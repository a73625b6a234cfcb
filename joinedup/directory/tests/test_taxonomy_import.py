"""The needs taxonomy is shared by everyone who searches the directory: only a site
administrator's import adds to it or changes it. A lead's import links its services to the
terms already held and says, line by line, what it did not change."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.directory.importer import Problem, Report
from joinedup.directory.models import Attribute, Service, TaxonomyTerm
from joinedup.directory.needs import NAME, term_id

pytestmark = pytest.mark.django_db

SERVICE = "8a1d7c3e-2b4f-4e6a-9c1d-3e5f7a9b1c01"
ORG = "8a1d7c3e-2b4f-4e6a-9c1d-3e5f7a9b1c02"
THEIR_FOOD_BANK = "8a1d7c3e-2b4f-4e6a-9c1d-3e5f7a9b1c03"
NEW_TERM = "8a1d7c3e-2b4f-4e6a-9c1d-3e5f7a9b1c04"


# The import is a job: here it runs as it is enqueued.
pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def _attribute(n: int, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"8a1d7c3e-2b4f-4e6a-9c1d-3e5f7a9b1d0{n}",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
        "link_type": "need",
        "value": "",
    }


def _document() -> dict[str, Any]:
    """A service whose file carries its own copy of the food bank term (another id, the same
    code), a term of its own, and the food term renamed."""
    return {
        "id": SERVICE,
        "name": "Hillside pantry",
        "description": "Food parcels.",
        "status": "active",
        "organization": {"id": ORG, "name": "Hillside Pantry", "description": "Food."},
        "attributes": [
            _attribute(
                1,
                {
                    "id": THEIR_FOOD_BANK,
                    "code": "food.food_bank",
                    "name": "Food bank",
                    "description": "Food bank",
                    "taxonomy": NAME,
                },
            ),
            _attribute(
                2,
                {"id": NEW_TERM, "name": "Crypto", "description": "Crypto", "taxonomy": NAME},
            ),
            _attribute(
                3,
                {
                    "id": str(term_id("food")),
                    "code": "food",
                    "name": "Groceries and more",
                    "description": "Renamed by a lead",
                    "taxonomy": NAME,
                },
            ),
        ],
    }


def _upload(user: Any) -> Report:
    upload = SimpleUploadedFile("pantry.json", json.dumps(_document()).encode(), "application/json")
    response = client_for(user).post(
        reverse("directory_import"), {"file": upload, "country": "GB"}, follow=True
    )
    assert response.status_code == 200, response.content.decode()
    run = response.context["run"]
    return Report(
        problems=[Problem(f, r, fd, why, out) for out, f, r, fd, why in run.report["problems"]]
    )


def test_a_leads_import_cannot_add_or_rename_terms_and_links_to_the_held_ones(
    world: SimpleNamespace,
) -> None:
    terms_before = set(TaxonomyTerm.objects.values_list("pk", "name"))

    report = _upload(world.lena)

    assert set(TaxonomyTerm.objects.values_list("pk", "name")) == terms_before
    assert TaxonomyTerm.objects.get(pk=term_id("food")).name == "Food"
    service = Service.objects.get(pk=SERVICE)
    linked = set(
        Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term_id", flat=True)
    )
    assert linked == {term_id("food.food_bank"), term_id("food")}
    refused = {p.reason for p in report.rejected if p.field == "id"}
    assert any("linked to the term 'Food bank'" in reason for reason in refused)
    assert any("not added" in reason for reason in refused)
    assert any("not changed" in reason for reason in refused)
    lines = " ".join(report.summary())
    assert "only a site administrator" in lines


def test_a_site_administrators_import_may_change_the_taxonomy(
    world: SimpleNamespace, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser(
        email="admin@joinedup.example", password="x", name="Ada Admin"
    )
    report = _upload(admin)

    assert TaxonomyTerm.objects.get(pk=term_id("food")).name == "Groceries and more"
    assert TaxonomyTerm.objects.filter(pk=NEW_TERM, name="Crypto").exists()
    assert not [p for p in report.rejected if "site administrator" in p.reason]
