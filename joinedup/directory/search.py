"""Finding services: by words, needs, area, distance, eligibility, opening and capacity.

One function builds the query for the partners' search page, the HSDS API and the benchmark,
so what is measured is what people use. Words use PostgreSQL's full-text search over
`Service.search_text` (a GIN index, created in migration 0002); SQLite, the embedded default,
uses its FTS5 index over the same text (migration 0006: a table kept in step by triggers), with
the same query — every word as a prefix of its stem or a synonym's, any of the needs, every word
of the area — and matches with LIKE only where SQLite was built without FTS5.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)

from joinedup.directory.models import (
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from joinedup.pages import OneScanPaginator

WORD = re.compile(r"\w+", re.UNICODE)


def words_of(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")][:10]


# Endings taken off a searched word, so that its stem matches every form of it as a prefix:
# "workers" finds "work" and "working", "families" finds "family" (as "famil").
ENDINGS = ("ings", "ing", "ers", "ies", "er", "es", "ed", "s")
# Words the sector uses for the same thing, by stem: a search for one finds the others.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "youth": ("young", "teen"),
    "young": ("youth", "teen"),
    "teen": ("youth", "young"),
    "job": ("employ", "work"),
    "employ": ("job",),
    "counsel": ("therap", "talking"),
    "therap": ("counsel",),
    "abuse": ("violence",),
    "violence": ("abuse",),
    "elderly": ("older",),
    "older": ("elderly",),
    "homeless": ("housing", "tenancy"),
    "money": ("debt", "budget"),
    "debt": ("money",),
}


def stem(word: str) -> str:
    """`word` without one common English ending, keeping at least four letters."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def alternatives(word: str) -> list[str]:
    """The prefixes any one of which matches `word`: its stem and the stems of its synonyms."""
    root = stem(word)
    return list(dict.fromkeys([root, *SYNONYMS.get(root, ()), *SYNONYMS.get(word, ())]))


def _words_tsquery(words: list[str]) -> list[str]:
    return ["(" + " | ".join(f"{a}:*" for a in alternatives(w)) + ")" for w in words]


def need_token(term: uuid.UUID) -> str:
    return f"n{term.hex}"


def area_tokens(text: str) -> list[str]:
    return [f"a{w}" for w in words_of(text)]


def search_tokens(terms: Iterable[uuid.UUID], areas: Iterable[str]) -> str:
    """Tokens added to a service's search text so that PostgreSQL finds words, needs and area
    in one look at one GIN index: `n<term id>` for each need, `a<word>` for each word of each
    place it serves."""
    tokens = [need_token(t) for t in terms]
    for area in areas:
        tokens += area_tokens(area)
    return " ".join(dict.fromkeys(tokens))


def _tsquery(words: list[str], needs: list[uuid.UUID], area: str) -> str:
    parts = _words_tsquery(words)
    if needs:
        parts.append("(" + " | ".join(need_token(t) for t in needs) + ")")
    parts += [f"{t}:*" for t in area_tokens(area)]
    return " & ".join(parts)


def _match_postgres(qs: QuerySet[Service], query: str) -> QuerySet[Service]:
    """`to_tsvector('simple', search_text) @@ to_tsquery('simple', query)`, the expression the
    GIN index holds. The column is compiled, not written out, so that it is named right when
    the services are a subquery (`service__in=…`) and the table has an alias."""
    return qs.filter(
        Func(
            Func(F("search_text"), template="to_tsvector('simple', %(expressions)s)"),
            Func(Value(query), template="to_tsquery('simple', %(expressions)s)"),
            template="%(expressions)s",
            arg_joiner=" @@ ",
            output_field=BooleanField(),
        )
    )


FTS_TABLE = "directory_service_fts"
FTS_SELECT = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
_fts5: dict[str, bool] = {}


def has_fts5() -> bool:
    """Whether this SQLite database has the FTS5 index (once per database)."""
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _fts5:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            _fts5[name] = cursor.fetchone() is not None
    return _fts5[name]


