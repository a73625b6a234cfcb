"""`joinedup remind` for the health check: rounds close on their date, and organisations
that have not answered hear once in a round's last week."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from joinedup.health.models import Round, RoundStatus
from joinedup.health.reminders import remind_rounds
from joinedup.health.tests.helpers import answer, open_round
from joinedup.meetings.models import Notice

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")

TODAY = timezone.localdate()


def run(capture: Any) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("remind", stdout=out)
    return out.getvalue()


def test_organisations_that_have_not_answered_are_reminded_once(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round = open_round(world, days=5)
    answer(round, world.cora, world.core_org, 4)
    mail.outbox.clear()
    first = run(django_capture_on_commit_callbacks)
    assert "health check reminders: 1" in first
    told = {to for message in mail.outbox for to in message.to}
    assert world.lena.email in told  # the lead has not answered
    assert world.cora.email not in told  # Riverside Mind has
    assert Notice.objects.filter(
        user=world.lena, subject__startswith="Health check closes"
    ).exists()
    mail.outbox.clear()
    assert "health check reminders: 0" in run(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_no_reminder_more_than_a_week_ahead(world: SimpleNamespace) -> None:
    open_round(world, days=20)
    assert remind_rounds(TODAY) == 0
    assert remind_rounds(TODAY + dt.timedelta(days=14)) == 1


def test_a_round_past_its_date_is_closed_by_remind(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round = Round.objects.create(
        partnership=world.partnership,
        opened_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY - dt.timedelta(days=1),
    )
    assert "health rounds closed: 1" in run(django_capture_on_commit_callbacks)
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED and round.closed_by is None
    # It closed at the end of its closing day, not when remind happened to run.
    assert timezone.localtime(round.closed_at).date() == TODAY
