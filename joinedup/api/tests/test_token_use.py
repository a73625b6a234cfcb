"""A token's use is recorded now and then, and recording it never fails a read."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.accounts.models import ApiToken
from joinedup.conftest import api_for


def refuse_writes_to_tokens() -> None:
    """The database refuses every change to a token, as a read-only disk does (for this
    test's transaction only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION joinedup_refuse() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'the disk is read-only'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE UPDATE ON accounts_apitoken "
                "FOR EACH ROW EXECUTE FUNCTION joinedup_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE UPDATE ON accounts_apitoken "
                "BEGIN SELECT RAISE(ABORT, 'the disk is read-only'); END"
            )


def test_a_read_succeeds_when_the_tokens_use_cannot_be_recorded(
    world: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    lena = api_for(world.lena)
    refuse_writes_to_tokens()
    response = lena.get("/api/v1/partnerships")
    assert response.status_code == 200
    assert world.partnership.name in [item["name"] for item in response.json()["items"]]
    assert ApiToken.objects.get(user=world.lena).last_used_at is None
    assert "Could not record the use of API token" in caplog.text


def test_a_tokens_use_is_written_at_most_once_in_five_minutes(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    assert lena.get("/api/v1/partnerships").status_code == 200
    token = ApiToken.objects.get(user=world.lena)
    assert token.last_used_at is not None
    with CaptureQueriesContext(connection) as queries:
        assert lena.get("/api/v1/partnerships").status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]

    six_minutes_ago = timezone.now() - dt.timedelta(minutes=6)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=six_minutes_ago)
    assert lena.get("/api/v1/partnerships").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > six_minutes_ago
