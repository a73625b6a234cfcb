"""Guessing passwords: an account, and an address, are locked after repeated failures; the
real user gets back in after the lock-out or at once by resetting their password."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import ApiToken
from joinedup.conftest import client_for

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")

RIGHT = "a-long-test-password"


def sign_in(client: Client, email: str, password: str) -> int:
    return client.post(reverse("login"), {"username": email, "password": password}).status_code


def guess_thirty_times(client: Client, email: str) -> list[int]:
    return [sign_in(client, email, f"guess-{n}") for n in range(30)]


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_waits(
    world: SimpleNamespace,
) -> None:
    attacker = Client()
    answers = guess_thirty_times(attacker, world.lena.email)
    assert answers[:9] == [200] * 9  # the form again, with its error
    assert set(answers[10:]) == {429}
    page = attacker.post(reverse("login"), {"username": world.lena.email, "password": RIGHT})
    assert page.status_code == 429
    assert "signing in is paused until" in page.content.decode()
    assert "_auth_user_id" not in attacker.session
    # From another address, the account is still locked: the count is per account too.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, world.lena.email.upper(), RIGHT) == 429


def test_the_right_password_works_again_after_the_lock_out(world: SimpleNamespace) -> None:
    client = Client()
    guess_thirty_times(client, world.lena.email)
    AccessAttempt.objects.update(attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert sign_in(client, world.lena.email, RIGHT) == 302
    assert int(client.session["_auth_user_id"]) == world.lena.pk


def test_one_address_guessing_many_accounts_is_locked_out(world: SimpleNamespace) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(12):
        sign_in(client, f"someone-{n}@example.org", "guess")
    assert sign_in(client, world.will.email, RIGHT) == 429
    assert sign_in(Client(REMOTE_ADDR="203.0.113.10"), world.will.email, RIGHT) == 302


def test_resetting_the_password_unlocks_the_account_at_once(world: SimpleNamespace) -> None:
    client = Client()
    guess_thirty_times(client, world.lena.email)
    client.post(reverse("password_reset"), {"email": world.lena.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    set_url = client.get(link.group(1), follow=True).request["PATH_INFO"]
    new = "a-new-long-password-42"
    assert client.post(set_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(client, world.lena.email, new) == 302


def test_password_reset_requests_are_throttled_per_email(world: SimpleNamespace) -> None:
    answers = [
        Client(REMOTE_ADDR=f"192.0.2.{n}")
        .post(reverse("password_reset"), {"email": world.will.email})
        .status_code
        for n in range(8)
    ]
    assert answers[:5] == [302] * 5 and set(answers[5:]) == {429}
    assert len(mail.outbox) == 5


def test_password_reset_requests_are_throttled_per_address(world: SimpleNamespace) -> None:
    client = Client(REMOTE_ADDR="192.0.2.200")
    answers = [
        client.post(reverse("password_reset"), {"email": f"n{n}@example.org"}).status_code
        for n in range(22)
    ]
    assert answers[:20] == [302] * 20 and answers[20:] == [429, 429]
    assert (
        "Too many reset requests"
        in client.post(reverse("password_reset"), {"email": "x@example.org"}).content.decode()
    )


def test_making_api_tokens_is_throttled(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    answers = [client.post(reverse("settings"), {"name": f"t{n}"}).status_code for n in range(12)]
    assert answers[:10] == [200] * 10 and answers[10:] == [429, 429]
    assert ApiToken.objects.filter(user=world.lena).count() == 10


def test_the_test_clients_login_is_not_counted_or_refused(world: SimpleNamespace) -> None:
    assert not Client().login(username=world.cora.email, password="wrong")
    assert Client().login(username=world.cora.email, password=RIGHT)
    assert AccessAttempt.objects.count() == 0


def test_signing_in_to_ones_own_account_does_not_wipe_guesses_at_anothers(
    world: SimpleNamespace,
) -> None:
    """An attacker with an account of their own guesses nine times at Lena's, signs in to their
    own (axes' reset on success used to delete every failure from their address, Lena's too),
    and guesses again: the guesses at Lena's still add up, and lock her account."""
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    assert [sign_in(attacker, world.lena.email, f"guess-{i}") for i in range(9)] == [200] * 9
    assert sign_in(attacker, world.olive.email, RIGHT) == 302
    attacker.logout()
    assert sign_in(attacker, world.lena.email, "guess-9") in (200, 429)
    # Ten failures at Lena's account: it is locked, from anywhere.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.8"), world.lena.email, RIGHT) == 429
