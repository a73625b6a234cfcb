"""An API POST sent again with the same Idempotency-Key writes once and answers as the first."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from joinedup.accounts.models import IdempotentRequest
from joinedup.agreements.models import Agreement
from joinedup.api import api
from joinedup.api.idempotency import ALREADY_MADE
from joinedup.conftest import api_for
from joinedup.referrals.actions import person_erase
from joinedup.referrals.models import Person

TERMS = {"kind": "terms_of_reference", "title": "Terms", "sections": {"goal": "Together."}}


def _post(lena: Any, path: str, body: dict[str, Any], key: str) -> Any:
    return lena.client.post(
        path,
        body,
        content_type="application/json",
        headers={**lena.headers, "Idempotency-Key": key},
    )


def test_a_post_retried_three_times_writes_once(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    path = f"/api/v1/partnerships/{world.partnership.pk}/agreements"
    answers = [_post(lena, path, TERMS, "7f1c-first-try") for _ in range(4)]

    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.content for a in answers}) == 1
    assert [a.get("Idempotent-Replayed") for a in answers] == [None, "true", "true", "true"]
    assert Agreement.objects.count() == 1
    # The same key for another request is refused; a new key is a new request.
    other = _post(lena, path, {**TERMS, "title": "Other terms"}, "7f1c-first-try")
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _post(lena, path, TERMS, "8a2d-second").status_code == 201
    assert Agreement.objects.count() == 2
    assert IdempotentRequest.objects.filter(user=world.lena).count() == 2


def test_a_refused_post_keeps_no_answer_and_a_retry_runs_again(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    path = f"/api/v1/partnerships/{world.partnership.pk}/agreements"
    refused = _post(lena, path, {**TERMS, "kind": "no-such-kind"}, "k1")
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert _post(lena, path, TERMS, "k" * 256).status_code == 422  # too long a key
    # Without a valid token the key is not looked at: the API answers 401.
    anonymous = Client().post(
        path, TERMS, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert anonymous.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_retries_at_the_same_moment_write_once(world: SimpleNamespace) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests need PostgreSQL: run with DATABASE_URL")
    lena = api_for(world.lena)
    path = f"/api/v1/partnerships/{world.partnership.pk}/agreements"
    barrier = threading.Barrier(3)
    answers: list[Any] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(_post(lena, path, TERMS, "same-moment"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [201, 201, 201]
    assert len({a.content for a in answers}) == 1
    assert Agreement.objects.count() == 1


def test_the_document_offers_the_key_on_every_post_and_409_on_every_write() -> None:
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                assert "409" in {str(code) for code in operation["responses"]}, (method, path)
            if method == "post":
                names = [p["name"] for p in operation.get("parameters", [])]
                assert names.count("Idempotency-Key") == 1, (method, path)


def test_an_answer_about_a_person_is_replayed_without_their_details(
    world: SimpleNamespace,
) -> None:
    """What the first answer showed may no longer be the asker's to see (consent withdrawn,
    the person erased): a replay says the request was made and gives the record's id only,
    and an erasure leaves other people's retries to replay as before."""
    lena = api_for(world.lena)
    body = {"organisation_id": world.lead_org.pk, "name": "Pat Quill", "contact": "07700 900123"}
    created = _post(lena, "/api/v1/people", body, "p1")
    assert created.status_code == 201 and created.json()["name"] == "Pat Quill"
    pk = created.json()["id"]

    replayed = _post(lena, "/api/v1/people", body, "p1")

    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == {"detail": ALREADY_MADE, "errors": [], "id": pk}
    assert b"Pat Quill" not in bytes(IdempotentRequest.objects.get().body)
    assert Person.objects.count() == 1
    path = f"/api/v1/partnerships/{world.partnership.pk}/agreements"
    assert _post(lena, path, TERMS, "a1").status_code == 201
    person_erase(person=Person.objects.get(pk=pk), by=world.lena, reason="Pat asked us to")
    again = _post(lena, path, TERMS, "a1")
    assert again["Idempotent-Replayed"] == "true" and Agreement.objects.count() == 1
