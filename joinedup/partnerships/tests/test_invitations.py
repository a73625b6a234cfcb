"""Inviting an organisation to a partnership: a new one through a contact who becomes its first
admin, an existing one through its own admins. Never a person into an organisation."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.conftest import client_for, make_org, make_user
from joinedup.meetings.models import Notice
from joinedup.partnerships.models import Affiliation, Invitation, Membership, Organisation

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def invite(world: SimpleNamespace, **fields: str) -> str:
    """Lena invites a new organisation; returns the path of the link in the email."""
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


def test_a_new_contact_signs_up_and_accepts_as_first_admin(world: SimpleNamespace) -> None:
    link = invite(world)
    assert mail.outbox[-1].to == ["val@valleywomen.example"]
    assert not Organisation.objects.filter(name="Valley Women's Aid").exists()  # not yet
    page = client_for(world.lena).get(reverse("member_invite", args=[world.partnership.pk]))
    assert "Invited, not yet confirmed" in page.content.decode()
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


def test_declining_needs_the_contact_signed_in(world: SimpleNamespace) -> None:
    link = invite(world)
    assert Client().post(link, {"answer": "decline"}).status_code == 403
    assert client_for(world.olive).post(link, {"answer": "decline"}).status_code == 422
    assert Invitation.objects.get().status == "pending"
    val = User.objects.create_user("val@valleywomen.example", "a-long-test-password", name="Val")
    assert client_for(val).post(link, {"answer": "decline"}).status_code == 302
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
        {"organisation": world.core_org.pk, "role": "wider"},
    )
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_an_existing_organisation_is_asked_through_its_admins(world: SimpleNamespace) -> None:
    """Elsewhere Trust runs its own people (Ed is its admin). Lena's invitation goes to Ed, by
    email and a notice; Olive, its manager, cannot answer; Ed accepts, and Elsewhere joins
    without anybody getting a role in it."""
    ed = make_user("ed@elsewhere.example", "Ed Admin", world.outside_org, "admin")
    people_before = set(Affiliation.objects.values_list("pk", "role"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(world.lena).post(
            reverse("member_invite", args=[world.partnership.pk]),
            {"organisation": world.outside_org.pk, "role": "core"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert mail.outbox[-1].to == [ed.email]
    assert "/invitations/" not in mail.outbox[-1].body  # no link anyone could forward
    answer = reverse("invitation_answer", args=[invitation.pk])
    assert Notice.objects.get(user=ed).url == answer
    assert client_for(world.olive).get(answer).status_code == 404
    assert client_for(world.lena).post(answer, {"answer": "accept"}).status_code == 404
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client_for(ed).post(answer, {"answer": "accept"}).status_code == 302
    assert Notice.objects.filter(user=world.lena, subject__contains="has accepted").exists()
    membership = world.partnership.memberships.current().get(organisation=world.outside_org)
    assert (membership.role, list(membership.contacts.all())) == ("core", [ed])
    assert set(Affiliation.objects.values_list("pk", "role")) == people_before


def test_an_organisation_nobody_runs_cannot_be_invited(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(
        reverse("member_invite", args=[world.partnership.pk]),
        {"organisation": world.outside_org.pk, "role": "wider"},
    )
    assert response.status_code == 422
    assert "Nobody runs Elsewhere Trust" in response.content.decode()


def test_a_lead_cannot_add_an_organisation_that_runs_its_own_people(
    world: SimpleNamespace,
) -> None:
    hub = make_org("Valley Hub", by=world.lena)  # Lena added it, so she sees it
    make_user("hal@valleyhub.example", "Hal Admin", hub, "admin")
    response = client_for(world.lena).post(
        reverse("members_manage", args=[world.partnership.pk]),
        {"organisation": hub.pk, "role": "wider", "joined_on": "2025-01-01"},
    )
    assert response.status_code == 422
    assert "invite it" in response.content.decode()


def test_the_lead_finds_organisations_by_name_or_number(world: SimpleNamespace) -> None:
    from joinedup.partnerships import actions

    actions.organisation_update(
        organisation=world.outside_org,
        by=None,
        charity_number="1123456",
        description="Our funding is at risk",
    )
    url = reverse("member_invite", args=[world.partnership.pk])
    client = client_for(world.lena)
    by_name = client.get(url, {"q": "elsewhere"}).content.decode()
    assert "Elsewhere Trust" in by_name and "1123456" in by_name
    assert "funding is at risk" not in by_name  # only the public facts
    assert "Elsewhere Trust" in client.get(url, {"q": "1123456"}).content.decode()
    members = client.get(url, {"q": "Riverside"}).content.decode()
    assert "Riverside Mind" not in members.split("Organisations found")[-1]  # already a member
    assert client.get(url, {"q": "ab"}).status_code == 422  # too short to search


def test_a_new_organisation_cannot_take_the_name_of_one_already_in_joined_up(
    world: SimpleNamespace,
) -> None:
    """The lead invites "a new organisation" named as a member already in Joined Up, to their
    own address: accepting would make them the first admin of a look-alike Riverside Mind,
    which partners would take for the real one. It is refused, naming the one to invite."""
    response = client_for(world.lena).post(
        reverse("member_invite", args=[world.partnership.pk]),
        {
            "new_name": "  riverside MIND ",
            "new_sector": "voluntary",
            "role": "wider",
            "contact_name": "Lena",
            "email": world.lena.email,
        },
    )
    assert response.status_code == 422
    assert "already in Joined Up" in response.content.decode()
    assert not Invitation.objects.exists()
    assert Organisation.objects.filter(name__iexact="riverside mind").count() == 1


def test_a_look_alike_registered_after_the_invitation_is_not_made_on_accepting(
    world: SimpleNamespace,
) -> None:
    link = invite(world)
    make_org("Valley Women's Aid")  # someone registered it meanwhile
    client = Client()
    response = client.post(
        link, {"answer": "accept", "name": "Val Contact", "password": "a-good-long-passphrase"}
    )
    assert response.status_code == 422
    assert "already in Joined Up" in response.content.decode()
    assert Organisation.objects.filter(name="Valley Women's Aid").count() == 1
    assert not Affiliation.objects.filter(user__email="val@valleywomen.example").exists()
