"""Benchmark the stored figures: the programme view at 69, 200 and 500 partnerships, and the
network of 100, 500 and 2,000 organisations (job and page).

    .venv/bin/python bench/figures/run.py --database postgres   # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/figures/run.py --database sqlite
    .venv/bin/python bench/figures/run.py --database postgres --only network --networks 2000

It makes its own database (`joinedup_bench_figures` on PostgreSQL, dropped and made again, and
dropped at the end; a file under /tmp for SQLite).

**Programme view**: a programme of N partnerships of eight members each (structure through the
app's actions, a year of signposts, exchanges, ratings, positions and attendance in bulk). It
times, as the programme's officer through Django's test client, `--runs` times each:

- **live rows**: `health.programme.rows` — what the page computed on every request before;
- **page**: `GET /programmes/<pk>/health/` reading the stored figures (one query);
- **job**: `figures.compute.refresh` of every partnership (what the nightly run does);

with the page's queries and its size in bytes.

**Network**: one partnership of N organisations in groups of about ten (as `bench/network`).
It times the **job** (`figures.compute.refresh` of the partnership, betweenness computed:
exact up to 500, sampled beyond) and the network **page** with the stored figures — its
picture cached (drawn once, by the first request), the betweenness read from the stored
figures rather than the process's cache — with the page's queries and size.

p50 and p95 in milliseconds; the tables are printed as Markdown for `bench/README.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "network"))

DB = "joinedup_bench_figures"


def setup(database: str) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-long-enough-for-the-settings")
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-figures-")
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


def drop(database: str) -> None:
    if database != "postgres":
        return
    from django.db import connection

    connection.close()
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB}")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(runs: int, work: Any, before: Any = None) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def programme_of(n: int, made: list[Any], programme: Any, rng: random.Random) -> None:
    """Add partnerships to `programme` until it has `n`, eight members each, a year of work."""
    from django.db import transaction
    from django.utils import timezone

    from joinedup.decisions.models import Position, Proposal
    from joinedup.health.models import Rating
    from joinedup.meetings.models import Attendance, Meeting, Series
    from joinedup.partnerships import actions
    from joinedup.partnerships.models import Level, MemberRole, Sector
    from joinedup.referrals.models import Signpost
    from joinedup.resources.models import Exchange

    today, now = timezone.localdate(), timezone.now()

    def day() -> dt.date:
        return today - dt.timedelta(days=rng.randrange(1, 360))

    sectors = list(Sector.values)
    with transaction.atomic():  # one commit: one refresh job for the lot, skipped if fresh
        for k in range(len(made), n):
            orgs = [
                actions.organisation_create(
                    by=None, name=f"Programme bench {k:03d} member {i}", sector=sectors[i % 6]
                )
                for i in range(8)
            ]
            p = actions.partnership_create(
                by=None,
                name=f"Bench partnership {k:03d}",
                shared_goal="Benchmark.",
                lead=orgs[0],
                start_on=today - dt.timedelta(days=500),
                programme=programme,
            )
            for i, org in enumerate(orgs[1:], start=1):
                actions.membership_add(
                    by=None,
                    partnership=p,
                    organisation=org,
                    role=MemberRole.CORE if i < 4 else MemberRole.WIDER,
                    funded=False,
                    levels=[Level.DELIVERY],
                    joined_on=today - dt.timedelta(days=400),
                )
            active = orgs[: rng.randint(2, 8)]
            Signpost.objects.bulk_create(
                Signpost(partnership=p, from_org=a, to_org=b, on=day())
                for a in active
                for b in rng.sample(orgs, 2)
                if a != b
            )
            Exchange.objects.bulk_create(
                Exchange(partnership=p, giver=a, receiver=b, kind="expertise",
                         description="Help", on=day())
                for a in active for b in rng.sample(orgs, 2) if a != b
            )  # fmt: skip
            Rating.objects.bulk_create(
                Rating(partnership=p, rater=a, rated=b, level=rng.choice([1, 2, 3, 4]))
                for a in active
                for b in rng.sample(orgs, 3)
                if a != b
            )
            proposal = Proposal.objects.create(
                partnership=p, title="Share", question="Shall we?", kind="consent",
                deciders="all", organisation=orgs[0], closes_on=today + dt.timedelta(days=30),
            )  # fmt: skip
            Position.objects.bulk_create(
                Position(proposal=proposal, organisation=o, stance="agree") for o in active
            )
            series = Series.objects.create(
                partnership=p, tier="core", title="Core", min_interval_days=28,
                max_interval_days=42,
            )  # fmt: skip
            for m in range(4):
                starts = now - dt.timedelta(days=20 + 60 * m)
                meeting = Meeting.objects.create(
                    series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                    purpose="delivery", status="held",
                )  # fmt: skip
                Attendance.objects.bulk_create(
                    Attendance(meeting=meeting, organisation=o, presence="present",
                               person_name="A")
                    for o in orgs if rng.random() < 0.7
                )  # fmt: skip
            made.append(p)


def bench_programme(options: Any, rng: random.Random) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from joinedup.accounts.models import User
    from joinedup.figures.compute import refresh
    from joinedup.health import programme as programme_module
    from joinedup.partnerships.models import Partnership
    from joinedup.programmes import actions as programme_actions

    programme = programme_actions.programme_create(by=None, name="Bench programme")
    officer = User.objects.create_user("officer@example.org", "bench-password", name="Officer")
    programme_actions.programme_add_officer(programme=programme, user=officer, by=None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    page = reverse("programme_health", args=[programme.pk])
    made: list[Any] = []
    rows = []
    for n in options.programmes:
        programme_of(n, made, programme, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        ids = [p.pk for p in made]
        partnerships = Partnership.objects.filter(pk__in=ids).select_related("hub")
        job = timed(3, lambda ids=ids: refresh(ids))
        live = timed(options.runs // 2 or 1, lambda ps=partnerships: programme_module.rows(ps))
        client.get(page)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page)
        assert response.status_code == 200 and response.content.count(b"Bench partnership") >= n
        queries, size = len(ctx.captured_queries), len(response.content)
        stored = timed(options.runs, lambda: client.get(page))
        rows.append(
            f"| {options.database} | {n} | {live[0]:.0f} | {live[1]:.0f} | {stored[0]:.0f} "
            f"| {stored[1]:.0f} | {live[1] / stored[1]:.1f}× | {queries} | {size / 1024:.0f} KB "
            f"| {job[0] / 1000:.1f} s |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def bench_network(options: Any, rng: random.Random) -> list[str]:
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from run import partnership_of  # bench/network/run.py

    from joinedup.figures.compute import refresh
    from joinedup.figures.models import PartnershipFigures

    rows = []
    for size in options.networks:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            p, user = partnership_of(size, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        job = timed(3 if size <= 500 else 2, lambda p=p: refresh([p.pk]), before=cache.clear)
        figures = PartnershipFigures.objects.get(partnership=p)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        page = reverse("health_network", args=[p.pk])
        first_started = time.perf_counter()
        client.get(page)  # draws and caches the picture
        first = (time.perf_counter() - first_started) * 1000
        key = "joinedup:betweenness:" + figures.shape
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page)
        assert response.status_code == 200
        queries, size_kb = len(ctx.captured_queries), len(response.content) / 1024
        # The betweenness from the stored figures, not this process's cache.
        stored = timed(
            options.runs,
            lambda c=client, u=page: c.get(u),
            before=lambda k=key: cache.delete(k),
        )
        sample = figures.network["sample"] or "exact"
        rows.append(
            f"| {options.database} | {size:,} | {figures.network['ties']:,} | {sample} "
            f"| {job[0] / 1000:.1f} s | {job[1] / 1000:.1f} s | {first / 1000:.1f} s "
            f"| {stored[0]:.0f} | {stored[1]:.0f} | {queries} | {size_kb:,.0f} KB |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=["programme", "network"])
    parser.add_argument("--programmes", type=int, nargs="*", default=[69, 200, 500])
    parser.add_argument("--networks", type=int, nargs="*", default=[100, 500, 2000])
    options = parser.parse_args()
    setup(options.database)
    rng = random.Random(19)
    try:
        if options.only != "network":
            rows = bench_programme(options, rng)
            print("\n| database | partnerships | live rows p50 | live rows p95 | page p50 "
                  "| page p95 | live ÷ page (p95) | page queries | page size "
                  "| job (all) |")  # fmt: skip
            print("| --- |" + " ---: |" * 9)
            print("\n".join(rows), flush=True)
        if options.only != "programme":
            rows = bench_network(options, rng)
            print("\n| database | organisations | ties | betweenness sample | job p50 | job p95 "
                  "| first page (draws) | page p50 | page p95 | queries | size |")  # fmt: skip
            print("| --- |" + " ---: |" * 10)
            print("\n".join(rows), flush=True)
    finally:
        drop(options.database)


if __name__ == "__main__":
    main()
