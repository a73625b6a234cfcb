"""Retries with back-off, the messages-not-delivered page, scheduled jobs, and jobs whose worker
died."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from joinedup.conftest import make_org, make_user
from joinedup.jobs import schedule, worker
from joinedup.jobs.mail import queue_email
from joinedup.jobs.models import OutgoingMessage, WorkerBeat
from joinedup.jobs.tasks import EMAIL_ATTEMPTS
from joinedup.partnerships.models import Organisation

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def refused() -> override_settings:
    """SMTP to a port nobody listens on: every try fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=1,
    )


def job_of(message: OutgoingMessage) -> DBTaskResult:
    return DBTaskResult.objects.get(args_kwargs__args=[message.pk])


def time_passes(job: DBTaskResult) -> None:
    """The back-off is over."""
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now() - dt.timedelta(1))


def fail_every_try(message: OutgoingMessage) -> list[float]:
    """Run the message's job until it is given up; the back-offs it waited, in seconds."""
    waits = []
    with refused():
        for _ in range(EMAIL_ATTEMPTS):
            worker.run_ready()
            job = job_of(message)
            if job.status == "READY":
                waits.append(round((job.run_after - timezone.now()).total_seconds() / 60))
                time_passes(job)
    return waits


@pytest.fixture
def org(db: Any) -> Organisation:
    return make_org("Riverside Citizens Advice")


def test_a_message_that_never_goes_is_tried_with_back_off_then_shown_to_its_admins(
    org: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    admin = make_user("lena@riverside.example", "Lena", org, role="admin")
    staff = make_user("stan@riverside.example", "Stan", org, role="staff")
    outsider = make_user("olive@elsewhere.example", "Olive", make_org("Elsewhere"), "admin")
    [message] = queue_email(["ada@riverside.example"], "Meeting moved", "body", organisation=org)
    assert message is not None

    with caplog.at_level(logging.WARNING):
        waits = fail_every_try(message)
    assert waits == [1, 2, 4, 8]  # minutes: exponential back-off
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutgoingMessage.FAILED, EMAIL_ATTEMPTS)
    assert job_of(message).status == "FAILED"
    [given_up] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and
                  "not delivered" in r.getMessage()]  # fmt: skip
    assert given_up.startswith("Email not delivered after 5 tries (Meeting moved) to 1 people")
    assert "ada@" not in given_up

    # Its organisation's admins see it, linked from the organisation's page; nobody else does.
    page = reverse("messages_undelivered", args=[org.pk])
    client = Client()
    client.force_login(admin)
    assert page in client.get(reverse("organisation", args=[org.pk])).content.decode()
    shown = client.get(page)
    assert shown.status_code == 200 and "Meeting moved" in shown.content.decode()
    for user, code in ((staff, 403), (outsider, 404)):
        other = Client()
        other.force_login(user)
        assert other.get(page).status_code == code
        assert other.post(reverse("message_retry", args=[message.pk])).status_code == code
    superuser = make_user("root@example.org", "Root")
    superuser.is_superuser = True
    superuser.save()
    root = Client()
    root.force_login(superuser)
    assert "Meeting moved" in root.get(reverse("messages_undelivered_all")).content.decode()
    assert client.get(reverse("messages_undelivered_all")).status_code == 404

    # Trying again queues it once (a second click is told), and it goes.
    assert client.post(reverse("message_retry", args=[message.pk])).status_code == 302
    again = client.post(reverse("message_retry", args=[message.pk]), follow=True)
    assert "no longer waiting" in again.content.decode()
    assert DBTaskResult.objects.filter(args_kwargs__args=[message.pk]).count() == 2
    with override_settings(EMAIL_BACKEND=LOCMEM):
        worker.run_ready()
    message.refresh_from_db()
    assert message.status == OutgoingMessage.SENT
    assert [m.to for m in mail.outbox] == [["ada@riverside.example"]]
    assert "Meeting moved" not in client.get(page).content.decode()


