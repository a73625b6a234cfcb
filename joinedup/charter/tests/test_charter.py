"""Signing, reaffirming and withdrawing; the anonymity thresholds; shared gaps."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.charter import actions, queries
from joinedup.charter.models import PeerView
from joinedup.charter.reminders import remind_peer_views, remind_reaffirmations
from joinedup.charter.tests.conftest import close, rate
from joinedup.conftest import add_member, api_for, make_org, make_user
from joinedup.events.models import TopicRequest
from joinedup.meetings.models import Notice
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import MemberRole


def test_signing_needs_authority(world: SimpleNamespace, charter: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.charter_sign(
            version=charter.version, by=world.stan, organisation=world.lead_org, board_informed=True
        )
    with pytest.raises(ValidationError, match="not a current member"):
        actions.charter_sign(
            version=charter.version,
            by=world.olive,
            organisation=world.outside_org,
            board_informed=True,
        )
    signature = actions.charter_sign(
        version=charter.version,
        by=world.lena,
        organisation=world.lead_org,
        board_informed=False,
        by_default=True,
    )
    assert signature.signed_by == world.lena and signature.by_default
    with pytest.raises(ValidationError, match="already signed"):
        actions.charter_sign(
            version=charter.version, by=world.lena, organisation=world.lead_org, board_informed=True
        )


def test_a_superuser_without_a_role_there_does_not_sign(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    """Site administrators run Joined Up; they do not commit an organisation to anything."""
    root = User.objects.create_superuser("root@joinedup.example", "a-long-test-password")
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.charter_sign(
            version=charter.version, by=root, organisation=world.lead_org, board_informed=True
        )
    body = {"organisation_id": world.lead_org.pk, "board_informed": True}
    url = f"/api/v1/programmes/{world.programme.pk}/charter/signatures"
    assert api_for(root).post(url, body).status_code == 403
    signature = actions.charter_sign(
        version=charter.version, by=world.lena, organisation=world.lead_org, board_informed=True
    )
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.charter_withdraw(signature=signature, by=root, reason="Tidying up.")


def test_a_draft_is_not_signed_and_a_new_version_supersedes(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    draft = actions.charter_new_version(charter=charter.version.charter, by=world.otis)
    with pytest.raises(ValidationError, match="adopted"):
        actions.charter_sign(
            version=draft, by=world.lena, organisation=world.lead_org, board_informed=True
        )
    themes = draft.themes
    themes[0]["principles"][0]["title"] = "Our trustees back the partnership"
    actions.charter_edit(version=draft, by=world.otis, themes=themes)
    with pytest.raises(ValidationError, match="three or four principles"):
        actions.charter_edit(
            version=draft, by=world.otis, themes=[{"key": "x", "title": "X", "principles": []}]
        )
    actions.charter_advance(version=draft, by=world.otis, to="comment")
    actions.charter_advance(version=draft, by=world.otis, to="adopted")
    charter.version.refresh_from_db()
    assert charter.version.status == "superseded"
    adopted = queries.adopted(charter.version.charter)
    assert adopted is not None and adopted.number == 2


def test_reaffirmation_is_due_yearly_and_reminded_once(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    signature = actions.charter_sign(
        version=charter.version,
        by=None,
        organisation=world.core_org,
        board_informed=True,
        signed_on=dt.date(2025, 3, 31),
    )
    assert signature.reaffirm_by == dt.date(2026, 3, 31)
    assert not queries.reaffirmation_due(signature, dt.date(2026, 3, 30))
    assert queries.reaffirmation_due(signature, dt.date(2026, 3, 31))
    assert remind_reaffirmations(dt.date(2026, 3, 1)) == 0
    assert remind_reaffirmations(dt.date(2026, 3, 20)) == 1
    assert remind_reaffirmations(dt.date(2026, 3, 21)) == 0  # sent once
    again = actions.charter_reaffirm(
        signature=signature, by=None, board_informed=True, on=dt.date(2026, 3, 25)
    )
    assert again.reaffirm_by == dt.date(2027, 3, 25)


def test_withdrawing_needs_a_reason_and_shows_on_the_public_list(
    world: SimpleNamespace, charter: SimpleNamespace, client: object
) -> None:
    signature = actions.charter_sign(
        version=charter.version, by=world.lena, organisation=world.lead_org, board_informed=True
    )
    with pytest.raises(ValidationError, match="Say why"):
        actions.charter_withdraw(signature=signature, by=world.lena, reason="  ")
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.charter_withdraw(signature=signature, by=world.stan, reason="No")
    actions.charter_withdraw(signature=signature, by=world.lena, reason="Merging with a partner.")
    page = client.get(f"/programmes/{world.programme.pk}/charter/signatories/")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "Merging with a partner." in page.content.decode()


def _assess(world: SimpleNamespace, framework: Any, n: int) -> None:
    for i in range(n):
        person = make_user(f"p{i}@riverside-ca.example", f"Person {i}", world.lead_org)
        actions.self_assess(
            by=person,
            framework=framework,
            organisation=world.lead_org,
            answers={"present": {"level": 2 + (i % 2), "evidence": "Chaired the May meeting."}},
        )


def test_self_assessment_levels_need_evidence_and_an_acting_person(
    world: SimpleNamespace,
) -> None:
    framework = actions.framework_for(world.programme)
    assert len(framework.skills) == 11
    with pytest.raises(ValidationError, match="Give an example"):
        actions.self_assess(
            by=world.stan,
            framework=framework,
            organisation=world.lead_org,
            answers={"present": {"level": 3, "evidence": ""}},
        )
    with pytest.raises(ValidationError, match="do not act for"):
        actions.self_assess(
            by=world.stan,
            framework=framework,
            organisation=world.core_org,
            answers={"present": {"level": None}},
        )


def test_an_organisation_sees_its_peoples_skills_only_from_three(world: SimpleNamespace) -> None:
    framework = actions.framework_for(world.programme)
    _assess(world, framework, 2)
    assert queries.skills_aggregate(framework, world.lead_org) == (2, None)
    _assess_third = make_user("p9@riverside-ca.example", "Person 9", world.lead_org)
    actions.self_assess(
        by=_assess_third,
        framework=framework,
        organisation=world.lead_org,
        answers={"present": {"level": None}},
        shared_with_manager=True,
    )
    people, rows = queries.skills_aggregate(framework, world.lead_org)
    assert rows is not None
    present = next(r for r in rows if r.key == "present")
    assert (people, present.counts, present.not_observed, present.mean) == (3, [0, 1, 1, 0], 1, 2.5)
    # A skill fewer than three of them answered shows nothing of those few.
    honest = next(r for r in rows if r.key == "own_role")
    assert (honest.counts, honest.not_observed, honest.mean) == (None, None, None)
    # An assessment that answers nothing is refused, so it cannot make up the three.
    with pytest.raises(ValidationError, match="Answer at least one skill"):
        actions.self_assess(
            by=world.stan, framework=framework, organisation=world.lead_org, answers={}
        )
    assert [a.person for a in queries.shared_with_manager(framework, world.lead_org)] == [
        _assess_third
    ]


def _once_closed(peers: Any, read: Any, *args: Any) -> Any:
    """What `read` would give were the peer view closed now (then it is opened again, so that
    the test can go on adding raters: the threshold at each step)."""
    PeerView.objects.filter(pk=peers.view.pk).update(closed_at=timezone.now())
    peers.view.refresh_from_db()
    try:
        return read(peers.view, *args)
    finally:
        PeerView.objects.filter(pk=peers.view.pk).update(closed_at=None)
        peers.view.refresh_from_db()


def test_peer_view_needs_three_raters_from_two_organisations(
    world: SimpleNamespace, peers: SimpleNamespace
) -> None:
    lead = world.lead_org
    rate(peers, world.cora, world.core_org, lead, 2)
    rate(peers, peers.mo, world.core_org, lead, 2)
    rate(peers, world.lena, lead, lead, 4)  # its self-view does not count as a rater
    result = _once_closed(peers, queries.peer_result, lead)
    assert not result["shown"] and result["comments"] == []
    assert all(r.others is None for r in result["rows"])
    # "Don't know" is no answer: a third person from another organisation who knows nothing
    # does not make the figures show.
    rate(peers, peers.dale, peers.drop_in, lead, None)
    assert not _once_closed(peers, queries.peer_result, lead)["shown"]
    third_same_org = make_user("max@riverside-mind.example", "Max Mind", world.core_org)
    rate(peers, third_same_org, world.core_org, lead, 3)
    # three raters, one organisation
    assert not _once_closed(peers, queries.peer_result, lead)["shown"]
    rate(peers, world.will, world.wider_org, lead, 1)
    close(peers)
    result = queries.peer_result(peers.view, lead)
    present = next(r for r in result["rows"] if r.key == "present")
    assert result["shown"] and (present.others, present.own, present.gap) == (2.0, 4.0, 2.0)
    assert len(result["comments"]) == 5  # unattributed, one from each rater of another org
    distribution = queries.peer_distribution(peers.view)
    row = next(r for r in distribution["rows"] if r["key"] == "present")
    assert row["counts"] == [1, 2, 1, 0]


def test_results_show_only_once_the_peer_view_is_closed_and_then_ratings_stop(
    world: SimpleNamespace, peers: SimpleNamespace
) -> None:
    """Live averages would tell whoever read them before and after one person rated what that
    person said: nothing is shown while the peer view is open, everything once it closes."""
    lead = world.lead_org
    for who, org, score in [
        (world.cora, world.core_org, 2),
        (peers.mo, world.core_org, 3),
        (world.will, world.wider_org, 4),
    ]:
        rate(peers, who, org, lead, score)
    rate(peers, world.lena, lead, lead, 4)
    result = queries.peer_result(peers.view, lead)
    assert (result["shown"], result["rows"], result["comments"]) == (False, [], [])
    assert result["raters"] is None  # not even how many have rated so far
    assert queries.peer_distribution(peers.view)["rows"] == []
    column = queries.programme_column(world.programme, [world.partnership.pk])
    assert column[world.partnership.pk]["spread"] is None
    assert column[world.partnership.pk]["peer_open_until"] == peers.view.closes_on
    # Open until the end of its closing day; closed from the next.
    assert peers.view.is_open(peers.view.closes_on)
    assert not peers.view.is_open(peers.view.closes_on + dt.timedelta(days=1))

    close(peers)
    present = next(r for r in queries.peer_result(peers.view, lead)["rows"] if r.key == "present")
    assert (present.others, present.own) == (3.0, 4.0)
    column = queries.programme_column(world.programme, [world.partnership.pk])
    assert column[world.partnership.pk]["spread"] == (2, 3, 4)
    with pytest.raises(ValidationError, match="ratings are no longer taken"):
        rate(peers, peers.dale, peers.drop_in, lead, 1)
    with pytest.raises(ValidationError, match="closed already"):
        actions.peer_view_close(peer_view=peers.view, by=world.lena)


def test_a_peer_view_closes_on_its_date_and_members_are_reminded_once(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    with pytest.raises(ValidationError, match="three months at most"):
        actions.peer_view_open(
            partnership=world.partnership,
            by=world.lena,
            version=charter.version,
            year=2026,
            closes_on=timezone.localdate() + dt.timedelta(days=93),
        )
    view = actions.peer_view_open(
        partnership=world.partnership, by=world.lena, version=charter.version, year=2026
    )
    closes = view.closes_on
    assert closes == timezone.localdate() + dt.timedelta(weeks=4)  # the default
    assert remind_peer_views(closes - dt.timedelta(days=8)) == 0
    assert remind_peer_views(closes - dt.timedelta(days=7)) == 1
    assert remind_peer_views(closes - dt.timedelta(days=3)) == 0  # once
    told = Notice.objects.filter(subject__startswith="Peer view closes")
    assert {world.lena, world.cora} <= {n.user for n in told}  # each member's people
    assert remind_peer_views(closes + dt.timedelta(days=1)) == 0  # closed: nothing to remind


def test_a_shared_gap_raises_one_topic_request(world: SimpleNamespace) -> None:
    other = partnership_actions.partnership_create(
        by=None,
        name="Hillside Crisis",
        shared_goal="Help in Hillside.",
        lead=world.wider_org,
        start_on=dt.date(2024, 4, 1),
        programme=world.programme,
        hub=world.hub,
    )
    third = make_org("Valley Advice")
    add_member(other, third, MemberRole.CORE)

    def gap(partnership: Any, organisation: Any) -> Any:
        return actions.plan_add(
            by=None,
            partnership=partnership,
            organisation=organisation,
            subject="present",
            title="Turn up and be present",
            support="hub_event",
            score=1.8,
        )

    gap(world.partnership, world.lead_org)
    assert TopicRequest.objects.count() == 0  # one organisation is not yet a shared gap
    gap(other, world.wider_org)
    gap(other, third)
    request = TopicRequest.objects.get()
    assert request.hub == world.hub
    assert set(request.requesters.all()) == {world.lead_org, world.wider_org, third}


def test_mentoring_is_offered_through_resources(world: SimpleNamespace) -> None:
    item = actions.plan_add(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        subject="honest",
        title="We are honest with each other",
        support="action_learning",
    )
    with pytest.raises(ValidationError, match="do not act for"):
        actions.plan_mentoring_offer(by=world.lena, item=item, mentor=world.core_org)
    item = actions.plan_mentoring_offer(by=world.cora, item=item, mentor=world.core_org)
    assert item.mentor_offer is not None
    assert item.mentor_offer.organisation == world.core_org
    assert item.mentor_offer.kind == "expertise" and item.support == "mentoring"