def _fts_term(token: str, prefix: bool = True) -> str:
    """One token of an FTS5 query, quoted (so no word is read as an operator)."""
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts_query(words: list[str], needs: list[uuid.UUID], area: str) -> str:
    """The FTS5 query equal to `_tsquery`: groups of alternatives, every group required."""
    groups = [[_fts_term(a) for a in alternatives(w)] for w in words]
    if needs:
        groups.append([_fts_term(need_token(t), prefix=False) for t in needs])
    groups += [[_fts_term(t)] for t in area_tokens(area)]
    return " AND ".join("(" + " OR ".join(g) + ")" for g in groups)


class _FtsMatch(Func):
    """`<services>.rowid IN (SELECT rowid FROM the FTS5 table WHERE … MATCH query)`: the index
    keeps each service's rowid, and matching by rowid lets SQLite start from the matches
    (31 ms for a page at 100,000 services) rather than test every public service against
    them (315 ms), as `id IN (…)` made it do. The table is named as the query compiles it, so
    that it is right when the services are a subquery with an alias."""

    output_field = BooleanField()

    def __init__(self, query: str) -> None:
        super().__init__(F("pk"))
        self.query = query

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        table = column.rsplit(".", 1)[0]
        return f"{table}.rowid IN ({FTS_SELECT})", (*params, self.query)


def _match_fts5(qs: QuerySet[Service], query: str) -> QuerySet[Service]:
    return qs.filter(_FtsMatch(query))


