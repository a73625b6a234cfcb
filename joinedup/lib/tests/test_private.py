"""Folders and files for their owner only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from joinedup.lib.private import private_dir, private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o000)
    yield
    os.umask(old)


def test_a_new_directory_and_its_file_are_for_their_owner_only(
    tmp_path: Path, open_umask: None
) -> None:
    folder = private_dir(tmp_path / "a" / "data")
    assert mode(folder) == 0o700
    key = private_file(folder / "secret_key", "s3cret")
    assert mode(key) == 0o600 and key.read_text() == "s3cret"


def test_an_existing_file_is_tightened_and_kept(tmp_path: Path) -> None:
    database = tmp_path / "joinedup.sqlite3"
    database.write_bytes(b"SQLite format 3\x00")
    database.chmod(0o644)
    private_file(database)
    assert mode(database) == 0o600 and database.read_bytes() == b"SQLite format 3\x00"


def test_an_existing_directory_is_left_as_it_is(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    private_dir(tmp_path)
    assert mode(tmp_path) == 0o755
