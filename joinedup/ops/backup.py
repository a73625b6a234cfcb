"""Backups that are whole and consistent while people keep working, and restores from them.

A backup is a folder: the database (SQLite through its online backup API — a plain copy of
the file during writes can be corrupt — or PostgreSQL through `pg_dump`'s custom format, a
consistent snapshot), the uploaded files (MEDIA_ROOT) and `backup.json`, which says what it
holds. Restore puts both back into the configured database and MEDIA_ROOT. Uploaded files in
object storage (JOINEDUP_S3_BUCKET) stay there: the backup says so, and how to keep copies.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from joinedup.ops.storage import in_a_folder

OBJECT_STORAGE = (
    "The uploaded files are in object storage ({bucket}), not in this backup. Back them up "
    "there: turn on the bucket's versioning (so a deleted or overwritten file can be got back), "
    "and copy the bucket elsewhere nightly, e.g. `aws s3 sync s3://BUCKET /srv/backups/media` "
    "or `rclone sync`."
)
MANIFEST = "backup.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA = "media"
FORMAT = 1

Progress = Callable[[str], None]


class BackupError(Exception):
    """What went wrong, in words for the person running the command."""


def backup(path: Path, progress: Progress = lambda _: None) -> dict[str, Any]:
    """Write a backup into the new or empty folder `path`; return its manifest."""
    if path.exists() and any(path.iterdir()):
        raise BackupError(f"{path} is not empty: back up into a new or empty folder.")
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)  # it holds personal data
    vendor = connection.vendor
    progress(f"Backing up the {vendor} database…")
    if vendor == "sqlite":
        connection.ensure_connection()
        sqlite_copy(connection.connection, path / SQLITE_FILE)
    elif vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path / POSTGRES_FILE}"])
    else:
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    media = Path(settings.MEDIA_ROOT)
    files: int | None = 0
    if not in_a_folder(default_storage):
        # Object storage is outside this machine: it keeps its own copies (see OBJECT_STORAGE).
        files = None
        progress(OBJECT_STORAGE.format(bucket=_bucket()))
    elif media.is_dir():
        progress("Copying the uploaded files…")
        shutil.copytree(media, path / MEDIA)
        files = sum(1 for p in (path / MEDIA).rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "database": vendor,
        "made_at": timezone.now().isoformat(),
        "migrations": _migrations(),
        "uploaded_files": files,
        **({"uploaded_files_in": f"object storage: {_bucket()}"} if files is None else {}),
    }
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2))
    kept = "uploaded files in object storage" if files is None else f"{files} uploaded files"
    progress(f"Backed up to {path} ({kept}).")
    return manifest


def restore(path: Path, progress: Progress = lambda _: None) -> dict[str, Any]:
    """Replace the configured database and uploaded files with the backup in `path`."""
    manifest = read_manifest(path)
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; the configured one is "
            f"{vendor}. Restore it into a {manifest['database']} database."
        )
    progress(f"Restoring the {vendor} database…")
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path / SQLITE_FILE)
        try:
            source.backup(connection.connection, pages=256)
        finally:
            source.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _dbname_arg(),
                str(path / POSTGRES_FILE),
            ]
        )
    connection.close()
    media = Path(settings.MEDIA_ROOT)
    if (path / MEDIA).is_dir():
        progress("Putting back the uploaded files…")
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(path / MEDIA, media)
    progress(f"Restored from {path}, made at {manifest['made_at']}.")
    return manifest


def _bucket() -> str:
    options: Any = settings.STORAGES["default"].get("OPTIONS") or {}
    return str(options.get("bucket_name", "not a folder"))


def sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live SQLite database with its online backup API, in one step: it holds a read
    lock while it copies, so it is one consistent moment and writers wait (for their busy
    timeout) rather than corrupt it. Copying in small steps lets each write by another
    connection restart the copy, which under steady writes never finishes."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=-1)
    finally:
        copy.close()


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{path} holds no {MANIFEST}: it is not a Joined Up backup.") from error
    except ValueError as error:
        raise BackupError(f"{path / MANIFEST} cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST} is not a backup this version can restore.")
    database = path / (SQLITE_FILE if manifest.get("database") == "sqlite" else POSTGRES_FILE)
    if not database.is_file():
        raise BackupError(f"{database} is missing: the backup is incomplete.")
    return manifest


def _migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _postgres_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            key: str(value)
            for key, value in {
                "PGHOST": db.get("HOST"),
                "PGPORT": db.get("PORT"),
                "PGUSER": db.get("USER"),
                "PGPASSWORD": db.get("PASSWORD"),
                "PGDATABASE": db.get("NAME"),
            }.items()
            if value
        }
    )
    return env


def _dbname_arg() -> str:
    return str(connection.settings_dict["NAME"])


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: apt-get install postgresql-client")
    result = subprocess.run(command, env=_postgres_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
