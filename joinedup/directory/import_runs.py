"""An import of HSDS data into the directory, as a job: what was asked for, how far it has got,
and what it did.

One import runs at a time per database: an import is *active* from the moment it is asked for
until it has finished, and a unique constraint on `active` (NULL once finished, and NULLs never
clash) lets the database hold at most one. A second import asked for meanwhile is refused with
a message naming the first, never a raw IntegrityError (`actions.import_run_create`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Not imported"


def _upload_path(run: ImportRun, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{run.pk}.{suffix}"


class ImportRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The upload, in the default storage (a folder or S3-compatible object storage: README
    # "Uploaded files"), so that a worker on another server can read it. Empty for an import
    # from the command line, which reads its own path.
    file = models.FileField(upload_to=_upload_path, blank=True, max_length=200)
    name = models.CharField(max_length=200)
    from_command = models.BooleanField(default=False)
    country = models.CharField(max_length=2, default="GB")
    encoding = models.CharField(max_length=40, blank=True)
    namespace = models.CharField(max_length=100, blank=True)
    taxonomy_changes = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=ImportState.choices, default=ImportState.QUEUED)
    active = models.BooleanField(null=True, default=True)
    stage = models.CharField(max_length=80, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], name="directory_one_import_at_a_time"),
            models.CheckConstraint(
                condition=models.Q(active__isnull=True)
                | models.Q(active=True, state__in=["queued", "running"]),
                name="directory_import_active_until_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"import of {self.name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
