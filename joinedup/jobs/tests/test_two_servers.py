"""Two app servers and two workers on one PostgreSQL, one of each killed mid-way: no
acknowledged write is lost, and every job is done exactly once (README "Scaling out")."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from joinedup.conftest import make_org, make_user
from joinedup.jobs.models import OutgoingMessage
from joinedup.organisations.models import PersonInvitation
from joinedup.tests.test_mail_relay import Relay, unused_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="several servers and workers share one PostgreSQL; SQLite is the one-process demo",
)

WRITES = 24  # invitations, half of them before the kills
CSRF = secrets.token_hex(16)  # 32 characters: a token Django accepts from cookie and form


def post(port: int, path: str, fields: dict[str, str], session: str) -> int:
    """POST a form as the signed-in person; the status, or 0 if nothing answered."""
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF})
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", path, body, headers)
        return conn.getresponse().status
    except OSError:
        return 0


def ready(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/readyz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def wait_for(what: Any, seconds: float, step: float = 0.1) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(step)
    return bool(what())


def running_on(worker: subprocess.Popen[bytes]) -> bool:
    """Whether `worker` (its process) is running a job now."""
    tag = f"-{worker.pid}-"
    running = DBTaskResult.objects.filter(status="RUNNING")
    return any(tag in (r.worker_ids or [""])[-1] for r in running)


def test_two_servers_two_workers_one_of_each_killed_lose_nothing(
    transactional_db: Any, tmp_path: Path
) -> None:
    org = make_org("Riverside Citizens Advice")
    lena = make_user("lena@riverside.example", "Lena", org, role="admin")
    client = Client()
    client.force_login(lena)
    session = client.cookies["sessionid"].value  # in the database: good on either server
    relay = Relay(delay=0.3)  # a slow relay, so a worker is killed mid-send
    relay.silent.clear()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(relay.port),
        "EMAIL_USE_TLS": "false",
        "WEB_CONCURRENCY": "1",
        "JOINEDUP_WORKER_BEAT": "1",
        "JOINEDUP_WORKER_STALE": "3",
        "JOINEDUP_SCHEDULE": "off",
        "JOINEDUP_DATA_DIR": str(tmp_path),
    }
    joinedup = str(Path(sys.executable).parent / "joinedup")
    log = (tmp_path / "processes.log").open("w")
    ports = [unused_port(), unused_port()]

    def start(*args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [joinedup, *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    servers = [start("serve", "--bind", f"127.0.0.1:{port}") for port in ports]
    workers = [start("worker", "--threads", "2", "--interval", "0.2") for _ in range(2)]
    everyone = [*servers, *workers]
    try:
        assert wait_for(lambda: all(ready(p) for p in ports), 30), "servers did not start"
        path = reverse("organisation_people", args=[org.pk])
        acknowledged: list[str] = []
        refused: list[str] = []
        for i in range(WRITES):
            if i == WRITES // 2:
                # Mid-way: a worker killed while it sends an email, and a server killed.
                assert wait_for(lambda: running_on(workers[0]), 15), "it never took a job"
                os.killpg(workers[0].pid, signal.SIGKILL)
                os.killpg(servers[0].pid, signal.SIGKILL)
            email = f"person{i}@riverside.example"
            status = post(ports[i % 2], path, {"email": email, "role": "staff"}, session)
            (acknowledged if status == 302 else refused).append(email)
        assert len(acknowledged) == WRITES * 3 // 4  # the dead server's half of the second half

        # The surviving worker finishes every job, the cut-off one included.
        def all_sent() -> bool:
            return not OutgoingMessage.objects.exclude(status=OutgoingMessage.SENT).exists()

        assert wait_for(all_sent, 30, step=0.5), list(
            OutgoingMessage.objects.exclude(status="sent").values("subject", "status")
        )
    finally:
        for process in everyone:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in everyone:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        relay.close()
        log.close()

    # No acknowledged write lost, and nothing written that was refused.
    invited = set(PersonInvitation.objects.values_list("email", flat=True))
    assert invited == set(acknowledged)
    # Every job done exactly once: each email job succeeded, each email reached the relay once,
    # and at least one job was taken up again after its worker was killed.
    jobs = list(DBTaskResult.objects.all())
    messages = OutgoingMessage.objects.count()
    assert len(jobs) == messages == 2 * len(acknowledged)  # the person, and the admins
    assert {job.status for job in jobs} == {"SUCCESSFUL"}
    assert any(len(job.worker_ids) == 2 for job in jobs)
    assert len(relay.received) == messages
    to_people = sorted(to[0] for to, _ in relay.received if to[0].startswith("person"))
    assert to_people == sorted(acknowledged)
