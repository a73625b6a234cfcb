"""No secret in any log: `joinedup serve`'s access and error logs and Django's own log lines
hold no calendar, invitation or password-reset token; and production never prints mail."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.lib.redact import RedactSecretsFilter, redact

KEY = "k" * 64
CALENDAR = "cAL3nd4r-Tok3n_abcdefghijklmnop"
INVITATION = "Inv1tat10n-T0ken_qrstuvwxyz0123"
RESET = "cz7f9k-4a2b8e1f0c9d8e7f6a5b4c3d"
SECRETS = (CALENDAR, INVITATION, RESET)
RUN = [sys.executable, "-c", "from joinedup.cli import main; main()"]


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "JOINEDUP_DEMO", "EMAIL_HOST", "JOINEDUP_MAIL")
    }
    env.update(SECRET_KEY=KEY, JOINEDUP_DATA_DIR=str(data_dir), JOINEDUP_STATIC_MANIFEST="false")
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, referer: str = "") -> None:
    headers = {"Referer": referer} if referer else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our loopback server)
    with contextlib.suppress(urllib.error.HTTPError):  # a 404 is still an access log line
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310


@contextlib.contextmanager
def served(data_dir: Path, migrated: Path | None) -> Iterator[tuple[str, Path]]:
    """`joinedup serve` on a fresh SQLite database in `data_dir`: its address and its log.
    `migrated` (the `migrated_sqlite` fixture), when given, is copied in first, so that
    `migrate` finds nothing left to do."""
    env = production_env(data_dir, EMAIL_HOST="mail.invalid")
    if migrated is not None:
        shutil.copy(migrated, data_dir / migrated.name)
    subprocess.run([*RUN, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    port = free_port()
    log_path = data_dir / "served.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*RUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(150):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            server.terminate()
            server.wait(timeout=30)


def reset_link(data_dir: Path, email: str) -> str:
    """A real password-reset address for a new user of the served database."""
    code = (
        "from django.contrib.auth.tokens import default_token_generator as g; "
        "from django.utils.http import urlsafe_base64_encode as b; "
        "from joinedup.accounts.models import User; "
        f"u = User.objects.create_user({email!r}, 'a-long-test-password', name='Rae'); "
        "print(f'/accounts/reset/{b(str(u.pk).encode())}/{g.make_token(u)}/')"
    )
    env = production_env(data_dir, EMAIL_HOST="mail.invalid")
    result = subprocess.run(
        [*RUN, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def assert_no_secret(served_log: str, secrets: tuple[str, ...]) -> None:
    for secret in secrets:
        assert secret not in served_log, f"{secret} is in the log:\n{served_log}"


def test_the_served_access_log_holds_no_calendar_invitation_or_reset_token(
    tmp_path: Path, migrated_sqlite: Path | None
) -> None:
    with served(tmp_path, migrated_sqlite) as (base, log_path):
        fetch(f"{base}/calendar/{CALENDAR}.ics")
        fetch(f"{base}/invitations/{INVITATION}/")
        fetch(f"{base}/invitations/{INVITATION}/decline/?token={INVITATION}")
        fetch(f"{base}/accounts/reset/MQ/{RESET}/")
        fetch(f"{base}/static/css/app.css", referer=f"{base}/invitations/{INVITATION}/")
        fetch(f"{base}/organisations/1/join/{INVITATION}/")
    served_log = log_path.read_text()
    assert "GET /calendar/[redacted].ics" in served_log, served_log
    assert "GET /invitations/[redacted]/" in served_log
    assert "GET /accounts/reset/[redacted]/[redacted]/" in served_log
    assert "Not Found: /calendar/[redacted].ics" in served_log  # Django's own warning
    assert_no_secret(served_log, SECRETS)


def test_djangos_log_lines_are_redacted_too() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("joinedup.tests.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("Not Found: %s", f"/calendar/{CALENDAR}.ics")
        logger.warning("Bad: /accounts/reset/MQ/%s/ from /invitations/%s/", RESET, INVITATION)
    finally:
        logger.removeHandler(handler)
    assert not any(secret in out.getvalue() for secret in SECRETS)
    assert out.getvalue().count("[redacted]") == 4


def test_redaction_keeps_plain_words_and_other_addresses() -> None:
    assert redact("/accounts/reset/done/") == "/accounts/reset/done/"
    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/[redacted]/set-password/"
    assert redact("/partnerships/4/members/") == "/partnerships/4/members/"


def test_serve_refuses_to_start_without_a_mail_server(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RUN, "serve"], env=production_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "EMAIL_HOST is not set" in result.stderr and "JOINEDUP_MAIL=off" in result.stderr


def test_serve_says_loudly_when_mail_is_turned_off(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RUN, "serve", "--check-config"],
        env=production_env(tmp_path, JOINEDUP_MAIL="off"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Joined Up sends NO email" in result.stderr


def test_the_real_address_of_a_person_invitation_is_redacted() -> None:
    """The link an organisation's admin sends is `/join/<token>/` (not under /organisations/),
    and Django logged it as it was ("Not Found: /join/…/"), as did the served access log."""
    path = reverse("person_invitation", args=[INVITATION])
    assert path == f"/join/{INVITATION}/"
    line = f'127.0.0.1 - - "GET {path} HTTP/1.1" 404 "https://x.example{path}accept"'
    assert INVITATION not in redact(line)
    assert redact(f"Not Found: {path}") == "Not Found: /join/[redacted]/"


@contextlib.contextmanager
def console_log() -> Iterator[io.StringIO]:
    """What Django's loggers write through the settings' console handler (its filters too)."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "console")
    out = io.StringIO()
    stream = handler.setStream(out)  # type: ignore[attr-defined]
    try:
        yield out
    finally:
        handler.setStream(stream)  # type: ignore[attr-defined]


def test_a_refusal_is_logged_in_one_line_and_a_fault_with_its_traceback(world: Any) -> None:
    url = reverse("signpost_new", args=[world.partnership.pk])
    with console_log() as out:
        assert client_for(world.otis).get(url).status_code == 403  # may look, not act
    lines = out.getvalue().splitlines()
    assert f"Forbidden (Permission denied): {url}" in lines
    assert "Traceback" not in out.getvalue() and "PermissionDenied" not in out.getvalue()

    with console_log() as out:
        try:
            raise RuntimeError("a fault in our code")
        except RuntimeError as fault:
            logging.getLogger("django.request").error(
                "Internal Server Error: %s", "/x/", exc_info=fault, extra={"status_code": 500}
            )
    assert "Traceback" in out.getvalue() and "RuntimeError: a fault in our code" in out.getvalue()