def match_words(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Services whose name, description, criteria, needs or organisation hold every word of
    `text`, each as its stem or a synonym's, as a prefix: "youth workers" finds "youth work"
    and "young people's worker"; "counsel" finds "counselling"."""
    words = words_of(text)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        return _match_postgres(qs, " & ".join(_words_tsquery(words)))
    if has_fts5():
        return _match_fts5(qs, _fts_query(words, [], ""))
    condition = Q()
    for w in words:
        either = Q()
        for a in alternatives(w):
            either |= Q(search_text__contains=a)
        condition &= either
    return qs.filter(condition)


@dataclass(frozen=True)
class Criteria:
    """What someone is looking for. Every part is optional."""

    needs: tuple[uuid.UUID, ...] = ()
    words: str = ""
    area: str = ""
    near: tuple[float, float] | None = None
    within_km: float = 10.0
    age: int | None = None
    gender: str = ""
    open_now: bool = False
    capacity: tuple[str, ...] = ()
    members: tuple[int, ...] = field(default=())  # organisations to list first


def expand_needs(ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """The terms `ids` and every term up to three levels beneath them, in one query (the
    needs taxonomy has two levels; an imported one rarely more than three)."""
    return list(_expand(ids))


def _expand(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """`expand_needs`, each term with the need it counts as: its parent, or itself at the top."""
    ids = list(ids)
    if not ids:
        return {}
    below = (
        Q(pk__in=ids)
        | Q(parent_id__in=ids)
        | Q(parent__parent_id__in=ids)
        | Q(parent__parent__parent_id__in=ids)
    )
    return {
        pk: parent or pk
        for pk, parent in TaxonomyTerm.objects.filter(below).values_list("pk", "parent_id")
    }


def box(near: tuple[float, float], km: float) -> tuple[float, float, float, float]:
    """The latitude and longitude bounds of a square around `near`, `km` from its centre."""
    lat, lon = near
    dlat = km / 111.2
    dlon = km / (111.2 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def find(
    services: QuerySet[Service], criteria: Criteria, *, locations: Q, now: dt.datetime
) -> QuerySet[Service]:
    """`services` that meet `criteria`: the partnership's members first, then those that meet
    most of the needs, then by name. `locations` says which locations may be used for area
    and distance (never one whose whereabouts the searcher may not know)."""
    qs = services.exclude(status__in=[ServiceStatus.DEFUNCT, ServiceStatus.INACTIVE])
    need_of_term = _expand(criteria.needs) if criteria.needs else {}
    terms = list(need_of_term)
    postgres = connection.vendor == "postgresql"
    # Words, needs and area in one full-text query over one index, on either database.
    indexed = postgres or has_fts5()
    if postgres:
        query = _tsquery(words_of(criteria.words), terms, criteria.area)
        if query:
            qs = _match_postgres(qs, query)
    elif indexed:
        query = _fts_query(words_of(criteria.words), terms, criteria.area)
        if query:
            qs = _match_fts5(qs, query)
    else:
        qs = match_words(qs, criteria.words)
    if criteria.needs:
        if not indexed:
            linked = Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=terms)
            qs = qs.filter(pk__in=linked.values("link_id"))
        # Each term counts as the need it belongs to (its parent, or itself at the top): the
        # mapping is written into the query, so that counting a match's needs reads only its
        # attributes — not the taxonomy once for each of thousands of matches.
        need_of = Case(
            *[When(taxonomy_term_id=t, then=Value(need)) for t, need in need_of_term.items()],
            output_field=UUIDField(),
        )
        met = (
            Attribute.objects.filter(link_entity="service", link_id=OuterRef("pk"))
            .filter(taxonomy_term_id__in=terms)
            .values("link_id")
            .annotate(n=Count(need_of, distinct=True))
            .values("n")
        )
        qs = qs.annotate(needs_met=Subquery(met, output_field=IntegerField()))
    else:
        qs = qs.annotate(needs_met=Value(0, output_field=IntegerField()))
    if criteria.area.strip() and not indexed:
        qs = qs.filter(area_text__contains=criteria.area.strip().lower())
    if criteria.near is not None:
        south, north, west, east = box(criteria.near, criteria.within_km)
        usable = Location.objects.filter(locations).filter(
            latitude__range=(south, north), longitude__range=(west, east)
        )
        qs = qs.filter(
            pk__in=ServiceAtLocation.objects.filter(location__in=usable).values("service_id")
        )
        # Nearest first: the square of a flat-earth distance to its nearest usable place, good
        # enough to order places within a few hundred kilometres.
        lat, lon = criteria.near
        squeeze = math.cos(math.radians(lat)) ** 2
        north_south = F("location__latitude") - lat
        east_west = F("location__longitude") - lon
        nearest = (
            ServiceAtLocation.objects.filter(service_id=OuterRef("pk"), location__in=usable)
            .annotate(d=north_south * north_south + east_west * east_west * squeeze)
            .order_by("d")
            .values("d")[:1]
        )
        qs = qs.annotate(nearness=Subquery(nearest, output_field=FloatField()))
    else:
        qs = qs.annotate(nearness=Value(0.0, output_field=FloatField()))
    if criteria.age is not None:
        qs = qs.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=criteria.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=criteria.age),
        )
    if criteria.gender:
        qs = qs.filter(gender__in=["", criteria.gender])
    if criteria.capacity:
        qs = qs.filter(capacity__in=criteria.capacity)
    if criteria.open_now:
        day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][now.weekday()]
        hour = now.time()
        open_rows = Schedule.objects.filter(
            byday__contains=day, opens_at__lte=hour, closes_at__gt=hour
        )
        qs = qs.filter(
            Q(pk__in=open_rows.values("service_id"))
            | Q(
                pk__in=ServiceAtLocation.objects.filter(
                    pk__in=open_rows.values("service_at_location_id")
                ).values("service_id")
            )
        )
    member: Any = Value(0, output_field=IntegerField())
    if criteria.members:  # else no join to every match's organisation
        member = Case(
            When(organization__organisation_id__in=list(criteria.members), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return qs.annotate(member=member).order_by(
        "-member", F("needs_met").desc(nulls_last=True), "nearness", "name", "pk"
    )


def paginator(results: QuerySet[Service], criteria: Criteria, per_page: int) -> Paginator:
    """The pages of `find`'s `results`. On PostgreSQL, when their order is worked out for each
    match (the needs it meets, its distance, or whether a member runs it), the page reads
    every match anyway, so it carries their count too (`OneScanPaginator`: one GIN scan, not
    two; at 1,000,000 services two needs, a town and a word went from 260–310 to 145–205 ms
    p95). Otherwise the order is by name alone, the page walks the name index and stops after
    its rows, and the count is its own query: counting inside the page would read every
    match (a word alone: 1.4 s against 0.37 s). SQLite keeps the two queries: its FTS5 count
    is cheap, and at 100,000 services the window was no faster (the same for two needs, a
    town and a word; a third slower for one need)."""
    ranked = criteria.needs or criteria.near is not None or criteria.members
    if ranked and connection.vendor == "postgresql":
        return OneScanPaginator(results, per_page)
    return Paginator(results, per_page)
