"""Benchmark a partnership's pages at 10, 100, 250 and 500 members (issue 19).

    .venv/bin/python bench/pages/run.py                        # this checkout, PostgreSQL
    .venv/bin/python bench/pages/run.py --before /tmp/main     # and a copy of main, one run

It makes its own database (`joinedup_bench_pages`, dropped and made again; `_before` for the
copy) and one partnership of each size with a year of activity, written in bulk: members in
groups of about ten that signpost to, exchange with and rate each other, a fifth doing
nothing, twelve meetings with three in five present, a proposal per group and one closed that
every member decided, and a closed health-check round answered by five people. Then, as a
core partner through Django's test client, each page `--runs` times (after one request to warm
the caches): p50 and p95 in milliseconds, the queries of one request, its size and its size
gzipped (`Accept-Encoding: gzip`, kB). It also times saving one attendance register of every
member (`meetings.actions.attendance_register`).

With `--before DIR` the same script runs with DIR's code (a copy of main: `git archive main |
tar -x -C DIR`) in a process of its own, at the same time as this checkout's in another, and
prints both in one table, so that the two meet the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import common  # noqa: E402  (bench/common.py)

SIZES = [10, 100, 250, 500]
PAGES = (
    "partnership",
    "latest meeting",
    "decisions",
    "health",
    "health round results",
    "ratings",
    "depth",
    "network",
    "report",
    "flows",
)


def setup(code: Path, db: str) -> None:
    sys.path.insert(0, str(code))
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["JOINEDUP_STATIC_MANIFEST"] = "false"
    os.environ["JOINEDUP_DATA_DIR"] = tempfile.mkdtemp(prefix="joinedup-bench-pages-")
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")
        c.execute(f"CREATE DATABASE {db}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    import django

    django.setup()
    import joinedup

    assert Path(joinedup.__file__).resolve().is_relative_to(code.resolve()), joinedup.__file__
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def partnership_of(size: int, rng: random.Random) -> dict[str, Any]:
    """A partnership of `size` members with a year of activity (`bench/common.partnership_of`,
    ratings at levels 0, 1, 3 and 4 so that some pairs are asymmetric), and what the pages
    read besides: a closed proposal every member decided, a closed health-check round
    answered by five people; its core partner, its URLs, a meeting and its organisations."""
    from django.urls import reverse
    from django.utils import timezone

    from joinedup.accounts.models import User
    from joinedup.decisions.models import Position, Proposal
    from joinedup.health.models import Answer, Round
    from joinedup.health.statements import STATEMENTS
    from joinedup.meetings.models import Meeting
    from joinedup.organisations.actions import affiliation_set_by_system as affiliate
    from joinedup.partnerships.models import Membership

    today = timezone.localdate()
    now = timezone.now()
    p, user = common.partnership_of(size, rng, levels=(0, 1, 3, 4))
    orgs = [
        m.organisation
        for m in Membership.objects.filter(partnership=p)
        .select_related("organisation")
        .order_by("pk")
    ]
    people = [user]
    for k in range(4):
        person = User.objects.create_user(f"bench{size}-{k}@example.org", "bench-pw", name="B")
        affiliate(user=person, organisation=orgs[k + 2], role="manager", why="bench")
        people.append(person)
    decided = Proposal.objects.create(
        partnership=p,
        title="Everyone decided",
        question="Shall we?",
        kind="consent",
        deciders="all",
        organisation=orgs[0],
        closes_on=today - dt.timedelta(days=3),
        status="closed",
        outcome="passed",
    )
    Position.objects.bulk_create(
        Position(proposal=decided, organisation=o, stance="agree") for o in orgs
    )
    meetings = list(Meeting.objects.filter(series__partnership=p).order_by("-starts_at"))
    round_ = Round.objects.create(
        partnership=p,
        opened_on=today - dt.timedelta(days=40),
        closes_on=today - dt.timedelta(days=10),
        status="closed",
        closed_at=now - dt.timedelta(days=9),
    )
    Answer.objects.bulk_create(
        Answer(
            round=round_,
            user=person,
            organisation=orgs[1] if person is user else orgs[k + 1],
            statement=code,
            score=rng.randint(1, 5),
        )
        for k, person in enumerate(people)
        for code in STATEMENTS
    )
    urls = {
        "partnership": reverse("partnership", args=[p.pk]),
        "latest meeting": meetings[0].get_absolute_url(),
        "decisions": reverse("decisions", args=[p.pk]),
        "health": reverse("health", args=[p.pk]),
        "health round results": round_.get_absolute_url(),
        "ratings": reverse("health_ratings", args=[p.pk]),
        "depth": reverse("health_depth", args=[p.pk]),
        "network": reverse("health_network", args=[p.pk]),
        "report": reverse("health_report", args=[p.pk]),
        "flows": reverse("referral_flows", args=[p.pk]),
    }
    return {"user": user, "urls": urls, "meeting": meetings[1], "orgs": orgs}


def in_step(key: str) -> None:
    """With `--before`, wait until the other process reaches the same page too, so that the
    two time each page at the same moment (each would otherwise run ahead of the other, as
    their builds take different times) and meet the same load."""
    where, role = os.environ.get("BENCH_STEP_DIR"), os.environ.get("BENCH_ROLE")
    if not where or not role:
        return
    Path(where, f"{role}-{key}").touch()
    other = Path(where, f"{'after' if role == 'before' else 'before'}-{key}")
    while not other.exists():
        time.sleep(0.01)


def measure(runs: int) -> dict[str, Any]:
    """Times every page at every size, in this process; returns the figures."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from joinedup.meetings import actions as meetings

    rng = random.Random(14)
    found: dict[str, Any] = {}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        built = {size: partnership_of(size, rng) for size in SIZES}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    common.settle_heap()
    for size, b in built.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(b["user"])
        for name, url in b["urls"].items():
            in_step(f"{size}-{name}".replace(" ", "_"))
            first = client.get(url)  # warms the caches (the picture, closed rounds' scores)
            assert first.status_code == 200, (name, first.status_code)
            statements: list[str] = []

            def count(execute: Any, sql: str, *args: Any, seen: list[str] = statements) -> Any:
                seen.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                response = client.get(url, headers={"Accept-Encoding": "gzip"})
            body = response.content
            zipped = len(body) if response.get("Content-Encoding") == "gzip" else None
            raw = len(gzip.decompress(body)) if zipped else len(body)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            p50, p95 = common.percentiles(samples)
            found[f"{name}|{size}"] = {
                "p50": p50,
                "p95": p95,
                "queries": len(statements),
                "kb": raw / 1000,
                "gz_kb": zipped / 1000 if zipped else len(gzip.compress(body)) / 1000,
                "served_gzipped": bool(zipped),
            }
            print(size, name, found[f"{name}|{size}"], file=sys.stderr)
        in_step(f"{size}-register")
        register = {o: ("present", "A") for o in b["orgs"]}
        samples = []
        for _ in range(max(3, runs // 2)):
            started = time.perf_counter()
            meetings.attendance_register(by=None, meeting=b["meeting"], register=register)
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = common.percentiles(samples)
        found[f"register|{size}"] = {"p50": p50, "p95": p95}
        print(size, "register", found[f"register|{size}"], file=sys.stderr)
    return found


def start_child(code: Path, db: str, runs: int, role: str = "") -> subprocess.Popen[str]:
    step = {"BENCH_ROLE": role, "BENCH_STEP_DIR": STEP_DIR} if role else {}
    return subprocess.Popen(
        [
            *(sys.executable, __file__, "--child", str(code), "--db", db, "--runs", str(runs)),
            *("--sizes", ",".join(map(str, SIZES))),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(code), **step},
    )


STEP_DIR = tempfile.mkdtemp(prefix="joinedup-bench-pages-step-")


def result(child: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = child.communicate()
    assert child.returncode == 0, child.returncode
    return json.loads(out.strip().splitlines()[-1])


def table(after: dict[str, Any], before: dict[str, Any] | None) -> str:
    lines = []
    if before:
        lines.append(
            "| page | members | p50 before | p50 after | p95 before | p95 after "
            "| queries before | after | kB before | kB after | gzipped kB after |"
        )
        lines.append("| --- |" + " ---: |" * 10)
    else:
        lines.append("| page | members | p50 | p95 | queries | kB | gzipped kB |")
        lines.append("| --- |" + " ---: |" * 6)
    for name in (*PAGES, "register"):
        for size in SIZES:
            a = after[f"{name}|{size}"]
            b = (before or {}).get(f"{name}|{size}")
            if name == "register":
                label = "save the attendance register"
                if before:
                    lines.append(
                        f"| {label} | {size} | {b['p50']:.0f} | {a['p50']:.0f} | {b['p95']:.0f} "
                        f"| {a['p95']:.0f} | | | | | |"
                    )
                else:
                    lines.append(f"| {label} | {size} | {a['p50']:.0f} | {a['p95']:.0f} | | | |")
                continue
            gz = f"{a['gz_kb']:,.1f}" + ("" if a["served_gzipped"] else " (not served gzipped)")
            if before:
                lines.append(
                    f"| {name} | {size} | {b['p50']:.0f} | {a['p50']:.0f} | {b['p95']:.0f} "
                    f"| {a['p95']:.0f} | {b['queries']} | {a['queries']} | {b['kb']:,.0f} "
                    f"| {a['kb']:,.0f} | {gz} |"
                )
            else:
                lines.append(
                    f"| {name} | {size} | {a['p50']:.0f} | {a['p95']:.0f} | {a['queries']} "
                    f"| {a['kb']:,.0f} | {gz} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before", type=Path, help="a copy of main's code to compare with")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", default="joinedup_bench_pages", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="e.g. 10,100")
    options = parser.parse_args()
    SIZES[:] = [int(n) for n in options.sizes.split(",")]
    if options.child:
        setup(options.child, options.db)
        print(json.dumps(measure(options.runs)))
        return
    # Before and after at the same time, side by side, so that both meet the same load.
    first = options.before and start_child(
        options.before, "joinedup_bench_pages_before", options.runs, "before"
    )
    second = start_child(ROOT, "joinedup_bench_pages", options.runs, "after" if first else "")
    before = result(first) if first else None
    after = result(second)
    print(table(after, before))


if __name__ == "__main__":
    main()
