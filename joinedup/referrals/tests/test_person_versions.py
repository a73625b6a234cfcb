"""Two workers editing one person's record: the later save is refused, not lost."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.referrals.models import Person
from joinedup.referrals.tests.conftest import PAT


def _sent_back(page: Any) -> dict[str, Any]:
    """The edit form as a browser would send it back: hidden fields, text boxes, the choices."""
    html = page.content.decode()
    values: dict[str, Any] = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    )
    values.update(re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', html))
    for name, text in re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        values[name] = text.replace("&#x27;", "'").replace("&quot;", '"')
    values.update(re.findall(r'name="(keep__\w+)" value="(\w+)" checked', html))
    return values


def test_a_stale_edit_of_a_person_is_refused_and_merged(world: SimpleNamespace, referring):
    url = reverse("person_edit", args=[referring.pat.pk])
    lena, stan = client_for(world.lena), client_for(world.stan)
    lena_page, stan_page = lena.get(url), stan.get(url)
    assert lena.post(url, {**_sent_back(lena_page), "contact": "07700 900555"}).status_code == 302
    refused = stan.post(url, {**_sent_back(stan_page), "postcode": "RV2 9ZZ"})

    assert refused.status_code == 409
    assert "07700 900555" in refused.content.decode()
    pat = Person.objects.get(pk=referring.pat.pk)
    assert pat.contact == "07700 900555" and pat.postcode == PAT["postcode"]
    assert stan.post(url, _sent_back(refused)).status_code == 302
    pat.refresh_from_db()
    assert (pat.contact, pat.postcode, pat.version) == ("07700 900555", "RV2 9ZZ", 3)


def test_the_api_refuses_a_stale_version_of_a_person(world: SimpleNamespace, referring):
    stan = api_for(world.stan)
    path = f"/api/v1/people/{referring.pat.pk}"
    assert stan.get(path).json()["version"] == 1
    assert stan.patch(path, {"notes": "Moved flat.", "version": 1}).json()["version"] == 2
    stale = stan.patch(path, {"postcode": "RV2 9ZZ", "version": 1})
    assert stale.status_code == 409 and stale.json()["errors"][0]["field"] == "version"
    assert Person.objects.get(pk=referring.pat.pk).postcode == PAT["postcode"]
