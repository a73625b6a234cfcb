"""Exports built by a job: the file is the one the page used to build in the request; only the
person who asked sees its status page and file; the file is removed when it expires; bad
parameters are refused before anything is queued."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.conftest import client_for, make_user
from joinedup.directory import exporter
from joinedup.jobs import schedule, worker
from joinedup.jobs.models import ExportRun, ExportState
from joinedup.jobs.tasks import exports_expire
from joinedup.jobs.testing import exported


@pytest.fixture
def queued(settings: Any) -> None:
    """The export waits in the queue until the test runs a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _ask(user: User, url: str) -> ExportRun:
    response = client_for(user).post(url)
    assert response.status_code == 302
    run = ExportRun.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert response["Location"] == reverse("export_run", args=[run.pk])
    return run


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_hsds_files_made_by_the_job_are_those_the_page_made_itself(
    world: SimpleNamespace,
) -> None:
    client = client_for(world.lena)

    as_json = exported(client, reverse("directory_export", args=["json"]))
    as_zip = exported(client, reverse("directory_export", args=["zip"]))

    direct = json.dumps(exporter.json_document(), indent=2, ensure_ascii=False).encode()
    assert as_json == direct
    with zipfile.ZipFile(io.BytesIO(as_zip)) as archive:
        assert {n: archive.read(n).decode() for n in archive.namelist()} == dict(
            exporter.tabular_files()
        )
    stamp = timezone.localdate().isoformat()
    assert sorted(ExportRun.objects.values_list("filename", "content_type")) == [
        (f"directory-hsds-{stamp}.json", "application/json"),
        (f"directory-hsds-{stamp}.zip", "application/zip"),
    ]


def test_only_the_person_who_asked_sees_the_export_and_its_file(
    world: SimpleNamespace, queued: None
) -> None:
    url = reverse("directory_export", args=["json"])
    start_page = client_for(world.lena).get(url)
    assert start_page.status_code == 200 and "Prepare the file" in start_page.content.decode()
    assert client_for(world.cora).post(url).status_code == 403  # not a lead: no export at all
    assert not ExportRun.objects.exists()
    run = _ask(world.lena, url)
    status = reverse("export_run", args=[run.pk])
    download = reverse("export_download", args=[run.pk])

    waiting = client_for(world.lena).get(status).content.decode()
    assert "waiting for a worker" in waiting and 'hx-trigger="every 2s"' in waiting
    assert client_for(world.lena).get(download).status_code == 404  # not made yet
    assert worker.run_ready() == 1

    fragment = client_for(world.lena).get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in fragment and "hx-trigger" not in fragment
    assert f'href="{download}"' in fragment
    assert client_for(world.lena).get(download).status_code == 200
    # Olive is a lead too (of her own partnership) and may export the directory herself, but
    # not see Lena's export; Cora may not export; neither learns that it exists.
    for other in (world.olive, world.cora):
        assert client_for(other).get(status).status_code == 404
        assert client_for(other).get(download).status_code == 404
    admin = User.objects.create_superuser("root@example.org", "a-long-test-password", name="R")
    assert client_for(admin).get(download).status_code == 200
    # Lena is no longer a lead: what she asked for earlier is no longer hers to fetch.
    world.lena.affiliations.update(role="staff")
    assert client_for(world.lena).get(download).status_code in (403, 404)


def test_an_expired_export_is_removed_by_the_hourly_cleanup(
    world: SimpleNamespace, queued: None
) -> None:
    run = _ask(world.lena, reverse("directory_export", args=["json"]))
    worker.run_ready()
    run.refresh_from_db()
    assert run.state == ExportState.DONE and default_storage.exists(str(run.file.name))
    assert run.expires_at is not None
    assert run.expires_at - run.finished_at == dt.timedelta(hours=24)  # type: ignore[operator]
    assert exports_expire(run.expires_at - dt.timedelta(minutes=1)) == 0

    later = run.expires_at + dt.timedelta(minutes=1)
    due = schedule.enqueue_due(later)
    assert "cleanup" in due
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert worker.run_ready() == len(due)

    assert not default_storage.exists(str(run.file.name))
    run.refresh_from_db()
    assert run.state == ExportState.EXPIRED and not run.file
    assert client_for(world.lena).get(reverse("export_download", args=[run.pk])).status_code == 404
    page = client_for(world.lena).get(reverse("export_run", args=[run.pk])).content.decode()
    assert "The file was removed" in page and "Ask for it again" in page


def test_bad_parameters_are_refused_and_nothing_is_queued(
    world: SimpleNamespace, queued: None
) -> None:
    programme = world.programme.pk
    officer = client_for(world.otis)
    bad_filter = reverse("programme_health_csv", args=[programme]) + "?band=great"
    refused = officer.post(bad_filter)
    assert refused.status_code == 422 and "band" in refused.content.decode()
    assert officer.get(bad_filter).status_code == 422
    bad_cases = reverse("learning_xlsx", args=[programme]) + "?cases=everyone"
    assert officer.post(bad_cases).status_code == 422
    lead = client_for(world.lena)
    assert lead.post("/directory/export.exe").status_code == 404
    assert lead.get(reverse("export_run", args=[uuid.uuid4()])).status_code == 404
    assert lead.get(reverse("health_report_file", args=[world.partnership.pk])).status_code == 405
    assert not ExportRun.objects.exists()


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_printable_report_can_be_kept_as_one_html_file(world: SimpleNamespace) -> None:
    url = reverse("health_report_file", args=[world.partnership.pk])
    page = client_for(world.otis).get(reverse("health_report", args=[world.partnership.pk]))
    assert f'action="{url}"' in page.content.decode()  # the page stays, with the button

    body = exported(client_for(world.otis), url).decode()

    assert body.startswith("<!DOCTYPE html>") and "<style>" in body
    assert "Riverside Crisis Partnership: partnership health" in body
    assert "<h2>Gaps and duplication</h2>" in body
    assert "<form" not in body and "/static/" not in body  # nothing that needs the site
    assert client_for(world.olive).post(url).status_code == 404


@pytest.mark.usefixtures("jobs_run_at_once")
def test_a_member_exports_only_the_rows_they_see_in_the_programme_view(
    world: SimpleNamespace,
) -> None:
    other = make_user("ola@elsewhere.example", "Ola", world.outside_org, "staff")
    url = reverse("programme_health_csv", args=[world.programme.pk])
    assert client_for(other).post(url).status_code == 404

    rows = exported(client_for(world.cora), url).decode().splitlines()

    assert len(rows) == 2 and "Riverside Crisis Partnership" in rows[1]


def test_the_status_page_runs_the_same_queries_however_many_exports_there_are(
    world: SimpleNamespace, queued: None
) -> None:
    url = reverse("directory_export", args=["json"])
    status = reverse("export_run", args=[_ask(world.lena, url).pk])
    client = client_for(world.lena)
    client.get(status)
    with CaptureQueriesContext(connection) as one:
        client.get(status)
    for _ in range(3):
        _ask(world.lena, url)
        _ask(world.olive, url)
    with CaptureQueriesContext(connection) as many:
        client.get(status)
    # The session, the user, the run with who asked for it, then the directory page's own
    # check that they lead: their organisations, and whether one leads a partnership.
    assert len(one.captured_queries) == len(many.captured_queries) == 5
