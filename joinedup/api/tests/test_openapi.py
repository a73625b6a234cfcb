"""The OpenAPI document is the contract: every response the tests see must match it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response

from joinedup.api import api
from joinedup.api.tests.test_api_access import call, endpoints
from joinedup.conftest import api_for


@pytest.fixture(scope="module")
def schema() -> Any:
    return schemathesis.openapi.from_dict(api.get_openapi_schema())


def as_response(response: Any, method: str, url: str, content: bytes | None = None) -> Response:
    """The Django test client's response, as schemathesis reads responses."""
    return Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content if content is None else content,
        request=requests.Request(method.upper(), f"http://testserver{url}").prepare(),
        elapsed=0.0,
        message="",
        encoding="utf-8",
        http_version="1.1",
        verify=True,
    )


def test_the_document_is_served_and_names_every_error_it_can_give(world: SimpleNamespace) -> None:
    document = api_for(None).get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "422"} <= codes, (method, path)
            if "{pk}" in path:
                assert "404" in codes, (method, path)
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


@pytest.mark.parametrize("character", ["lena", "will", "otis", "olive", None])
def test_every_response_matches_the_document(
    world: SimpleNamespace, schema: Any, character: str | None
) -> None:
    client = api_for(getattr(world, character) if character else None)
    for method, path in endpoints():
        if path.endswith("openapi.json"):
            continue
        response = call(client, method, path, world)
        operation = schema[path][method.upper()]
        # Raises, naming the difference, when the status is undocumented or the body does not fit.
        operation.validate_response(as_response(response, method, path))


def test_an_undocumented_response_would_be_caught(world: SimpleNamespace, schema: Any) -> None:
    response = api_for(world.lena).get(f"/api/v1/partnerships/{world.partnership.pk}")
    assert response.status_code == 200
    broken = as_response(
        response, "get", "/api/v1/partnerships/1", content=b'{"id": "not a number"}'
    )
    operation = schema["/api/v1/partnerships/{pk}"]["GET"]
    assert operation.is_valid_response(as_response(response, "get", "/api/v1/partnerships/1"))
    assert not operation.is_valid_response(broken)
