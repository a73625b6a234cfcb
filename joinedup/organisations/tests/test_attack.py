"""The attack found on `main` (issue 13), played step by step: an organisation's manager
makes a partnership through the API, invites an existing organisation to their own address,
accepts, and registers a second account through the link. Before the fix, accepting gave them
`Affiliation(role=staff)` in the victim organisation, and with it the people it supports.

At every step the attacker still gets 404 on the victim's people, and nobody outside the
victim gets a place in it. (The test plays the old pages' requests, so that it fails on the
old code: the email link to the attacker's own address was the way in.)
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, TestCase

from joinedup.accounts.models import User
from joinedup.conftest import add_member, api_for, client_for, make_org, make_user
from joinedup.partnerships.models import Affiliation, Invitation, MemberRole, Organisation
from joinedup.referrals import actions as referral_actions

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")

LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


@pytest.fixture
def victim(world: SimpleNamespace) -> SimpleNamespace:
    """KDYT, which supports Jo; Olive's organisation sits with it in her own partnership, so
    she can see KDYT (as the lead of Axis Youth Hub could see it)."""
    v = SimpleNamespace()
    v.org = make_org("Kidderminster and District Youth Trust")
    v.kim = make_user("kim@kdyt.example", "Kim Admin", v.org, "admin")
    v.tom = make_user("tom@kdyt.example", "Tom Staff", v.org, "staff")
    v.jo = referral_actions.person_create(organisation=v.org, by=None, name="Jo Supported")
    add_member(world.elsewhere, v.org, MemberRole.WIDER)
    return v


def _links_to(address: str) -> list[str]:
    return [
        found
        for message in mail.outbox
        if address in message.to
        for found in LINK.findall(str(message.body))
    ]


def test_the_attack_on_main_gets_nobody_into_another_organisation(
    world: SimpleNamespace, victim: SimpleNamespace
) -> None:
    olive = world.olive
    api = api_for(olive)
    outsiders = lambda: Affiliation.objects.filter(organisation=victim.org).exclude(  # noqa: E731
        user__in=[victim.kim, victim.tom]
    )

    def still_locked_out(step: str) -> None:
        assert api.get(f"/api/v1/people/{victim.jo.pk}").status_code == 404, step
        assert not outsiders().exists(), step

    still_locked_out("before")

    # 1. Olive starts a partnership through the API, with her own organisation as the lead.
    made = api.post(
        "/api/v1/partnerships",
        {
            "name": "Axis of Help",
            "shared_goal": "A cover story.",
            "lead_organisation_id": world.outside_org.pk,
            "start_on": "2025-01-01",
        },
    )
    assert made.status_code == 201
    partnership_id = made.json()["id"]
    still_locked_out("after making the partnership")

    # 2. She invites KDYT, giving her own address as its contact.
    olive_pages = client_for(olive)
    with TestCase.captureOnCommitCallbacks(execute=True):
        olive_pages.post(
            f"/partnerships/{partnership_id}/members/invite/",
            {
                "organisation": victim.org.pk,
                "role": "core",
                "contact_name": "Olive",
                "email": olive.email,
            },
        )
    still_locked_out("after inviting")

    # 3. She accepts: through any link that reached her address, and on the answer page.
    for link in _links_to(olive.email):
        olive_pages.post(link, {"answer": "accept"})
    for invitation in Invitation.objects.filter(organisation=victim.org):
        olive_pages.post(f"/partnership-invitations/{invitation.pk}/", {"answer": "accept"})
    still_locked_out("after accepting")

    # 4. Someone not signed in registers through the link sent to an address they hold.
    with TestCase.captureOnCommitCallbacks(execute=True):
        olive_pages.post(
            f"/partnerships/{partnership_id}/members/invite/",
            {
                "organisation": victim.org.pk,
                "role": "wider",
                "contact_name": "Mallory",
                "email": "mallory@attacker.example",
            },
        )
    for link in _links_to("mallory@attacker.example"):
        Client().post(
            link,
            {"answer": "accept", "name": "Mallory", "password": "a-good-long-passphrase"},
        )
    mallory = User.objects.filter(email="mallory@attacker.example").first()
    if mallory is not None:
        assert api_for(mallory).get(f"/api/v1/people/{victim.jo.pk}").status_code == 404
    still_locked_out("after registering through the link")

    # KDYT's admin was told, and it is KDYT's to answer; nobody joined on its behalf.
    assert victim.org.memberships.filter(partnership_id=partnership_id).count() == 0
    assert any(victim.kim.email in m.to for m in mail.outbox)


def test_inviting_a_new_organisation_in_a_victims_name_is_refused(
    world: SimpleNamespace, victim: SimpleNamespace
) -> None:
    """The other way round: invite "a new organisation" called KDYT to your own address. It is
    refused, naming the organisation already in Joined Up, and nobody gains a role in it."""
    from joinedup.partnerships import invitations

    with pytest.raises(ValidationError) as refused:
        invitations.invitation_send(
            by=world.lena,
            partnership=world.partnership,
            role="wider",
            organisation_name=victim.org.name.upper(),
            sector="voluntary",
            email=world.olive.email,
            contact_name="Olive",
        )
    assert "is already in Joined Up" in str(refused.value)
    assert Organisation.objects.filter(name__iexact=victim.org.name).count() == 1
    assert api_for(world.olive).get(f"/api/v1/people/{victim.jo.pk}").status_code == 404
    assert not Affiliation.objects.filter(organisation=victim.org, user=world.olive).exists()
