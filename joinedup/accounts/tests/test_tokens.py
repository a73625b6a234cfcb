"""API tokens: made on the settings page or the command line, stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from joinedup.accounts.actions import api_token_create, api_tokens_revoke
from joinedup.accounts.models import ApiToken, hash_token
from joinedup.audit.models import AuditEvent
from joinedup.conftest import ApiClient, client_for

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


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


def test_a_token_expires_after_ninety_days_by_default_and_is_then_refused(
    world: SimpleNamespace,
) -> None:
    token, raw = api_token_create(user=world.lena, name="Report")
    days = (token.expires_at - timezone.now()).days
    assert 89 <= days <= 90
    assert bearer(raw).get("/api/v1/partnerships").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(raw).get("/api/v1/partnerships").status_code == 401


def test_the_settings_page_lists_each_tokens_name_last_use_and_expiry(
    world: SimpleNamespace,
) -> None:
    token, raw = api_token_create(user=world.lena, name="Monthly report")
    bearer(raw).get("/api/v1/partnerships")
    page = client_for(world.lena).get(reverse("settings"))
    text = page.content.decode()
    assert "Monthly report" in text and token.hint in text
    assert date_format(timezone.localdate(token.expires_at), "j M Y") in text
    assert date_format(timezone.localdate(), "j M Y") in text  # last used today
    assert "no-store" in page["Cache-Control"]


def test_resetting_a_password_revokes_every_token(world: SimpleNamespace) -> None:
    _, raw = api_token_create(user=world.will, name="Script")
    client = Client()
    client.post(reverse("password_reset"), {"email": world.will.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    set_url = client.get(link.group(1), follow=True).request["PATH_INFO"]
    new = "a-new-long-password-42"
    client.post(set_url, {"new_password1": new, "new_password2": new})
    assert bearer(raw).get("/api/v1/partnerships").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.after == {"reason": "password reset"}


def test_api_tokens_revoke_ends_every_token_of_one_person_only(world: SimpleNamespace) -> None:
    _, cora_raw = api_token_create(user=world.cora, name="One")
    api_token_create(user=world.cora, name="Two")
    _, lena_raw = api_token_create(user=world.lena, name="Lena's")
    revoked = api_tokens_revoke(
        user=world.cora, reason="removed from Riverside Mind", by=world.lena
    )
    assert revoked == 2
    assert bearer(cora_raw).get("/api/v1/partnerships").status_code == 401
    assert bearer(lena_raw).get("/api/v1/partnerships").status_code == 200
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=world.lena).count() == 2


def test_changing_a_password_revokes_tokens_and_calendar_links(world: SimpleNamespace) -> None:
    """Someone who changes their password because another person learnt it shuts that person
    out of the API and of their calendar links too, not only of their session."""
    from joinedup.meetings.actions import feed_token_reset
    from joinedup.meetings.models import FeedToken

    _, raw = api_token_create(user=world.will, name="Script")
    feed = feed_token_reset(user=world.will)
    client = client_for(world.will)
    new = "a-new-long-password-42"
    response = client.post(
        reverse("password_change"),
        {"old_password": "a-long-test-password", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert bearer(raw).get("/api/v1/partnerships").status_code == 401
    assert Client().get(f"/calendar/{feed}.ics").status_code == 404
    assert not FeedToken.objects.filter(user=world.will).exists()


def test_resetting_a_password_ends_calendar_links_too(world: SimpleNamespace) -> None:
    from joinedup.meetings.actions import feed_token_reset

    feed = feed_token_reset(user=world.will)
    client = Client()
    client.post(reverse("password_reset"), {"email": world.will.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    set_url = client.get(link.group(1), follow=True).request["PATH_INFO"]
    new = "a-new-long-password-42"
    client.post(set_url, {"new_password1": new, "new_password2": new})
    assert Client().get(f"/calendar/{feed}.ics").status_code == 404
