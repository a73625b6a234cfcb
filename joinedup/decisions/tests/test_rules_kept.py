"""Decisions keep their rules: no closing early over organisations that have not answered,
urgent decisions only under the delegated authority the agreement gives, ratification only at
a meeting that has taken place."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.agreements import actions as agreement_actions
from joinedup.agreements.models import Agreement, AgreementVersion
from joinedup.audit.models import AuditEvent
from joinedup.conftest import api_for, client_for, make_user
from joinedup.decisions import actions, counting
from joinedup.decisions.models import Proposal
from joinedup.meetings import actions as meeting_actions
from joinedup.meetings.models import Meeting
from joinedup.meetings.tests.helpers import core_series, days_from_today, meet

V = "/api/v1"


def propose(w: SimpleNamespace, deciders: str = "core", **kw: Any) -> Proposal:
    return actions.proposal_create(
        by=w.lena,
        partnership=w.partnership,
        organisation=w.lead_org,
        title="Open on Saturdays",
        question="Shall the hub open on Saturday mornings?",
        kind=kw.pop("kind", "consent"),
        deciders=deciders,
        closes_on=kw.pop("closes_on", days_from_today(30)),
    )


def in_force(w: SimpleNamespace, decisions: str = "", **delegated: Any) -> AgreementVersion:
    """A partnership agreement signed by all three members."""
    agreement = agreement_actions.agreement_create(
        by=None,
        partnership=w.partnership,
        kind="partnership_agreement",
        title="Partnership agreement",
        sections={"decisions": decisions} if decisions else {},
        **delegated,
    )
    version = agreement_actions.version_advance(
        version=agreement.versions.get(), by=None, to="signoff"
    )
    for org in (w.lead_org, w.core_org, w.wider_org):
        agreement_actions.sign(version=version, by=None, organisation=org, board_informed=True)
    version.refresh_from_db()
    assert version.status == "in_force"
    return version


@pytest.fixture
def mo(world: SimpleNamespace) -> Any:
    """A manager at the core partner, Riverside Mind."""
    return make_user("mo@riverside-mind.example", "Mo Manager", world.core_org, "manager")


# --- Close now -----------------------------------------------------------------------------


def test_close_now_is_refused_while_a_deciding_organisation_has_not_answered(
    world: SimpleNamespace,
) -> None:
    proposal = propose(world)  # decided by the lead and Riverside Mind
    actions.position_cast(
        by=world.lena, proposal=proposal, organisation=world.lead_org, stance="agree"
    )
    url = reverse("proposal_outcome", args=[world.partnership.pk, proposal.pk])
    page = client_for(world.lena).post(url, {"statement": "Agreed."})
    assert page.status_code == 422
    assert "Riverside Mind has not given its position yet" in page.content.decode()
    api = api_for(world.lena).post(f"{V}/proposals/{proposal.pk}/close", {"statement": "x"})
    assert api.status_code == 422
    [error] = api.json()["errors"]
    assert error["field"] == "positions" and "Riverside Mind" in error["message"]
    assert "Riverside Citizens Advice" not in error["message"]  # it has answered
    proposal.refresh_from_db()
    assert proposal.is_open


def test_close_now_names_every_organisation_still_silent(world: SimpleNamespace) -> None:
    proposal = propose(world, deciders="all")
    with pytest.raises(ValidationError) as error:
        actions.proposal_close(by=world.lena, proposal=proposal)
    assert (
        "Hillside Food Bank, Riverside Citizens Advice and Riverside Mind have not given their "
        "position yet"
    ) in " ".join(error.value.messages)


def test_close_now_is_allowed_once_all_have_answered_and_the_log_says_it_closed_early(
    world: SimpleNamespace,
) -> None:
    proposal = propose(world)
    actions.position_cast(
        by=world.lena, proposal=proposal, organisation=world.lead_org, stance="agree"
    )
    actions.position_cast(
        by=world.cora, proposal=proposal, organisation=world.core_org, stance="agree"
    )
    url = reverse("proposal_outcome", args=[world.partnership.pk, proposal.pk])
    asked = client_for(world.lena).post(url, {"statement": "Agreed."})
    assert "before its closing date" in asked.content.decode()  # closing cannot be undone
    assert Proposal.objects.get(pk=proposal.pk).is_open
    confirmed = {"statement": "Agreed.", "confirmed": "yes"}
    assert client_for(world.lena).post(url, confirmed).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.outcome) == ("closed", "passed")
    assert proposal.closed_early and proposal.closed_by == world.lena
    log = client_for(world.will).get(reverse("decisions", args=[world.partnership.pk]))
    text = log.content.decode()
    assert "Closed early on" in text and "by Lena Lead" in text
    assert f"before its closing date of {days_from_today(30):%-d %b %Y}" in text
    read = api_for(world.will).get(f"{V}/proposals/{proposal.pk}").json()
    assert read["closed_early"] is True and read["closed_at"] is not None
    entry = AuditEvent.objects.get(action="proposal.close_early")
    assert entry.after["closed_early"] is True and entry.after["positions"] == 2


def test_closing_on_its_date_is_not_closing_early(world: SimpleNamespace) -> None:
    proposal = propose(world)  # nobody answers
    closed = actions.close_due(
        world.partnership.pk, today=proposal.closes_on + dt.timedelta(days=1)
    )
    assert [p.pk for p in closed] == [proposal.pk]
    proposal.refresh_from_db()
    assert proposal.outcome == "passed" and not proposal.closed_early  # consent: silence


def test_with_an_agreed_quorum_it_closes_once_the_quorum_answered_and_lead_times_passed(
    world: SimpleNamespace,
) -> None:
    in_force(world, decisions="Decisions need a quorum of 2.")
    actions.lead_time_set(by=None, organisation=world.wider_org, days=28)
    proposal = propose(world, deciders="all", kind="vote")  # three deciding organisations
    actions.position_cast(
        by=world.lena, proposal=proposal, organisation=world.lead_org, stance="agree"
    )
    # One of the quorum of two: everyone silent is waited for.
    with pytest.raises(ValidationError, match="Hillside Food Bank and Riverside Mind have not"):
        actions.proposal_close(by=world.lena, proposal=proposal)
    actions.position_cast(
        by=world.cora, proposal=proposal, organisation=world.core_org, stance="agree"
    )
    # Quorate, but the food bank has had 0 of its 28 days to ask its board.
    with pytest.raises(ValidationError, match="Hillside Food Bank has not given its position"):
        actions.proposal_close(by=world.lena, proposal=proposal)
    # 29 days on, its lead time has passed: the quorum decides, 2 of 3 agreeing.
    Proposal.objects.filter(pk=proposal.pk).update(opened_at=timezone.now() - dt.timedelta(days=29))
    closed = actions.proposal_close(by=world.lena, proposal=proposal)
    assert closed.outcome == "passed" and closed.closed_early


def test_without_an_agreed_quorum_every_deciding_organisation_must_answer(
    world: SimpleNamespace,
) -> None:
    proposal = propose(world, deciders="all", kind="vote")
    for org, by in ((world.lead_org, world.lena), (world.core_org, world.cora)):
        actions.position_cast(by=by, proposal=proposal, organisation=org, stance="agree")
    # 2 of 3 is over half, the default quorum, but that is for counting, not for closing early.
    assert counting.rule_for(world.partnership.pk, 3).quorum == 2
    with pytest.raises(ValidationError, match="Hillside Food Bank has not given its position"):
        actions.proposal_close(by=world.lena, proposal=proposal)


# --- Urgent decisions under delegated authority ---------------------------------------------


def test_by_default_the_leads_admins_and_managers_hold_delegated_authority(
    world: SimpleNamespace, mo: Any
) -> None:
    delegation = counting.delegated_authority(world.partnership.pk)
    assert delegation.organisations == [world.lead_org]
    assert "the admins and managers of Riverside Citizens Advice" in delegation.describe()
    with pytest.raises(ValidationError, match="You do not hold delegated authority"):
        actions.proposal_record_urgent(
            by=mo,
            partnership=world.partnership,
            organisation=world.core_org,
            title="Emergency beds",
            decision="Book two emergency beds.",
        )
    assert client_for(mo).get(reverse("urgent_new", args=[world.partnership.pk])).status_code == 403
    assert (
        client_for(world.stan).get(reverse("urgent_new", args=[world.partnership.pk])).status_code
        == 403
    )
    urgent = actions.proposal_record_urgent(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Emergency beds",
        decision="Book two emergency beds.",
    )
    assert urgent.outcome == "urgent"


def test_a_core_partners_manager_with_delegated_authority_takes_an_urgent_decision(
    world: SimpleNamespace, mo: Any
) -> None:
    coming = meet(core_series(world), days_from_today(10))
    in_force(world, delegates=[world.core_org, world.lead_org])
    url = reverse("urgent_new", args=[world.partnership.pk])
    client = client_for(mo)
    form = client.get(url)
    assert form.status_code == 200
    assert "the admins and managers of Riverside Citizens Advice and Riverside Mind" in (
        form.content.decode()
    )
    response = client.post(
        url,
        {
            "organisation": world.core_org.pk,
            "title": "Emergency beds",
            "decision": "Book two emergency bed nights for a young person tonight.",
            "background": "Nobody could be reached before the night.",
        },
    )
    assert response.status_code == 302
    urgent = Proposal.objects.get(title="Emergency beds")
    assert (urgent.organisation, urgent.outcome) == (world.core_org, "urgent")
    assert urgent.ratification_item is not None and urgent.ratification_item.meeting == coming
    # Riverside Mind's staff hold no authority (admins and managers only); nor a wider partner.
    assert client_for(world.cora).get(url).status_code == 403
    refused = api_for(world.will).post(
        f"{V}/partnerships/{world.partnership.pk}/proposals/urgent",
        {"organisation_id": world.wider_org.pk, "title": "T", "decision": "D"},
    )
    assert refused.status_code == 403
    # Mo holds it for Riverside Mind, not for the lead.
    wrong = api_for(mo).post(
        f"{V}/partnerships/{world.partnership.pk}/proposals/urgent",
        {"organisation_id": world.lead_org.pk, "title": "T", "decision": "D"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "organisation"
    made = api_for(mo).post(
        f"{V}/partnerships/{world.partnership.pk}/proposals/urgent",
        {"organisation_id": world.core_org.pk, "title": "Rent deposit", "decision": "Pay it."},
    )
    assert made.status_code == 201 and made.json()["urgent"] is True


def test_when_the_agreement_names_only_core_partners_the_lead_does_not_hold_it(
    world: SimpleNamespace, mo: Any
) -> None:
    in_force(world, delegates=[world.core_org], delegate_roles=["admin", "manager", "staff"])
    with pytest.raises(ValidationError, match="held by the admins, managers and staff of "):
        actions.proposal_record_urgent(
            by=world.lena,
            partnership=world.partnership,
            organisation=world.lead_org,
            title="T",
            decision="D",
        )
    # Staff are named too: Cora, Riverside Mind's staff, holds it.
    assert actions.proposal_record_urgent(
        by=world.cora,
        partnership=world.partnership,
        organisation=world.core_org,
        title="T",
        decision="D",
    ).urgent


def test_delegated_authority_is_set_in_the_agreement_draft_and_kept_in_new_versions(
    world: SimpleNamespace,
) -> None:
    client = client_for(world.lena)
    response = client.post(
        reverse("agreement_new", args=[world.partnership.pk]),
        {
            "kind": "partnership_agreement",
            "title": "Partnership agreement",
            "decisions": "Urgent decisions: the core partners, reported at the next meeting.",
            "delegates": [world.core_org.pk],
            "delegate_roles": ["admin", "manager"],
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Partnership agreement")
    version = agreement.versions.get()
    assert list(version.delegates.all()) == [world.core_org]
    edit = reverse("agreement_edit", args=[world.partnership.pk, agreement.pk, 1])
    assert (
        "Delegated authority for urgent decisions is held by" in client.get(edit).content.decode()
    )
    # The API reads and replaces it; an outsider organisation is refused, naming the field.
    api = api_for(world.lena)
    read = api.get(f"{V}/agreements/{agreement.pk}").json()["versions"][0]
    assert read["delegate_ids"] == [world.core_org.pk]
    assert read["delegate_roles"] == ["admin", "manager"]
    bad = api.put(
        f"{V}/agreements/{agreement.pk}/versions/1", {"delegate_ids": [world.outside_org.pk]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "delegate_ids"
    put = api.put(
        f"{V}/agreements/{agreement.pk}/versions/1",
        {"decisions": "Core partners decide urgently.", "delegate_ids": [world.lead_org.pk]},
    )
    assert put.status_code == 200 and put.json()["delegate_ids"] == [world.lead_org.pk]
    version = agreement_actions.version_advance(version=version, by=None, to="signoff")
    for org in (world.lead_org, world.core_org, world.wider_org):
        agreement_actions.sign(version=version, by=None, organisation=org, board_informed=True)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "The admins and managers of Riverside Citizens Advice." in page
    second = agreement_actions.version_new(agreement=agreement, by=world.lena)
    assert list(second.delegates.all()) == [world.lead_org]
    assert second.delegate_roles == ["admin", "manager"]
    # A new version that hands it to the core partner shows the change in "What changed".
    agreement_actions.version_edit(
        version=second, by=world.lena, sections=second.sections, delegates=[world.core_org]
    )
    changed = client.get(reverse("agreement_diff", args=[world.partnership.pk, agreement.pk]))
    text = changed.content.decode()
    assert "Delegated authority for urgent decisions" in text
    assert "Riverside <del>Citizens Advice.</del> <ins>Mind.</ins>" in text


# --- Ratification --------------------------------------------------------------------------


def test_ratification_is_refused_at_a_meeting_that_has_not_taken_place(
    world: SimpleNamespace,
) -> None:
    series = core_series(world)
    coming = meet(series, days_from_today(10))
    urgent = actions.proposal_record_urgent(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Emergency beds",
        decision="Book two emergency beds.",
    )
    when = f"{days_from_today(10):%-d %B %Y}"
    with pytest.raises(ValidationError, match=f"The meeting of {when} has not taken place yet"):
        actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=True)
    api = api_for(world.lena).post(
        f"{V}/proposals/{urgent.pk}/ratify", {"ratified": True, "meeting_id": coming.pk}
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "meeting_id"
    url = reverse("proposal_ratify", args=[world.partnership.pk, urgent.pk])
    page = client_for(world.lena).post(url, {"meeting": coming.pk, "ratified": "yes"})
    assert page.status_code == 422 and "a meeting still to come" in page.content.decode()
    detail = client_for(world.lena).get(urgent.get_absolute_url()).content.decode()
    assert "once that meeting has taken place" in detail
    urgent.refresh_from_db()
    assert urgent.outcome == "urgent"
    # A cancelled meeting ratifies nothing either.
    meeting_actions.meeting_cancel(by=world.lena, meeting=coming)
    Meeting.objects.filter(pk=coming.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    coming.refresh_from_db()
    with pytest.raises(ValidationError, match="was cancelled"):
        actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=True, meeting=coming)


def test_ratification_is_recorded_at_a_meeting_held_since_the_decision(
    world: SimpleNamespace,
) -> None:
    series = core_series(world)
    before = meet(series, days_from_today(-20))
    urgent = actions.proposal_record_urgent(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Emergency beds",
        decision="Book two emergency beds.",
    )
    with pytest.raises(ValidationError, match="held before the decision was taken"):
        actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=True, meeting=before)
    held = meet(series, days_from_today(5))
    Meeting.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(minutes=90),
    )
    response = api_for(world.lena).post(
        f"{V}/proposals/{urgent.pk}/ratify", {"ratified": True, "note": "All agreed."}
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "ratified"
    assert response.json()["meeting_id"] == held.pk
    # Only the lead's admins and managers record the meeting's ratification.
    other = api_for(world.cora).post(f"{V}/proposals/{urgent.pk}/ratify", {"ratified": True})
    assert other.status_code == 403
