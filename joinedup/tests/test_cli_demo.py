"""`joinedup demo --port N`: the links in the emails it prints lead back to the demo itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from joinedup.cli import demo_environment


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
