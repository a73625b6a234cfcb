"""The search's pages counted in the page's own query (`pages.OneScanPaginator`): the same
pages, rows, order and totals as Django's paginator, with one scan of the matches instead of
two, and the separate count only for a page past the end."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.directory.models import Service
from joinedup.directory.search import Criteria, find, paginator
from joinedup.directory.tests.conftest import listing, need
from joinedup.pages import OneScanPaginator

PER_PAGE = 4


@pytest.fixture
def debt(world: SimpleNamespace, listed: SimpleNamespace) -> QuerySet[Service]:
    """Eleven public services for money and debt (three pages of four), some sharing a name,
    found by need and word, in the search's order."""
    for i in range(10):
        listing(world.core_org, f"Debt advice {i % 4}", needs=[need("money_debt")])
    return find(
        Service.objects.filter(visibility="public"),
        Criteria(needs=(need("money_debt").pk,), words="debt advice"),
        locations=Q(visibility="public"),
        now=timezone.now(),
    )


def _seen(page: Any) -> tuple[Any, ...]:
    paginator = page.paginator
    return (
        page.number,
        [s.pk for s in page.object_list],
        paginator.count,
        paginator.num_pages,
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize("number", [None, "1", "2", "3", 2, "4", "99", "0", "-1", "two", 2.5])
def test_every_page_is_the_one_djangos_paginator_gives(
    debt: QuerySet[Service], number: Any
) -> None:
    expected = _seen(Paginator(debt, PER_PAGE).get_page(number))

    assert _seen(OneScanPaginator(debt, PER_PAGE).get_page(number)) == expected
    assert expected[2] == 11  # the fixture's ten and the lead's advice drop-in


def test_a_page_with_rows_is_counted_in_its_own_query(debt: QuerySet[Service]) -> None:
    for number in ("1", "3"):
        with CaptureQueriesContext(connection) as queries:
            page = OneScanPaginator(debt, PER_PAGE).get_page(number)
            assert page.paginator.count == 11 and page.paginator.num_pages == 3
        assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
        sql = queries.captured_queries[0]["sql"]
        assert "COUNT(*) OVER ()" in sql
        # The window inside a subquery, the page's LIMIT outside: a planner cannot stop early.
        assert sql.startswith("SELECT * FROM (") and sql.rstrip().endswith(
            ("LIMIT 4", "LIMIT 4 OFFSET 8")
        ), sql


def test_a_search_that_finds_nothing_is_one_query(debt: QuerySet[Service]) -> None:
    nothing = debt.filter(name="No such service")
    with CaptureQueriesContext(connection) as queries:
        page = OneScanPaginator(nothing, PER_PAGE).get_page("1")
        assert page.paginator.count == 0 and list(page.object_list) == []
    assert len(queries) == 1


def test_only_a_page_past_the_end_counts_apart_and_gives_the_last_page(
    debt: QuerySet[Service],
) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = OneScanPaginator(debt, PER_PAGE).get_page("99")
        assert page.number == 3 and len(page.object_list) == 3
    # The empty page, the count, the last page.
    assert len(queries) == 3
    assert "COUNT(*) OVER ()" not in queries.captured_queries[1]["sql"]


def test_the_search_counts_in_its_page_only_when_it_ranks_every_match(
    debt: QuerySet[Service], world: SimpleNamespace
) -> None:
    """On PostgreSQL, by needs, distance or members the page reads every match, so it carries
    the count; by words and area alone the page is in name order and the count is its own
    query. SQLite counts apart always (its FTS5 count is cheap)."""
    ranked = [
        Criteria(needs=(need("money_debt").pk,)),
        Criteria(words="debt", near=(51.5, -1.7)),
        Criteria(words="debt", members=(world.lead_org.pk,)),
    ]
    one_scan = OneScanPaginator if connection.vendor == "postgresql" else Paginator
    for criteria in ranked:
        assert type(paginator(debt, criteria, PER_PAGE)) is one_scan
    for criteria in (Criteria(words="debt"), Criteria(words="debt", area="Riverside")):
        pages = paginator(debt, criteria, PER_PAGE)
        assert type(pages) is Paginator
        with CaptureQueriesContext(connection) as queries:
            assert len(pages.get_page("2").object_list) == 4
        assert len(queries) == 2  # the count, then the page
