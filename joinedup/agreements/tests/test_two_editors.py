"""Two people editing one draft: the second save is refused (409), nothing is lost, and the
merge page lets them keep both changes."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from joinedup.agreements import actions
from joinedup.agreements.models import AgreementVersion
from joinedup.conftest import api_for, client_for, make_user

GOAL = "No one in Riverside faces a crisis alone."


def _draft(world: SimpleNamespace) -> AgreementVersion:
    agreement = actions.agreement_create(
        by=world.lena,
        partnership=world.partnership,
        kind="terms_of_reference",
        title="Terms of reference",
        sections={"goal": GOAL, "roles": "The lead convenes."},
    )
    return agreement.versions.get()


def _form(page: Any) -> dict[str, Any]:
    """What a browser would send back from the edit page as shown (text boxes and hidden)."""
    html = page.content.decode()
    values: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html):
        values[name] = value
    for name, text in re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        values[name] = text.replace("&#x27;", "'")
    for name, value in re.findall(r'name="(keep__\w+)" value="(\w+)" checked', html):
        values[name] = value
    values["delegate_roles"] = ["admin", "manager"]
    return values


def test_two_editors_of_one_draft_lose_nothing(world: SimpleNamespace) -> None:
    version = _draft(world)
    lou = make_user("lou@riverside-ca.example", "Lou Lead", world.lead_org, "admin")
    url = reverse("agreement_edit", args=[world.partnership.pk, version.agreement_id, 1])
    lena_page, lou_page = client_for(world.lena).get(url), client_for(lou).get(url)
    assert lena_page.status_code == lou_page.status_code == 200

    lena_sends = {**_form(lena_page), "goal": "No one in Riverside or the valleys is alone."}
    assert client_for(world.lena).post(url, lena_sends).status_code == 302
    lou_sends = {**_form(lou_page), "roles": "The lead convenes; Mind chairs the panel."}
    refused = client_for(lou).post(url, lou_sends)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this while you were editing" in page
    assert "or the valleys" in page and "Mind chairs the panel" in page  # theirs and yours
    version.refresh_from_db()
    assert version.sections["goal"] == "No one in Riverside or the valleys is alone."
    assert version.sections["roles"] == "The lead convenes."
    # Each side changed a different section: the page keeps theirs for one, Lou's for the other.
    merge = _form(refused)
    assert merge["version"] == "2"
    assert merge["keep__goal"] == "theirs" and merge["keep__roles"] == "yours"

    assert client_for(lou).post(url, merge).status_code == 302
    version.refresh_from_db()
    assert version.sections["goal"] == "No one in Riverside or the valleys is alone."
    assert version.sections["roles"] == "The lead convenes; Mind chairs the panel."
    assert version.version == 3


def test_the_api_refuses_a_stale_version_with_409(world: SimpleNamespace) -> None:
    version = _draft(world)
    path = f"/api/v1/agreements/{version.agreement_id}/versions/1"
    lena = api_for(world.lena)
    read = lena.get(f"/api/v1/agreements/{version.agreement_id}").json()["versions"][0]
    assert read["version"] == 1

    first = lena.put(path, {"goal": "Together.", "roles": "The lead convenes.", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = lena.put(path, {"goal": GOAL, "roles": "Mind chairs.", "version": 1})

    assert second.status_code == 409
    assert second.json()["errors"] == [
        {"field": "version", "message": "The current version is 2; this change was based on 1."}
    ]
    assert "Nothing was saved" in second.json()["detail"]
    version.refresh_from_db()
    assert version.sections == {"goal": "Together.", "roles": "The lead convenes."}
