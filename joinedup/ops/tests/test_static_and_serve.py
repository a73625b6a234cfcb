"""Restarts: static files are collected once at install, `joinedup serve` starts at once, and a
server started before the collect step still serves correct pages."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from joinedup import cli
from joinedup.lib.env import SettingError
from joinedup.ops import gunicorn_conf
from joinedup.ops.tests.away import unused_port


@pytest.fixture
def static_root(settings: Any, tmp_path: Path) -> Path:
    """The production storage, over a static folder nothing has been collected into."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "joinedup.ops.static.CollectedStaticStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    (tmp_path / "static").mkdir()
    return Path(settings.STATIC_ROOT)


def write_manifest(static_root: Path, paths: dict[str, str]) -> None:
    static_root.mkdir(parents=True, exist_ok=True)
    manifest = {"version": "1.1", "paths": paths, "hash": "test"}
    (static_root / "staticfiles.json").write_text(json.dumps(manifest))


def test_pages_are_correct_before_the_static_files_are_collected(
    db: Any, static_root: Path
) -> None:
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'href="/static/joinedup/joinedup.css"' in page.content.decode()
    stylesheet = client.get("/static/joinedup/joinedup.css")
    assert stylesheet.status_code == 200
    assert b"".join(stylesheet.streaming_content)  # type: ignore[attr-defined]


def test_collected_files_get_their_cache_busting_names_and_new_ones_their_own(
    db: Any, static_root: Path
) -> None:
    # As after an upgrade that added a file and skipped the collect step.
    write_manifest(static_root, {"joinedup/joinedup.css": "joinedup/joinedup.0123abcd.css"})
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/static/joinedup/joinedup.0123abcd.css"' in page
    assert 'href="/static/joinedup/favicon.svg"' in page


def test_only_a_real_file_left_uncollected_is_logged(
    db: Any, static_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """Whitenoise asks at start for names like `admin/js/jquery.js` (from `jquery.init.js`)
    that exist nowhere: the demo printed twelve warnings for them on every start."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from joinedup.ops.static import CollectedStaticStorage

    monkeypatch.setattr(CollectedStaticStorage, "_missed", set())
    write_manifest(static_root, {"joinedup/joinedup.css": "joinedup/joinedup.0123abcd.css"})
    with caplog.at_level("WARNING", logger="joinedup.ops.static"):
        assert staticfiles_storage.url("admin/js/jquery.js") == "/static/admin/js/jquery.js"
        assert staticfiles_storage.url("ninja/redoc.js") == "/static/ninja/redoc.js"
        assert not caplog.records
        assert staticfiles_storage.url("joinedup/favicon.svg") == "/static/joinedup/favicon.svg"
    (warning,) = caplog.records
    assert "joinedup/favicon.svg has not been collected" in warning.getMessage()


def test_serve_refuses_to_start_before_the_static_files_are_collected(
    db: Any, static_root: Path, settings: Any
) -> None:
    settings.MAIL_OFF = True
    with pytest.raises(SystemExit) as refused:
        cli.serve([])
    assert "Run `joinedup collectstatic --noinput`" in str(refused.value)
    write_manifest(static_root, {})
    cli.refuse_without_collected_static()  # and does not refuse once they are


def test_gunicorns_timeout_and_workers_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JOINEDUP_GUNICORN_TIMEOUT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    defaults = importlib.reload(gunicorn_conf)
    assert (defaults.timeout, defaults.workers) == (30, 2)
    monkeypatch.setenv("JOINEDUP_GUNICORN_TIMEOUT", "120")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    configured = importlib.reload(gunicorn_conf)
    assert (configured.timeout, configured.workers) == (120, 5)
    monkeypatch.setenv("JOINEDUP_GUNICORN_TIMEOUT", "two minutes")
    with pytest.raises(SettingError, match="JOINEDUP_GUNICORN_TIMEOUT"):
        importlib.reload(gunicorn_conf)
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


def test_joinedup_serve_answers_within_seconds_once_collected(tmp_path: Path) -> None:
    """The real command in its own process: it refuses, then after the collect step it
    answers /healthz without collecting anything itself."""
    port = unused_port()
    env = {
        **os.environ,
        "JOINEDUP_DATA_DIR": str(tmp_path),
        "JOINEDUP_STATIC_MANIFEST": "true",
        "WEB_CONCURRENCY": "1",
        "JOINEDUP_MAIL": "off",
    }
    command = [sys.executable, "-c", "from joinedup.cli import main; main()", "serve"]
    command += ["--bind", f"127.0.0.1:{port}"]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "joinedup collectstatic --noinput" in refused.stderr

    write_manifest(tmp_path / "static", {})
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = _first_answer(f"http://127.0.0.1:{port}/healthz", within=30)
        assert json.loads(body) == {"status": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=30)
    # serve collected nothing: the folder holds only the manifest written above
    assert [path.name for path in (tmp_path / "static").iterdir()] == ["staticfiles.json"]


def _first_answer(url: str, within: float) -> bytes:
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_worker_settles_its_heap_once_it_has_loaded_the_app() -> None:
    """gunicorn calls `post_worker_init` in each worker after loading the app; it freezes the
    start-up's objects, so that a full collection no longer walks them (`joinedup.ops.heap`)."""
    import gc

    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(object())
        assert gc.get_freeze_count() > 10_000
        assert len(gc.get_objects()) < gc.get_freeze_count() // 10
    finally:
        gc.unfreeze()
