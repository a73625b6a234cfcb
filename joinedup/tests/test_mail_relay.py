"""A mail relay that refuses or never answers does not turn a saved write into an error, and
the email that could not be sent is logged."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from joinedup import notifications


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_relay() -> Iterator[int]:
    """Accepts connections and never says a word (no SMTP greeting)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def smtp_to(port: int) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=1,
    )


def test_a_relay_that_never_answers_is_given_up_and_logged(
    silent_relay: int, caplog: pytest.LogCaptureFixture
) -> None:
    with smtp_to(silent_relay), caplog.at_level(logging.ERROR, "joinedup.notifications"):
        notifications._send(["a@example.org", "b@example.org"], "Meeting changed", "body")
    [record] = caplog.records
    assert record.getMessage().startswith("Email not sent (Meeting changed) to 2 people:")
    assert "a@example.org" not in record.getMessage()


def test_a_relay_that_refuses_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with smtp_to(unused_port()), caplog.at_level(logging.ERROR, "joinedup.notifications"):
        notifications._send(["a@example.org"], "Booking requested", "body")
    assert [r.getMessage()[:40] for r in caplog.records] == [
        "Email not sent (Booking requested) to 1 "
    ]


def test_the_timeout_has_a_default_of_ten_seconds() -> None:
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10
