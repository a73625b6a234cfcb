"""A website in the directory is an http(s) address: no `javascript:` or `data:` link is
stored through the forms or the import, shown on a page, or published by the HSDS API."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.directory import actions, exporter
from joinedup.directory.importer import import_path
from joinedup.directory.models import Organization, Service
from joinedup.directory.needs import term_id
from joinedup.partnerships import actions as partnership_actions

pytestmark = pytest.mark.django_db

SCRIPT = "javascript:alert(document.cookie)"
SERVICE = "3f0c2f9e-8d1a-4c55-9a43-0d5e4b1f2a01"
ORG = "3f0c2f9e-8d1a-4c55-9a43-0d5e4b1f2a02"


def test_the_service_form_refuses_a_website_that_is_not_http(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    url = reverse("directory_service_edit", args=[listed.advice.pk])
    data = {
        "name": "Riverside advice drop-in",
        "description": "Advice.",
        "status": "active",
        "visibility": "public",
        "needs": [str(term_id("advice"))],
        "location_visibility": "public",
    }
    for bad in (SCRIPT, "data:text/html,<script>alert(1)</script>", "ftp://files.example"):
        response = client_for(world.stan).post(url, {**data, "url": bad})
        assert response.status_code == 422, bad
        assert response.context["form"].errors["url"], bad
    assert Service.objects.get(pk=listed.advice.pk).url == ""
    response = client_for(world.stan).post(url, {**data, "url": "www.riverside-ca.example"})
    assert response.status_code == 302
    assert Service.objects.get(pk=listed.advice.pk).url == "https://www.riverside-ca.example"


def test_the_action_refuses_it_too(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as error:
        actions.service_create(
            organisation=world.lead_org, by=None, needs=[], name="Advice", url=SCRIPT
        )
    assert "url" in error.value.message_dict
    assert not Service.objects.filter(name="Advice").exists()


def test_an_organisations_website_is_a_web_address(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as error:
        partnership_actions.organisation_update(
            organisation=world.lead_org, by=world.lena, website=SCRIPT
        )
    assert "website" in error.value.message_dict


def test_the_import_leaves_a_website_that_is_not_http_empty_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "one.json"
    doc = {
        "id": SERVICE,
        "name": "Outreach",
        "status": "active",
        "url": SCRIPT,
        "organization": {
            "id": ORG,
            "name": "Rise",
            "description": "Refuges",
            "website": "rise.example/contact",
        },
    }
    source.write_text(json.dumps(doc))

    report = import_path(source)

    assert Service.objects.get(pk=SERVICE).url == ""
    assert Organization.objects.get(pk=ORG).website == "https://rise.example/contact"
    problems = {(p.field, p.outcome) for p in report.problems}
    assert {("url", "repaired"), ("website", "repaired")} <= problems
    assert any("not a web address" in p.reason for p in report.problems if p.field == "url")


def test_a_website_stored_before_it_was_checked_is_never_shown_or_published(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    Service.objects.filter(pk=listed.advice.pk).update(url=SCRIPT)
    Organization.objects.filter(pk=listed.advice.organization_id).update(website=SCRIPT)
    anyone = Client()
    for path in (
        f"/api/hsds/services/{listed.advice.pk}",
        "/api/hsds/services",
        f"/api/hsds/organizations/{listed.advice.organization_id}",
        "/api/hsds/service_at_locations?per_page=50",
    ):
        response = anyone.get(path)
        assert response.status_code == 200, path
        assert "javascript" not in response.content.decode(), path
    assert "javascript" not in json.dumps(exporter.json_document())
    assert "javascript" not in "".join(text for _, text in exporter.tabular_files())
    page = client_for(world.stan).get(reverse("directory_service", args=[listed.advice.pk]))
    assert "javascript" not in page.content.decode()
