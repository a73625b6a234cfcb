"""Where uploaded files go (shared documents, directory imports, anything in a FileField).

By default a folder, `<data dir>/media` (MEDIA_ROOT): with several app servers and workers,
make it a folder they all share (NFS, a mounted volume). With `JOINEDUP_S3_BUCKET` set, files
go to S3-compatible object storage (Amazon S3, MinIO, Backblaze B2, Scaleway, OVH, …) through
django-storages, installed with the `s3` extra (`pip install 'joinedup[s3]'`). Files are
private: every download goes through the app's own access checks, or a signed address that
expires after an hour, never a public link. django-storages is the library every Django
deployment on object storage uses (Jazzband, kept since 2008).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from typing import Any

from joinedup.lib.env import SettingError

S3_BACKEND = "storages.backends.s3.S3Storage"
FOLDER_BACKEND = "django.core.files.storage.FileSystemStorage"


def default_storage(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The `STORAGES["default"]` entry the environment asks for."""
    bucket = environ.get("JOINEDUP_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": FOLDER_BACKEND}
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise SettingError(
            "JOINEDUP_S3_BUCKET is set but django-storages is not installed: "
            "pip install 'joinedup[s3]'"
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }
    # Keys may also come from boto3's own sources (AWS_ACCESS_KEY_ID, an instance role).
    for option, variable in (
        ("endpoint_url", "JOINEDUP_S3_ENDPOINT_URL"),
        ("region_name", "JOINEDUP_S3_REGION"),
        ("access_key", "JOINEDUP_S3_ACCESS_KEY_ID"),
        ("secret_key", "JOINEDUP_S3_SECRET_ACCESS_KEY"),
        ("location", "JOINEDUP_S3_PREFIX"),
    ):
        value = environ.get(variable, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def in_a_folder(storage: Any) -> bool:
    """Whether uploaded files are in a local (or mounted) folder that a backup can copy."""
    from django.core.files.storage import FileSystemStorage

    return isinstance(storage, FileSystemStorage)
