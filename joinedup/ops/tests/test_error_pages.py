"""The 500 and 404 pages: in the site's look, with somewhere to go next, and for a 500 a
reference that is also in the server's log line for it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from joinedup.conftest import client_for
from joinedup.ops.errors import server_error

REFERENCE = re.compile(r"Reference: <strong class=\"reference\">([0-9A-F]{4}-[0-9A-F]{4})</strong>")


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def django_request_log() -> Iterator[list[logging.LogRecord]]:
    """The records of Django's request logger, which does not propagate to pytest's capture."""
    handler = Kept()
    records = handler.records
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def visitor(user: Any = None) -> Client:
    """A client that gets the server's answer to a fault, as a browser would."""
    client = client_for(user) if user else Client()
    client.raise_request_exception = False
    return client


@pytest.mark.urls("joinedup.ops.tests.boom_urls")
def test_a_fault_answers_500_in_the_sites_look_with_the_reference_in_the_log(
    world: SimpleNamespace,
) -> None:
    with django_request_log() as records:
        response = visitor(world.lena).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="site-header"' in page and "joinedup/joinedup.css" in page
    assert '<a href="/">Go to your partnerships</a>' in page and 'href="/help/"' in page
    assert "try again in a moment" not in page
    found = REFERENCE.search(page)
    assert found, page
    reference = found.group(1)
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # one line for the fault, not Django's as well
    assert errors[0].getMessage() == f"Internal Server Error: /boom/ (reference {reference})"
    assert errors[0].exc_info and errors[0].exc_info[0] is ZeroDivisionError
    # Each fault has its own reference.
    again = REFERENCE.search(visitor().get("/boom/").content.decode())
    assert again and again.group(1) != reference


@pytest.mark.urls("joinedup.ops.tests.boom_urls")
def test_a_fault_in_the_api_answers_its_json_shape_with_the_reference(db: Any) -> None:
    with django_request_log() as records:
        response = visitor().get("/api/v1/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["errors"] == []
    found = re.fullmatch(
        r"Something went wrong on our side\. The error has been logged\. "
        r"Reference: ([0-9A-F]{4}-[0-9A-F]{4})\.",
        body["detail"],
    )
    assert found, body
    assert [r.getMessage() for r in records] == [
        f"Internal Server Error: /api/v1/boom (reference {found.group(1)})"
    ]


def test_the_500_page_needs_no_database_and_names_the_support_address(
    db: Any, settings: Any
) -> None:
    settings.JOINEDUP_SUPPORT_EMAIL = "help@riverside.example"
    request = RequestFactory().get("/partnerships/1/")
    with CaptureQueriesContext(connection) as queries, django_request_log():
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)
    assert len(queries) == 0
    page = response.content.decode()
    assert response.status_code == 500 and REFERENCE.search(page)
    assert 'href="mailto:help@riverside.example?subject=Joined%20Up%20error%20' in page


def test_a_missing_page_answers_404_in_the_sites_look_with_somewhere_to_go(
    world: SimpleNamespace,
) -> None:
    for client in (Client(), client_for(world.will)):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "<h1>Page not found</h1>" in page and "joinedup/joinedup.css" in page
        assert '<a href="/">Go to your partnerships</a>' in page and 'href="/help/"' in page
    # Signed in, the site's menu is there too.
    assert 'aria-label="Main"' in page


def test_the_help_page_is_open_to_anyone(world: SimpleNamespace) -> None:
    response = Client().get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Help</h1>" in page and "signing in pauses for 15 minutes" in page
    assert "Whoever runs Joined Up for you" in page
    assert client_for(world.lena).get("/help/").status_code == 200
    assert Client().post("/help/").status_code == 405
