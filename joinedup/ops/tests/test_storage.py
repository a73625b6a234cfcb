"""Uploaded files go to a folder by default and to S3-compatible object storage when a bucket is
named; a backup copies a folder and says what to do for object storage."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from joinedup.lib.env import SettingError
from joinedup.ops import backup as backup_module
from joinedup.ops import storage

S3 = {
    "JOINEDUP_S3_BUCKET": "joinedup-uploads",
    "JOINEDUP_S3_ENDPOINT_URL": "https://s3.example.org",
    "JOINEDUP_S3_ACCESS_KEY_ID": "key",
    "JOINEDUP_S3_SECRET_ACCESS_KEY": "secret",
}


def test_uploads_go_to_the_folder_unless_a_bucket_is_named() -> None:
    assert storage.default_storage({}) == {"BACKEND": storage.FOLDER_BACKEND}


def test_a_named_bucket_is_private_object_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())

    chosen = storage.default_storage(S3)

    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"] == {
        "bucket_name": "joinedup-uploads",
        "endpoint_url": "https://s3.example.org",
        "access_key": "key",
        "secret_key": "secret",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }


def test_a_named_bucket_without_django_storages_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)

    with pytest.raises(SettingError, match=r"pip install 'joinedup\[s3\]'"):
        storage.default_storage(S3)


@pytest.mark.django_db(transaction=True)
def test_a_backup_says_where_uploads_in_object_storage_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr(backup_module, "in_a_folder", lambda _storage: False)
    settings.STORAGES = {**settings.STORAGES, "default": storage.default_storage({})}
    said: list[str] = []

    manifest = backup_module.backup(tmp_path / "backup", progress=said.append)

    assert manifest["uploaded_files"] is None
    assert any("Back them up there: turn on the bucket's versioning" in line for line in said)
    assert json.loads((tmp_path / "backup" / "backup.json").read_text())["uploaded_files"] is None
    assert not (tmp_path / "backup" / "media").exists()
