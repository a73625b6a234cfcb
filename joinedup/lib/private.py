"""Folders and files only their owner may read: the data directory, the SQLite database in it
and the demo's secret key hold everything Joined Up knows about the people it supports, so
other accounts on the server get no way in, whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Make the directory `path` (and any missing parents) for its owner only. A directory that
    exists already is left as it is: it may be one its owner shares on purpose."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True)
    except FileExistsError:
        return path
    path.chmod(DIR_MODE)
    return path


def private_file(path: Path, text: str | None = None) -> Path:
    """Create the file `path` readable and writable by its owner only, or make it so if it
    exists; with `text`, write it in. The file never exists with wider permissions, not even
    for a moment."""
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if text is not None else 0)
    with os.fdopen(os.open(path, flags, FILE_MODE), "w") as out:
        if text is not None:
            out.write(text)
    path.chmod(FILE_MODE)
    return path


def private_data(data_dir: Path, sqlite_file: Path | None) -> None:
    """The data directory, and the SQLite database when there is one, made private before
    anything else writes to them (SQLite gives its journal files the database's own mode)."""
    private_dir(data_dir)
    if sqlite_file is not None:
        private_file(sqlite_file)
