"""For tests: fetch an export through its job, as a person would (ask, follow the status page,
download). The test needs the `jobs_run_at_once` fixture, so the job has run by the time the
status page is read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from joinedup.jobs.models import ExportRun


def exported(client: Any, url: str) -> bytes:
    """The file the export at `url` (its query string included) prepares for `client`."""
    asked = client.post(url)
    assert asked.status_code == 302, (asked.status_code, asked.content[:500])
    status = client.get(asked["Location"])
    assert status.status_code == 200
    run = ExportRun.objects.get(pk=asked["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert run.state == "done", run.error
    download = client.get(reverse("export_download", args=[run.pk]))
    assert download.status_code == 200
    return b"".join(download.streaming_content)
