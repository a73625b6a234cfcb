"""Benchmark the pages that read referrals at 1,000, 10,000 and 100,000 referrals (issue 19).

    .venv/bin/python bench/referrals/run.py                      # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/referrals/run.py --database sqlite --runs 10

It makes its own database (`joinedup_bench_referrals` on PostgreSQL, or `--db-name`, dropped
and made again, and dropped at the end; a file under /tmp for SQLite) and a programme of six
partnerships: one of 30 members with a year of work (`bench/common.partnership_of`: signposts,
exchanges, ratings, positions, twelve meetings) and a data-sharing protocol in force, and five
small ones (8 to 12 members) with their year of work and no referrals. Then it grows the
30-member partnership's referrals to each size in turn — written with COPY on PostgreSQL
(`bulk_create` on SQLite), spread over the last twelve months between random pairs of its
members, in every status (a declined one with its reason, a completed one with its outcome),
for one of 30 people (one per member, each with a standing consent) — and, at each size, after
refreshing the partnership's stored figures as the evidence job does, times as a core partner
(the programme view: as the programme's officer) through Django's test client, `--runs` times
each after one request to warm the caches:

- **flows**: `GET /partnerships/<pk>/referrals/`, the referral flows of the last twelve months:
  the default period, read from the stored figures (the refresh below stored them after the
  referrals were written, as the job does; the bench checks the page says "Figures as of");
- **flows, chosen period**: the same page for a period the person chose (the twelve months and
  a day, so all the same referrals), computed on the request as any chosen period is;
- **programme view**: `GET /programmes/<pk>/health/` (stored figures);
- **network**: `GET /partnerships/<pk>/health/network/`, its picture cached;
- **depth**: `GET /partnerships/<pk>/health/depth/`;
- **gaps**: `GET /partnerships/<pk>/health/gaps/`;
- **referrals list**: `GET /referrals/`, the core partner's sent and received referrals;
- **figures job**: `figures.compute.refresh` of the partnership, what the job runs when the
  evidence changes (not a page: it reads the year's evidence once for all of them);

with the queries of one request and its size (bytes of HTML as written). It prints one
Markdown table with the figures at every size side by side and the ratio at 100,000 over
1,000, and the load average while measuring.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    analyze,
    copy_rows,
    drop,
    load,
    partnership_of,
    settle_heap,
    setup,
    timed,
)

DB = "joinedup_bench_referrals"
SIZES = [1_000, 10_000, 100_000]
PAGES = (
    "flows",
    "flows, chosen period",
    "programme view",
    "network",
    "depth",
    "gaps",
    "referrals list",
)
AREAS = ["BB4", "BB5", "M14", "OL1", "WR10", "DY11", "LE1", "DE1", "BN1", "BN3"]
# Statuses in the proportions of a busy partnership's year.
STATUSES = [
    ("sent", 8), ("seen", 5), ("accepted", 15), ("declined", 12), ("in_progress", 10),
    ("completed", 35), ("closed", 5), ("withdrawn", 4), ("expired", 6),
]  # fmt: skip


def world(rng: random.Random) -> dict[str, Any]:
    """The programme, its partnerships, the protocol, the people and their consents."""
    from django.db import transaction
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from joinedup.accounts.models import User
    from joinedup.agreements import actions as agreements
    from joinedup.agreements.models import AgreementKind
    from joinedup.partnerships.models import Organisation
    from joinedup.programmes import actions as programmes
    from joinedup.referrals import actions
    from joinedup.referrals.models import ConsentMethod, LawfulBasis, Purpose

    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        programme = programmes.programme_create(by=None, name="Bench programme")
        officer = User.objects.create_user("officer@example.org", "bench-password", name="O")
        programmes.programme_add_officer(programme=programme, user=officer, by=None)
        p, user = partnership_of(30, rng, programme=programme)
        for size in range(8, 13):
            partnership_of(size, rng, programme=programme)
        members = list(
            Organisation.objects.filter(memberships__partnership=p).distinct().order_by("pk")
        )
        agreement = agreements.agreement_create(
            by=None, partnership=p, kind=AgreementKind.DATA_SHARING, title="Bench protocol"
        )
        version = agreement.versions.get()
        protocol = actions.protocol_set(
            version=version,
            by=None,
            lawful_basis=LawfulBasis.CONSENT,
            retention_days=365,
            flows={f: ([Purpose.REFERRAL], []) for f in ("name", "contact", "needs")},
        )
        agreements.version_advance(version=version, by=None, to="signoff")
        for organisation in agreements.parties(version):
            agreements.sign(
                version=version, by=None, organisation=organisation, board_informed=True
            )
        people = []
        for k, org in enumerate(members):
            person = actions.person_create(
                organisation=org, by=None, name=f"Bench person {k}", contact="07700 900000"
            )
            consent = actions.consent_record(
                person=person,
                by=None,
                method=ConsentMethod.VERBAL,
                purposes=[Purpose.REFERRAL],
                fields=["name", "contact", "needs"],
                recipients=[o for o in members if o != org],
                expires_on=timezone.localdate() + dt.timedelta(days=400),
            )
            people.append((org, person, consent))
    start = timezone.localdate() - dt.timedelta(days=365)
    urls = {
        "flows": reverse("referral_flows", args=[p.pk]),
        "flows, chosen period": reverse("referral_flows", args=[p.pk])
        + f"?start={start.isoformat()}",
        "programme view": reverse("programme_health", args=[programme.pk]),
        "network": reverse("health_network", args=[p.pk]),
        "depth": reverse("health_depth", args=[p.pk]),
        "gaps": reverse("health_gaps", args=[p.pk]),
        "referrals list": reverse("referrals"),
    }
    return {
        "partnership": p,
        "user": user,
        "officer": officer,
        "protocol": protocol,
        "people": people,
        "urls": urls,
    }


def grow(w: dict[str, Any], count: int, rng: random.Random) -> None:
    """`count` more referrals in the partnership, over the last twelve months."""
    from django.db import connection
    from django.utils import timezone

    from joinedup.lib.needs import NEED_CHOICES
    from joinedup.referrals.models import DeclineReason, Outcome, Referral

    now = timezone.now()
    needs = [code for code, _ in NEED_CHOICES]
    statuses = [s for s, _ in STATUSES]
    weights = [n for _, n in STATUSES]
    reasons, outcomes = list(DeclineReason.values), list(Outcome.values)
    people = w["people"]
    batch: list[Referral] = []
    for _ in range(count):
        org, person, consent = rng.choice(people)
        to = rng.choice([o for o, _, _ in people if o != org])
        status = rng.choices(statuses, weights)[0]
        created = now - dt.timedelta(days=rng.uniform(1, 360))
        sent = created + dt.timedelta(minutes=rng.randint(1, 120))
        answered = status not in ("sent", "seen", "expired", "withdrawn")
        responded = sent + dt.timedelta(hours=rng.randint(1, 200)) if answered else None
        ended = status in ("declined", "completed", "closed", "withdrawn", "expired")
        batch.append(
            Referral(
                partnership=w["partnership"],
                person=person,
                consent=consent,
                protocol=w["protocol"],
                from_org=org,
                to_org=to,
                need=rng.choice(needs),
                area=rng.choice(AREAS),
                fields=["name", "contact", "needs"],
                summary="Bench referral.",
                status=status,
                decline_reason=rng.choice(reasons) if status == "declined" else "",
                outcome=rng.choice(outcomes) if status == "completed" else "",
                created_at=created,
                sent_at=sent,
                seen_at=sent + dt.timedelta(minutes=30) if status != "sent" else None,
                responded_at=responded,
                ended_at=(responded or sent) + dt.timedelta(days=3) if ended else None,
            )
        )
        if len(batch) == 5_000:
            _write(connection, batch)
            batch = []
    _write(connection, batch)


def _write(connection: Any, rows: list[Any]) -> None:
    from joinedup.referrals.models import Referral

    if connection.vendor == "postgresql":
        copy_rows(Referral, rows)
    else:
        Referral.objects.bulk_create(rows, batch_size=1_000)


def signed_in(client: Any, user: Any) -> None:
    """`user` signed in with a second factor, as staff who can see people's records must."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def measure(w: dict[str, Any], runs: int) -> dict[str, dict[str, float]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from joinedup.figures.compute import refresh

    p = w["partnership"]
    cache.clear()  # as the evidence job does when referrals change: pictures drawn again
    job = timed(max(3, runs // 4), lambda: refresh([p.pk]))
    found: dict[str, dict[str, float]] = {
        "figures job": {"p50": job[0], "p95": job[1], "queries": 0, "bytes": 0}
    }
    settle_heap()
    for name, url in w["urls"].items():
        client = Client(HTTP_HOST="localhost")
        signed_in(client, w["officer"] if name == "programme view" else w["user"])
        first = client.get(url)  # warms the caches
        assert first.status_code == 200, (name, first.status_code, first.get("Location"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, name
        if name.startswith("flows"):  # the stored figures read, or computed for the period
            assert (b"Figures as of" in response.content) == (name == "flows"), name
        queries, size = len(ctx.captured_queries), len(response.content)
        p50, p95 = timed(runs, lambda c=client, u=url: c.get(u))
        found[name] = {"p50": p50, "p95": p95, "queries": queries, "bytes": size}
        print(f"  {name}: {found[name]}", file=sys.stderr, flush=True)
    return found


def table(results: dict[int, dict[str, dict[str, float]]], database: str) -> str:
    sizes = sorted(results)
    low, high = sizes[0], sizes[-1]
    head = ["page"]
    for size in sizes:
        head += [f"{size // 1000}k p50", f"{size // 1000}k p95"]
    head += [
        f"p50 {high // 1000}k ÷ {low // 1000}k",
        f"p95 {high // 1000}k ÷ {low // 1000}k",
        "queries",
        f"KB at {low // 1000}k",
        f"KB at {high // 1000}k",
    ]
    lines = [f"| {database}: " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    for name in (*PAGES, "figures job"):
        cells = [name]
        for size in sizes:
            r = results[size][name]
            cells += [f"{r['p50']:,.0f}", f"{r['p95']:,.0f}"]
        a, b = results[low][name], results[high][name]
        cells += [f"{b['p50'] / a['p50']:.2f}×", f"{b['p95'] / a['p95']:.2f}×"]
        queries = sorted({int(results[s][name]["queries"]) for s in sizes})
        cells.append(" / ".join(map(str, queries)) if a["queries"] else "")
        cells += (
            [f"{a['bytes'] / 1000:,.0f}", f"{b['bytes'] / 1000:,.0f}"] if a["bytes"] else ["", ""]
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--db-name", default=DB, help="the PostgreSQL database to make")
    options = parser.parse_args()
    setup(options.database, options.db_name)
    rng = random.Random(19)
    results, made, loads = {}, 0, []
    try:
        w = world(rng)
        for size in sorted(options.sizes):
            grow(w, size - made, rng)
            made = size
            analyze()
            print(f"{size:,} referrals (load average {load()})", file=sys.stderr, flush=True)
            results[size] = measure(w, options.runs)
            loads.append(f"{size:,}: {load()}")
        print()
        print(table(results, options.database))
        print(f"\nLoad average (1 / 5 / 15 min) after measuring each size: {'; '.join(loads)}")
    finally:
        if not options.keep:
            drop(options.database, options.db_name)


if __name__ == "__main__":
    main()
