"""While the database is away, pages answer a 503 page and the API its JSON error shape."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.ops.errors import server_error
from joinedup.ops.tests.away import database_away

UNAVAILABLE = "The database is not answering at the moment; please try again in a minute."


def signed_in(user: Any) -> Client:
    """A signed-in client that answers as the server would when the database fails inside a
    middleware (loading the session): Django's handler500, rather than raising in the test."""
    client = client_for(user)
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_in_the_sites_look(world: SimpleNamespace) -> None:
    lena = signed_in(world.lena)
    with database_away():
        response = lena.get(reverse("partnership", args=[world.partnership.pk]))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>Service unavailable</h1>" in page and UNAVAILABLE in page
    assert 'class="site-header"' in page and "joinedup/joinedup.css" in page
    assert "Content-Security-Policy" in response


def test_the_site_answers_again_when_the_database_is_back(world: SimpleNamespace) -> None:
    lena = signed_in(world.lena)
    with database_away():
        assert lena.get(reverse("home")).status_code == 503
    assert lena.get(reverse("home")).status_code == 200


def test_signing_in_answers_503_rather_than_500(db: Any) -> None:
    with database_away():
        response = Client().post(
            reverse("login"), {"username": "lena@example.org", "password": "whatever-it-is"}
        )
    assert response.status_code == 503


def test_the_api_answers_503_in_its_error_shape(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    with database_away():
        response = lena.get("/api/v1/partnerships")
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE, "errors": []}
    assert response["Retry-After"] == "30"


def test_the_hsds_api_answers_503_in_its_error_shape(db: Any) -> None:
    with database_away():
        response = Client().get("/api/hsds/services")
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE, "errors": []}


def test_a_fault_outside_a_view_answers_503_too(db: Any) -> None:
    # handler500 runs while Django handles the exception, as here.
    request = RequestFactory().get("/partnerships/1/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    api_request = RequestFactory().get("/api/v1/partnerships")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(api_request)
    assert response.status_code == 500
    assert json.loads(response.content)["errors"] == []
