"""With a read replica, the programme view reads its stored figures there and everything else
from the default database; without one, nothing changes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.figures.compute import refresh
from joinedup.figures.models import PartnershipFigures

ROUTER = ["joinedup.figures.replica.ReplicaRouter"]


def _figures_queries(captured: CaptureQueriesContext) -> list[str]:
    table = PartnershipFigures._meta.db_table
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_programme_view_reads_the_stored_figures_from_the_replica(
    world: SimpleNamespace, settings: Any
) -> None:
    refresh([world.partnership.pk])
    settings.DATABASE_ROUTERS = ROUTER
    page = reverse("programme_health", args=[world.programme.pk])
    client = client_for(world.otis)

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as default,
    ):
        response = client.get(page)

    assert response.status_code == 200
    assert [r.partnership.pk for r in response.context["rows"]] == [world.partnership.pk]
    assert len(_figures_queries(replica)) == 1  # the one read of the stored figures
    assert len(replica.captured_queries) == 1  # and nothing else
    assert not _figures_queries(default)
    assert default.captured_queries  # the session, the user, the programme: the default's


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_figures_computed_for_a_new_partnership_are_read_back_from_the_default(
    world: SimpleNamespace, settings: Any
) -> None:
    settings.DATABASE_ROUTERS = ROUTER
    client = client_for(world.otis)
    with CaptureQueriesContext(connections["default"]) as default:
        response = client.get(reverse("programme_health", args=[world.programme.pk]))

    assert [r.partnership.pk for r in response.context["rows"]] == [world.partnership.pk]
    assert PartnershipFigures.objects.filter(partnership=world.partnership).exists()
    assert _figures_queries(default)  # written, then read back, on the default


def test_without_a_replica_every_read_goes_to_the_default(world: SimpleNamespace) -> None:
    refresh([world.partnership.pk])
    with CaptureQueriesContext(connections["default"]) as default:
        response = client_for(world.otis).get(
            reverse("programme_health", args=[world.programme.pk])
        )

    # This test may not use the replica alias: any query sent there would have failed it.
    assert response.status_code == 200 and len(response.context["rows"]) == 1
    assert len(_figures_queries(default)) == 1
