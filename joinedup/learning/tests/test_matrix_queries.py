"""The matrix page reads a fixed number of queries however many cases and themes it shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import client_for, make_user
from joinedup.learning import actions
from joinedup.learning.tests.factory import big_programme
from joinedup.programmes import actions as programme_actions


def test_the_matrix_page_for_36_partnerships_and_12_themes_keeps_its_queries(db: Any) -> None:
    evaluator = make_user("eve@evaluators.example", "Eve Evaluator")
    client = client_for(evaluator)
    counts = {}
    for size in (3, 36):
        programme = programme_actions.programme_create(by=None, name=f"Families {size}")
        actions.evaluator_add(by=None, programme=programme, user=evaluator)
        big_programme(programme, evaluator, size, start=dt.date(2024, 4, 1))
        url = reverse("learning_matrix", args=[programme.pk])
        client.get(url)  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[size] = len(queries)
    body = response.content.decode()
    assert body.count('<th scope="row">') == 36 and body.count("not mentioned") == 36 * 6
    assert counts[36] == counts[3], counts
