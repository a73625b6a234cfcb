"""Benchmark the learning matrix page at 36 partnerships × 12 themes (seed 003's programme).

    .venv/bin/python bench/learning/run.py --database sqlite
    .venv/bin/python bench/learning/run.py --database postgres   # needs PostgreSQL on :5432

It makes its own database (a file under /tmp, or `joinedup_bench_learning` on PostgreSQL,
dropped and made again), a programme of 36 partnerships with the seeds' 12-theme framework, one
coded source per partnership and a passage coded to every other theme (the test's own data,
`joinedup.learning.tests.factory.big_programme`), and times `GET /programmes/<pk>/learning/`
as an evaluator through Django's test client, `--runs` times, after one warm-up request. It
prints the page's queries and p50/p95 in milliseconds as a Markdown row for `bench/README.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DB = "joinedup_bench_learning"


def setup(database: str) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-long-enough-for-the-settings")
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-learning-")
    if database == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {DB}")
            c.execute(f"CREATE DATABASE {DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--partnerships", type=int, default=36)
    options = parser.parse_args()
    setup(options.database)

    from django.db import connection
    from django.test import Client

    from joinedup.accounts.models import User
    from joinedup.learning import actions
    from joinedup.learning.tests.factory import big_programme
    from joinedup.programmes import actions as programme_actions

    user = User.objects.create_user("eve@bench.example", "bench-password", name="Eve Evaluator")
    programme = programme_actions.programme_create(by=None, name="Bench families")
    actions.evaluator_add(by=None, programme=programme, user=user)
    big_programme(programme, user, options.partnerships, start=dt.date(2024, 4, 1))
    themes = programme.frameworks.get().themes.count()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/programmes/{programme.pk}/learning/"
    assert client.get(url).status_code == 200
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: the request closes the connection, which empties
    # the connection's query log.
    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(options.runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print("| database | partnerships × themes | queries | p50 ms | p95 ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    print(
        f"| {options.database} | {options.partnerships} × {themes} | {len(queries)} "
        f"| {statistics.median(times):.1f} | {p95:.1f} |"
    )


if __name__ == "__main__":
    main()
