"""Import the Miami 2019 HSDS 1.x export through the web's job and through the command line, each
into a new database, and report records per second.

    .venv/bin/python bench/imports/run.py --database sqlite
    .venv/bin/python bench/imports/run.py --database postgres   # PostgreSQL on 127.0.0.1:5432

- **web, through the job**: a lead's upload (`POST /directory/import/`, Django's test client)
  stores the file and queues the job; the job is then run as a worker runs it
  (`import_directory.call`), and the page is asked until it shows the report;
- **command line**: `joinedup directory import miami.zip --country US`.

Each mode runs in its own process on a new database (`joinedup_bench_import` on PostgreSQL,
dropped and made again; a file under /tmp for SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIAMI = ROOT / "joinedup/directory/tests/fixtures/miami-211-2019-hsds1.zip"
PG = "postgres://postgres@127.0.0.1:5432/joinedup_bench_import"


def one(mode: str) -> dict[str, float]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from joinedup.accounts.models import User
    from joinedup.directory.models import ImportRun
    from joinedup.directory.tasks import import_directory

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if mode == "web":
        lead = User.objects.create_superuser("bench@example.org", "a-long-bench-password")
        client = Client()
        client.force_login(lead)
        client.get("/directory/import/")  # the URLs and templates loaded, as on a warm server
    began, cpu = time.monotonic(), time.process_time()
    if mode == "cli":
        with open(os.devnull, "w") as quiet:
            call_command("directory", "import", str(MIAMI), "--country", "US", stdout=quiet)
        request = 0.0
    else:
        upload = SimpleUploadedFile(MIAMI.name, MIAMI.read_bytes(), "application/zip")
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ):
            response = client.post("/directory/import/", {"file": upload, "country": "US"})
        request = time.monotonic() - began
        assert response.status_code == 302, response.status_code
        import_directory.call(str(ImportRun.objects.get().pk))
        page = client.get(response["Location"]).content.decode()
        assert "What the import did" in page
    seconds, cpu = time.monotonic() - began, time.process_time() - cpu
    run = ImportRun.objects.get()
    assert run.state == "done", run.error
    return {"seconds": seconds, "cpu": cpu, "request": request, "records": run.records}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--one", choices=["cli", "web"])
    options = parser.parse_args()
    if options.one:
        print(json.dumps(one(options.one)))
        return
    results = {}
    for mode in ("cli", "web"):
        with tempfile.TemporaryDirectory() as data:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "joinedup.settings",
                "SECRET_KEY": "bench-only-not-a-secret-but-long-enough-for-the-settings-check",
                "JOINEDUP_DATA_DIR": data,
                "JOINEDUP_STATIC_MANIFEST": "false",
                "JOINEDUP_REQUIRE_2FA": "false",
            }
            if options.database == "postgres":
                server = ["-h", "127.0.0.1", "-U", "postgres"]
                name = "joinedup_bench_import"
                subprocess.run(["dropdb", *server, "--if-exists", name], check=True)  # noqa: S607
                subprocess.run(["createdb", *server, name], check=True)  # noqa: S607
                env["DATABASE_URL"] = PG
            out = subprocess.run(
                [sys.executable, __file__, "--one", mode],
                env=env,
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])
    print(f"database: {options.database}; {results['cli']['records']:,} records in the file")
    for mode, label in (("web", "web, through the job"), ("cli", "command line")):
        r = results[mode]
        extra = f" (the upload's request: {r['request'] * 1000:.0f} ms)" if mode == "web" else ""
        print(
            f"{label:<22} {r['seconds']:6.1f} s  {r['records'] / r['seconds']:6.0f} records/s; "
            f"CPU {r['cpu']:5.1f} s  {r['records'] / r['cpu']:6.0f} records/s" + extra
        )


if __name__ == "__main__":
    main()
