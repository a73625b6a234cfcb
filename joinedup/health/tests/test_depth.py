"""Depth placement, the "in name only" flag and reciprocity, with hand-computed expectations
for each rule of `health.depth`."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from joinedup.health.depth import (
    MemberEvidence,
    OneWayStreet,
    Stage,
    in_name_only,
    one_way_streets,
    partnership_stage,
    place,
    reciprocity,
    reciprocity_index,
)

SILENT = MemberEvidence(organisation_id=1, name="Silent Council", sector="statutory", role="core")

# Meets every condition of every stage.
DEEP = replace(
    SILENT,
    levels=("delivery", "management", "strategic"),
    meetings_held=6,
    meetings_attended=5,
    meetings_any=5,
    referrals_made=4,
    referrals_received=3,
    resources_given=1,
    positions=2,
    agreements_signed=1,
    rounds_answered=1,
    level_received=4.5,
    raters=2,
)


def test_a_member_with_no_evidence_is_on_paper() -> None:
    assert place(SILENT).stage == Stage.ON_PAPER


@pytest.mark.parametrize(
    "change",
    [
        {"meetings_held": 6, "meetings_attended": 1},
        {"rounds_answered": 1},
        {"positions": 1},
        {"referrals_received": 1},
        {"resources_given": 1},
    ],
)
def test_any_sign_of_taking_part_is_networking(change: dict[str, Any]) -> None:
    assert place(replace(SILENT, **change)).stage == Stage.NETWORKING


def test_cooperating_needs_half_its_tiers_meetings_and_a_flow() -> None:
    member = replace(SILENT, meetings_held=6, meetings_attended=3, referrals_received=1)
    assert place(member).stage == Stage.COOPERATING
    # 2 of 6 is less than half.
    assert place(replace(member, meetings_attended=2)).stage == Stage.NETWORKING
    # Half the meetings but nothing moved.
    assert place(replace(member, referrals_received=0)).stage == Stage.NETWORKING
    # No meetings of its tier held: attendance cannot be shown.
    assert place(replace(member, meetings_held=0, meetings_attended=0)).stage == Stage.NETWORKING


def test_collaborating_needs_two_way_flows_a_position_and_a_signature() -> None:
    member = replace(
        SILENT,
        meetings_held=4,
        meetings_attended=2,
        referrals_received=1,  # it took on a referral: it gave a service
        resources_received=1,  # and it received a resource
        positions=1,
        agreements_signed=1,
    )
    assert place(member).stage == Stage.COLLABORATING
    missings: list[dict[str, Any]] = [
        {"referrals_received": 0},
        {"positions": 0},
        {"agreements_signed": 0},
    ]
    for missing in missings:
        assert place(replace(member, **missing)).stage == Stage.COOPERATING, missing


def test_integrated_needs_every_level_a_health_check_and_others_rating_it_four() -> None:
    assert place(DEEP).stage == Stage.INTEGRATED
    assert place(replace(DEEP, levels=("delivery", "strategic"))).stage == Stage.COLLABORATING
    assert place(replace(DEEP, rounds_answered=0)).stage == Stage.COLLABORATING
    assert place(replace(DEEP, level_received=3.9)).stage == Stage.COLLABORATING
    assert place(replace(DEEP, level_received=None, raters=0)).stage == Stage.COLLABORATING


def test_a_stage_needs_every_stage_below_it() -> None:
    # Everything for integrated except regular attendance: it stops at networking.
    assert place(replace(DEEP, meetings_attended=1)).stage == Stage.NETWORKING


def test_a_placement_lists_its_evidence_and_its_conditions() -> None:
    placement = place(replace(DEEP, meetings_attended=2), "Core partners")
    assert placement.stage == Stage.NETWORKING
    assert "Attended 2 of the last 6 core partners meetings with a register" in placement.evidence
    assert "Made 4 referrals and received 3" in placement.evidence
    assert "Rated at 4.5 (collaboration level, 0–5) on average by 2 partners" in (
        placement.evidence
    )
    unmet = [c.text for c in placement.criteria[Stage.COOPERATING] if not c.met]
    assert unmet == ["Attended at least half of its tier's recent meetings"]


def test_the_partnership_sits_where_at_least_half_its_members_reach() -> None:
    stages = [Stage.ON_PAPER, Stage.NETWORKING, Stage.COLLABORATING, Stage.INTEGRATED]
    # Two of four reach collaborating; only one reaches integrated.
    assert partnership_stage(stages) == Stage.COLLABORATING
    # Of three, two must reach it: networking (integrated and networking do).
    assert partnership_stage([Stage.INTEGRATED, Stage.ON_PAPER, Stage.NETWORKING]) == (
        Stage.NETWORKING
    )
    assert partnership_stage([Stage.COOPERATING]) == Stage.COOPERATING
    assert partnership_stage([]) is None


def test_a_member_that_does_nothing_is_flagged_in_name_only_with_the_evidence() -> None:
    flag = in_name_only(replace(SILENT, meetings_held=6, agreements_signed=1))
    assert flag == [
        "Attended none of the last 6 meetings of its tier",
        "No referral and no resource sent or received",
        "No health-check answer",
        "No position taken in a decision",
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"meetings_held": 6, "meetings_attended": 1},
        {"referrals_made": 1},
        {"resources_received": 1},
        {"rounds_answered": 1},
        {"positions": 1},
    ],
)
def test_any_one_sign_of_taking_part_lifts_the_flag(change: dict[str, Any]) -> None:
    assert in_name_only(replace(SILENT, **change)) is None


def test_the_reciprocity_index_follows_its_formula() -> None:
    # 1 - |3 - 1| / (3 + 1) = 0.5
    assert reciprocity_index(3, 1) == pytest.approx(0.5)
    assert reciprocity_index(2, 2) == pytest.approx(1.0)
    assert reciprocity_index(5, 0) == pytest.approx(0.0)
    assert reciprocity_index(0, 0) is None


def test_reciprocity_counts_a_referral_taken_on_as_given() -> None:
    member = replace(
        SILENT,
        referrals_made=2,
        resources_given=1,
        referrals_received=1,
        hours_given=Decimal(6),
        hours_received=Decimal(2),
    )
    r = reciprocity(member)
    # Given: 1 referral taken on + 1 resource = 2; received: 2 referrals made (services it
    # received) = 2. Balanced: 1 - 0/4 = 1.
    assert (r.given, r.received, r.balance) == (2, 2, 0)
    assert r.index == pytest.approx(1.0)
    # 1 - |6 - 2| / 8
    assert r.hours_index == pytest.approx(0.5)
    assert r.flag is None


def test_a_service_that_takes_referrals_gives() -> None:
    # The food bank took 7 referrals and made none: it gave 7 and received nothing.
    food_bank = reciprocity(replace(SILENT, referrals_received=7))
    assert (food_bank.given, food_bank.received) == (7, 0)
    assert food_bank.index == pytest.approx(0.0)


A, B, C = 1, 2, 3
MEMBERS = {A, B, C}


def streets(**kw: object) -> list[OneWayStreet]:
    values: dict = {"referrals": {}, "accepted": {}, "referred": set(), "resources": {}}
    values.update(kw)
    return one_way_streets(members=MEMBERS, **values)


def test_referrals_one_way_with_most_taken_on_the_receiver_gives() -> None:
    # A refers 4 people to B, B takes on 3 (3/4 >= 1/2) and never refers anyone to A.
    [street] = streets(referrals={(A, B): 4}, accepted={(A, B): 3}, referred={(A, B)})
    assert (street.flow, street.sender, street.receiver, street.sent) == ("referrals", A, B, 4)
    assert street.acceptance == 0.75 and (street.giver, street.taker) == (B, A)
    names = {A: "Youth Hub", B: "Food Bank"}
    assert street.describe(names) == (
        "Youth Hub referred 4 people to Food Bank and Food Bank accepted 3 of them, but Food "
        "Bank never referred anyone to Youth Hub: Food Bank gives, Youth Hub does not give back"
    )


def test_referrals_one_way_with_few_taken_on_the_sender_hears_little_back() -> None:
    # A refers 3 to B, B takes on 1 (1/3 < 1/2) and never refers back: A sends, B takes.
    [street] = streets(referrals={(A, B): 3}, accepted={(A, B): 1}, referred={(A, B)})
    assert (street.giver, street.taker) == (A, B)
    assert street.describe({A: "A", B: "B"}) == (
        "A referred 3 people to B, B accepted 1 of them and never referred anyone to A: "
        "A sends and hears little back"
    )


def test_referring_back_or_too_few_is_no_one_way_street() -> None:
    # B referred or signposted someone to A once: the street runs both ways.
    assert streets(referrals={(A, B): 5}, referred={(A, B), (B, A)}) == []
    # Two referrals are too few to call it a pattern.
    assert streets(referrals={(A, B): 2}, referred={(A, B)}) == []
    # Pairs with someone who is not a current member are left out.
    assert streets(referrals={(A, 9): 5}, referred={(A, 9)}) == []


def test_resources_one_way_is_per_pair() -> None:
    # A gave B 3 and C 3; C gave A 1 back, B nothing: one street, A → B.
    [street] = streets(resources={(A, B): 3, (A, C): 3, (C, A): 1})
    assert (street.flow, street.sender, street.receiver, street.giver) == ("resources", A, B, A)
    assert street.describe({A: "A", B: "B"}) == "A gave B 3 resources and received none back"
