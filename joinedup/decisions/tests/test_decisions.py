"""Shared decisions: proposals, positions, lead times, counting, closing, urgent decisions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for, make_user
from joinedup.decisions import actions, counting
from joinedup.decisions.models import Position, Proposal
from joinedup.decisions.queries import power_balance
from joinedup.meetings.models import Meeting, Notice
from joinedup.meetings.tests.helpers import core_series, days_from_today, meet


def propose(
    w: SimpleNamespace, kind: str = "consensus", deciders: str = "core", **kw: Any
) -> Proposal:
    return actions.proposal_create(
        by=w.lena,
        partnership=w.partnership,
        organisation=w.lead_org,
        title=kw.pop("title", "Open on Saturdays"),
        question="Shall the hub open on Saturday mornings?",
        kind=kind,
        deciders=deciders,
        closes_on=kw.pop("closes_on", days_from_today(14)),
        **kw,
    )


def close_on_time(proposal: Proposal, statement: str = "") -> Proposal:
    """Close as the system does the day after the closing date."""
    return actions.proposal_close(
        by=None,
        proposal=proposal,
        statement=statement,
        today=proposal.closes_on + dt.timedelta(days=1),
    )


@pytest.fixture
def mo(world: SimpleNamespace) -> Any:
    """A manager at the core partner: has authority there."""
    return make_user("mo@riverside-mind.example", "Mo Manager", world.core_org, "manager")


def test_a_closing_date_inside_a_lead_time_is_refused_naming_the_organisation(
    world: SimpleNamespace,
) -> None:
    actions.lead_time_set(by=None, organisation=world.core_org, days=28, note="Board monthly")
    with pytest.raises(ValidationError) as error:
        propose(world, closes_on=days_from_today(14))
    message = " ".join(error.value.messages)
    assert "Riverside Mind needs 28 days to take a decision to its board" in message
    assert f"{days_from_today(28):%-d %B %Y}" in message
    assert propose(world, closes_on=days_from_today(28)).is_open
    # The page says the same, on the field, with a 422.
    response = client_for(world.lena).post(
        reverse("proposal_new", args=[world.partnership.pk]),
        {
            "organisation": world.lead_org.pk,
            "title": "T",
            "question": "Q",
            "kind": "vote",
            "deciders": "core",
            "closes_on": days_from_today(3).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Riverside Mind needs 28 days" in response.content.decode()


def test_a_lead_time_of_an_organisation_that_does_not_decide_does_not_count(
    world: SimpleNamespace,
) -> None:
    actions.lead_time_set(by=None, organisation=world.wider_org, days=60)
    assert propose(world, deciders="core").is_open
    with pytest.raises(ValidationError, match="Hillside Food Bank needs 60 days"):
        propose(world, deciders="all")


def test_a_closing_date_in_the_past_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="past"):
        propose(world, closes_on=days_from_today(-1))


def test_a_second_position_replaces_the_first_and_history_is_kept(
    world: SimpleNamespace,
) -> None:
    proposal = propose(world)
    actions.position_cast(
        by=world.cora, proposal=proposal, organisation=world.core_org, stance="agree"
    )
    actions.position_cast(
        by=world.cora,
        proposal=proposal,
        organisation=world.core_org,
        stance="disagree",
        reason="We have no Saturday staff.",
    )
    rows = list(Position.objects.filter(proposal=proposal, organisation=world.core_org))
    assert [(p.stance, p.current) for p in rows] == [("agree", False), ("disagree", True)]
    page = client_for(world.lena).get(proposal.get_absolute_url()).content.decode()
    assert "We have no Saturday staff." in page
    assert "Earlier positions, since replaced" in page


def test_a_person_without_authority_cannot_cast_a_position(world: SimpleNamespace) -> None:
    proposal = propose(world, deciders="all")
    # Stan is staff at the lead, not a manager nor its named contact.
    with pytest.raises(ValidationError, match="Only an admin or manager of Riverside Citizens"):
        actions.position_cast(
            by=world.stan, proposal=proposal, organisation=world.lead_org, stance="agree"
        )
    # Cora may speak for Riverside Mind (its contact), not for the lead.
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.position_cast(
            by=world.cora, proposal=proposal, organisation=world.lead_org, stance="agree"
        )
    response = client_for(world.will).post(
        reverse("position_cast", args=[world.partnership.pk, proposal.pk]),
        {"organisation": world.wider_org.pk, "stance": "agree"},
    )
    assert response.status_code == 422
    assert "Only an admin or manager of Hillside Food Bank" in response.content.decode()
    assert not Position.objects.exists()


def test_an_organisation_that_does_not_decide_cannot_cast(world: SimpleNamespace) -> None:
    wendy = make_user("wendy@hillside.example", "Wendy", world.wider_org, "manager")
    proposal = propose(world, deciders="core")
    with pytest.raises(ValidationError, match="not one of the organisations deciding"):
        actions.position_cast(
            by=wendy, proposal=proposal, organisation=world.wider_org, stance="agree"
        )


def test_dissent_needs_a_reason_and_the_stance_must_fit_the_kind(world: SimpleNamespace) -> None:
    proposal = propose(world, kind="consensus")
    for stance in ("disagree", "block"):
        with pytest.raises(ValidationError, match="Give a reason"):
            actions.position_cast(
                by=world.cora, proposal=proposal, organisation=world.core_org, stance=stance
            )
    with pytest.raises(ValidationError, match="consensus decision takes"):
        actions.position_cast(
            by=world.cora,
            proposal=proposal,
            organisation=world.core_org,
            stance="object",
            reason="x",
        )
    consent = propose(world, kind="consent", title="Consent")
    with pytest.raises(ValidationError, match="Give a reason"):
        actions.position_cast(
            by=world.cora, proposal=consent, organisation=world.core_org, stance="object"
        )


def cast(w: SimpleNamespace, proposal: Proposal, org: Any, stance: str, by: Any) -> None:
    actions.position_cast(by=by, proposal=proposal, organisation=org, stance=stance, reason="r")


def test_consent_passes_unless_an_organisation_objects(world: SimpleNamespace, mo: Any) -> None:
    silent = propose(world, kind="consent", title="A")
    assert close_on_time(silent).outcome == "passed"
    objected = propose(world, kind="consent", title="B")
    cast(world, objected, world.core_org, "object", mo)
    assert close_on_time(objected).outcome == "not_passed"


def test_a_consensus_is_blocked_by_one_block(world: SimpleNamespace, mo: Any) -> None:
    proposal = propose(world, kind="consensus")
    cast(world, proposal, world.lead_org, "agree", world.lena)
    cast(world, proposal, world.core_org, "block", mo)
    closed = close_on_time(proposal, statement="Not this year.")
    assert closed.outcome == "blocked" and closed.outcome_statement == "Not this year."


def test_a_vote_needs_a_majority_of_deciding_organisations(world: SimpleNamespace, mo: Any) -> None:
    half = propose(world, kind="vote", title="Half")
    cast(world, half, world.lead_org, "agree", world.lena)
    cast(world, half, world.core_org, "disagree", mo)
    assert close_on_time(half).outcome == "not_passed"
    both = propose(world, kind="vote", title="Both")
    cast(world, both, world.lead_org, "agree", world.lena)
    cast(world, both, world.core_org, "agree", mo)
    assert close_on_time(both).outcome == "passed"


def test_without_a_quorum_nothing_is_decided(world: SimpleNamespace) -> None:
    proposal = propose(world, kind="vote", deciders="all")
    cast(world, proposal, world.lead_org, "agree", world.lena)
    assert close_on_time(proposal).outcome == "no_quorum"


def test_the_quorum_and_pass_rule_come_from_the_agreement_in_force(
    world: SimpleNamespace,
) -> None:
    from joinedup.accounts.models import User
    from joinedup.agreements import actions as agreement_actions

    assert counting.rule_for(world.partnership.pk, 3).quorum == 2  # the default: over half
    admin = User.objects.create_superuser("root@example.org", "x", name="Root")
    agreement = agreement_actions.agreement_create(
        by=admin,
        partnership=world.partnership,
        kind="partnership_agreement",
        title="Partnership agreement",
        sections={"decisions": "Decisions need a quorum of 1 and a two-thirds majority."},
    )
    version = agreement_actions.version_advance(
        version=agreement.versions.get(), by=admin, to="signoff"
    )
    for org in (world.lead_org, world.core_org, world.wider_org):
        agreement_actions.sign(version=version, by=admin, organisation=org, board_informed=True)
    rule = counting.rule_for(world.partnership.pk, 3)
    assert rule.quorum == 1 and "Partnership agreement" in rule.source
    proposal = propose(world, kind="vote", deciders="all")
    cast(world, proposal, world.lead_org, "agree", world.lena)
    closed = close_on_time(proposal)
    assert closed.outcome == "not_passed"  # quorate, but 1 of 3 is not two thirds


def test_proposals_close_on_time_when_the_log_is_read(world: SimpleNamespace) -> None:
    proposal = propose(world, kind="consent", closes_on=timezone.localdate())
    Proposal.objects.filter(pk=proposal.pk).update(closes_on=days_from_today(-1))
    with pytest.raises(ValidationError, match="closed"):
        actions.position_cast(
            by=world.cora, proposal=proposal, organisation=world.core_org, stance="agree"
        )
    page = client_for(world.cora).get(reverse("decisions", args=[world.partnership.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.outcome == "passed"
    assert "Passed" in page.content.decode()
    assert Notice.objects.filter(user=world.cora, subject__startswith="Decision closed").exists()


def test_an_urgent_decision_goes_on_the_next_meetings_agenda(world: SimpleNamespace) -> None:
    series = core_series(world)
    meet(series, days_from_today(-5))
    upcoming = meet(series, days_from_today(10))
    with pytest.raises(ValidationError, match="delegated authority"):
        actions.proposal_record_urgent(
            by=world.stan,
            partnership=world.partnership,
            organisation=world.lead_org,
            title="Emergency beds",
            decision="Book two emergency beds.",
        )
    urgent = actions.proposal_record_urgent(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Emergency beds",
        decision="Book two emergency beds.",
    )
    assert urgent.ratification_item is not None
    assert urgent.ratification_item.meeting == upcoming
    assert "Ratify the urgent decision" in urgent.ratification_item.title
    page = client_for(world.cora).get(upcoming.get_absolute_url()).content.decode()
    assert urgent.get_absolute_url() in page and "awaiting ratification" in page
    response = client_for(world.cora).post(
        reverse("proposal_ratify", args=[world.partnership.pk, urgent.pk]), {"ratified": "yes"}
    )
    assert response.status_code == 403  # the lead records the meeting's ratification
    # The meeting is ten days away: nothing can be ratified at it yet.
    with pytest.raises(ValidationError, match="has not taken place yet"):
        actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=True)
    # The meeting takes place.
    Meeting.objects.filter(pk=upcoming.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now()
    )
    bad = client_for(world.lena).post(
        reverse("proposal_ratify", args=[world.partnership.pk, urgent.pk]),
        {"ratified": "maybe", "meeting": upcoming.pk},
    )
    assert bad.status_code == 422
    ratified = actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=True)
    assert ratified.outcome == "ratified" and ratified.meeting == upcoming
    with pytest.raises(ValidationError, match="already"):
        actions.proposal_ratify(by=world.lena, proposal=urgent, ratified=False)


def test_an_urgent_decision_waits_for_the_next_meeting_scheduled(world: SimpleNamespace) -> None:
    urgent = actions.proposal_record_urgent(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Emergency beds",
        decision="Book two emergency beds.",
    )
    assert urgent.ratification_item is None
    meeting = meet(core_series(world), days_from_today(7))
    urgent.refresh_from_db()
    assert urgent.ratification_item is not None and urgent.ratification_item.meeting == meeting


def test_the_power_balance_counts_each_organisations_share(world: SimpleNamespace, mo: Any) -> None:
    series = core_series(world)
    meet(series, days_from_today(-30), chair=world.core_org)
    meet(series, days_from_today(-2), chair=world.core_org)
    passed = propose(world, kind="vote", title="Passed")
    cast(world, passed, world.lead_org, "agree", world.lena)
    cast(world, passed, world.core_org, "disagree", mo)
    actions.proposal_create(
        by=world.cora,
        partnership=world.partnership,
        organisation=world.core_org,
        title="Cora's",
        question="Q",
        kind="advice",
        deciders="core",
        closes_on=days_from_today(5),
    )
    Proposal.objects.filter(pk=passed.pk).update(closes_on=days_from_today(-1))
    actions.close_due(world.partnership.pk)
    rows = {
        b.organisation: b
        for b in power_balance(world.partnership.pk, [world.lead_org, world.core_org])
    }
    assert rows[world.lead_org].proposals == rows[world.core_org].proposals == 0.5
    assert rows[world.core_org].chaired == 1.0
    passed.refresh_from_db()
    # 1 of 2 agreed: not a majority of two deciding organisations.
    assert passed.outcome == "not_passed"
    assert (rows[world.core_org].went_its_way, rows[world.core_org].took_a_side) == (1, 1)
    assert (rows[world.lead_org].went_its_way, rows[world.lead_org].took_a_side) == (0, 1)
    page = client_for(world.cora).get(reverse("partnership", args=[world.partnership.pk]))
    assert "Power balance" in page.content.decode()


def test_an_advice_decision_is_stated_by_the_proposer(world: SimpleNamespace) -> None:
    proposal = propose(world, kind="advice")
    cast(world, proposal, world.lead_org, "agree", world.lena)
    cast(world, proposal, world.core_org, "abstain", world.cora)
    client = client_for(world.lena)
    url = reverse("proposal_outcome", args=[world.partnership.pk, proposal.pk])
    assert client.post(url, {"statement": ""}).status_code == 422
    said = {"statement": "We will open on Saturdays."}
    assert "This cannot be undone." in client.post(url, said).content.decode()  # asks first
    assert client.post(url, {**said, "confirmed": "yes"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.outcome == "decided"
    assert proposal.outcome_statement == "We will open on Saturdays."
    assert client_for(world.will).post(url, {"statement": "x"}).status_code == 403


def test_an_organisation_manager_sets_its_lead_time(world: SimpleNamespace, mo: Any) -> None:
    url = reverse("lead_time", args=[world.partnership.pk])
    client = client_for(mo)
    assert client.post(url, {"organisation": world.core_org.pk, "days": -3}).status_code == 422
    assert client.post(url, {"organisation": world.lead_org.pk, "days": 3}).status_code == 422
    assert client.post(url, {"organisation": world.core_org.pk, "days": 21}).status_code == 302
    assert "21 days" in client_for(world.will).get(url).content.decode()
    assert client_for(world.cora).post(url, {"days": 1}).status_code == 403


def test_closing_dates_are_checked_against_today(world: SimpleNamespace) -> None:
    actions.lead_time_set(by=None, organisation=world.core_org, days=10)
    today = dt.date(2026, 3, 1)
    actions.check_closing_date(world.partnership, "core", dt.date(2026, 3, 11), today)
    with pytest.raises(ValidationError):
        actions.check_closing_date(world.partnership, "core", dt.date(2026, 3, 10), today)


def test_a_proposal_links_to_the_meeting_that_discusses_it(world: SimpleNamespace) -> None:
    from joinedup.meetings.tests.helpers import wider_series

    meeting = meet(core_series(world), days_from_today(10))
    elsewhere = actions.proposal_create
    client = client_for(world.cora)
    url = reverse("proposal_new", args=[world.partnership.pk])
    body = {
        "organisation": world.core_org.pk,
        "title": "Shared training day",
        "question": "Shall we hold one training day for all staff?",
        "kind": "consent",
        "deciders": "core",
        "closes_on": days_from_today(7).isoformat(),
        "meeting": meeting.pk,
    }
    assert client.post(url, body).status_code == 302
    proposal = Proposal.objects.get(title="Shared training day")
    assert proposal.meeting == meeting
    close_on_time(proposal)
    log = client.get(reverse("decisions", args=[world.partnership.pk])).content.decode()
    assert meeting.get_absolute_url() in log
    # A wider partner cannot pick the core partners' meeting, and no partnership another's.
    core_meeting = {**body, "organisation": world.wider_org.pk, "deciders": "all"}
    assert client_for(world.will).post(url, core_meeting).status_code == 422
    other = meet(wider_series(world), days_from_today(12))
    with pytest.raises(ValidationError, match="not one of this partnership"):
        elsewhere(
            by=None,
            partnership=world.elsewhere,
            organisation=world.outside_org,
            title="T",
            question="Q",
            kind="consent",
            deciders="core",
            closes_on=days_from_today(5),
            meeting=other,
        )
