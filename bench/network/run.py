"""Benchmark the network page at 30 and 300 members, drawing its picture afresh and from cache.

    .venv/bin/python bench/network/run.py --database sqlite
    .venv/bin/python bench/network/run.py --database postgres   # needs PostgreSQL on :5432

It makes its own database (a file under /tmp, or `joinedup_bench_network` on PostgreSQL,
dropped and made again) and two partnerships, of 30 and of 300 members. Members come in
groups of about ten that work together (each signposts to, exchanges with and rates two or
three others of its group), a few ties join the groups, a fifth of the members do nothing, and
twelve meetings in the year each have three in five members present. Structure goes through
the app's actions; the activity is written in bulk, as the benchmark's own data.

For each partnership it times, `--runs` times each, as a core partner through Django's test
client:

- **draw**: `health.network_picture.draw` alone: the layout and the labels;
- **page, uncached**: `GET /partnerships/<pk>/health/network/` with the cache emptied before
  each request, so the picture is drawn every time — as before the layout was cached;
- **page, cached**: the same request with the picture in the cache — as now, for every request
  but the first after the evidence changes;
- **page + meetings**: `?layers=meetings`, cached: the co-attendance counted by the database.

and counts the page's queries. p50 and p95 are in milliseconds, printed as a Markdown table for
`bench/README.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
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

DB = "joinedup_bench_network"


def setup(database: str) -> None:
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-network-")
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


def partnership_of(size: int, rng: random.Random) -> tuple[Any, Any]:
    """A partnership of `size` members with a year of activity; and a core partner's user."""
    from django.utils import timezone

    from joinedup.accounts.models import User
    from joinedup.decisions.models import Position, Proposal
    from joinedup.health.models import Rating
    from joinedup.meetings.models import Attendance, Meeting, Series
    from joinedup.organisations.actions import affiliation_set_by_system
    from joinedup.partnerships import actions
    from joinedup.partnerships.models import Level, MemberRole, Sector
    from joinedup.referrals.models import Signpost
    from joinedup.resources.models import Exchange

    sectors = list(Sector.values)
    today = timezone.localdate()
    now = timezone.now()
    orgs = [
        actions.organisation_create(
            by=None, name=f"Bench {size} organisation {i:03d} of the county", sector=sectors[i % 6]
        )
        for i in range(size)
    ]
    p = actions.partnership_create(
        by=None, name=f"Bench {size}", shared_goal="Benchmark.", lead=orgs[0], start_on=today
    )
    for i, org in enumerate(orgs[1:], start=1):
        actions.membership_add(
            by=None,
            partnership=p,
            organisation=org,
            role=MemberRole.CORE if i < 6 else MemberRole.WIDER,
            funded=False,
            levels=[Level.DELIVERY],
            joined_on=today - dt.timedelta(days=400),
        )
    user = User.objects.create_user(f"bench{size}@example.org", "bench-password", name="Bench")
    affiliation_set_by_system(
        user=user, organisation=orgs[1], role="manager", why="The benchmark's core partner."
    )

    active = [o for i, o in enumerate(orgs) if i % 5 != 4]  # a fifth do nothing
    groups = [active[i : i + 10] for i in range(0, len(active), 10)]
    exchanges, signposts, ratings, proposals, positions = [], [], [], [], []

    def day() -> dt.date:
        return today - dt.timedelta(days=rng.randrange(1, 360))

    for group in groups:
        for org in group:
            for other in rng.sample([o for o in group if o != org], k=min(2, len(group) - 1)):
                signposts.append(Signpost(partnership=p, from_org=org, to_org=other, on=day()))
                exchanges.append(
                    Exchange(
                        partnership=p,
                        giver=org,
                        receiver=other,
                        kind="expertise",
                        description="Help",
                        on=day(),
                    )
                )
                ratings.append(
                    Rating(partnership=p, rater=org, rated=other, level=rng.choice([1, 2, 3, 4]))
                )
        proposals.append(
            Proposal(
                partnership=p,
                title="Share",
                question="Shall we?",
                kind="consent",
                deciders="all",
                organisation=group[0],
                closes_on=today + dt.timedelta(days=30),
            )
        )
    for a, b in itertools.pairwise(groups):
        signposts.append(Signpost(partnership=p, from_org=a[-1], to_org=b[0], on=day()))
    Signpost.objects.bulk_create(signposts)
    Exchange.objects.bulk_create(exchanges)
    Rating.objects.bulk_create(ratings)
    for proposal, group in zip(Proposal.objects.bulk_create(proposals), groups, strict=True):
        positions += [
            Position(proposal=proposal, organisation=o, stance="agree") for o in group[1:4]
        ]
    Position.objects.bulk_create(positions)
    series = Series.objects.create(
        partnership=p, tier="wider", title="Wider", min_interval_days=28, max_interval_days=42
    )
    attendance = []
    for k in range(12):
        starts = now - dt.timedelta(days=20 + 28 * k)
        meeting = Meeting.objects.create(
            series=series,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            purpose="delivery",
            status="held",
        )
        attendance += [
            Attendance(meeting=meeting, organisation=o, presence="present", person_name="A")
            for o in orgs
            if rng.random() < 0.6
        ]
    Attendance.objects.bulk_create(attendance)
    return p, user


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    setup(options.database)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from joinedup.health.evidence import gather
    from joinedup.health.network_picture import draw
    from joinedup.health.views_evidence import network_of

    rng = random.Random(14)
    rows = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        built = [partnership_of(size, rng) for size in (30, 300)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    for p, user in built:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        page = reverse("health_network", args=[p.pk])

        def get(url: str, client: Any = client) -> None:
            assert client.get(url).status_code == 200

        net = network_of(gather([p])[p.pk])
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            get(page)
        page_queries = len(ctx.captured_queries)  # read now: later requests reset the log
        drawing = timed(options.runs, lambda net=net: draw(net))
        uncached = timed(options.runs, lambda page=page: get(page), before=cache.clear)
        get(page)
        cached = timed(options.runs, lambda page=page: get(page))
        get(page + "?layers=meetings")
        layered = timed(options.runs, lambda page=page: get(page + "?layers=meetings"))
        m = net.metrics
        rows.append(
            f"| {options.database} | {m.nodes} | {m.ties} | {len(m.brokers)} "
            f"| {drawing[0]:.0f} | {drawing[1]:.0f} | {uncached[0]:.0f} | {uncached[1]:.0f} "
            f"| {cached[0]:.0f} | {cached[1]:.0f} | {layered[0]:.0f} | {layered[1]:.0f} "
            f"| {page_queries} |"
        )
        print(rows[-1], file=sys.stderr)
    print()
    print("| database | members | ties | brokers | draw p50 | draw p95 | page uncached p50 "
          "| page uncached p95 | page cached p50 | page cached p95 | + meetings p50 "
          "| + meetings p95 | queries |")  # fmt: skip
    print("| --- |" + " ---: |" * 12)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
