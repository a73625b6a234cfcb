"""The OpenAPI document is built once per process, not on every request."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from joinedup.api import api


def test_the_document_is_built_once_and_served_from_then_on(db: Any) -> None:
    first = api.get_openapi_schema()
    assert api.get_openapi_schema() is first
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(first))
    assert api.get_openapi_schema() is first
