"""An unanswered referral is reminded, escalated and expired, each once, on working days."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from joinedup.meetings.models import Notice
from joinedup.referrals import actions
from joinedup.referrals.models import Referral, Status
from joinedup.referrals.reminders import remind_referrals
from joinedup.referrals.tests.conftest import refer

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")

FRIDAY = dt.date(2026, 3, 6)


def sent_on(referral: Referral, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(16), tzinfo=timezone.get_current_timezone())
    Referral.objects.filter(pk=referral.pk).update(sent_at=at)


def on(day: dt.date, captured: Any) -> dict[str, int]:
    with captured(execute=True):
        return remind_referrals(day)


def test_the_receiver_is_reminded_after_two_working_days_not_over_the_weekend(
    world: SimpleNamespace, referring: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    referral = refer(world, referring)
    sent_on(referral, FRIDAY)
    mail.outbox.clear()
    for day in (FRIDAY + dt.timedelta(days=n) for n in (1, 2, 3)):  # Saturday to Monday
        assert on(day, django_capture_on_commit_callbacks)["referral reminders"] == 0, day
    tuesday = FRIDAY + dt.timedelta(days=4)
    assert on(tuesday, django_capture_on_commit_callbacks)["referral reminders"] == 1
    assert on(tuesday, django_capture_on_commit_callbacks)["referral reminders"] == 0
    assert Notice.objects.filter(user=world.cora, subject__startswith="Waiting for").count() == 1
    assert len(mail.outbox) == 1 and world.cora.email in mail.outbox[0].to


def test_the_receivers_managers_hear_after_five_working_days_and_it_expires_at_fourteen(
    world: SimpleNamespace, referring: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    mary = world.cora.__class__.objects.create_user(
        "mary@riverside-mind.example", "a-long-test-password", name="Mary Manager"
    )
    from joinedup.organisations.actions import affiliation_set_by_system

    affiliation_set_by_system(user=mary, organisation=world.core_org, role="manager", why="tests")
    referral = refer(world, referring)
    sent_on(referral, FRIDAY)
    thursday = FRIDAY + dt.timedelta(days=6)  # four working days
    assert on(thursday, django_capture_on_commit_callbacks)["referral escalations"] == 0
    next_friday = FRIDAY + dt.timedelta(days=7)
    first = on(next_friday, django_capture_on_commit_callbacks)
    assert first["referral escalations"] == 1
    assert on(next_friday, django_capture_on_commit_callbacks)["referral escalations"] == 0
    escalated = Notice.objects.filter(subject__startswith="Unanswered for 5 working days")
    assert list(escalated.values_list("user", flat=True)) == [mary.pk]  # the manager, not Cora

    assert on(FRIDAY + dt.timedelta(days=13), django_capture_on_commit_callbacks) == {
        "referral reminders": 0,
        "referral escalations": 0,
        "referrals expired": 0,
    }
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=out)  # today is long past 14 days after that Friday
    assert "referrals expired: 1" in out.getvalue()
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED
    assert Notice.objects.filter(user=world.lena, subject__endswith="expired").exists()


def test_a_partnerships_own_timings_are_used(
    world: SimpleNamespace, referring: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    actions.timings_set(
        partnership=world.partnership, by=None, remind_after=1, escalate_after=3, expire_after=5
    )
    referral = refer(world, referring)
    answered = refer(world, referring, service=referring.parcels, fields=["name"])
    actions.referral_accept(referral=answered, by=world.will)
    for r in (referral, answered):
        sent_on(r, FRIDAY)
    monday = FRIDAY + dt.timedelta(days=3)
    assert on(monday, django_capture_on_commit_callbacks)["referral reminders"] == 1
    wednesday = FRIDAY + dt.timedelta(days=5)
    assert on(wednesday, django_capture_on_commit_callbacks) == {
        "referral reminders": 0,
        "referral escalations": 0,
        "referrals expired": 1,
    }
    answered.refresh_from_db()
    assert answered.status == Status.ACCEPTED
