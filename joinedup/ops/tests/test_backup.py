"""`joinedup backup` and `joinedup restore`: consistent while people write, and a restore gives
back exactly what was backed up, uploaded files included."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from joinedup.conftest import make_org
from joinedup.ops.backup import sqlite_copy
from joinedup.partnerships.models import Organisation


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    tables = sorted(connection.introspection.table_names())
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name}")  # noqa: S608 - names from introspection
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def test_the_online_copy_of_a_database_being_written_is_whole(tmp_path: Path) -> None:
    """Pairs of rows are written in one transaction each while the copy is made: the copy
    passes SQLite's integrity check and holds every pair whole (never half of one)."""
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as setup:
        setup.execute("CREATE TABLE pair (n INTEGER, side TEXT, padding TEXT)")
    stop = threading.Event()

    failed: list[Exception] = []

    def write() -> None:
        writer = sqlite3.connect(live, timeout=20)
        n = 0
        try:
            while not stop.is_set():
                with writer:
                    for side in ("a", "b"):
                        writer.execute("INSERT INTO pair VALUES (?, ?, ?)", (n, side, "x" * 2000))
                n += 1
        except sqlite3.Error as error:
            failed.append(error)
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        probe = sqlite3.connect(live, timeout=20)
        given_up = time.monotonic() + 120  # a writer that died must fail the test, not hang it
        while probe.execute("SELECT count(*) FROM pair").fetchone()[0] < 400:
            assert thread.is_alive() and time.monotonic() < given_up, failed
            time.sleep(0.01)
        probe.close()
        source = sqlite3.connect(live, timeout=20)
        sqlite_copy(source, tmp_path / "copy.sqlite3")
        source.close()
    finally:
        stop.set()
        thread.join()
    assert not failed, failed
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    sides = copy.execute("SELECT n, count(*) FROM pair GROUP BY n").fetchall()
    assert len(sides) >= 200 and all(count == 2 for _, count in sides)


@pytest.mark.django_db(transaction=True)
def test_a_restore_gives_back_exactly_what_was_backed_up(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "terms.pdf").write_bytes(b"%PDF terms")
    make_org("Hillside Food Bank")
    make_org("Riverside Mind")
    backed_up = snapshot()
    call_command("backup", str(tmp_path / "backup"))

    Organisation.objects.filter(name="Riverside Mind").delete()
    make_org("Made after the backup")
    (tmp_path / "media" / "documents" / "terms.pdf").write_bytes(b"changed")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "backup"))
    assert snapshot() != backed_up

    call_command("restore", str(tmp_path / "backup"), "--yes")
    assert snapshot() == backed_up
    assert (tmp_path / "media" / "documents" / "terms.pdf").read_bytes() == b"%PDF terms"


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_people_write_restores_whole(tmp_path: Path, settings: Any) -> None:
    """On PostgreSQL, with pairs of organisations written in one transaction each meanwhile:
    the restored database holds each pair whole."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's copy during writes is tested on a file above")
    settings.MEDIA_ROOT = tmp_path / "media"
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            with transaction.atomic():
                make_org(f"Pair {n} a")
                make_org(f"Pair {n} b")
            n += 1
        connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        given_up = time.monotonic() + 120
        while Organisation.objects.count() < 40:
            assert thread.is_alive() and time.monotonic() < given_up
            time.sleep(0.01)
        call_command("backup", str(tmp_path / "backup"))
    finally:
        stop.set()
        thread.join()
    call_command("restore", str(tmp_path / "backup"), "--yes")
    names = set(Organisation.objects.values_list("name", flat=True))
    pairs = {name.rsplit(" ", 1)[0] for name in names}
    assert len(pairs) >= 20
    assert all({f"{pair} a", f"{pair} b"} <= names for pair in pairs)


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path: Path, db: Any) -> None:
    with pytest.raises(CommandError, match="not a Joined Up backup"):
        call_command("restore", str(tmp_path), "--yes")
    (tmp_path / "x").write_text("something")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))
