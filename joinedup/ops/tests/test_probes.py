"""`/healthz` and `/readyz`: what a load balancer asks before sending people to a server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from joinedup.ops import probes
from joinedup.ops.tests.away import database_away


@pytest.fixture(autouse=True)
def _fresh_migration_check() -> Iterator[None]:
    probes.forget_migration_check()
    yield
    probes.forget_migration_check()


def test_healthz_answers_without_touching_the_database(
    db: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


def test_healthz_says_the_process_lives_while_the_database_is_away(db: Any) -> None:
    with database_away():
        response = Client().get("/healthz")
    assert response.status_code == 200


def test_readyz_is_ready_when_the_database_answers_and_is_migrated(db: Any) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "queue": "ok",
        "workers": "0",
    }


def test_readyz_is_unavailable_when_the_job_queue_does_not_answer(db: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {table} RENAME TO gone_away")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["queue"] == "not answering"


def test_readyz_is_unavailable_while_the_database_is_away(db: Any) -> None:
    with database_away():
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "not answering"


def test_readyz_is_unavailable_until_every_migration_is_applied(db: Any) -> None:
    # As after an upgrade whose `joinedup migrate` has not run: the database lacks the newest
    # migration of accounts (the row is removed in this test's transaction only).
    recorder = MigrationRecorder(connection)
    newest = recorder.migration_qs.filter(app="accounts").order_by("-name").first()
    assert newest is not None
    newest.delete()

    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "1 not applied: run `joinedup migrate`",
    }


def test_readyz_keeps_the_migration_check_so_a_probe_costs_two_queries(
    db: Any, django_assert_num_queries: Any
) -> None:
    client = Client()
    assert client.get("/readyz").status_code == 200
    # SELECT 1, and one look at the job queue; the migrations were checked a moment ago
    with django_assert_num_queries(2):
        assert client.get("/readyz").status_code == 200


def test_the_probes_answer_a_balancer_asking_by_address_over_plain_http(
    db: Any, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True  # as with JOINEDUP_HTTPS=true
    client = Client(HTTP_HOST="10.0.0.7:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/login/").status_code == 400  # pages still hold to both


def test_the_probes_only_answer_get_and_head(db: Any) -> None:
    client = Client()
    assert client.head("/readyz").status_code == 200
    response = client.post("/healthz")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
