"""The demo data: built from the seeds, loaded idempotently, one sign-in per kind of user."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.agreements import mustdos
from joinedup.agreements.models import Agreement, AgreementVersion, SignOff
from joinedup.audit.models import AuditEvent
from joinedup.charter import queries as charter_queries
from joinedup.decisions.models import Position, Proposal
from joinedup.demo import loader
from joinedup.demo.tests.conftest import Demo
from joinedup.health.evidence import gather
from joinedup.health.models import Answer, Rating, Reflection, Round, TimeLog
from joinedup.health.views_evidence import network_of
from joinedup.meetings import queries as meeting_queries
from joinedup.meetings.models import ActionPoint, Attendance, Concern, Meeting, Notice, Series
from joinedup.partnerships.models import Membership, Organisation, Partnership
from joinedup.programmes.models import Hub, Programme
from joinedup.referrals.models import Access, Consent, Event, Person, Referral, Signpost
from joinedup.resources import queries
from joinedup.resources.models import Booking, Exchange, Offer, ResourceRequest, SharedDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            Partnership,
            Membership,
            Programme,
            Hub,
            User,
            AuditEvent,
            Offer,
            Booking,
            Exchange,
            ResourceRequest,
            SharedDocument,
            Agreement,
            AgreementVersion,
            SignOff,
            Series,
            Meeting,
            Attendance,
            ActionPoint,
            Concern,
            Proposal,
            Position,
            Notice,
            Round,
            Answer,
            Rating,
            TimeLog,
            Person,
            Consent,
            Referral,
            Event,
            Access,
            Signpost,
        )
    }


def test_loading_twice_changes_nothing() -> None:
    first = counts()
    loader.load()
    assert counts() == first
    assert first["Partnership"] >= 6


def test_the_seed_partnerships_are_there_as_the_seeds_tell_them() -> None:
    rossendale = Partnership.objects.get(name="Rossendale Crisis Support")
    assert rossendale.memberships.count() == 12  # began with twelve partners
    assert rossendale.memberships.current().count() == 10  # two left for lack of funding
    assert all(
        "fund" in m.leaving_reason.lower()
        for m in rossendale.memberships.filter(left_on__isnull=False)
    )
    assert "(CARH)" in rossendale.memberships.current().get(role="lead").organisation.name

    axis = Partnership.objects.get(name="Axis Youth Hub")
    assert axis.memberships.current().filter(role="wider").count() >= 20
    # Its Charter peer view is closed, so its results show: Our Way sees itself as more
    # present than the others see it.
    peer_view = axis.peer_views.get()
    assert not peer_view.is_open()
    our_way = Organisation.objects.get(name="Our Way Self Advocacy")
    rows = charter_queries.peer_result(peer_view, our_way)["rows"]
    present = next(r for r in rows if r.key == "present")
    assert (present.others, present.own) == (2.0, 4.0)

    wssn = Partnership.objects.get(name__startswith="Women's Services Strategic Network")
    threshold = wssn.memberships.get(organisation__name__icontains="Threshold")
    assert threshold.left_on is not None and threshold.leaving_reason

    mind = Partnership.objects.get(name__startswith="Manchester Mind")
    assert mind.memberships.filter(organisation__user_led=True).exists()  # GMCDP

    assert Programme.objects.get(name="Help through Crisis").budget_pounds == 33_000_000
    for partnership in Partnership.objects.all():
        assert partnership.memberships.current().filter(role="lead").count() == 1, partnership

    # Seed 000's hub events fall in the hub partnership's year (2019), so the connections made
    # at them show in its network's learning layer.
    north_west = Partnership.objects.get(name="Women Side by Side North West hub partnership")
    assert network_of(gather([north_west])[north_west.pk], learning=True).learning


def test_invented_records_are_marked_in_the_data_file() -> None:
    data = json.loads(loader.DATA.read_text())
    for section in ("organisations", "partnerships"):
        assert all(isinstance(record["invented"], bool) for record in data[section])
    assert any(o["invented"] for o in data["organisations"])
    assert not next(o for o in data["organisations"] if "(CARH)" in o["name"])["invented"]
    assert "invented" in data["about"].lower()


@pytest.mark.parametrize(
    ("character", "sees_axis", "manages_axis"),
    [
        ("lead_coordinator", 200, 200),
        ("core_worker", 200, 403),
        ("wider_contact", 200, 403),
        ("programme_officer", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_every_demo_sign_in_works_and_sees_what_its_role_allows(
    character: str, sees_axis: int, manages_axis: int, settings: Any, demo: Demo
) -> None:
    sign_ins = demo.sign_ins
    assert set(sign_ins) == set(loader.CHARACTERS)
    client = Client()
    response = client.post(
        reverse("login"), {"username": sign_ins[character].email, "password": loader.PASSWORD}
    )
    assert response.status_code == 302, f"{character} could not sign in"
    axis = Partnership.objects.get(name="Axis Youth Hub")
    assert client.get(reverse("partnership", args=[axis.pk])).status_code == sees_axis
    assert client.get(reverse("members_manage", args=[axis.pk])).status_code == manages_axis


def test_the_demo_shares_resources_and_shows_a_one_way_street() -> None:
    import datetime as dt

    from django.utils import timezone

    axis = Partnership.objects.get(name="Axis Youth Hub")
    assert axis.offers.filter(kind="venue").count() == 2  # the Hub's shared building
    rise = Offer.objects.get(title="Domestic abuse awareness training")
    assert rise.bookings.filter(organisation__name="Survivors Network", status="confirmed").exists()
    assert Offer.objects.get(
        organisation__name__contains="Health and Social Care Trust"
    ).exchanges.exists()
    today = timezone.localdate()
    rows = {
        r.organisation.name: r
        for r in queries.ledger(axis, today - dt.timedelta(days=364), today).rows
    }
    larder = rows["St Barnabas Church Food Larder"]
    assert (larder.gave.count, larder.received.count) == (0, 4)
    assert larder.flag == "receives and does not give"
    assert axis.bookings.filter(status="requested").exists()  # one waits for the lead's answer


def test_the_demo_has_signed_agreements_and_one_overdue_for_review() -> None:
    axis = Partnership.objects.get(name="Axis Youth Hub")
    items = {i.key: i for i in mustdos.checklist(axis).items}
    assert items["terms"].done  # signed by every current member
    assert items["slas"].done  # one for each core partner
    rossendale = Partnership.objects.get(name="Rossendale Crisis Support")
    assert [state for _, state in mustdos.checklist(rossendale).due] == ["overdue"]
    wssn = Partnership.objects.get(name__startswith="Women's Services Strategic Network")
    assert wssn.invitations.get().status == "pending"


def test_the_demo_has_a_year_of_meetings_and_the_decisions_the_issue_asks_for() -> None:
    from django.utils import timezone

    axis = Partnership.objects.get(name="Axis Youth Hub")
    core = Series.objects.get(partnership=axis, tier="core")
    wider = Series.objects.get(partnership=axis, tier="wider")
    health = meeting_queries.series_health([core, wider])
    assert not health[core.pk].overdue and health[core.pk].within_target
    # Seed 001: wider partners meet every three months, and it is what works.
    assert not health[wider.pk].overdue and health[wider.pk].within_target
    held = list(core.meetings.exclude(status="cancelled").order_by("starts_at"))
    assert (held[-1].starts_at - held[0].starts_at).days >= 330  # a year of meetings
    assert len({m.chair_id for m in held}) >= 3  # the chair rotates
    assert ActionPoint.objects.filter(meeting__series=core).exclude(status="done").count() >= 3
    concern = Concern.objects.get(partnership=axis, status="open")
    assert meeting_queries.unanswered(concern)  # flagged: no answer in five working days
    outcomes = {p.kind: p.outcome for p in Proposal.objects.filter(partnership=axis, urgent=False)}
    assert outcomes == {"consent": "passed", "consensus": "blocked"}
    urgent = Proposal.objects.get(partnership=axis, urgent=True)
    assert urgent.organisation.name.endswith("(KDYT)")  # a core partner, under delegated authority
    assert urgent.outcome == "ratified" and urgent.ratification_item is not None
    assert urgent.ratification_item.meeting == urgent.meeting  # ratified at the next meeting,
    assert urgent.opened_at < urgent.meeting.starts_at < timezone.now()  # which took place
    rates = meeting_queries.attendance_rates(axis.pk)
    assert 0 < min(r["core"] for r in rates.values() if "core" in r) < 1


def test_the_demo_has_a_year_of_referrals_of_invented_people_under_a_signed_protocol(
    demo: Demo,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from joinedup.referrals import queries as referral_queries
    from joinedup.referrals.sharing import protocols_in_force

    sign_ins = demo.sign_ins
    axis = Partnership.objects.get(name="Axis Youth Hub")
    protocol = protocols_in_force(axis).get()
    signed = set(protocol.version.signoffs.values_list("organisation_id", flat=True))
    assert signed == set(axis.memberships.current().values_list("organisation_id", flat=True))
    referrals = Referral.objects.filter(partnership=axis)
    first, last = referrals.order_by("sent_at").first(), referrals.order_by("sent_at").last()
    assert first is not None and last is not None and first.sent_at and last.sent_at
    assert (last.sent_at - first.sent_at).days >= 330  # a year of referrals
    reasons = set(referrals.filter(status="declined").values_list("decline_reason", flat=True))
    assert {"no_capacity", "not_eligible"} <= reasons
    assert referrals.filter(status="expired").count() == 1
    assert Consent.objects.filter(person__referrals__partnership=axis, withdrawn_at__isnull=False)
    assert referrals.filter(status__in=["sent", "seen"]).exists()  # some wait for an answer
    people = Person.objects.filter(referrals__partnership=axis).distinct()
    assert people.exists() and not people.filter(invented=False).exists()
    assert all(p.name.endswith("(invented)") for p in people)
    today = timezone.localdate()
    flows = referral_queries.flows(axis, today - dt.timedelta(days=364), today)
    assert flows.totals.sent == referrals.count() and flows.totals.signposts > 0
    assert referral_queries.unmet_needs(axis, today - dt.timedelta(days=364)).no_service
    client = Client()
    client.post(
        reverse("login"),
        {"username": sign_ins["programme_officer"].email, "password": loader.PASSWORD},
    )
    page = client.get(reverse("referral_flows", args=[axis.pk]))
    assert page.status_code == 200 and "(invented)" not in page.content.decode()


def test_the_demo_tells_the_seeds_faithfully() -> None:
    """What a funder reads in the demo matches the seeds' text."""
    import datetime as dt
    from collections import Counter

    from django.db.models import F
    from django.utils import timezone

    from joinedup.decisions.models import LeadTime

    # Seed 001: Manchester Mind, Centrepoint and GMCDP, reviewed yearly, GMCDP's board
    # takes its time, and they refer to each other.
    mind = Partnership.objects.get(name__startswith="Manchester Mind")
    kinds = set(
        AgreementVersion.objects.filter(agreement__partnership=mind, status="in_force").values_list(
            "agreement__kind", flat=True
        )
    )
    assert {"partnership_agreement", "data_sharing"} <= kinds
    assert LeadTime.objects.get(organisation__name__contains="GMCDP").days == 28
    assert Round.objects.filter(partnership=mind, status="closed").exists()
    referrals = Referral.objects.filter(partnership=mind)
    assert set(referrals.values_list("from_org", flat=True)) == set(
        referrals.values_list("to_org", flat=True)
    )  # every organisation both refers and receives
    # Seed 002: WSSN works through its must-dos, most done and some still in progress.
    wssn = Partnership.objects.get(name__startswith="Women's Services Strategic Network")
    checklist = mustdos.checklist(wssn)
    assert checklist.done >= 12 and checklist.missing
    assert wssn.memberships.get(organisation__name__icontains="Threshold").left_on
    # Seed 000: Women Side by Side closed after its one year, its projects giving each other
    # space and training both ways in that year.
    for hub in Partnership.objects.filter(name__startswith="Women Side by Side"):
        assert hub.status == "closed" and hub.end_on and (hub.end_on - hub.start_on).days < 366
        given = Exchange.objects.filter(partnership=hub)
        assert given.filter(on__lte=hub.end_on, on__gt=hub.end_on - dt.timedelta(days=365))
        assert set(given.values_list("giver", flat=True)) & set(
            given.values_list("receiver", flat=True)
        )
    # Dates: nothing circulated after its meeting, nothing ended in the future.
    assert not Meeting.objects.filter(agenda_circulated_at__gt=F("starts_at")).exists()
    assert not Referral.objects.filter(ended_at__gt=timezone.now()).exists()
    # Free text: no sentence written twice.
    written = [r.working for r in Reflection.objects.exclude(working="")] + [
        r.would_help for r in Reflection.objects.exclude(would_help="")
    ]
    assert written and max(Counter(written).values()) == 1
