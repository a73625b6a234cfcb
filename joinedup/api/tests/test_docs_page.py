"""The API's documentation page, linked from every user's menu, is a page of the app."""

from __future__ import annotations

import re
from types import SimpleNamespace

from joinedup.conftest import client_for


def test_it_names_its_language_and_leads_back_into_the_app(world: SimpleNamespace) -> None:
    response = client_for(world.lena).get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en-GB">' in body
    assert '<a href="/">← Back to Joined Up</a>' in body
    assert '<a href="/settings/">Make an API token in Settings</a>' in body
    # Swagger UI is served from our own static files: the page's policy allows nothing else.
    assert re.findall(r'<script src="([^"]+)"', body) == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
