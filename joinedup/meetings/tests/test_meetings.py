"""Meeting series, meetings, attendance, actions, the rotating chair, cadence and concerns."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.conftest import add_member, client_for, make_org
from joinedup.meetings import actions, queries
from joinedup.meetings.models import AgendaItem, Concern, Meeting, Notice
from joinedup.meetings.tests.helpers import (
    at,
    core_series,
    days_from_today,
    meet,
    meetings_world,
    wider_series,
)
from joinedup.partnerships.models import Sector

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def names(orgs: list) -> list[str]:
    return [o.name for o in orgs]


def test_a_core_series_invites_lead_and_core_and_a_wider_one_everyone(
    world: SimpleNamespace,
) -> None:
    assert names(queries.invitees(core_series(world))) == [
        "Riverside Citizens Advice",
        "Riverside Mind",
    ]
    assert names(queries.invitees(wider_series(world))) == [
        "Hillside Food Bank",
        "Riverside Citizens Advice",
        "Riverside Mind",
    ]


def test_a_one_to_one_names_its_partner(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as error:
        actions.series_create(
            by=world.lena,
            partnership=world.partnership,
            tier="one_to_one",
            title="With the food bank",
            min_interval_days=30,
            max_interval_days=90,
        )
    assert "names the partner" in str(error.value)
    series = actions.series_create(
        by=world.lena,
        partnership=world.partnership,
        tier="one_to_one",
        title="With the food bank",
        min_interval_days=30,
        max_interval_days=90,
        with_organisation=world.wider_org,
    )
    assert names(queries.invitees(series)) == ["Hillside Food Bank", "Riverside Citizens Advice"]


def test_the_interval_range_must_make_sense(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="longest gap"):
        actions.series_create(
            by=world.lena,
            partnership=world.partnership,
            tier="core",
            title="Core",
            min_interval_days=42,
            max_interval_days=28,
        )


def test_scheduling_invites_by_email_and_in_the_app(
    world: SimpleNamespace, django_capture_on_commit_callbacks: object
) -> None:
    series = core_series(world)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        meet(series, days_from_today(10))
    assert len(mail.outbox) == 2  # the lead's managers, and the core partner's contact
    assert all("Invitation: Core partners" in m.subject for m in mail.outbox)
    assert Notice.objects.filter(user=world.cora, subject__startswith="Invitation").exists()
    assert not Notice.objects.filter(user=world.will).exists()  # not invited to the core tier


def test_the_round_robin_proposes_the_next_member_in_turn(world: SimpleNamespace) -> None:
    series = core_series(world, "round_robin")
    first = meet(series, days_from_today(-60))
    second = meet(series, days_from_today(-30))
    third = meet(series, days_from_today(-1))
    assert [first.chair, second.chair, third.chair] == [
        world.lead_org,
        world.core_org,
        world.lead_org,
    ]
    chosen = meet(series, days_from_today(20), chair=world.lead_org)
    assert chosen.chair == world.lead_org
    assert queries.next_chair(series, days_from_today(40)) == world.core_org


def test_alternating_sector_keeps_the_chair_a_year_then_crosses_sides(
    world: SimpleNamespace,
) -> None:
    council = make_org("Riverside Council", Sector.STATUTORY)
    add_member(world.partnership, council, "core")
    series = core_series(world, "alternating_sector")
    this_year = timezone.localdate().year
    a = meet(series, dt.date(this_year - 1, 3, 1))
    b = meet(series, dt.date(this_year - 1, 9, 1))
    c = meet(
        series, dt.date(this_year, 1, 15) if timezone.localdate().month > 1 else days_from_today(1)
    )
    assert a.chair == council  # statutory first
    assert b.chair == council  # the same year: the same chair
    assert c.chair is not None and c.chair.sector != Sector.STATUTORY  # a new year: other side


def test_attendance_names_who_came_and_only_invitees_are_recorded(
    world: SimpleNamespace,
) -> None:
    series = core_series(world)
    meeting = meet(series, days_from_today(-1))
    with pytest.raises(ValidationError, match="Name the person"):
        actions.attendance_record(
            by=world.lena, meeting=meeting, organisation=world.core_org, presence="present"
        )
    with pytest.raises(ValidationError, match="not invited"):
        actions.attendance_record(
            by=world.lena, meeting=meeting, organisation=world.wider_org, presence="apologies"
        )
    row = actions.attendance_record(
        by=world.lena,
        meeting=meeting,
        organisation=world.core_org,
        presence="present",
        person_name="Cora Core",
    )
    again = actions.attendance_record(
        by=world.lena, meeting=meeting, organisation=world.core_org, presence="apologies"
    )
    assert again.pk == row.pk and again.presence == "apologies"


def test_actions_are_carried_to_the_next_meeting_until_done(world: SimpleNamespace) -> None:
    series = core_series(world)
    first = meet(series, days_from_today(-40))
    second = meet(series, days_from_today(-10))
    third = meet(series, days_from_today(20))
    point = actions.action_add(
        by=world.lena,
        meeting=first,
        description="Share the form",
        owner=world.core_org,
        due_on=days_from_today(-30),
    )
    assert list(queries.actions_for(second)) == [point]
    assert list(queries.actions_for(third)) == [point]
    actions.action_update(by=world.cora, point=point, status="done")
    assert list(queries.actions_for(third)) == []
    assert list(queries.actions_for(first)) == [point]  # it stays in the minutes where it began


def test_cadence_is_on_track_off_target_or_overdue(world: SimpleNamespace) -> None:
    core = core_series(world)
    meet(core, days_from_today(-70))
    meet(core, days_from_today(-35))
    wider = wider_series(world)
    meet(wider, days_from_today(-200))
    meet(wider, days_from_today(-150))
    health = queries.series_health([core, wider])
    assert health[core.pk].within_target and not health[core.pk].overdue
    assert health[core.pk].label == "On track"
    assert health[wider.pk].within_target is False  # 50 days: under the 80 to 100 target
    assert health[wider.pk].overdue  # nothing in the last 100 days
    assert health[wider.pk].label == "Overdue"


def test_attendance_rate_per_organisation_over_the_last_meetings(
    world: SimpleNamespace,
) -> None:
    core = core_series(world)
    for n, came in enumerate([True, False, True, True]):
        meeting = meet(core, days_from_today(-30 * (4 - n)))
        actions.attendance_record(
            by=world.lena,
            meeting=meeting,
            organisation=world.lead_org,
            presence="present",
            person_name="Lena",
        )
        actions.attendance_record(
            by=world.lena,
            meeting=meeting,
            organisation=world.core_org,
            presence="present" if came else "apologies",
            person_name="Cora" if came else "",
        )
    rates = queries.attendance_rates(world.partnership.pk, last=3)
    assert rates[world.lead_org.pk] == {"core": 1.0}
    assert rates[world.core_org.pk] == {"core": pytest.approx(2 / 3)}


def test_circulating_the_agenda_needs_an_item_and_tells_the_invitees(
    world: SimpleNamespace,
) -> None:
    meeting = meet(core_series(world), days_from_today(7))
    with pytest.raises(ValidationError, match="at least one item"):
        actions.agenda_circulate(by=world.lena, meeting=meeting)
    actions.agenda_item_add(by=world.lena, meeting=meeting, title="Referrals", owner=world.core_org)
    actions.agenda_circulate(by=world.lena, meeting=meeting)
    assert Notice.objects.filter(user=world.cora, subject__startswith="Agenda").exists()
    with pytest.raises(ValidationError, match="circulated already"):
        actions.agenda_circulate(by=world.lena, meeting=meeting)


def test_a_concern_to_the_lead_is_hidden_from_other_partners(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    url = reverse("concern", args=[world.partnership.pk, m.concern.pk])
    assert client_for(world.cora).get(url).status_code == 200
    assert client_for(world.stan).get(url).status_code == 200
    assert client_for(world.will).get(url).status_code == 404
    assert Notice.objects.filter(user=world.lena, subject__contains="Concern raised").exists()
    assert not Notice.objects.filter(user=world.will).exists()


def test_every_concern_one_may_see_is_one_menu_item_away(world: SimpleNamespace) -> None:
    m = meetings_world(world)  # Cora's concern, to the lead only
    to_all = actions.concern_raise(
        by=world.will,
        partnership=world.partnership,
        organisation=world.wider_org,
        audience="all",
        title="The venue has no step-free entrance",
        text="Two of our volunteers cannot get in.",
    )
    url = reverse("all_concerns")

    def listed(user: User) -> list[str]:
        response = client_for(user).get(url)
        assert response.status_code == 200
        return [c.title for c, _ in response.context["open"]]

    assert (
        f'href="{url}">Concerns</a>' in client_for(world.will).get(reverse("home")).content.decode()
    )
    assert listed(world.lena) == [to_all.title, m.concern.title]
    assert listed(world.cora) == [to_all.title, m.concern.title]  # hers, and the one to all
    assert listed(world.will) == [to_all.title]
    assert listed(world.otis) == [to_all.title]  # the programme officer: those to all members
    assert listed(world.olive) == []
    actions.concern_answer(by=world.lena, concern=to_all, status="resolved", note="Ramp hired.")
    response = client_for(world.will).get(url)
    assert [c.title for c in response.context["resolved"]] == [to_all.title]
    assert response.context["can_raise"] == [world.partnership]
    assert client_for(world.otis).get(url).context["can_raise"] == []  # no member to raise for
    assert client_for(world.will).post(url).status_code == 405


def test_an_overdue_action_is_flagged_in_words(world: SimpleNamespace) -> None:
    from joinedup.meetings.models import ActionPoint

    m = meetings_world(world)
    url = reverse("meeting", args=[world.partnership.pk, m.past.pk])

    def due_cell() -> str:
        row = client_for(world.lena).get(url).content.decode().split("Share the referral form")[1]
        return row.split("</td>", 2)[1]  # after the owner's cell: the due date's

    assert "Overdue" not in due_cell()
    ActionPoint.objects.filter(pk=m.action.pk).update(due_on=days_from_today(-1))
    assert "Overdue" in due_cell()
    actions.action_update(by=world.lena, point=m.action, status="done")
    assert "Overdue" not in due_cell()


def test_a_concern_is_resolved_only_with_a_note(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    with pytest.raises(ValidationError, match="how the concern was resolved"):
        actions.concern_answer(by=world.lena, concern=m.concern, status="resolved")
    actions.concern_answer(by=world.lena, concern=m.concern, status="discussing")
    done = actions.concern_answer(
        by=world.lena, concern=m.concern, status="resolved", note="A named contact now replies."
    )
    assert done.status == "resolved" and done.answered_at is not None
    assert Notice.objects.filter(user=world.cora, subject__contains="resolved").exists()
    with pytest.raises(ValidationError, match="resolved"):
        actions.concern_answer(by=world.lena, concern=m.concern, status="discussing")


def test_a_concern_unanswered_five_working_days_is_flagged(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    monday = dt.date(2026, 11, 2)
    Concern.objects.filter(pk=m.concern.pk).update(raised_at=at(monday))
    m.concern.refresh_from_db()
    assert not queries.unanswered(m.concern, dt.date(2026, 11, 9))  # 5 working days
    assert queries.unanswered(m.concern, dt.date(2026, 11, 10))  # 6
    actions.concern_answer(by=world.lena, concern=m.concern, status="discussing")
    m.concern.refresh_from_db()
    assert not queries.unanswered(m.concern, dt.date(2026, 11, 30))


def test_the_yearly_review_is_recorded_with_what_changed(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    url = reverse("communication_review", args=[world.partnership.pk])
    assert client.post(url, {"held_on": "2026-01-10", "what_changed": ""}).status_code == 422
    response = client.post(
        url, {"held_on": "2026-01-10", "what_changed": "Wider partners now meet quarterly."}
    )
    assert response.status_code == 302
    page = client.get(reverse("meetings", args=[world.partnership.pk])).content.decode()
    assert "Wider partners now meet quarterly." in page
    assert client_for(world.cora).post(url, {"held_on": "2026-01-10"}).status_code == 403


@pytest.mark.parametrize(
    ("character", "core_series_status", "wider_series_status"),
    [("lena", 200, 200), ("cora", 200, 200), ("otis", 200, 200), ("will", 404, 200)],
)
def test_wider_partners_do_not_see_the_core_tier(
    world: SimpleNamespace, character: str, core_series_status: int, wider_series_status: int
) -> None:
    m = meetings_world(world)
    client = client_for(getattr(world, character))
    p = world.partnership.pk
    assert client.get(reverse("meeting_series", args=[p, m.core.pk])).status_code == (
        core_series_status
    )
    assert client.get(reverse("meeting", args=[p, m.next.pk])).status_code == core_series_status
    assert client.get(reverse("meeting_series", args=[p, m.wider.pk])).status_code == (
        wider_series_status
    )
    page = client.get(reverse("meetings", args=[p])).content.decode()
    assert ("Core partners" in page) == (core_series_status == 200)


def test_the_lead_runs_a_meeting_from_its_page(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    client = client_for(world.lena)
    p = world.partnership.pk
    base = reverse("meeting", args=[p, m.next.pk])
    register = {"organisation": world.core_org.pk, "presence": "present", "person_name": "Cora"}
    early = client.post(f"{base}attendance/", register)
    assert early.status_code == 422
    assert "once the meeting has started" in early.content.decode()
    # The day comes: the meeting is under way.
    now = timezone.now()
    Meeting.objects.filter(pk=m.next.pk).update(
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )
    bad = client.post(
        f"{base}attendance/", {"organisation": world.core_org.pk, "presence": "present"}
    )
    assert bad.status_code == 422
    assert "Name the person" in bad.content.decode()
    ok = client.post(
        f"{base}attendance/",
        {"organisation": world.core_org.pk, "presence": "present", "person_name": "Cora Core"},
    )
    assert ok.status_code == 302
    assert (
        client.post(f"{base}minutes/", {"item": m.item.pk, "minutes": "Agreed."}).status_code == 302
    )
    assert AgendaItem.objects.get(pk=m.item.pk).minutes == "Agreed."
    assert client.post(f"{base}minutes/", {"item": 999999, "minutes": "x"}).status_code == 422
    assert (
        client.post(
            f"{base}agenda/", {"organisation": world.wider_org.pk, "title": "x"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{base}actions/",
            {"organisation": world.core_org.pk, "description": "Call back", "due_on": "2026-13-01"},
        ).status_code
        == 422
    )
    assert client.post(f"{base}circulate/").status_code == 302
    page = client.get(base).content.decode()
    assert "Agreed and circulated" in page and "Cora Core" in page
    assert "Share the referral form" in page  # carried from the last meeting
    # Cora may look, not run it; she updates her own organisation's action.
    cora = client_for(world.cora)
    assert cora.post(f"{base}circulate/").status_code == 403
    status_url = reverse("action_status", args=[p, m.action.pk])
    assert cora.post(status_url, {"status": "bogus"}).status_code == 422
    assert cora.post(status_url, {"status": "done"}).status_code == 302
    assert client_for(world.stan).post(status_url, {"status": "open"}).status_code == 403


def test_changing_and_cancelling_a_meeting(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    client = client_for(world.lena)
    url = reverse("meeting_edit", args=[world.partnership.pk, m.next.pk])
    day = days_from_today(15).isoformat()
    form = {"day": day, "starts": "14:00", "ends": "13:00", "purpose": "review", "place": "Hall"}
    assert client.post(url, form).status_code == 422
    form["ends"] = "16:00"
    assert client.post(url, form).status_code == 302
    m.next.refresh_from_db()
    assert m.next.sequence == 1 and timezone.localtime(m.next.starts_at).hour == 14
    cancel = reverse("meeting_cancel", args=[world.partnership.pk, m.next.pk])
    assert client.post(cancel).status_code == 302
    assert client.post(cancel).status_code == 422  # cancelled already
    m.next.refresh_from_db()
    assert m.next.status == "cancelled" and m.next.sequence == 2


@pytest.mark.parametrize(
    ("character", "expected"),
    [
        ("lena", {"series_new": 200, "urgent_new": 200, "concern_new": 200, "proposal_new": 200}),
        ("stan", {"series_new": 403, "urgent_new": 403, "concern_new": 200, "proposal_new": 200}),
        ("cora", {"series_new": 403, "urgent_new": 403, "concern_new": 200, "proposal_new": 200}),
        ("will", {"series_new": 403, "urgent_new": 403, "concern_new": 200, "proposal_new": 200}),
        ("otis", {"series_new": 403, "urgent_new": 403, "concern_new": 403, "proposal_new": 403}),
    ],
)
def test_each_character_gets_the_forms_their_role_allows(
    world: SimpleNamespace, character: str, expected: dict[str, int]
) -> None:
    from joinedup.partnerships.tests.test_access import object_urls

    urls = object_urls(world)
    client = client_for(getattr(world, character))
    assert {name: client.get(urls[name]).status_code for name in expected} == expected
    for name in ("meetings", "decisions", "concerns", "calendar", "lead_time", "proposal"):
        assert client.get(urls[name]).status_code == 200, name


def test_the_register_is_recorded_at_once_or_not_at_all(world: SimpleNamespace) -> None:
    meeting = meet(core_series(world), days_from_today(-1))
    with pytest.raises(ValidationError, match="not invited"):
        actions.attendance_register(
            by=world.lena,
            meeting=meeting,
            register={
                world.lead_org: ("present", "Lena"),
                world.wider_org: ("present", "Will"),
            },
        )
    assert not meeting.attendance.exists()
    actions.attendance_register(
        by=world.lena,
        meeting=meeting,
        register={world.lead_org: ("present", "Lena"), world.core_org: ("apologies", "")},
    )
    assert {(a.organisation, a.presence) for a in meeting.attendance.all()} == {
        (world.lead_org, "present"),
        (world.core_org, "apologies"),
    }
    # Recorded again, the rows change; none is added.
    actions.attendance_register(
        by=world.lena, meeting=meeting, register={world.core_org: ("present", " Cora ")}
    )
    assert {(a.organisation, a.presence, a.person_name) for a in meeting.attendance.all()} == {
        (world.lead_org, "present", "Lena"),
        (world.core_org, "present", "Cora"),
    }


def test_a_register_is_one_write_however_many_members(world: SimpleNamespace) -> None:
    """A register of 2 and of 32 organisations run the same statements: the rows are
    inserted, or updated where recorded before, in one upsert (issue 19: a register of 500
    once took seconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from joinedup.partnerships.models import MemberRole

    meeting = meet(core_series(world), days_from_today(-1))
    few = {world.lead_org: ("present", "Lena"), world.core_org: ("absent", "")}
    many = {**few, world.core_org: ("present", "Cora")}
    for i in range(30):
        org = make_org(f"Partner {i:02}")
        add_member(world.partnership, org, MemberRole.CORE)
        many[org] = ("present", f"Person {i}")

    def statements(register: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            actions.attendance_register(by=world.lena, meeting=meeting, register=register)
        return len(ctx)

    assert statements(few) == statements(many)  # the second updates two rows, inserts 30
    assert meeting.attendance.count() == 32
    assert meeting.attendance.get(organisation=world.core_org).presence == "present"
    assert meeting.attendance.get(organisation=world.lead_org).person_name == "Lena"


def test_the_communication_must_do_is_ticked_when_every_tier_meets(world: SimpleNamespace) -> None:
    from joinedup.agreements import mustdos

    def done() -> bool:
        item = next(
            i for i in mustdos.checklist(world.partnership).items if i.key == "communication"
        )
        return item.done

    assert not done()
    meet(core_series(world), days_from_today(-3))
    assert not done()  # the wider partner has no series that invites it
    wider = wider_series(world)
    assert not done()  # a series that has never met is not a channel yet
    meet(wider, days_from_today(10))
    assert done()


def test_the_meetings_page_shows_attendance_for_the_tiers_you_see(world: SimpleNamespace) -> None:
    core, wider = core_series(world), wider_series(world)
    actions.attendance_record(
        by=None,
        meeting=meet(core, days_from_today(-3)),
        organisation=world.core_org,
        presence="apologies",
    )
    actions.attendance_record(
        by=None,
        meeting=meet(wider, days_from_today(-3)),
        organisation=world.wider_org,
        presence="present",
        person_name="Will",
    )
    url = reverse("meetings", args=[world.partnership.pk])
    lead = client_for(world.lena).get(url).content.decode()
    assert "Core partners</th>" in lead and "Wider partners</th>" in lead
    assert "0%" in lead and "100%" in lead
    wider_page = client_for(world.will).get(url).content.decode()
    assert "Wider partners</th>" in wider_page and "Core partners</th>" not in wider_page
