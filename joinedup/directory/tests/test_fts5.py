"""SQLite's FTS5 index over services' search text: the same matches as PostgreSQL's query, and
kept in step with every change (triggers, so bulk writes too)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from joinedup.directory import actions, search
from joinedup.directory.models import Service
from joinedup.directory.tests.conftest import listing, need

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index"),
]


def found(criteria: search.Criteria) -> list[str]:
    services = search.find(
        Service.objects.all(), criteria, locations=search.Q(), now=timezone.now()
    )
    return sorted(s.name for s in services)


def indexed(service: Service) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_text FROM {search.FTS_TABLE} WHERE service_id = %s",  # noqa: S608
            [service.pk.hex],
        )
        return [row[0] for row in cursor.fetchall()]


def test_fts5_finds_words_by_stem_and_synonym_needs_and_area(listed: SimpleNamespace) -> None:
    assert search.has_fts5()
    youth = listing(
        listed.advice.organization.organisation,
        "Young people's counselling",
        needs=[need("advice")],
        areas=["Kidderminster"],
    )
    # "youth" finds "young" (a synonym), "counsels" finds "counselling" (a stem, as a prefix).
    assert found(search.Criteria(words="youth counsels")) == [youth.name]
    assert found(search.Criteria(words="youth refuge")) == []  # every word is required
    assert found(search.Criteria(words="refuges")) == ["Riverside refuge"]
    debt = found(search.Criteria(needs=(need("money_debt").pk,)))
    assert debt == ["Debt clinic for partners", "Riverside advice drop-in"]
    assert found(search.Criteria(needs=(need("advice").pk,), area="kidder")) == [youth.name]
    assert found(search.Criteria(words='drop" OR *')) == []  # quoted: no operator injected
    # The FTS5 query is what the page runs: one MATCH, no LIKE over the table.
    sql = str(search.match_words(Service.objects.all(), "advice").query)
    assert "MATCH" in sql and "LIKE" not in sql


def test_the_index_follows_every_edit_and_delete(listed: SimpleNamespace) -> None:
    larder = listed.larder
    assert any("larder" in text for text in indexed(larder))
    actions.service_update(
        service=larder, by=None, needs=[need("food")], name="Elsewhere pantry", based_on=None
    )
    assert found(search.Criteria(words="pantry")) == ["Elsewhere pantry"]
    assert len(indexed(larder)) == 1  # replaced, not added to
    Service.objects.filter(pk=larder.pk).update(search_text="a bulk write")  # no model signal
    assert found(search.Criteria(words="bulk")) == ["Elsewhere pantry"]
    assert found(search.Criteria(words="pantry")) == []
    Service.objects.filter(pk=larder.pk).delete()
    assert indexed(larder) == [] and found(search.Criteria(words="bulk")) == []
