"""The partnership's register of data-sharing protocols, their terms, and the timings that
chase an unanswered referral: members and programme officers read them, the lead's managers
set them, outsiders get a 404."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from joinedup.agreements import actions as agreements
from joinedup.agreements.models import AgreementKind, VersionStatus
from joinedup.conftest import client_for
from joinedup.referrals import actions
from joinedup.referrals.models import Protocol, Timings
from joinedup.referrals.tests.conftest import refer


@pytest.fixture
def draft(world: SimpleNamespace) -> SimpleNamespace:
    agreement = agreements.agreement_create(
        by=world.lena,
        partnership=world.partnership,
        kind=AgreementKind.DATA_SHARING,
        title="Riverside referrals protocol",
    )
    version = agreement.versions.get()
    return SimpleNamespace(
        version=version, url=reverse("protocol_terms", args=[world.partnership.pk, version.pk])
    )


TERMS = {
    "lawful_basis": "consent",
    "retention_days": "400",
    "security": "Encrypted laptops.",
    "name-flows": "on",
    "name-purposes": ["referral"],
    "needs-flows": "on",
    "needs-purposes": ["referral", "safeguarding"],
}


def test_the_leads_manager_sets_the_terms_of_a_draft(world, draft):
    response = client_for(world.lena).post(
        draft.url, {**TERMS, "needs-recipients": [world.core_org.pk]}
    )
    assert response.status_code == 302
    protocol = Protocol.objects.get(version=draft.version)
    assert (protocol.lawful_basis, protocol.retention_days) == ("consent", 400)
    flows = {f.field: (f.purposes, list(f.recipients.all())) for f in protocol.flows.all()}
    assert flows == {
        "name": (["referral"], []),
        "needs": (["referral", "safeguarding"], [world.core_org]),
    }
    page = client_for(world.will).get(draft.url).content.decode()
    assert "Every member" in page
    assert "Never shared: How to contact them" in page


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"retention_days": "0"}, "Keep personal data for (days after a referral ends):"),
        ({"lawful_basis": "whim"}, "Lawful basis: Select a valid choice."),
        ({"name-purposes": []}, "Name: for: Choose what name may be shared for."),
    ],
)
def test_bad_terms_are_refused_naming_the_field(world, draft, data, named):
    response = client_for(world.lena).post(draft.url, {**TERMS, **data})
    assert response.status_code == 422
    assert named in response.content.decode()
    assert not Protocol.objects.exists()


def test_only_the_leads_managers_set_terms_and_outsiders_see_nothing(world, draft):
    for character in ("stan", "cora", "will", "otis"):
        client = client_for(getattr(world, character))
        assert client.get(draft.url).status_code == 200, character
        assert client.post(draft.url, TERMS).status_code == 403, character
    olive = client_for(world.olive)
    assert olive.get(draft.url).status_code == 404
    assert olive.post(draft.url, TERMS).status_code == 404
    other = reverse("protocol_terms", args=[world.elsewhere.pk, draft.version.pk])
    assert client_for(world.lena).get(other).status_code == 404
    assert not Protocol.objects.exists()


def test_terms_are_fixed_once_out_for_sign_off(world, referring):
    url = reverse("protocol_terms", args=[world.partnership.pk, referring.protocol.version_id])
    response = client_for(world.lena).post(url, TERMS)
    assert response.status_code == 422
    assert "are fixed" in response.content.decode()


def test_a_data_sharing_version_goes_to_sign_off_only_with_its_terms(world, draft):
    with pytest.raises(ValidationError, match="Set its data-sharing terms"):
        agreements.version_advance(version=draft.version, by=world.lena, to="signoff")
    step = reverse(
        "agreement_step",
        args=[world.partnership.pk, draft.version.agreement_id, draft.version.number, "signoff"],
    )
    refused = client_for(world.lena).post(step)
    assert refused.status_code == 422 and "Set its data-sharing terms" in refused.content.decode()
    page = client_for(world.lena).get(draft.version.get_absolute_url()).content.decode()
    assert draft.url in page  # the version links to its terms
    assert client_for(world.lena).post(draft.url, TERMS).status_code == 302
    agreements.version_advance(version=draft.version, by=world.lena, to="signoff")
    draft.version.refresh_from_db()
    assert draft.version.status == VersionStatus.SIGNOFF


def test_the_register_lists_every_version_with_its_terms_and_signatures(world, referring, draft):
    url = reverse("protocols", args=[world.partnership.pk])
    for character in ("lena", "stan", "cora", "will", "otis"):
        page = client_for(getattr(world, character)).get(url).content.decode()
        assert "Riverside data-sharing protocol, version 1" in page, character
        assert "Riverside referrals protocol, version 1" in page
        assert "In force" in page and "365 days" in page and "Terms not set" in page
        assert "Riverside Mind" in page  # among those who signed
    assert client_for(world.olive).get(url).status_code == 404
    partnership_page = client_for(world.will).get(world.partnership.get_absolute_url())
    assert url in partnership_page.content.decode()


def test_the_leads_manager_sets_the_timings(world):
    url = reverse("referral_timings", args=[world.partnership.pk])
    lena = client_for(world.lena)
    bad = lena.post(url, {"remind_after": "3", "escalate_after": "3", "expire_after": "14"})
    assert bad.status_code == 422
    assert "Tell the receiver&#x27;s managers after (working days): Tell the managers later" in (
        bad.content.decode()
    )
    good = lena.post(url, {"remind_after": "1", "escalate_after": "3", "expire_after": "10"})
    assert good.status_code == 302
    timings = Timings.objects.get(partnership=world.partnership)
    assert (timings.remind_after, timings.escalate_after, timings.expire_after) == (1, 3, 10)
    assert client_for(world.cora).get(url).status_code == 200
    assert client_for(world.cora).post(url, {"remind_after": "1"}).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404


def test_a_net_refuses_a_field_no_receiver_may_have(world, referring):
    with pytest.raises(ValidationError, match="Notes cannot be shared"):
        actions.referral_net(
            person=referring.pat,
            consent=referring.consent,
            protocol=referring.protocol,
            by=world.stan,
            from_org=world.lead_org,
            services=[(referring.therapy, "mental_health"), (referring.parcels, "money_debt")],
            fields=["name", "notes"],
        )
    assert not referring.pat.referrals.exists()
    refer(world, referring)  # the world is otherwise sound
