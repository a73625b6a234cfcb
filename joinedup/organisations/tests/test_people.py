"""An organisation runs its own people: only its admins give roles in it; removing someone ends
their access, tokens and calendar links at once; their history stays."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase
from django.urls import reverse

import joinedup
from joinedup.accounts.models import ApiToken, User
from joinedup.audit.models import AuditEvent
from joinedup.conftest import api_for, client_for, make_org, make_user
from joinedup.meetings import actions as meeting_actions
from joinedup.meetings.models import FeedToken, Notice
from joinedup.organisations import actions
from joinedup.organisations.models import PastAffiliation, PersonInvitation
from joinedup.partnerships.models import Affiliation
from joinedup.referrals import actions as referral_actions

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


@pytest.fixture
def ada(world: SimpleNamespace) -> User:
    """The lead organisation's admin: the one person who runs its people."""
    return make_user("ada@riverside-ca.example", "Ada Admin", world.lead_org, "admin")


def _people(world: SimpleNamespace) -> str:
    return reverse("organisation_people", args=[world.lead_org.pk])


# --- only an organisation's own admins give roles in it --------------------------------------


@pytest.mark.parametrize("who", ["lena", "stan", "cora", "olive", "otis"])
def test_nobody_but_its_admins_gives_a_role_in_an_organisation(
    world: SimpleNamespace, ada: User, who: str
) -> None:
    """Lena manages the lead (and the partnership), Stan is its staff; Cora's, Olive's and
    Otis's organisations are others. None of them gives anyone a role in the lead."""
    by = getattr(world, who)
    with pytest.raises(PermissionDenied):
        actions.affiliation_set(by=by, user=world.olive, organisation=world.lead_org, role="staff")
    with pytest.raises(PermissionDenied):
        actions.person_invite(
            by=by, organisation=world.lead_org, email="x@example.org", role="admin"
        )
    with pytest.raises(PermissionDenied):
        actions.affiliation_end(by=by, affiliation=world.stan.affiliations.get())
    assert not world.olive.affiliations.filter(organisation=world.lead_org).exists()


def test_a_superuser_gives_no_role_either(world: SimpleNamespace, ada: User) -> None:
    root = User.objects.create_superuser("root@example.org", "a-long-test-password", name="Root")
    with pytest.raises(PermissionDenied):
        actions.affiliation_set(by=root, user=root, organisation=world.lead_org, role="admin")
    assert client_for(root).get(_people(world)).status_code == 403


def test_the_people_page_is_its_admins_only(world: SimpleNamespace, ada: User) -> None:
    assert client_for(ada).get(_people(world)).status_code == 200
    assert client_for(world.lena).get(_people(world)).status_code == 403  # a manager
    assert client_for(world.stan).get(_people(world)).status_code == 403
    assert client_for(world.olive).get(_people(world)).status_code == 404  # cannot see it
    posted = client_for(world.lena).post(
        _people(world), {"email": "lena2@example.org", "role": "admin"}
    )
    assert posted.status_code == 403
    assert not PersonInvitation.objects.exists()


def test_an_admin_changes_a_role_and_is_told(world: SimpleNamespace, ada: User) -> None:
    stan = world.stan.affiliations.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(ada).post(
            reverse("person_change", args=[world.lead_org.pk, stan.pk]),
            {"role": "manager", "job_title": "Adviser"},
        )
    assert response.status_code == 302
    assert world.stan.affiliations.get().role == "manager"
    event = AuditEvent.objects.filter(action="affiliation.set").get()
    assert (event.actor, event.before["role"], event.after["role"]) == (ada, "staff", "manager")
    assert Notice.objects.filter(user=ada, subject__contains="Stan Staff").exists()
    assert any(ada.email in m.to for m in mail.outbox)


def test_the_last_admin_cannot_be_demoted_or_removed(world: SimpleNamespace, ada: User) -> None:
    mine = ada.affiliations.get()
    with pytest.raises(ValidationError, match="no admin left"):
        actions.affiliation_set(by=ada, user=ada, organisation=world.lead_org, role="staff")
    with pytest.raises(ValidationError, match="no admin left"):
        actions.affiliation_end(by=ada, affiliation=mine)


