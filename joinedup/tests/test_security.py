"""Secure defaults: headers on every response, no debug pages, a settings file that refuses to
start without a secret."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.middleware import POLICY

LONG_KEY = "k" * 50


def test_debug_is_off_by_default() -> None:
    assert settings.DEBUG is False


def test_pages_carry_the_content_security_policy_and_security_headers(
    world: SimpleNamespace,
) -> None:
    response = client_for(world.lena).get(reverse("partnership", args=[world.partnership.pk]))
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "unsafe-inline" not in POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_app_will_not_start_without_a_secret_key(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JOINEDUP_DEMO")}
    env["JOINEDUP_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import joinedup.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_https_turns_on_secure_cookies_and_hsts(tmp_path: object) -> None:
    env = {
        **os.environ,
        "JOINEDUP_HTTPS": "true",
        "SECRET_KEY": LONG_KEY,
        "JOINEDUP_DATA_DIR": str(tmp_path),
    }
    code = (
        "import joinedup.settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True", "True"]


def test_a_bad_setting_stops_the_app_naming_it(tmp_path: object) -> None:
    env = {
        **os.environ,
        "DEBUG": "perhaps",
        "SECRET_KEY": LONG_KEY,
        "JOINEDUP_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import joinedup.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "DEBUG must be true or false" in result.stderr


def test_personal_data_pages_and_api_answers_are_never_stored(world: SimpleNamespace) -> None:
    from joinedup.conftest import ApiClient
    from joinedup.referrals.actions.records import person_create

    person = person_create(organisation=world.core_org, by=world.cora, name="Sam Jones")
    client = client_for(world.cora)
    for page in (reverse("referrals"), reverse("person", args=[person.pk])):
        assert client.get(page)["Cache-Control"] == "no-store"
    api = ApiClient(world.cora)
    assert api.get(f"/api/v1/people/{person.pk}")["Cache-Control"] == "no-store"
    assert api.get("/api/v1/partnerships")["Cache-Control"] == "no-store"
    assert ApiClient(world.olive).get(f"/api/v1/people/{person.pk}")["Cache-Control"] == "no-store"
    partnership = client.get(reverse("partnership", args=[world.partnership.pk]))
    assert "no-store" not in partnership.get("Cache-Control", "")


def test_pages_are_compressed_but_not_personal_data_and_public_answers_may_be_cached(
    world: SimpleNamespace,
) -> None:
    """Issue 19: pages and public answers gzipped for a client that accepts it, except those
    carrying personal data (BREACH: see `PageCompressionMiddleware`); the open directory API
    and the OpenAPI document carry cache headers, the personal-data answers never do."""
    from joinedup.conftest import ApiClient

    client = client_for(world.cora)
    gzip = {"Accept-Encoding": "gzip"}
    page = client.get(reverse("partnership", args=[world.partnership.pk]), headers=gzip)
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    private = client.get(reverse("referrals"), headers=gzip)
    assert private.status_code == 200 and not private.has_header("Content-Encoding")
    assert private["Cache-Control"] == "no-store"
    # The referral flows: counts and organisations only, in the referrals app (`counts_only`).
    flows = client.get(reverse("referral_flows", args=[world.partnership.pk]), headers=gzip)
    assert flows.status_code == 200 and flows["Content-Encoding"] == "gzip"
    assert flows["Cache-Control"] == "no-store"  # a message for the next page may name someone
    assert ApiClient(world.cora).get("/api/v1/partnerships")["Cache-Control"] == "no-store"
    for public in ("/api/hsds/services", "/api/v1/openapi.json"):
        answer = client.get(public, headers=gzip)
        assert answer.status_code == 200, public
        assert "public" in answer["Cache-Control"] and "max-age=" in answer["Cache-Control"]
    assert client.get("/api/v1/openapi.json", headers=gzip)["Content-Encoding"] == "gzip"  # 235 KB
    assert "max-age" not in client.get("/api/hsds/services/not-a-uuid").get("Cache-Control", "")


def _settings_with(env: dict[str, str], tmp_path: object) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JOINEDUP_DEMO")}
    return subprocess.run(
        [sys.executable, "-c", "import joinedup.settings"],
        env={**clean, "JOINEDUP_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_secret_key_shorter_than_50_characters_is_refused_outside_the_demo(
    tmp_path: object,
) -> None:
    short = _settings_with({"SECRET_KEY": "k" * 49}, tmp_path)
    assert short.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in short.stderr
    assert _settings_with({"SECRET_KEY": LONG_KEY}, tmp_path).returncode == 0
    demo = _settings_with({"SECRET_KEY": "short", "JOINEDUP_DEMO": "true"}, tmp_path)
    assert demo.returncode == 0, demo.stderr


def test_the_data_directory_and_the_sqlite_file_are_for_their_owner_only(
    tmp_path: Path,
) -> None:
    data = tmp_path / "new" / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SECRET_KEY=LONG_KEY, JOINEDUP_DATA_DIR=str(data))
    # Under the commonest umask, which would leave both readable by every account.
    result = subprocess.run(
        [sys.executable, "-c", "from joinedup.cli import main; main(['showmigrations'])"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "joinedup.sqlite3").stat().st_mode) == 0o600
