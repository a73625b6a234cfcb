"""The database, as the app sees it, gone away: a real connection to where nothing answers."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database_away() -> Iterator[None]:
    """While inside, the default database is PostgreSQL on a port where nothing listens, or an
    SQLite file in a folder that does not exist: every query the app makes fails as it does
    in an outage, in the driver. The real connection, and the test's transaction on it, are
    set aside and put back afterwards."""
    real = connections["default"]
    settings_dict = copy.deepcopy(real.settings_dict)
    if real.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(unused_port()))
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = 2
    else:
        settings_dict["NAME"] = "/nonexistent-joinedup-folder/joinedup.sqlite3"
    away = type(real)(settings_dict, alias="default")
    connections["default"] = away
    try:
        yield
    finally:
        away.close()
        connections["default"] = real
