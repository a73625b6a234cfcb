"""Every date a person gives has a range that fits what it means (`joinedup/dates.py`):
refused with a message naming the field, on the pages (422 with the form's error) and in the
API (422 naming the field), never a 500."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pydantic
import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from joinedup import dates
from joinedup.api import api as _mounted  # noqa: F401  (the routers, before their schemas)
from joinedup.conftest import api_for, client_for, make_org
from joinedup.decisions.api import ProposalIn
from joinedup.decisions.forms import ProposalForm
from joinedup.health.api import PeriodParams, RoundIn, TimeLogIn
from joinedup.health.forms import RoundForm, TimeLogForm
from joinedup.meetings import actions as meeting_actions
from joinedup.meetings.api import ActionIn, MeetingIn
from joinedup.meetings.forms import ActionForm, MeetingForm, ReviewForm
from joinedup.meetings.models import Attendance, Meeting
from joinedup.meetings.tests.helpers import at, core_series, meet
from joinedup.partnerships.api import LeaveIn, MembershipIn, PartnershipIn
from joinedup.partnerships.forms import AddMemberForm, LeaveForm
from joinedup.partnerships.forms_manage import PartnershipStartForm
from joinedup.partnerships.models import Membership
from joinedup.programmes.forms import ProgrammeForm
from joinedup.referrals.api import ConsentIn, PersonIn, SignpostIn
from joinedup.referrals.forms import ConsentForm, PersonForm
from joinedup.referrals.views_flows import SignpostForm
from joinedup.resources import actions as resource_actions
from joinedup.resources.api import BookingIn, ExchangeIn
from joinedup.resources.forms import BookingForm, GiveForm, PeriodForm
from joinedup.resources.models import Booking

P = "/api/v1"
END_OF_TIME = "9999-12-31"


def today(days: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


# --- the rules themselves -----------------------------------------------------------------


def test_a_rule_names_the_range_it_allows() -> None:
    day = dt.date(2026, 12, 3)
    assert dates.BOOKING.bounds(day) == (day, dt.date(2028, 12, 3))
    assert dates.BOOKING.problem(dt.date(2028, 12, 3), day) is None
    assert dates.BOOKING.problem(dt.date(9999, 12, 31), day) == (
        "A booking must fall between 3 December 2026 and 3 December 2028: rooms and equipment "
        "are booked up to two years ahead."
    )
    assert dates.JOINED.problem(dt.date(2026, 12, 4), day) is not None
    assert dates.JOINED.problem(dt.date(1899, 12, 31), day) is not None
    # 29 February moves to 28 February in a year without one
    assert dates.years(1)(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


# Each form's date field and the rule it keeps: the far end of the calendar is refused with
# the rule's own message, a day in range is accepted.
FORM_FIELDS = [
    (BookingForm, "day", dates.BOOKING),
    (GiveForm, "on", dates.GIVEN),
    (PeriodForm, "start", dates.PERIOD),
    (MeetingForm, "day", dates.MEETING),
    (ActionForm, "due_on", dates.ACTION_DUE),
    (ReviewForm, "held_on", dates.REVIEWED),
    (RoundForm, "closes_on", dates.ROUND_CLOSES),
    (TimeLogForm, "on", dates.TIME_SPENT),
    (ProposalForm, "closes_on", dates.PROPOSAL_CLOSES),
    (AddMemberForm, "joined_on", dates.JOINED),
    (LeaveForm, "left_on", dates.LEFT),
    (PartnershipStartForm, "start_on", dates.STARTED),
    (ProgrammeForm, "end_on", dates.PLANNED_END),
    (PersonForm, "born_on", dates.BORN),
    (ConsentForm, "expires_on", dates.CONSENT_EXPIRES),
    (SignpostForm, "on", dates.SIGNPOSTED),
]


@pytest.mark.parametrize(("form", "name", "rule"), FORM_FIELDS)
def test_every_date_field_of_a_form_keeps_its_rule(
    form: type[forms.Form], name: str, rule: dates.DateRule
) -> None:
    field = form.base_fields[name]
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(END_OF_TIME)
    assert refused.value.messages == [rule.problem(dt.date(9999, 12, 31))]
    low, high = rule.bounds()
    assert field.clean(low.isoformat()) == low and field.clean(high.isoformat()) == high
    # the date picker offers the same range
    html = field.widget.render(name, None)
    assert f'min="{low.isoformat()}"' in html and f'max="{high.isoformat()}"' in html


# Each API schema's date field: out of range is refused on that field, with the rule's message.
SCHEMA_FIELDS = [
    (BookingIn, "starts_at", f"{END_OF_TIME}T10:00:00Z", dates.BOOKING),
    (ExchangeIn, "on", END_OF_TIME, dates.GIVEN),
    (MeetingIn, "starts_at", f"{END_OF_TIME}T10:00:00Z", dates.MEETING),
    (MeetingIn, "ends_at", f"{END_OF_TIME}T23:59:00-05:00", dates.MEETING),
    (ActionIn, "due_on", END_OF_TIME, dates.ACTION_DUE),
    (RoundIn, "closes_on", END_OF_TIME, dates.ROUND_CLOSES),
    (TimeLogIn, "on", END_OF_TIME, dates.TIME_SPENT),
    (PeriodParams, "start", END_OF_TIME, dates.PERIOD),
    (ProposalIn, "closes_on", END_OF_TIME, dates.PROPOSAL_CLOSES),
    (MembershipIn, "joined_on", END_OF_TIME, dates.JOINED),
    (LeaveIn, "left_on", END_OF_TIME, dates.LEFT),
    (PartnershipIn, "start_on", END_OF_TIME, dates.STARTED),
    (PartnershipIn, "end_on", END_OF_TIME, dates.PLANNED_END),
    (PersonIn, "born_on", END_OF_TIME, dates.BORN),
    (ConsentIn, "expires_on", END_OF_TIME, dates.CONSENT_EXPIRES),
    (SignpostIn, "on", END_OF_TIME, dates.SIGNPOSTED),
]


@pytest.mark.parametrize(("schema", "name", "value", "rule"), SCHEMA_FIELDS)
def test_every_date_field_of_the_api_keeps_its_rule(
    schema: type[pydantic.BaseModel], name: str, value: str, rule: dates.DateRule
) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        schema.model_validate({name: value})
    [error] = [e for e in refused.value.errors() if e["loc"] == (name,)]
    assert error["msg"].endswith(str(rule.problem(dt.date(9999, 12, 31))))


# --- bookings: the 500 of 31/12/9999 ------------------------------------------------------


def test_booking_31_12_9999_is_refused_naming_the_date(world: SimpleNamespace, room: Any) -> None:
    url = reverse("booking_new", args=[world.partnership.pk, room.pk])
    response = client_for(world.will).post(
        url,
        {
            "organisation": world.wider_org.pk,
            "day": END_OF_TIME,
            "starts": "10:00",
            "ends": "12:00",
        },
    )
    assert response.status_code == 422
    assert "A booking must fall between" in response.context["booking_form"].errors["day"][0]
    for moment in (f"{END_OF_TIME}T23:00:00+00:00", f"{END_OF_TIME}T10:00:00-05:00"):
        api = api_for(world.will).post(
            f"{P}/offers/{room.pk}/bookings",
            {
                "organisation_id": world.wider_org.pk,
                "partnership_id": world.partnership.pk,
                "starts_at": moment,
                "ends_at": moment,
            },
        )
        assert api.status_code == 422, api.json()
        starts = [e for e in api.json()["errors"] if e["field"] == "starts_at"]
        assert "A booking must fall between" in starts[0]["message"]
    assert not Booking.objects.exists()


def test_a_person_books_from_today_to_two_years_ahead(world: SimpleNamespace, room: Any) -> None:
    def ask(day: dt.date) -> Booking:
        return resource_actions.booking_request(
            by=world.will,
            offer=room,
            organisation=world.wider_org,
            partnership=world.partnership,
            starts_at=at(day, 10),
            ends_at=at(day, 11),
        )

    with pytest.raises(resource_actions.ValidationError) as refused:
        ask(today(-1))
    assert list(refused.value.error_dict) == ["starts_at"]
    with pytest.raises(resource_actions.ValidationError):
        ask(dates.years(2)(today()) + dt.timedelta(days=1))
    assert ask(today(1)).pk and ask(dates.years(2)(today())).pk


@pytest.fixture
def room(world: SimpleNamespace) -> Any:
    return resource_actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Meeting room",
        capacity=1,
        audience="people",
    )


# --- joining and leaving ------------------------------------------------------------------


def test_joining_in_the_future_is_refused_on_the_page_and_in_the_api(
    world: SimpleNamespace,
) -> None:
    newcomer = make_org("Valley Credit Union", by=world.lena)
    page = client_for(world.lena).post(
        reverse("members_manage", args=[world.partnership.pk]),
        {"organisation": newcomer.pk, "role": "wider", "joined_on": END_OF_TIME},
    )
    assert page.status_code == 422
    assert "The day it joined must fall between" in page.context["form"].errors["joined_on"][0]
    api = api_for(world.lena).post(
        f"{P}/partnerships/{world.partnership.pk}/memberships",
        {"organisation_id": newcomer.pk, "role": "wider", "joined_on": today(1).isoformat()},
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["joined_on"]
    # the action holds the rule for every caller
    with pytest.raises(meeting_actions.ValidationError, match="The day it joined"):
        from joinedup.partnerships.actions import membership_add

        membership_add(
            by=None,
            partnership=world.partnership,
            organisation=newcomer,
            role="wider",
            joined_on=dt.date(9999, 12, 31),
        )
    assert not world.partnership.memberships.filter(organisation=newcomer).exists()


def test_leaving_is_between_joining_and_today(world: SimpleNamespace) -> None:
    url = reverse("member_leave", args=[world.partnership.pk, world.wider_membership.pk])
    client = client_for(world.lena)
    future = client.post(url, {"left_on": END_OF_TIME, "reason": "Moving on"})
    assert future.status_code == 422
    assert "The day it left must fall between" in future.context["form"].errors["left_on"][0]
    api = api_for(world.lena).post(
        f"{P}/memberships/{world.wider_membership.pk}/leave",
        {"left_on": today(1).isoformat(), "reason": "Moving on"},
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["left_on"]
    assert Membership.objects.get(pk=world.wider_membership.pk).is_current


# --- meetings -----------------------------------------------------------------------------


def test_attendance_waits_for_the_meeting_to_start(world: SimpleNamespace) -> None:
    series = core_series(world)
    coming = meet(series, today(7))
    url = reverse("attendance_record", args=[world.partnership.pk, coming.pk])
    register = {"organisation": world.core_org.pk, "presence": "present", "person_name": "Cora"}
    page = client_for(world.lena).post(url, register)
    assert page.status_code == 422
    assert "once the meeting has started" in page.content.decode()
    # the meeting's page says so instead of offering the form
    shown = client_for(world.lena).get(coming.get_absolute_url()).content.decode()
    assert "Attendance is recorded once the meeting has started." in shown
    assert 'id="record-attendance"' not in shown
    api = api_for(world.lena).post(
        f"{P}/meetings/{coming.pk}/attendance",
        {"organisation_id": world.core_org.pk, "presence": "present", "person_name": "Cora"},
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["meeting"]
    assert not Attendance.objects.exists()
    # once it has started, it is recorded
    Meeting.objects.filter(pk=coming.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert client_for(world.lena).post(url, register).status_code == 302


def test_a_second_meeting_on_one_day_is_asked_about_first(world: SimpleNamespace) -> None:
    series = core_series(world)
    first = meet(series, today(10))
    url = reverse("meeting_new", args=[world.partnership.pk, series.pk])
    form = {
        "day": today(10).isoformat(),
        "starts": "14:00",
        "ends": "15:00",
        "purpose": "delivery",
        "place": "The hall",
    }
    client = client_for(world.lena)
    asked = client.post(url, form)
    assert asked.status_code == 422
    errors = asked.context["form"].errors["second_that_day"]
    assert "already meets that day (Core partners at 10:00)" in errors[0]
    assert 'type="checkbox" name="second_that_day"' in asked.content.decode()
    assert Meeting.objects.count() == 1
    confirmed = client.post(url, {**form, "second_that_day": "on"})
    assert confirmed.status_code == 302
    assert Meeting.objects.count() == 2
    # the API asks the same, by a flag
    body = {
        "starts_at": at(today(10), 16).isoformat(),
        "ends_at": at(today(10), 17).isoformat(),
        "purpose": "delivery",
        "place": "The hall",
    }
    api = api_for(world.lena)
    refused = api.post(f"{P}/series/{series.pk}/meetings", body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["second_that_day"]
    assert (
        api.post(f"{P}/series/{series.pk}/meetings", {**body, "second_that_day": True}).status_code
        == 201
    )
    # a cancelled meeting does not count, and moving a meeting onto a busy day asks too
    meeting_actions.meeting_cancel(by=world.lena, meeting=first)
    other = meet(series, today(20))
    move = client.post(
        reverse("meeting_edit", args=[world.partnership.pk, other.pk]), {**form, "day": today(10)}
    )
    assert move.status_code == 422 and "second_that_day" in move.context["form"].errors


def test_a_meeting_at_the_end_of_the_calendar_is_refused(world: SimpleNamespace) -> None:
    series = core_series(world)
    url = reverse("meeting_new", args=[world.partnership.pk, series.pk])
    form = {"day": END_OF_TIME, "starts": "14:00", "ends": "15:00", "purpose": "delivery"}
    response = client_for(world.lena).post(url, {**form, "place": "The hall"})
    assert response.status_code == 422
    assert "A meeting must fall between" in response.context["form"].errors["day"][0]
    api = api_for(world.lena).post(
        f"{P}/series/{series.pk}/meetings",
        {
            "starts_at": f"{END_OF_TIME}T10:00:00Z",
            "ends_at": f"{END_OF_TIME}T11:00:00Z",
            "purpose": "delivery",
            "place": "The hall",
        },
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["starts_at", "ends_at"]


def test_the_open_directory_api_refuses_a_moment_at_the_calendars_edge(db: Any) -> None:
    from django.test import Client

    client = Client()
    for moment in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"):
        response = client.get(reverse("hsds_services"), {"modified_after": moment})
        assert 400 <= response.status_code < 500, moment
        assert "modified_after" in response.content.decode()
    assert client.get(reverse("hsds_services"), {"modified_after": "2025-01-01"}).status_code == 200
