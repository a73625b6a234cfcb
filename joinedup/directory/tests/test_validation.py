"""The offline HSDS schema checker the export and API tests rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.directory.validation import errors, response_errors, validate

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "hsds-examples"
A_UUID = "0b0c6e3e-3a6f-4a0a-9f0b-1b2c3d4e5f60"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("service_full.json", "service.json"),
        ("organization_full.json", "organization.json"),
        ("service_at_location_full.json", "service_at_location.json"),
        ("location.json", "location.json"),
        ("taxonomy.json", "taxonomy.json"),
        ("taxonomy_term.json", "taxonomy_term.json"),
    ],
)
def test_the_hsds_examples_are_valid(name: str, schema: str) -> None:
    assert errors(example(name), schema) == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("service_list.json", "/services"),
        ("service_full.json", "/services/{id}"),
        ("organization_list.json", "/organizations"),
        ("organization_full.json", "/organizations/{id}"),
        ("service_at_location_list.json", "/service_at_locations"),
        ("taxonomy_list.json", "/taxonomies"),
        ("taxonomy_term_list.json", "/taxonomy_terms"),
    ],
)
def test_the_openapi_responses_resolve_offline(name: str, path: str) -> None:
    assert response_errors(example(name), path) == []


def test_it_names_each_problem_and_where() -> None:
    problems = errors(
        {"id": "nope", "name": 1, "last_modified": "2024-13-01", "phones": [{"id": A_UUID}]},
        "service.json",
    )
    assert problems == [
        "(root): 'status' is a required property",
        "id: 'nope' is not a 'uuid'",
        "last_modified: '2024-13-01' is not a 'date-time'",
        "name: 1 is not of type 'string'",
        "phones/0: 'number' is a required property",
    ]
    with pytest.raises(ValueError, match="status"):
        validate({"id": A_UUID, "name": "x"}, "service.json")
    validate({"id": A_UUID, "name": "x", "status": "active"}, "service.json")


def test_a_page_needs_its_contents_valid_too() -> None:
    page = example("service_list.json")
    page["contents"][0]["id"] = "not-a-uuid"
    assert response_errors(page, "/services") == ["contents/0/id: 'not-a-uuid' is not a 'uuid'"]
