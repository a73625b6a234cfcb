"""Finding services: by words, needs, area, distance, eligibility, opening and capacity.

One function builds the query for the partners' search page, the HSDS API and the benchmark,
so what is measured is what people use. Words use PostgreSQL's full-text search over
`Service.search_text` (a GIN index, created in migration 0002); SQLite, the embedded default
for small installs, matches each word with LIKE.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from joinedup.directory.models import Service

WORD = re.compile(r"\w+", re.UNICODE)


def _text_matches(query: str) -> Func:
    """`to_tsvector('simple', search_text) @@ to_tsquery('simple', query)`, the expression the
    GIN index holds. The column is compiled, not written out, so that it is named right when
    the services are a subquery (`service__in=…`) and the table has an alias."""
    return Func(
        Func(F("search_text"), template="to_tsvector('simple', %(expressions)s)"),
        Func(Value(query), template="to_tsquery('simple', %(expressions)s)"),
        template="%(expressions)s",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def words_of(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")][:10]


def match_words(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Services whose name, description, criteria or organisation hold every word of `text`
    (a word matches as a prefix: "counsel" finds "counselling")."""
    words = words_of(text)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        return qs.filter(_text_matches(query))
    condition = Q()
    for w in words:
        condition &= Q(search_text__contains=w)
    return qs.filter(condition)
