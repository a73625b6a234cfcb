"""`joinedup demo`: the links in the emails it sends lead back to the port it serves on, and
those emails are files in its data directory, not lines among its progress."""

from __future__ import annotations

import email
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import send_mail

from joinedup.cli import demo_environment, demo_notes
from joinedup.ops.mail import MailFolderBackend


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    # demo_environment writes os.environ; monkeypatch puts every variable back afterwards.
    for name in ("JOINEDUP_SITE_URL", "JOINEDUP_DATA_DIR", "JOINEDUP_DEMO"):
        monkeypatch.delenv(name, raising=False)


def test_the_demo_links_to_the_port_it_serves_on(tmp_path: Path) -> None:
    demo_environment(tmp_path, host="127.0.0.1", port=8772)
    assert os.environ["JOINEDUP_SITE_URL"] == "http://127.0.0.1:8772"
    assert os.environ["JOINEDUP_DEMO"] == "true"


def test_a_site_url_given_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_SITE_URL", "https://demo.example.org")
    demo_environment(tmp_path, host="127.0.0.1", port=8772)
    assert os.environ["JOINEDUP_SITE_URL"] == "https://demo.example.org"


def test_the_demo_writes_each_email_to_a_file_in_its_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_HOST", "JOINEDUP_MAIL")}
    env.update(JOINEDUP_DEMO="true", JOINEDUP_DATA_DIR=str(tmp_path))
    settings = subprocess.run(
        [sys.executable, "-c", "from joinedup import settings as s; print(s.EMAIL_BACKEND)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert settings.stdout.strip() == "joinedup.ops.mail.MailFolderBackend"

    folder = tmp_path / "mail"
    backend = MailFolderBackend(file_path=folder)
    for _ in range(2):
        send_mail(
            "Invitation to join Riverside Crisis Partnership",
            "Accept at http://127.0.0.1:8141/invitations/abc/",
            "Joined Up <joinedup@localhost>",
            ["lena@riverside-ca.example"],
            connection=backend,
        )
    assert capsys.readouterr().out == ""  # nothing on the console
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2  # the same subject twice, two files
    assert files[0].name.endswith("-invitation-to-join-riverside-crisis-partnership.eml")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600  # its links are secrets
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == "lena@riverside-ca.example"
    assert "http://127.0.0.1:8141/invitations/abc/" in message.as_string()


def test_the_demo_says_where_to_sign_in_and_where_its_emails_are(tmp_path: Path) -> None:
    notes = demo_notes("http://127.0.0.1:8141", "joinedup.ops.mail.MailFolderBackend", tmp_path)
    assert "Sign in at http://127.0.0.1:8141/accounts/login/" in notes
    assert f"The emails the demo sends are files in {tmp_path}/" in notes