def test_the_undelivered_page_costs_the_same_queries_for_one_message_or_many(
    org: Organisation,
) -> None:
    admin = make_user("lena@riverside.example", "Lena", org, role="admin")
    client = Client()
    client.force_login(admin)
    page = reverse("messages_undelivered", args=[org.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    OutgoingMessage.objects.create(organisation=org, subject="a", body="", status="failed")
    one = queries()
    for n in range(5):
        OutgoingMessage.objects.create(organisation=org, subject=f"{n}", body="", status="failed")
    assert queries() == one


def test_each_person_told_gets_their_own_email_and_sees_no_other_address(
    org: Organisation, jobs_run_at_once: Any
) -> None:
    queue_email(
        ["guest@example.org", "lived.experience@example.org", "guest@example.org"],
        "Cancelled: Hub day",
        "It will not take place.",
        organisation=org,
    )
    assert sorted(m.to for m in mail.outbox) == [
        ["guest@example.org"],
        ["lived.experience@example.org"],
    ]
    assert all(not m.cc and not m.bcc for m in mail.outbox)


def test_a_job_that_fails_then_succeeds_is_retried_with_back_off(org: Organisation) -> None:
    [message] = queue_email(["ada@riverside.example"], "Hello", "body", organisation=org)
    assert message is not None
    with refused():
        worker.run_ready()
    job = job_of(message)
    assert job.status == "READY" and job.run_after > timezone.now() + dt.timedelta(seconds=50)
    with override_settings(EMAIL_BACKEND=LOCMEM):
        assert worker.run_ready() == 0  # not before the back-off is over
        time_passes(job)
        assert worker.run_ready() == 1
    assert job_of(message).status == "SUCCESSFUL" and len(mail.outbox) == 1


def test_scheduled_jobs_are_enqueued_once_per_period_however_many_workers(db: Any) -> None:
    morning = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    night = timezone.make_aware(dt.datetime(2026, 3, 3, 3, 0))
    assert schedule.enqueue_due(morning) == ["remind", "retention", "cleanup"]
    assert schedule.enqueue_due(morning) == []  # a second worker, the same morning
    assert schedule.enqueue_due(morning + dt.timedelta(minutes=50)) == []
    assert schedule.enqueue_due(morning + dt.timedelta(hours=10)) == ["cleanup"]  # hourly
    assert schedule.enqueue_due(night) == ["retention", "cleanup"]  # remind waits for 7:00
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert (
        paths
        == ["joinedup.jobs.tasks.cleanup"] * 3
        + ["joinedup.jobs.tasks.remind"]
        + ["joinedup.jobs.tasks.retention"] * 2
    )
    assert worker.run_ready() == 6
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    with override_settings(JOINEDUP_SCHEDULE=False):
        assert schedule.enqueue_due(night + dt.timedelta(days=1)) == []


def test_a_job_whose_worker_died_is_taken_up_again_and_none_is_run_twice(
    org: Organisation,
) -> None:
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    WorkerBeat.objects.create(worker_id="dead", started_at=long_ago, beat_at=long_ago)
    WorkerBeat.objects.create(worker_id="alive", started_at=long_ago, beat_at=timezone.now())

    def claimed_by(message: OutgoingMessage, worker_id: str, status: str = "RUNNING") -> None:
        DBTaskResult.objects.filter(pk=job_of(message).pk).update(
            status=status, worker_ids=[worker_id], started_at=long_ago
        )

    [cut_off] = queue_email(["a@example.org"], "Cut off before sending", "", organisation=org)
    [sent_then_died] = queue_email(["b@example.org"], "Sent, then died", "", organisation=org)
    [finished] = queue_email(["c@example.org"], "Finished", "", organisation=org)
    [running] = queue_email(["d@example.org"], "Still running", "", organisation=org)
    assert cut_off and sent_then_died and finished and running
    claimed_by(cut_off, "dead")
    claimed_by(sent_then_died, "dead")
    OutgoingMessage.objects.filter(pk=sent_then_died.pk).update(status="sent", attempts=1)
    claimed_by(finished, "dead", status="SUCCESSFUL")
    claimed_by(running, "alive")

    assert worker.recover() == 2
    assert worker.recover() == 0  # a second worker recovering at the same time finds none
    with override_settings(EMAIL_BACKEND=LOCMEM):
        assert worker.run_ready() == 2
    # The job cut off is done; the one whose email had gone did not send it again; the
    # finished job and the one a live worker runs were left alone.
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert job_of(sent_then_died).return_value == "already sent"
    assert job_of(finished).worker_ids == ["dead"]
    assert job_of(running).status == "RUNNING"
