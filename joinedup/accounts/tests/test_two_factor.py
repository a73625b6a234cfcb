"""Two-factor sign-in: setting it up, signing in with a code or a recovery code, turning it
off, and who must have it."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import User
from joinedup.accounts.two_factor import two_factor_required
from joinedup.audit.models import AuditEvent
from joinedup.conftest import client_for
from joinedup.referrals.actions.records import person_create

PASSWORD = "a-long-test-password"


def code_now(user: User, drift: int = 0) -> str:
    """The code the user's app shows (`drift` steps of 30 s later: each code works once)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, drift=drift):06d}"


def turn_on(user: User) -> tuple[Client, list[str]]:
    client = client_for(user)
    assert client.post(reverse("two_factor")).status_code == 302
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page
    response = client.post(reverse("two_factor_confirm"), {"code": code_now(user)})
    assert response.status_code == 200
    return client, response.context["codes"]


def sign_in(client: Client, user: User) -> Any:
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def test_setting_it_up_shows_a_qr_code_and_ten_recovery_codes_once(
    world: SimpleNamespace,
) -> None:
    client, codes = turn_on(world.will)
    assert len(codes) == 10 and len(set(codes)) == 10
    page = client.get(reverse("two_factor")).content.decode()
    assert "is <strong>on</strong>" in page and codes[0] not in page
    assert AuditEvent.objects.filter(action="user.two_factor_on").exists()
    assert "no-store" in client.get(reverse("two_factor"))["Cache-Control"]


def test_a_wrong_first_code_does_not_turn_it_on(world: SimpleNamespace) -> None:
    client = client_for(world.will)
    client.post(reverse("two_factor"))
    response = client.post(reverse("two_factor_confirm"), {"code": "000000"})
    assert response.status_code == 422
    assert not TOTPDevice.objects.filter(user=world.will, confirmed=True).exists()


@pytest.fixture
def no_otp_delay(settings: Any) -> None:
    """django-otp makes a device wait a second after a wrong code before it checks another;
    the tests do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_sign_in_asks_for_the_code_and_the_password_alone_is_not_enough(
    world: SimpleNamespace, no_otp_delay: None
) -> None:
    turn_on(world.will)
    client = Client()
    response = sign_in(client, world.will)
    assert response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still signed out
    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert wrong.status_code == 422 and "not right" in wrong.content.decode()
    right = client.post(reverse("login_code"), {"code": code_now(world.will, drift=1)})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == world.will.pk
    assert client.get(reverse("home")).status_code == 200


def test_the_code_that_turned_it_on_is_refused_at_sign_in_saying_why(
    world: SimpleNamespace, no_otp_delay: None
) -> None:
    """Signing out and in again at once, the app still shows the code just typed."""
    turn_on(world.will)
    client = Client()
    sign_in(client, world.will)
    again = client.post(reverse("login_code"), {"code": code_now(world.will)})
    assert again.status_code == 422
    assert "That code has been used already" in again.content.decode()
    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    right = client.post(reverse("login_code"), {"code": code_now(world.will, drift=1)})
    assert right.status_code == 302


def test_a_recovery_code_signs_in_once(world: SimpleNamespace) -> None:
    _, codes = turn_on(world.will)
    first = Client()
    sign_in(first, world.will)
    assert first.post(reverse("login_code"), {"code": codes[3].upper()}).status_code == 302
    again = Client()
    sign_in(again, world.will)
    assert again.post(reverse("login_code"), {"code": codes[3]}).status_code == 422


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    world: SimpleNamespace, no_otp_delay: None
) -> None:
    turn_on(world.will)
    client = Client()
    sign_in(client, world.will)
    answers = [
        client.post(reverse("login_code"), {"code": "111111"}).status_code for _ in range(12)
    ]
    assert answers[-1] == 429
    assert client.post(reverse("login_code"), {"code": code_now(world.will, 1)}).status_code == 429


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(
    world: SimpleNamespace,
) -> None:
    response = Client().post(reverse("login_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_turning_it_off_needs_the_password(world: SimpleNamespace) -> None:
    client, _ = turn_on(world.will)
    client.post(reverse("two_factor_off"), {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=world.will).exists()
    client.post(reverse("two_factor_off"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=world.will).exists()
    assert sign_in(Client(), world.will)["Location"] == reverse("home")


@pytest.fixture
def required(settings: Any, world: SimpleNamespace) -> SimpleNamespace:
    settings.JOINEDUP_REQUIRE_2FA = True
    person_create(organisation=world.core_org, by=world.cora, name="Sam Jones")
    return world


def test_it_is_required_of_staff_who_can_see_peoples_details_and_of_superusers(
    required: SimpleNamespace,
) -> None:
    w = required
    admin = User.objects.create_superuser("root@example.org", PASSWORD, name="Root")
    assert two_factor_required(w.cora) and two_factor_required(admin)
    # Hillside Food Bank holds nobody's record and receives no referral; Otis is a funder.
    assert not two_factor_required(w.will) and not two_factor_required(w.otis)


def test_it_is_not_required_when_the_setting_is_off(world: SimpleNamespace, settings: Any) -> None:
    settings.JOINEDUP_REQUIRE_2FA = False
    person_create(organisation=world.core_org, by=world.cora, name="Sam Jones")
    assert not two_factor_required(world.cora)


def test_someone_required_is_sent_to_set_it_up_before_any_page(required: SimpleNamespace) -> None:
    client = Client()
    assert sign_in(client, required.cora).status_code == 302
    for page in (reverse("home"), reverse("referrals"), reverse("settings")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('two_factor')}?next={quote(page, safe='')}"
    setup = f"{reverse('two_factor')}?next=/referrals/"
    assert client.get(setup).status_code == 200
    assert client.post(setup)["Location"] == setup
    done = client.post(
        f"{reverse('two_factor_confirm')}?next=/referrals/", {"code": code_now(required.cora)}
    )
    assert 'href="/referrals/"' in done.content.decode()  # they carry on where they were going
    assert client.get(reverse("referrals")).status_code == 200


def test_someone_required_with_two_factor_must_have_used_it(required: SimpleNamespace) -> None:
    turn_on(required.cora)
    unverified = client_for(required.cora)  # a session that never gave a code
    response = unverified.get(reverse("referrals"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_settings_page_says_whether_it_is_on(world: SimpleNamespace) -> None:
    page = client_for(world.will).get(reverse("settings")).content.decode()
    assert re.search(r"Two-factor sign-in</a>: off", page)


def test_the_admin_signs_in_through_the_same_page(world: SimpleNamespace) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"


def test_someone_required_cannot_turn_it_off(required: SimpleNamespace) -> None:
    client, _ = turn_on(required.cora)
    response = client.post(reverse("two_factor_off"), {"password": PASSWORD}, follow=True)
    assert "stays on" in response.content.decode()
    assert TOTPDevice.objects.filter(user=required.cora, confirmed=True).exists()
