"""A mail relay that accepts and never answers no longer touches the requests: a write that
notifies only queues its email; a worker sends it, gives up on the silent relay after
EMAIL_TIMEOUT, and delivers it on a later try once the relay answers."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from joinedup.conftest import make_org, make_user
from joinedup.jobs import worker
from joinedup.jobs.models import OutgoingMessage


class Relay:
    """An SMTP relay on 127.0.0.1 that, while `silent`, accepts connections and never says a
    word (not even its greeting); once `silent` is cleared it answers as a relay does and keeps
    each message's recipients and body."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay  # seconds before its greeting, as a slow relay
        self.silent = threading.Event()
        self.silent.set()
        self.accepted = threading.Event()
        self.received: list[tuple[list[str], str]] = []
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                relay.accepted.set()
                if relay.silent.is_set():
                    self.request.settimeout(30)
                    with contextlib.suppress(OSError):
                        self.request.recv(1)  # until the client gives up and closes
                    return
                time.sleep(relay.delay)
                self._talk()

            def _talk(self) -> None:
                def say(line: str) -> None:
                    self.wfile.write(f"{line}\r\n".encode())

                say("220 relay ready")
                to: list[str] = []
                while line := self.rfile.readline().decode().strip():
                    verb = line.split(" ", 1)[0].upper()
                    if verb == "RCPT":
                        to.append(line.split(":", 1)[1].strip(" <>"))
                    if verb == "DATA":
                        say("354 go on")
                        body = []
                        while (part := self.rfile.readline().decode()) not in (".\r\n", ""):
                            body.append(part)
                        relay.received.append((to, "".join(body)))
                        to = []
                        say("250 queued")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def relay() -> Iterator[Relay]:
    r = Relay()
    yield r
    r.close()


def smtp_to(port: int, timeout: int = 2) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=timeout,
    )


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_silent_relay_holds_no_request_and_the_email_goes_once_it_answers(
    transactional_db: Any, relay: Relay
) -> None:
    org = make_org("Riverside Citizens Advice")
    lena = make_user("lena@riverside.example", "Lena", org, role="admin")
    client = Client()
    client.force_login(lena)
    people = reverse("organisation_people", args=[org.pk])
    assert client.get(people).status_code == 200  # the form, as a person opens it first
    assert client.get(reverse("organisation", args=[org.pk])).status_code == 200
    with smtp_to(relay.port):
        # The write: an invitation, which emails the person invited (and the admins).
        started = time.monotonic()
        response = client.post(
            people,
            {"email": "ada@riverside.example", "role": "staff", "job_title": ""},
            follow=True,
        )
        took = time.monotonic() - started
        assert response.status_code == 200 and took < 2, took
        assert response.redirect_chain[0][1] == 302
        invitation = OutgoingMessage.objects.get(to=["ada@riverside.example"])

        # A worker takes the invitation's email to the relay, which says nothing...
        def one_job() -> None:
            try:
                one = worker.Worker(worker_id="test", interval=0, batch=True)
                one.max_tasks = 1
                one.run()
            finally:
                connection.close()

        busy = threading.Thread(target=one_job)
        busy.start()
        assert relay.accepted.wait(5)
        # ...and meanwhile a read answers as fast as ever.
        started = time.monotonic()
        page = client.get(reverse("organisation", args=[org.pk]))
        read = time.monotonic() - started
        assert page.status_code == 200 and read < 1, read
        busy.join(10)
        assert not busy.is_alive()

    # The worker gave up on the silent relay: the email waits for its second try, after the
    # back-off, and nothing was lost.
    first = OutgoingMessage.objects.get(pk=invitation.pk)
    assert (first.status, first.attempts) == (OutgoingMessage.PENDING, 1)
    assert "timed out" in first.last_error
    job = DBTaskResult.objects.get(args_kwargs__args=[invitation.pk])
    assert job.status == "READY" and len(job.worker_ids) == 1
    wait = (job.run_after - timezone.now()).total_seconds()
    assert 50 < wait <= 60  # the first back-off: a minute

    # The relay answers now; once the back-off has passed, the retry delivers it.
    relay.silent.clear()
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now() - dt.timedelta(1))
    with smtp_to(relay.port):
        worker.run_ready()
    delivered = OutgoingMessage.objects.get(pk=invitation.pk)
    assert (delivered.status, delivered.attempts) == (OutgoingMessage.SENT, 2)
    to_ada = [body for to, body in relay.received if to == ["ada@riverside.example"]]
    assert len(to_ada) == 1 and "/join/" in to_ada[0]


def test_the_timeout_has_a_default_of_ten_seconds() -> None:
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10