def test_the_api_has_no_way_to_give_a_role(world: SimpleNamespace, ada: User) -> None:
    """No endpoint writes an affiliation: the OpenAPI document names none, and a partnership
    lead adding an organisation that runs its own people is refused (it must be invited)."""
    schema = api_for(ada).get("/api/v1/openapi.json").json()
    writes = {
        path
        for path, ops in schema["paths"].items()
        if set(ops) & {"post", "put", "patch", "delete"}
    }
    # Of an organisation, the API changes its public details only.
    assert {p for p in writes if "/organisations" in p} == {
        "/api/v1/organisations",
        "/api/v1/organisations/{pk}",
    }
    assert "affiliation" not in str(schema).lower()
    hub = make_org("Valley Hub", by=world.olive)  # Olive added it, so she sees it
    make_user("hal@valleyhub.example", "Hal Admin", hub, "admin")
    added = api_for(world.olive).post(
        f"/api/v1/partnerships/{world.elsewhere.pk}/memberships",
        {"organisation_id": hub.pk, "role": "wider"},
    )
    assert added.status_code == 422
    assert "invite it" in added.json()["errors"][0]["message"]
    assert not world.elsewhere.memberships.filter(organisation=hub).exists()


def test_only_the_demo_and_the_tests_use_the_system_path() -> None:
    """`affiliation_set_by_system` skips the admin check: it must never be reachable from a
    request. Only the demo loader and the tests call it."""
    root = Path(joinedup.__file__).parent
    callers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "affiliation_set_by_system(" in path.read_text()
    }
    allowed = {"organisations/actions.py", "conftest.py"}
    strays = {
        c
        for c in callers
        if c not in allowed and not c.startswith("demo/") and "/tests/" not in f"/{c}"
    }
    assert strays == set()


# --- inviting a person --------------------------------------------------------------------


def _invite(world: SimpleNamespace, ada: User, email: str, role: str = "staff") -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(ada).post(
            _people(world), {"email": email, "role": role, "job_title": "Volunteer adviser"}
        )
    assert response.status_code == 302, response.context["form"].errors
    found = re.search(r"http://[^/]+(/join/\S+/)", str(mail.outbox[0].body))
    assert found is not None and mail.outbox[0].to == [email]
    return found.group(1)


def test_an_invited_person_registers_with_the_invited_address_and_joins(
    world: SimpleNamespace, ada: User
) -> None:
    link = _invite(world, ada, "vic@example.org", "volunteer")
    client = Client()
    assert "Riverside Citizens Advice" in client.get(link).content.decode()
    assert client.post(link, {"answer": "decline"}).status_code == 403  # sign in to decline
    response = client.post(
        link, {"answer": "accept", "name": "Vic Volunteer", "password": "a-good-long-passphrase"}
    )
    assert response.status_code == 302
    vic = User.objects.get(email="vic@example.org")
    assert (vic.affiliations.get().role, vic.affiliations.get().job_title) == (
        "volunteer",
        "Volunteer adviser",
    )
    assert client.post(link, {"answer": "accept"}).status_code == 422  # used


def test_the_new_person_is_told_what_password_will_do_before_choosing_one(
    world: SimpleNamespace, ada: User
) -> None:
    page = Client().get(_invite(world, ada, "vic@example.org")).content.decode()
    assert "At least 10 characters" in page
    assert 'autocomplete="new-password"' in page  # a password manager offers to make one
    assert 'autocomplete="name"' in page


def test_someone_else_cannot_take_up_a_persons_invitation(
    world: SimpleNamespace, ada: User
) -> None:
    link = _invite(world, ada, "vic@example.org")
    response = client_for(world.olive).post(link, {"answer": "accept"})
    assert response.status_code == 422
    assert not world.olive.affiliations.filter(organisation=world.lead_org).exists()
    # Registering through the link is only ever as the invited address.
    vic = User.objects.create_user("vic@example.org", "a-long-test-password", name="Vic")
    assert (
        Client().post(link, {"answer": "accept", "name": "X", "password": "p"}).status_code == 403
    )
    assert not vic.affiliations.exists()


def test_a_withdrawn_invitation_no_longer_works(world: SimpleNamespace, ada: User) -> None:
    link = _invite(world, ada, "vic@example.org")
    invitation = PersonInvitation.objects.get()
    client_for(ada).post(
        reverse("person_invitation_withdraw", args=[world.lead_org.pk, invitation.pk])
    )
    vic = User.objects.create_user("vic@example.org", "a-long-test-password", name="Vic")
    assert client_for(vic).post(link, {"answer": "accept"}).status_code == 422
    assert not vic.affiliations.exists()


# --- removing someone -----------------------------------------------------------------------


