"""Every 4xx and 5xx of the APIs has their JSON error shape, even those Django answers itself."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from joinedup.conftest import api_for


def test_an_oversized_body_is_refused_with_400_naming_the_limit(
    world: SimpleNamespace, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_for(world.lena).post(
        "/api/v1/organisations", {"name": "x" * 2000, "sector": "voluntary"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes allowed.",
        "errors": [],
    }


def test_an_unknown_path_answers_404_in_the_shape(db: Any) -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_a_wrong_method_answers_405_in_the_shape_naming_the_allowed_ones(
    world: SimpleNamespace,
) -> None:
    response = Client().delete("/api/v1/organisations")
    assert response.status_code == 405
    assert response.json() == {"detail": "This method is not allowed here.", "errors": []}
    assert "GET" in response["Allow"]


def test_pages_keep_their_html_errors(db: Any) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
