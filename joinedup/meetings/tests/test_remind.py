"""`joinedup remind`: what is due goes out once, however often cron runs it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from joinedup.decisions import actions as decision_actions
from joinedup.decisions.models import Proposal
from joinedup.meetings.models import Concern, Notice, SentReminder
from joinedup.meetings.tests.helpers import days_from_today, meetings_world

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def run(capture: Any) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("remind", stdout=out)
    return out.getvalue()


def test_remind_run_twice_sends_once(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    m = meetings_world(world)  # an action due in two days
    Concern.objects.filter(pk=m.concern.pk).update(
        raised_at=m.concern.raised_at - dt.timedelta(days=10)
    )
    soon = decision_actions.proposal_create(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Saturdays",
        question="Open on Saturdays?",
        kind="consent",
        deciders="core",
        closes_on=days_from_today(1),
    )
    mail.outbox.clear()
    first = run(django_capture_on_commit_callbacks)
    assert "action reminders: 1" in first
    assert "proposal reminders: 1" in first
    assert "concern reminders: 1" in first
    subjects = sorted(message.subject for message in mail.outbox)
    assert any("Action due" in s and "Share the referral form" in s for s in subjects)
    assert any("Closing" in s and "Saturdays" in s for s in subjects)
    assert any("Unanswered for five working days" in s for s in subjects)
    sent = len(mail.outbox)
    notices = Notice.objects.count()

    second = run(django_capture_on_commit_callbacks)
    assert "action reminders: 0" in second and "proposal reminders: 0" in second
    assert len(mail.outbox) == sent and Notice.objects.count() == notices
    assert SentReminder.objects.count() == 3

    Proposal.objects.filter(pk=soon.pk).update(closes_on=days_from_today(-1))
    third = run(django_capture_on_commit_callbacks)
    assert "proposals closed: 1" in third
    soon.refresh_from_db()
    assert soon.outcome == "passed"
    assert "proposals closed: 0" in run(django_capture_on_commit_callbacks)


def test_a_moved_due_date_is_reminded_again(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    m = meetings_world(world)
    assert "action reminders: 1" in run(django_capture_on_commit_callbacks)
    type(m.action).objects.filter(pk=m.action.pk).update(due_on=days_from_today(3))
    assert "action reminders: 1" in run(django_capture_on_commit_callbacks)
    assert "action reminders: 0" in run(django_capture_on_commit_callbacks)
