"""Secure defaults: headers on every response, no debug pages, a settings file that refuses to
start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

from django.conf import settings
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.middleware import POLICY


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
        "SECRET_KEY": "x",
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
    env = {**os.environ, "DEBUG": "perhaps", "SECRET_KEY": "x", "JOINEDUP_DATA_DIR": str(tmp_path)}
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
