"""Imports run as jobs: the web only stores the upload and queues the job; the page follows the
job whenever a worker runs it; one import at a time; the command line runs the same code."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import client_for, make_user
from joinedup.directory import imports
from joinedup.directory.actions import import_uploads_remove
from joinedup.directory.importer.load import Loader
from joinedup.directory.models import ImportRun, ImportState, Organization, Service
from joinedup.directory.tasks import import_directory

pytestmark = pytest.mark.django_db

ORG = "2c3b8a33-3d8f-4d1b-a1a4-8b2f9d8e7c10"
DOCUMENT = {
    "contents": [
        {"id": ORG, "name": "Imported Org", "description": "d", "services": []},
        {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "No org", "status": "active"},
    ]
}


@pytest.fixture
def queued(settings: Any) -> None:
    """Jobs wait in a queue that nothing works through, as when the worker has not yet come
    to them; a test runs the job itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _upload(user: Any, name: str = "orgs.json", follow: bool = False) -> Any:
    upload = SimpleUploadedFile(name, json.dumps(DOCUMENT).encode(), "application/json")
    return client_for(user).post(
        reverse("directory_import"), {"file": upload, "country": "GB"}, follow=follow
    )


def test_the_page_follows_an_import_that_a_worker_runs_later_to_its_report(
    world: SimpleNamespace, queued: None
) -> None:
    response = _upload(world.lena)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/directory/import/{run.pk}/"
    assert run.state == ImportState.QUEUED and run.file.read() == json.dumps(DOCUMENT).encode()
    stored = run.file.name
    assert not Organization.objects.exists()
    waiting = client_for(world.lena).get(response["Location"]).content.decode()
    assert "The import is waiting for a worker" in waiting and 'hx-trigger="every 2s"' in waiting
    assert client_for(world.cora).get(response["Location"]).status_code == 403
    # Another lead sees neither the run nor its place in the list: the file is its uploader's.
    other = make_user("lee@riverside-ca.example", "Lee Lead", world.lead_org, "manager")
    assert client_for(other).get(response["Location"]).status_code == 404
    assert "orgs.json" not in client_for(other).get("/directory/import/").content.decode()

    import_directory.call(str(run.pk))
    import_directory.call(str(run.pk))  # delivered twice: the second does nothing

    fragment = client_for(world.lena).get(response["Location"], HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<h1>" not in body and "hx-trigger" not in body
    assert "1</strong> records added or updated, <strong>1</strong> rejected" in body
    assert Organization.objects.get().name == "Imported Org"
    csv_url = reverse("directory_import_problems", args=[run.pk])
    assert client_for(world.cora).get(csv_url).status_code == 403
    problems = client_for(world.lena).get(csv_url)
    assert "rejected,orgs.json,contents[1],organization_id" in problems.content.decode()
    run.refresh_from_db()
    assert run.state == ImportState.DONE and run.active is None and run.records == 2
    # The upload is gone from the storage once imported: the report keeps what was found.
    assert not run.file and not default_storage.exists(str(stored))


def test_two_imports_at_once_the_second_is_told_what_it_waits_for(
    world: SimpleNamespace, queued: None, tmp_path: Any
) -> None:
    _upload(world.lena, "first.json")

    second = _upload(world.lena, "second.json")

    assert second.status_code == 409
    assert "Another import is waiting for a worker: first.json, asked for by Lena" in (
        second.content.decode()
    )
    source = tmp_path / "third.json"
    source.write_text(json.dumps(DOCUMENT))
    with pytest.raises(CommandError, match="Another import is waiting for a worker: first"):
        call_command("directory", "import", str(source), stdout=io.StringIO())
    assert ImportRun.objects.count() == 1

    import_directory.call(str(ImportRun.objects.get().pk))

    assert _upload(world.lena, "fourth.json").status_code == 302


def test_an_import_that_fails_midway_writes_nothing_and_its_page_says_so(
    world: SimpleNamespace, queued: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = Loader._write

    def fail_at_services(self: Loader, table: str, *args: Any) -> None:
        if table == "service":
            raise RuntimeError("the disk is full")
        write(self, table, *args)

    monkeypatch.setattr(Loader, "_write", fail_at_services)
    url = _upload(world.lena)["Location"]
    run = ImportRun.objects.get()

    import_directory.call(str(run.pk))

    assert not Organization.objects.exists()
    page = client_for(world.lena).get(url).content.decode()
    assert f"Something went wrong during the import (reference {str(run.pk)[:8]})" in page
    assert "nothing of it was written" in page
    assert not ImportRun.objects.get().file  # a failed import's upload is removed too


def test_the_hourly_cleanup_removes_the_uploads_that_finished_imports_left(
    world: SimpleNamespace, queued: None
) -> None:
    _upload(world.lena)
    left = ImportRun.objects.get()  # as if its worker was killed before removing the upload
    ImportRun.objects.filter(pk=left.pk).update(state=ImportState.DONE, active=None)

    assert import_uploads_remove() == 1

    assert not default_storage.exists(str(left.file.name))
    assert not ImportRun.objects.get().file
    _upload(world.lena)  # an import still waiting keeps its upload
    assert import_uploads_remove() == 0
    assert ImportRun.objects.filter(state=ImportState.QUEUED).exclude(file="").exists()


def test_the_command_line_runs_the_same_import_and_records_it(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "orgs.json"
    source.write_text(json.dumps(DOCUMENT))
    out = io.StringIO()

    call_command("directory", "import", str(source), stdout=out)

    assert "1 records added or updated, 1 rejected" in out.getvalue()
    assert "writing organization" in capsys.readouterr().err
    run = ImportRun.objects.get()
    assert run.from_command and run.state == ImportState.DONE
    assert run.report is not None and run.report["rejected"] == 1


def test_the_import_page_lists_recent_imports_in_the_same_queries_however_many(
    world: SimpleNamespace,
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(world.lena).get(reverse("directory_import")).status_code == 200
        return len(captured)

    for n in range(3):
        ImportRun.objects.create(name=f"file{n}.zip", by=world.lena, active=None, state="done")
    few = queries()
    for n in range(12):
        ImportRun.objects.create(name=f"more{n}.zip", active=None, state="failed")

    assert queries() == few


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in connections["default"].settings_dict["ENGINE"],
    reason="progress is written aside during the import's transaction on PostgreSQL only",
)
def test_progress_can_be_read_by_others_while_the_import_writes_on_postgresql(
    tmp_path: Any,
) -> None:
    source = tmp_path / "orgs.json"
    source.write_text(json.dumps(DOCUMENT))
    run = ImportRun.objects.create(name="orgs.json", from_command=True)
    other = connections.create_connection("default")
    seen: list[str] = []

    def look(stage: str, done: int, total: int) -> None:
        with other.cursor() as cursor:
            cursor.execute("SELECT stage FROM directory_importrun WHERE id = %s", [run.pk])
            seen.append(cursor.fetchone()[0])

    try:
        imports.execute(run, source, echo=look)
    finally:
        other.close()

    assert "checking organization" in seen or "writing organization" in seen
    assert ImportRun.objects.get().state == ImportState.DONE
    assert Service.objects.count() == 0