def test_removing_someone_ends_their_access_tokens_and_feeds_at_once(
    world: SimpleNamespace, ada: User
) -> None:
    stan = world.stan
    pat = referral_actions.person_create(organisation=world.lead_org, by=None, name="Pat")
    api = api_for(stan)
    feed = meeting_actions.feed_token_reset(user=stan, partnership=world.partnership)
    personal_feed = meeting_actions.feed_token_reset(user=stan)
    pages = client_for(stan)
    assert api.get(f"/api/v1/people/{pat.pk}").status_code == 200
    assert Client().get(reverse("calendar_feed", args=[feed])).status_code == 200
    assert pages.get(reverse("partnership", args=[world.partnership.pk])).status_code == 200
    world.lead_membership.contacts.add(stan)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(ada).post(
            reverse("person_remove", args=[world.lead_org.pk, stan.affiliations.get().pk]),
            {"reason": "Left for another job"},
        )
    assert response.status_code == 302

    assert api.get(f"/api/v1/people/{pat.pk}").status_code == 401  # the token is revoked
    assert not ApiToken.objects.filter(user=stan).exists()
    assert not FeedToken.objects.filter(user=stan).exists()
    for raw in (feed, personal_feed):
        assert Client().get(reverse("calendar_feed", args=[raw])).status_code == 404
    assert pages.get(reverse("partnership", args=[world.partnership.pk])).status_code == 404
    assert not world.lead_membership.contacts.filter(pk=stan.pk).exists()
    # A new token sees nothing of the organisation's either.
    assert api_for(stan).get(f"/api/v1/people/{pat.pk}").status_code == 404

    past = PastAffiliation.objects.get()
    assert (past.user, past.role, past.ended_by, past.reason) == (
        stan,
        "staff",
        ada,
        "Left for another job",
    )
    assert AuditEvent.objects.filter(action="affiliation.end", actor=ada).exists()
    assert any(stan.email in m.to for m in mail.outbox)  # they are told too
    page = client_for(ada).get(_people(world)).content.decode()
    assert "People who have left" in page and "Left for another job" in page


def test_a_person_in_two_organisations_keeps_the_other(world: SimpleNamespace, ada: User) -> None:
    actions.affiliation_set_by_system(
        user=world.stan, organisation=world.core_org, role="staff", why="tests"
    )
    actions.affiliation_end(
        by=ada, affiliation=world.stan.affiliations.get(organisation=world.lead_org)
    )
    assert list(
        Affiliation.objects.filter(user=world.stan).values_list("organisation", flat=True)
    ) == [world.core_org.pk]
    settings_page = client_for(world.stan).get(reverse("settings")).content.decode()
    assert "Riverside Mind" in settings_page


def test_an_admin_cannot_put_someone_in_without_their_yes(
    world: SimpleNamespace, ada: User
) -> None:
    with pytest.raises(ValidationError, match="invite them"):
        actions.affiliation_set(by=ada, user=world.olive, organisation=world.lead_org, role="staff")
    assert not world.olive.affiliations.filter(organisation=world.lead_org).exists()


def test_the_people_page_runs_the_same_queries_however_many_people(
    world: SimpleNamespace, ada: User
) -> None:
    """Session and user (2), the organisation and the checks of who may see it and whether
    Ada is its admin, then one query each for its people, pending invitations, people who
    have left and partnerships inviting it: the count does not grow with the people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client = client_for(ada)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_people(world)).status_code == 200
        return len(queries)

    before = count()
    for i in range(5):
        person = make_user(f"p{i}@example.org", f"Person {i}", world.lead_org)
        actions.affiliation_end(by=ada, affiliation=person.affiliations.get())
        make_user(f"q{i}@example.org", f"Stays {i}", world.lead_org)
        actions.person_invite(
            by=ada, organisation=world.lead_org, email=f"n{i}@example.org", role="staff"
        )
    assert count() == before


def test_its_admins_see_the_partnerships_inviting_it(world: SimpleNamespace, ada: User) -> None:
    from joinedup.partnerships import invitations

    invited, _ = invitations.invitation_send(
        by=None, partnership=world.elsewhere, organisation=world.lead_org, role="wider"
    )
    page = client_for(ada).get(_people(world)).content.decode()
    assert "Partnerships inviting" in page
    assert reverse("invitation_answer", args=[invited.pk]) in page


def test_removing_a_programme_officer_from_the_funder_ends_their_oversight(
    world: SimpleNamespace,
) -> None:
    """Otis oversees Help in Crisis for its funder, Crisis Fund. When the Fund's admin removes
    him, he no longer sees the programme's partnerships with their contacts and funding."""
    fay = make_user("fay@crisis-fund.example", "Fay Funder", world.funder, "admin")
    otis = Affiliation.objects.get(user=world.otis, organisation=world.funder)
    assert client_for(world.otis).get(world.partnership.get_absolute_url()).status_code == 200
    actions.affiliation_end(by=fay, affiliation=otis, reason="left the Fund")
    assert client_for(world.otis).get(world.partnership.get_absolute_url()).status_code == 404
    assert api_for(world.otis).get(f"/api/v1/partnerships/{world.partnership.pk}").status_code in (
        401,
        404,
    )
    assert not world.programme.officers.filter(pk=world.otis.pk).exists()
    assert AuditEvent.objects.filter(action="programme.remove_officer").exists()
