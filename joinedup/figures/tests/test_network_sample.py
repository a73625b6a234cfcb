"""Betweenness past the exact limit: sampled (seeded, the sample shown) and read back from the
stored figures rather than computed on a request."""

from __future__ import annotations

import networkx as nx
import pytest
from django.core.cache import cache
from django.utils import timezone

from joinedup.figures.models import PartnershipFigures
from joinedup.health import network

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "EXACT_UP_TO", 10)
    monkeypatch.setattr(network, "SAMPLE", 5)
    cache.clear()


def test_past_the_limit_betweenness_is_sampled_seeded_and_the_sample_is_shown(
    small_limit: None,
) -> None:
    graph = nx.barbell_graph(6, 3)  # 15 organisations: two cliques joined by a path
    assert network.metrics(nx.path_graph(10)).sample is None  # exact up to the limit
    sampled = network.metrics(graph)
    assert sampled.sample == 5
    assert network.compute_betweenness(graph) == network.compute_betweenness(graph)  # seeded
    assert sampled.betweenness != nx.betweenness_centrality(graph, normalized=True)
    # The path between the cliques and its two ends still carry the most paths.
    assert max(sampled.betweenness, key=sampled.betweenness.__getitem__) in {5, 6, 7, 8, 9}


def test_past_the_limit_the_page_reads_the_betweenness_the_job_stored(
    small_limit: None, world: object
) -> None:
    graph = nx.barbell_graph(6, 3)
    stored = {n: 0.5 for n in graph}  # not what computing would give: proves it was read
    partnership = world.partnership  # type: ignore[attr-defined]
    PartnershipFigures.objects.create(
        partnership=partnership,
        computed_at=timezone.now(),
        window_end=timezone.localdate(),
        shape=network.shape_key(graph),
        network={"betweenness": {str(k): v for k, v in stored.items()}},
    )
    assert network.betweenness(graph) == stored
    cache.clear()
    other = nx.barbell_graph(6, 4)  # another shape: nothing stored, computed
    assert network.betweenness(other) == network.compute_betweenness(other)
