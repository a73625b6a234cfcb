"""The subject access export, erasure and the access log, for each named character."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.referrals.models import Access, AccessKind, Person
from joinedup.referrals.tests.conftest import PAT, refer


def export(world: SimpleNamespace, r: SimpleNamespace, fmt: str = "json") -> str:
    return reverse("person_export", args=[r.pat.pk, fmt])


@pytest.mark.parametrize(
    ("character", "status"),
    [("stan", 200), ("lena", 200), ("cora", 404), ("will", 404), ("otis", 404), ("olive", 404)],
)
def test_only_the_holders_staff_export_a_person(world, referring, character, status):
    refer(world, referring)  # Cora receives a referral about Pat, and still may not export
    response = client_for(getattr(world, character)).get(export(world, referring))
    assert response.status_code == status
    exported = Access.objects.filter(kind=AccessKind.EXPORT, person=referring.pat)
    assert exported.count() == (1 if status == 200 else 0)


def test_the_export_is_one_json_file_and_one_readable_html_file_and_is_logged(world, referring):
    referral = refer(world, referring)
    client = client_for(world.stan)
    response = client.get(export(world, referring, "json"))
    assert (
        response["Content-Disposition"] == f'attachment; filename="person-{referring.pat.pk}.json"'
    )
    held = json.loads(response.content)
    assert held["person"]["name"] == PAT["name"]
    assert held["referrals"][0]["id"] == referral.pk
    assert held["access_log"][-1]["what"] == "Exported"  # this export is in it too
    page = client.get(export(world, referring, "html")).content.decode()
    for text in (PAT["name"], PAT["safe_contact"], "Riverside Mind", "Shared name, contact"):
        assert text in page
    assert client.get(export(world, referring, "pdf")).status_code == 404
    log = Access.objects.filter(kind=AccessKind.EXPORT, actor=world.stan)
    assert list(log.values_list("purpose", flat=True)) == [
        "Subject access export (HTML)",
        "Subject access export (JSON)",
    ]


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 200), ("stan", 403), ("cora", 404), ("will", 404), ("otis", 404), ("olive", 404)],
)
def test_only_the_holders_managers_may_erase(world, referring, character, status):
    url = reverse("person_erase", args=[referring.pat.pk])
    client = client_for(getattr(world, character))
    assert client.get(url).status_code == status
    posted = client.post(url, {"reason": "The person asked"})
    assert posted.status_code == (302 if status == 200 else status)
    assert (Person.objects.get(pk=referring.pat.pk).erased_at is not None) == (status == 200)


def test_the_erase_page_confirms_then_erases_and_names_a_missing_reason(world, referring):
    refer(world, referring)
    url = reverse("person_erase", args=[referring.pat.pk])
    client = client_for(world.lena)
    page = client.get(url).content.decode()
    assert "cannot be undone" in page and "1 still open is withdrawn" in page
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 422 and "reason" in bad.context["form"].errors
    assert Person.objects.get(pk=referring.pat.pk).erased_at is None
    done = client.post(url, {"reason": "Asked at the drop-in"})
    assert done["Location"] == reverse("person", args=[referring.pat.pk])
    assert Person.objects.get(pk=referring.pat.pk).name == ""


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 200), ("stan", 403), ("cora", 403), ("will", 403), ("otis", 403), ("olive", 404)],
)
def test_the_access_log_is_for_the_holders_managers_only(world, referring, character, status):
    url = reverse("referral_access_log", args=[world.lead_org.pk])
    assert client_for(getattr(world, character)).get(url).status_code == status


def test_a_superuser_does_not_read_an_organisations_access_log(world, referring):
    """Who looked at which person of the organisation, for what: its managers' alone, as the
    rules say; being a site administrator grants nothing over it."""
    from joinedup.accounts.models import User

    refer(world, referring)
    root = User.objects.create_superuser("root@example.org", "a-long-test-password")
    url = reverse("referral_access_log", args=[world.lead_org.pk])
    response = client_for(root).get(url)
    assert response.status_code == 403
    assert "Shared name, contact" not in response.content.decode()


def test_the_access_log_shows_who_when_which_record_and_why(world, referring):
    referral = refer(world, referring)
    page = client_for(world.lena).get(reverse("referral_access_log", args=[world.lead_org.pk]))
    body = page.content.decode()
    assert "Stan Staff" in body and str(referral) in body and "Shared name, contact" in body
    assert PAT["name"] not in body  # people are named by number only
    # The receiver's managers read what their staff did with the lead's records.
    from joinedup.organisations.actions import affiliation_set_by_system

    affiliation_set_by_system(
        user=world.cora, organisation=world.core_org, role="manager", why="tests"
    )
    from joinedup.referrals import actions

    actions.message_post(referral=referral, by=world.cora, text="When can Pat come?")
    theirs = client_for(world.cora).get(reverse("referral_access_log", args=[world.core_org.pk]))
    assert "Message on a referral" in theirs.content.decode()


def test_the_access_log_is_paginated_in_a_fixed_number_of_queries(world, referring):
    client = client_for(world.lena)
    url = reverse("referral_access_log", args=[world.lead_org.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(60):
        Access.objects.create(
            actor=world.stan,
            actor_org=world.lead_org,
            holder=world.lead_org,
            person=referring.pat,
            kind=AccessKind.VIEW,
            record=str(referring.pat),
            purpose=f"Looked {i}",
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert "Page 1 of 2" in page.content.decode()
    assert client.get(url, {"page": "2"}).status_code == 200


def test_the_organisation_page_links_its_managers_to_the_access_log(world, referring):
    url = reverse("organisation", args=[world.lead_org.pk])
    log = reverse("referral_access_log", args=[world.lead_org.pk])
    assert log in client_for(world.lena).get(url).content.decode()
    assert log not in client_for(world.stan).get(url).content.decode()
