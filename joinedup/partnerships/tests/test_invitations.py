"""Inviting an organisation by email to a named contact, who accepts or declines."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.conftest import client_for
from joinedup.partnerships.models import Invitation, Membership, Organisation


def invite(world: SimpleNamespace, **fields: str) -> str:
    """Lena invites; returns the path of the link in the email."""
    data = {
        "new_name": "Valley Women's Aid",
        "new_sector": "voluntary",
        "role": "wider",
        "contact_name": "Val Contact",
        "email": "val@valleywomen.example",
        **fields,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(world.lena).post(
            reverse("member_invite", args=[world.partnership.pk]), data
        )
    assert response.status_code == 302, response.context["form"].errors
    found = re.search(r"http://[^/]+(/invitations/\S+/)", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(1)


def test_a_new_contact_signs_up_and_accepts(world: SimpleNamespace) -> None:
    link = invite(world)
    assert mail.outbox[-1].to == ["val@valleywomen.example"]
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "Valley Women" in page.content.decode()
    response = client.post(
        link, {"answer": "accept", "name": "Val Contact", "password": "a-good-long-passphrase"}
    )
    assert response.status_code == 302
    val = User.objects.get(email="val@valleywomen.example")
    organisation = Organisation.objects.get(name="Valley Women's Aid")
    membership = Membership.objects.get(partnership=world.partnership, organisation=organisation)
    assert (membership.role, list(membership.contacts.all())) == ("wider", [val])
    assert val.affiliations.get().role == "admin"
    assert Invitation.objects.get().status == "accepted"
    assert client.post(link, {"answer": "decline"}).status_code == 422  # already answered


def test_only_the_invited_address_can_accept(world: SimpleNamespace) -> None:
    link = invite(world)
    response = client_for(world.olive).post(link, {"answer": "accept"})
    assert response.status_code == 422
    assert "sign in with that address" in response.content.decode()
    assert Invitation.objects.get().status == "pending"


def test_a_contact_declines(world: SimpleNamespace) -> None:
    link = invite(world)
    assert Client().post(link, {"answer": "decline"}).status_code == 302
    assert Invitation.objects.get().status == "declined"
    assert not Organisation.objects.filter(name="Valley Women's Aid").exists()


def test_a_weak_password_or_a_bad_link_is_refused(world: SimpleNamespace) -> None:
    link = invite(world)
    response = Client().post(link, {"answer": "accept", "name": "Val", "password": "password"})
    assert response.status_code == 422 and "password" in response.context["register"].errors
    assert not User.objects.filter(email="val@valleywomen.example").exists()
    assert Client().get("/invitations/not-a-real-token/").status_code == 404


def test_a_current_member_is_not_invited_again(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(
        reverse("member_invite", args=[world.partnership.pk]),
        {
            "organisation": world.core_org.pk,
            "role": "wider",
            "contact_name": "X",
            "email": "x@example.org",
        },
    )
    assert response.status_code == 422
    assert "organisation" in response.context["form"].errors
