"""API tokens: made on the settings page or the command line, stored hashed, revocable."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from joinedup.accounts.models import ApiToken, hash_token
from joinedup.conftest import ApiClient, client_for


def bearer(raw: str) -> ApiClient:
    client = ApiClient(None)
    client.headers = {"Authorization": f"Bearer {raw}"}
    return client


def test_the_settings_page_makes_a_token_shown_once_and_stored_hashed(
    world: SimpleNamespace,
) -> None:
    client = client_for(world.lena)
    response = client.post(reverse("settings"), {"name": "Monthly report"})
    raw = response.context["new_token"]
    assert raw.startswith("ju_")
    token = ApiToken.objects.get(user=world.lena)
    assert token.key_hash == hash_token(raw) and raw not in (token.key_hash, token.hint)
    assert bearer(raw).get("/api/v1/partnerships").status_code == 200
    assert raw not in client.get(reverse("settings")).content.decode()


def test_a_token_without_a_name_is_refused(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(reverse("settings"), {"name": ""})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors


def test_a_revoked_token_no_longer_works_and_only_its_owner_can_revoke_it(
    world: SimpleNamespace,
) -> None:
    client_for(world.lena).post(reverse("settings"), {"name": "Script"})
    token = ApiToken.objects.get(user=world.lena)
    assert client_for(world.will).post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert client_for(world.lena).post(reverse("token_revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_token_command_prints_a_working_token(world: SimpleNamespace) -> None:
    out = io.StringIO()
    call_command("token", "--user", world.cora.email.upper(), stdout=out)
    raw = out.getvalue().strip()
    assert bearer(raw).get(f"/api/v1/partnerships/{world.partnership.pk}").status_code == 200


def test_the_token_command_names_an_unknown_user(world: SimpleNamespace) -> None:
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        call_command("token", "--user", "nobody@example.org")


def test_an_inactive_users_token_stops_working(world: SimpleNamespace) -> None:
    out = io.StringIO()
    call_command("token", "--user", world.cora.email, stdout=out)
    world.cora.is_active = False
    world.cora.save()
    assert bearer(out.getvalue().strip()).get("/api/v1/partnerships").status_code == 401
