"""What the job queue needs besides django-tasks-db's own table of tasks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.partnerships.models import Organisation


class WorkerBeat(models.Model):
    """A running worker says it lives every few seconds. A job left RUNNING by a worker whose
    beat is stale was cut off (the worker was killed) and is taken up again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class ScheduledRun(models.Model):
    """One row per scheduled job and period (`remind` on 2026-12-03): the worker that inserts it
    enqueues the job, any other worker's insert fails on the unique key, so a scheduled job
    runs once per period however many workers there are."""

    name = models.CharField(max_length=50)
    period = models.CharField(max_length=20)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="jobs_one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


class OutgoingMessage(models.Model):
    """An email to send, written in the transaction of the change it tells about; the
    `send_email` job sends it. Its status, checked and set under a row lock, makes that job
    safe to run again: a message that was sent is never sent twice by a job taken up again."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    STATUSES = [
        (PENDING, "Waiting to be sent"),
        (SENDING, "Being sent"),
        (SENT, "Sent"),
        (FAILED, "Not delivered"),
    ]

    # Whose admins see it on "messages not delivered"; None: only superusers (password resets,
    # reminders to people outside any organisation).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "status"], name="jobs_msg_org_status")]

    def __str__(self) -> str:
        return self.subject


class ExportState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Not prepared"
    EXPIRED = "expired", "Removed"


def _export_path(run: ExportRun, filename: str) -> str:
    return f"exports/{run.pk}/{filename}"


class ExportRun(models.Model):
    """A file asked for on a page (an HSDS export, a workbook, a report), built by a job and
    kept in the default storage (a folder or S3: README "Uploaded files") until `expires_at`,
    when the scheduled cleanup removes it. Only the person who asked sees it (and superusers),
    and only while they still may see the page it was asked for on (`joinedup.jobs.exports`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    file = models.FileField(upload_to=_export_path, blank=True, max_length=200)
    filename = models.CharField(max_length=150, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="jobs_export_by")]

    def __str__(self) -> str:
        return f"{self.kind} export ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state not in (ExportState.QUEUED, ExportState.RUNNING)
