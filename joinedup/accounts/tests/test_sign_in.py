"""Signing in and out, and resetting a forgotten password by email."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def test_sign_in_takes_you_to_your_partnerships(world: SimpleNamespace) -> None:
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": world.lena.email, "password": "a-long-test-password"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("home")
    assert "Riverside Crisis Partnership" in response.content.decode()


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    world: SimpleNamespace,
) -> None:
    response = Client().post(reverse("login"), {"username": world.lena.email, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct email" in response.content.decode().lower()


def test_sign_out_is_a_post(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.lena)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_forgotten_password_is_reset_through_an_emailed_link(world: SimpleNamespace) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": world.will.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.will.email]
    found = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert found is not None, mail.outbox[0].body
    link = found.group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.request["PATH_INFO"]
    response = client.post(
        set_url,
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
    )
    assert response.status_code == 302
    assert Client().login(username=world.will.email, password="a-new-long-password-42")


def test_an_unknown_email_gets_the_same_answer_and_no_mail(world: SimpleNamespace) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
