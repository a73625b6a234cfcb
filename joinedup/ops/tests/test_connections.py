"""A kept database connection that died (a PostgreSQL restart) costs no request an error."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite connections are opened for each request (CONN_MAX_AGE 0): none is kept",
)


def backend_pid() -> int:
    assert connection.connection is not None
    return int(connection.connection.info.backend_pid)


def test_the_first_request_after_the_database_dropped_its_connections_is_answered(
    transactional_db: Any,
) -> None:
    client = Client()
    close_old_connections()
    assert client.get("/api/hsds/services").status_code == 200
    dropped = backend_pid()
    # What a restart does to every connection the app keeps (DATABASE_CONN_MAX_AGE).
    real = connections["default"]
    other = type(real)(copy.deepcopy(real.settings_dict), alias="other")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        other.close()

    close_old_connections()  # as Django does when each request starts
    response = client.get("/api/hsds/services")
    assert response.status_code == 200
    assert backend_pid() != dropped
