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
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# `partnership_of` is imported from here by bench/figures, so it stays importable as `run.*`.
from common import partnership_of, percentiles, setup, timed  # noqa: F401

DB = "joinedup_bench_network"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    setup(options.database, DB)
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
