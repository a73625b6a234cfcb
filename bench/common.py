"""What the benchmarks share: their own database, timing, a partnership with a year of work,
and writing rows with PostgreSQL's COPY.

A bench script puts `bench/` on `sys.path` and imports from here:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from common import setup, drop, timed, partnership_of

Only add to this module (other benches import it); a bench that needs something different
keeps its own copy.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER = "postgresql://postgres@127.0.0.1:5432"


def setup(database: str, db: str, *, reuse: bool = False) -> None:
    """Settings for a bench: `database` "postgres" makes the database `db` on 127.0.0.1:5432
    (dropped and made again unless `reuse` and it exists), "sqlite" a file under /tmp; then
    Django is set up and migrated."""
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-long-enough-for-the-settings")
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix=f"{db}-")
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
            exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
            if not (reuse and exists):
                c.execute(f"DROP DATABASE IF EXISTS {db}")
                c.execute(f"CREATE DATABASE {db}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop(database: str, db: str) -> None:
    """Drop the bench's PostgreSQL database `db` (nothing to do on SQLite)."""
    if database != "postgres":
        return
    from django.db import connection

    connection.close()
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")


def analyze() -> None:
    """On PostgreSQL, as autovacuum would after a bulk load: flush GIN pending lists and
    refresh the planner's statistics."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), to print beside the figures."""
    return " / ".join(f"{n:.1f}" for n in os.getloadavg())


def settle_heap() -> None:
    """Freeze the objects the process holds before timing, as a server's worker does once it
    has loaded the app (`joinedup.ops.heap.settle`, in gunicorn's `post_worker_init`): else a
    full garbage collection of the build's and Django's few hundred thousand objects (250–310
    ms here) lands on one request in a few dozen and makes the p95. Called for the code before
    a change too, so that a side-by-side compares the code alone."""
    import gc

    gc.collect()
    gc.freeze()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(runs: int, work: Any, before: Any = None) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `work()` run `runs` times (`before()` untimed first)."""
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def copy_rows(model: Any, rows: list[Any]) -> None:
    """Write `rows` (unsaved instances of `model`) with PostgreSQL's COPY: every concrete
    column, as the model would save it (its defaults filled in by the model, not the ORM's
    INSERT). An auto primary key left empty is left to the database."""
    from django.db import connection

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "auto_created", False)]
    fields = [f for f in fields if not (f.primary_key and getattr(rows[0], f.attname) is None)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                for f in fields:
                    if getattr(row, f.attname) is None and f.has_default():
                        setattr(row, f.attname, f.get_default())
                copy.write_row(
                    [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                )


def partnership_of(
    size: int,
    rng: random.Random,
    *,
    programme: Any = None,
    levels: tuple[int, ...] = (1, 2, 3, 4),
) -> tuple[Any, Any]:
    """A partnership of `size` members with a year of activity; and a core partner's user.

    Members come in groups of about ten that work together (each signposts to, exchanges with
    and rates two or three others of its group), a signposting joins each group to the next,
    a proposal per group is agreed by three, a fifth of the members do nothing, and twelve
    meetings in the year each have three in five members present. Structure goes through the
    app's actions; the activity is written in bulk. Names are 40 characters, so that labels
    are crowded. Ratings are drawn from `levels` (the pages benchmark leaves out 2, so that some
    pairs rate each other asymmetrically)."""
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
        by=None,
        name=f"Bench {size}",
        shared_goal="Benchmark.",
        lead=orgs[0],
        start_on=today,
        **({"programme": programme} if programme is not None else {}),
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
                    Rating(partnership=p, rater=org, rated=other, level=rng.choice(levels))
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
