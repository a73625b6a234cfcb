"""Benchmark the programme view of partnership health at 69 partnerships.

    .venv/bin/python bench/health/run.py --database sqlite
    .venv/bin/python bench/health/run.py --database postgres   # needs PostgreSQL on :5432

It makes its own database (a file under /tmp, or `joinedup_bench_health` on PostgreSQL,
dropped and made again), loads the demo — the seed partnerships, then Help through Crisis
filled to 69 partnerships through the same actions as the app, with a progress bar — and
times, `--runs` times each:

- **rows**: `health.programme.rows` for the programme's 69 partnerships: the evidence of the
  twelve months, the latest health-check scores, depth, flags and reciprocity of each;
- **page**: `GET /programmes/<pk>/health/` as the programme officer, the whole request through
  Django's test client (session, access, the rows, sorting, the template);
- **csv**: the same as CSV.

It also counts the page's queries at 69 partnerships and at 12 (the officer of a programme
with the first 12 only), which must be equal. p50 and p95 are in milliseconds, printed as a
Markdown table for `bench/README.md`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup(database: str) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-long-enough-for-the-settings")
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-health-")
    if database == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS joinedup_bench_health")
            c.execute("CREATE DATABASE joinedup_bench_health")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/joinedup_bench_health"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load() -> Any:
    """The demo, with Help through Crisis at 69 partnerships; the programme."""
    from django.contrib.auth.hashers import make_password
    from django.test.utils import override_settings

    from joinedup.demo import loader
    from joinedup.demo import programme as demo_programme
    from joinedup.lib.progress import Bar
    from joinedup.programmes.models import Programme

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        loader.load()
        demo_programme.load(make_password(loader.PASSWORD), Bar(sys.stderr))
    return Programme.objects.get(name=demo_programme.PROGRAMME)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(runs: int, work: Any) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def officer_of_first(programme: Any, n: int) -> Any:
    """An officer of a programme holding the first `n` of `programme`'s partnerships."""
    from joinedup.accounts.models import User
    from joinedup.programmes import actions as programme_actions

    small = programme_actions.programme_create(by=None, name=f"Benchmark: first {n}")
    for p in programme.partnerships.order_by("pk")[:n]:
        p.programme = small  # the benchmark's own copy of the programme, not an action
        p.save(update_fields=["programme"])
    user = User.objects.create(email=f"bench-{n}@example.org", name="Bench")
    programme_actions.programme_add_officer(by=None, programme=small, user=user)
    return small, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    setup(options.database)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from joinedup.health import programme as programme_module
    from joinedup.partnerships.models import Partnership

    programme = load()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    officer = programme.officers.first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    partnerships = Partnership.objects.filter(programme=programme).select_related("hub")
    count = partnerships.count()
    page = reverse("programme_health", args=[programme.pk])
    csv = reverse("programme_health_csv", args=[programme.pk])
    at_69 = queries(client, page)
    for _ in range(3):  # warm up
        client.get(page)
    rows = timed(options.runs, lambda: programme_module.rows(partnerships))
    page_time = timed(options.runs, lambda: client.get(page))
    csv_time = timed(options.runs, lambda: client.get(csv))

    small, user = officer_of_first(programme, 12)
    small_client = Client(HTTP_HOST="localhost")
    small_client.force_login(user)
    at_12 = queries(small_client, reverse("programme_health", args=[small.pk]))

    print()
    print("| database | partnerships | rows p50 | rows p95 | page p50 | page p95 "
          "| CSV p50 | CSV p95 | queries at 69 | queries at 12 |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {options.database} | {count} | {rows[0]:.0f} | {rows[1]:.0f} | {page_time[0]:.0f} "
        f"| {page_time[1]:.0f} | {csv_time[0]:.0f} | {csv_time[1]:.0f} | {at_69} | {at_12} |"
    )


if __name__ == "__main__":
    main()
