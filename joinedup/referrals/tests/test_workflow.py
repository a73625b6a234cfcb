"""A referral from draft to an outcome, and the loop closed for the referrer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from joinedup.referrals import actions
from joinedup.referrals.models import Access, AccessKind, DeclineReason, Outcome, Status
from joinedup.referrals.tests.conftest import refer


def test_it_goes_from_sent_to_completed_and_the_referrer_sees_each_step(world, referring):
    referral = refer(world, referring)
    actions.referral_see(referral=referral, by=world.cora)
    actions.referral_accept(referral=referral, by=world.cora)
    actions.referral_start(referral=referral, by=world.cora)
    actions.referral_complete(referral=referral, by=world.cora, outcome=Outcome.GOT_HELP)
    referral.refresh_from_db()
    assert list(referral.events.values_list("status", flat=True)) == [
        "draft",
        "sent",
        "seen",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert referral.responded_at is not None and referral.ended_at is not None


def test_it_declines_with_a_reason(world, referring):
    referral = refer(world, referring)
    with pytest.raises(ValidationError, match="Choose a reason"):
        actions.referral_decline(referral=referral, by=world.cora, reason="busy")
    with pytest.raises(ValidationError, match="Say why"):
        actions.referral_decline(referral=referral, by=world.cora, reason=DeclineReason.OTHER)
    actions.referral_decline(
        referral=referral, by=world.cora, reason=DeclineReason.NO_CAPACITY, note="Full until May"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Status.DECLINED, "no_capacity")


def test_a_declined_referral_cannot_then_be_accepted(world, referring):
    referral = refer(world, referring)
    actions.referral_decline(referral=referral, by=world.cora, reason=DeclineReason.NOT_ELIGIBLE)
    with pytest.raises(ValidationError, match="declined cannot be accepted"):
        actions.referral_accept(referral=referral, by=world.cora)


def test_a_net_of_support_sends_one_referral_per_service_under_one_consent(world, referring):
    sent = actions.referral_net(
        person=referring.pat,
        consent=referring.consent,
        protocol=referring.protocol,
        by=world.stan,
        from_org=world.lead_org,
        services=[(referring.therapy, "mental_health"), (referring.parcels, "money_debt")],
        fields=["name", "contact", "born_on"],
    )
    assert [r.to_org for r in sent] == [world.core_org, world.wider_org]
    assert len({r.batch for r in sent}) == 1
    # Date of birth goes only where the protocol lets it.
    assert sent[0].fields == ["name", "contact", "born_on"]
    assert sent[1].fields == ["name", "contact"]


def test_sending_is_recorded_in_the_access_log(world, referring):
    referral = refer(world, referring)
    shared = Access.objects.get(referral=referral, kind=AccessKind.SHARE)
    assert shared.actor == world.stan and shared.holder == world.lead_org
    assert "name, contact, needs" in shared.purpose


def test_someone_at_another_organisation_cannot_refer_a_person_they_do_not_hold(world, referring):
    with pytest.raises(ValidationError, match="do not act for"):
        refer(world, referring, by=world.cora)


def test_a_draft_cannot_be_sent_once_its_protocol_is_no_longer_in_force(world, referring):
    """What a draft shares was allowed when it was written; sending it checks again, so a
    field the protocol in force no longer lets flow is not sent later."""
    from joinedup.agreements.models import VersionStatus

    draft = refer(world, referring, fields=["name", "born_on"], send=False)
    version = referring.protocol.version
    version.status = VersionStatus.SUPERSEDED
    version.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        actions.referral_send(referral=draft, by=world.stan)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Access.objects.filter(referral=draft, kind=AccessKind.SHARE).exists()


def test_a_draft_cannot_be_sent_once_the_receiver_left_the_partnership(world, referring):
    from joinedup.partnerships.models import Membership

    draft = refer(world, referring, send=False)
    Membership.objects.filter(partnership=world.partnership, organisation=world.core_org).delete()
    with pytest.raises(ValidationError):
        actions.referral_send(referral=draft, by=world.stan)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_passing_on_sends_only_what_the_receiver_chose(world, referring):
    """The referrer's summary was written for the receiver: passing the person on sends the
    fields ticked and the receiver's own words, not the referrer's behind their back."""
    referral = refer(world, referring)
    onward = actions.referral_pass_on(
        referral=referral, by=world.cora, service=referring.parcels, fields=["name"]
    )
    assert (onward.fields, onward.summary) == (["name"], "")
    said = actions.referral_pass_on(
        referral=refer(world, referring),
        by=world.cora,
        service=referring.parcels,
        fields=["name"],
        summary="Needs a food parcel this week.",
    )
    assert said.summary == "Needs a food parcel this week."


def test_a_draft_is_recorded_in_the_access_log(world, referring):
    """A draft holds the referrer's words about the person: writing it is logged, as sending
    it is."""
    draft = refer(world, referring, send=False)
    row = Access.objects.get(referral=draft)
    assert (row.kind, row.person_id, row.actor_org_id) == (
        AccessKind.CREATE,
        referring.pat.pk,
        world.lead_org.pk,
    )


def test_a_note_on_declining_is_recorded_in_the_access_log(world, referring):
    referral = refer(world, referring)
    actions.referral_decline(
        referral=referral, by=world.cora, reason=DeclineReason.NO_CAPACITY, note="Full until May"
    )
    noted = Access.objects.get(referral=referral, kind=AccessKind.CHANGE)
    assert (noted.actor, noted.actor_org) == (world.cora, world.core_org)
    assert noted.purpose == "Note on declined"
