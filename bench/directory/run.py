"""Benchmark the directory's search at 1k, 10k, 100k and 1M services.

    .venv/bin/python bench/directory/run.py --database sqlite --sizes 1000 10000 100000
    .venv/bin/python bench/directory/run.py --database postgres --sizes 100000 1000000

On PostgreSQL the rows are written with `COPY` (the models only fill in their defaults), so a
million services load in minutes; the bench database is dropped at the end (`--keep` keeps it).

It makes its own database (a file under /tmp, or `joinedup_bench` on PostgreSQL, dropped and
made again), generates services across organisations and locations with a progress bar (one
organisation and one location for every five services), and at each size times:

- **search**: the partners' search page's query, as the page runs it (`directory.search.find`
  with needs + area + words, then the first page of 20 and the count of all matches as
  `search.paginator` reads them — in one query on PostgreSQL, count and page on SQLite — and
  the page's organisations);
- **HSDS search**: `GET /api/hsds/services?search=…` through Django's test client, whole request;
- **HSDS list**: `GET /api/hsds/services?per_page=20`, the first page of the whole list;
- **HSDS halfway (after)**: the page halfway down the whole list, reached by its cursor
  (`after`, as a client walking the `next` links gets it);
- **raw SQL**: the same queries written by hand — on PostgreSQL the first page carrying the
  count of all matches (`count(*) OVER ()`), on SQLite the count and the page, through the
  FTS5 index as `find` does; then the page's organisations by primary key — on the same
  connection.

Each is run `--runs` times with varied needs, towns and words; p50 and p95 are reported in
milliseconds. The table is printed as Markdown for `bench/README.md`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import copy_rows, drop, load, percentiles, setup

DB = "joinedup_bench"

TOWNS = [
    "Kidderminster", "Bewdley", "Stourport", "Bromsgrove", "Redditch", "Worcester", "Rawtenstall",
    "Bacup", "Haslingden", "Accrington", "Burnley", "Rochdale", "Oldham", "Salford", "Bolton",
    "Wigan", "Brighton", "Hove", "Leicester", "Derby",
]  # fmt: skip
WORDS = [
    "support", "advice", "counselling", "housing", "debt", "youth", "family", "recovery",
    "drop-in", "outreach", "tenancy", "food", "employment", "carers", "women", "advocacy",
]  # fmt: skip
SIZES = [1_000, 10_000, 100_000]


def generate(start: int, stop: int, rng: random.Random, bar: Any) -> None:
    """Services `start`..`stop`, with an organisation, location and address every five."""
    from django.db import connection

    from joinedup.directory.models import (
        Address,
        Attribute,
        Location,
        Organization,
        Service,
        ServiceArea,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from joinedup.directory.search import search_tokens

    terms = list(TaxonomyTerm.objects.values_list("pk", "name"))
    batch = 2_000
    for lo in range(start, stop, batch):
        hi = min(lo + batch, stop)
        orgs, locations, addresses, services, sals, areas, attributes = [], [], [], [], [], [], []
        for i in range(lo, hi):
            if i % 5 == 0:
                town = TOWNS[(i // 5) % len(TOWNS)]
                org = Organization(
                    id=uuid.uuid4(),
                    name=f"{town} {rng.choice(WORDS)} trust {i // 5}",
                    description="A charity.",
                )
                location = Location(
                    id=uuid.uuid4(),
                    organization_id=org.id,
                    name=f"{org.name} centre",
                    latitude=52 + rng.random(),
                    longitude=-2.5 + rng.random(),
                )
                orgs.append(org)
                locations.append(location)
                addresses.append(
                    Address(location_id=location.id, address_1=f"{i} High Street", city=town,
                            state_province=town, postal_code=f"AB{i % 90 + 1} 1AA", country="GB")
                )  # fmt: skip
            chosen = rng.sample(terms, rng.randint(1, 3))
            words = rng.sample(WORDS, 3)
            name = f"{words[0].title()} {words[1]} service {i}"
            description = f"Free {words[1]} and {words[2]} for people in {town}."
            service = Service(
                id=uuid.uuid4(),
                organization_id=org.id,
                name=name,
                description=description,
                capacity=rng.choice(["open", "limited", "full", ""]),
                search_text=" ".join(
                    [
                        name,
                        org.name,
                        description,
                        *[t[1] for t in chosen],
                        search_tokens([t[0] for t in chosen], [town, f"AB{i % 90 + 1}"]),
                    ]
                ).lower(),
                area_text=f"{town.lower()} | ab{i % 90 + 1}",
            )
            services.append(service)
            sals.append(ServiceAtLocation(service_id=service.id, location_id=location.id))
            areas.append(ServiceArea(service_id=service.id, name=town))
            attributes += [
                Attribute(link_id=service.id, link_entity="service", taxonomy_term_id=t[0])
                for t in chosen
            ]
        for model, rows in (
            (Organization, orgs), (Location, locations), (Address, addresses),
            (Service, services), (ServiceAtLocation, sals), (ServiceArea, areas),
            (Attribute, attributes),
        ):  # fmt: skip
            if connection.vendor == "postgresql":
                copy_rows(model, rows)
            else:
                model.objects.bulk_create(rows, batch_size=1_000)
        bar("generating services", hi - start, stop - start)


def raw_sql(vendor: str, n_terms: int) -> tuple[list[str], str]:
    """The search's page written by hand (needs as term ids, one town, one word), as `find`
    and `search.paginator` build it: the statements to run, then the page's organisations by
    primary key (as the search's `prefetch_related` reads them). The page matches through the
    full-text index (GIN on PostgreSQL, FTS5 on SQLite) and counts each match's needs by the
    `CASE` of term to need (term `%(t<i>)s` counts as need `%(n<i>)s`); on PostgreSQL it
    carries the count of all matches on each row (`count(*) OVER ()`), one query; on SQLite,
    as the search does there, the count is a query of its own before the page."""
    terms = "(" + ", ".join(f"%(t{i})s" for i in range(n_terms)) + ")"
    need_of = " ".join(f"WHEN %(t{i})s THEN %(n{i})s" for i in range(n_terms))
    postgres = vendor == "postgresql"
    if postgres:
        where = "to_tsvector('simple', s.search_text) @@ to_tsquery('simple', %(query)s)"
    else:
        where = """s.rowid IN (SELECT rowid FROM directory_service_fts
                         WHERE directory_service_fts MATCH %(fts)s)"""
    matches = f"""
          FROM directory_service s
         WHERE s.visibility = 'public' AND s.status NOT IN ('defunct', 'inactive')
           AND {where}"""
    page = f"""
        SELECT s.id, s.name, s.organization_id,
               (SELECT count(DISTINCT CASE a.taxonomy_term_id {need_of} END)
                  FROM directory_attribute a
                 WHERE a.link_entity = 'service' AND a.link_id = s.id
                   AND a.taxonomy_term_id IN {terms}) AS met
               {", count(*) OVER () AS total" if postgres else ""}
        {matches}
         ORDER BY met DESC NULLS LAST, s.name, s.id
         LIMIT 20"""
    organisations = "SELECT id, name FROM directory_organization WHERE id IN ({ids})"
    if postgres:
        return [page], organisations
    return [f"SELECT count(*) {matches}", page], organisations


def measure(runs: int, rng: random.Random) -> dict[str, tuple[float, float]]:
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.utils import timezone

    from joinedup.directory.hsds_api import COUNT_CAP, cursor
    from joinedup.directory.models import Service, TaxonomyTerm
    from joinedup.directory.search import (
        Criteria,
        _expand,
        _fts_query,
        _tsquery,
        find,
        paginator,
        words_of,
    )

    tops = list(TaxonomyTerm.objects.filter(parent=None).values_list("pk", flat=True))
    client = Client(HTTP_HOST="localhost")
    timings: dict[str, list[float]] = {"search": [], "hsds": [], "raw": [], "list": [], "deep": []}
    # A cursor halfway down the whole list, as a client walking its `next` links reaches it.
    public = Service.objects.filter(visibility="public").order_by("name", "id")
    middle = public.count() // 2
    name, pk = public.values_list("name", "pk")[middle]
    halfway = cursor(middle // 20 + 2, name, pk, COUNT_CAP)
    for _ in range(runs):
        needs = tuple(rng.sample(tops, 2))
        town, word = rng.choice(TOWNS), rng.choice(WORDS[:8])
        criteria = Criteria(needs=needs, area=town.lower(), words=word)

        started = time.perf_counter()
        qs = find(
            Service.objects.filter(visibility="public").prefetch_related("organization"),
            criteria,
            locations=Q(visibility="public"),
            now=timezone.now(),
        )
        list(paginator(qs, criteria, 20).get_page(1).object_list)
        timings["search"].append((time.perf_counter() - started) * 1000)

        need_of_term = _expand(needs)
        sqlite = connection.vendor == "sqlite"
        started = time.perf_counter()
        with connection.cursor() as cursor:
            statements, organisations_sql = raw_sql(connection.vendor, len(need_of_term))
            # The same text queries `find` builds (stems, synonyms, need and area tokens).
            expanded = list(need_of_term)
            query = _tsquery(words_of(word), expanded, town.lower())
            fts = _fts_query(words_of(word), expanded, town.lower())
            params: dict[str, Any] = {"query": query, "fts": fts}
            for i, (term, need) in enumerate(need_of_term.items()):
                params[f"t{i}"] = term.hex if sqlite else term
                params[f"n{i}"] = need.hex if sqlite else need
            for sql in statements:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            ids = list(dict.fromkeys(row[2] for row in rows))
            if ids:
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(organisations_sql.format(ids=marks), ids)
                cursor.fetchall()
        timings["raw"].append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        response = client.get("/api/hsds/services", {"search": word, "per_page": 20})
        timings["hsds"].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            timings["hsds"][-1] = float("nan")

        for name, params in (
            ("list", {"per_page": 20}),
            ("deep", {"per_page": 20, "after": halfway}),
        ):
            started = time.perf_counter()
            response = client.get("/api/hsds/services", params)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
    return {name: percentiles(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: use the services a kept bench database already holds (with --keep)",
    )
    options = parser.parse_args()
    setup(options.database, DB, reuse=options.reuse)
    from django.db import connection

    from joinedup.lib.progress import Bar

    bar = Bar(sys.stderr)
    rng = random.Random(2026)
    rows, made = [], 0
    if options.reuse:
        from joinedup.directory.models import Service

        made = Service.objects.count()
    for size in sorted(options.sizes):
        if size > made:
            generate(made, size, rng, bar)
            made = size
        if connection.vendor == "postgresql":
            # As autovacuum would after a bulk load: flush the GIN index's pending list and
            # refresh the planner's statistics.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        measure(5, rng)  # warm up
        result = measure(options.runs, rng)
        s50, s95 = result["search"]
        r50, r95 = result["raw"]
        h50, h95 = result["hsds"]
        l50, l95 = result["list"]
        d50, d95 = result["deep"]
        print(f"load average while measuring {size:,}: {load()}", file=sys.stderr)
        rows.append(
            f"| {options.database} | {size:,} | {s50:.1f} | {s95:.1f} | {r50:.1f} | {r95:.1f} "
            f"| {s95 / r95:.1f}× | {h50:.1f} | {h95:.1f} | {l50:.1f} | {l95:.1f} "
            f"| {d50:.1f} | {d95:.1f} |"
        )
        print(rows[-1], flush=True)
    print()
    print("| database | services | search p50 | search p95 | raw SQL p50 | raw SQL p95 "
          "| search ÷ raw (p95) | HSDS search p50 | HSDS search p95 | HSDS list p50 "
          "| HSDS list p95 | HSDS halfway (after) p50 | HSDS halfway (after) p95 |")  # fmt: skip
    print("| --- |" + " ---: |" * 12)
    for row in rows:
        print(row)
    if not options.keep:
        drop(options.database, DB)


if __name__ == "__main__":
    main()
