"""The pages computed from evidence: depth and flags, the network, gaps, the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from types import SimpleNamespace

import networkx as nx
import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.directory.actions import service_create
from joinedup.figures.compute import refresh
from joinedup.health.tests import activity
from joinedup.meetings.models import Series
from joinedup.partnerships.tests.test_query_budget import count_queries

PAGES = ["health_depth", "health_network", "health_gaps", "health_report"]
DOWNLOADS = [
    "health_network_graphml",
    "health_network_ties_csv",
    "health_network_organisations_csv",
]


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    return activity.busy(world)


def page(user: object, name: str, w: SimpleNamespace) -> str:
    response = client_for(user).get(reverse(name, args=[w.partnership.pk]))  # type: ignore[arg-type]
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.mark.parametrize("character", ["lena", "stan", "cora", "will", "otis"])
def test_every_member_and_the_officer_see_the_pages(world: SimpleNamespace, character: str) -> None:
    user = getattr(world, character)
    for name in PAGES + DOWNLOADS:
        page(user, name, world)


def test_the_outsider_gets_404_and_posting_is_refused(world: SimpleNamespace) -> None:
    for name in PAGES + DOWNLOADS:
        url = reverse(name, args=[world.partnership.pk])
        assert client_for(world.olive).get(url).status_code == 404, name
        assert client_for(world.lena).post(url).status_code == 405, name


def test_the_depth_page_places_each_member_and_lists_the_evidence(busy: SimpleNamespace) -> None:
    body = page(busy.lena, "health_depth", busy)
    assert "The partnership is <strong>collaborating</strong>" in body
    assert "Riverside Mind: Collaborating" in body
    assert "Hillside Food Bank: On paper" in body
    assert "Attended 3 of the last 5 core partners meetings with a register" in body
    # The wider partner is flagged, with the evidence.
    assert "In name only" in body
    assert "Attended none of the last 1 meetings of its tier" in body


def test_the_network_page_draws_every_organisation_with_a_legend_and_a_table(
    busy: SimpleNamespace,
) -> None:
    body = page(busy.lena, "health_network", busy)
    assert '<svg class="network" role="img"' in body
    assert body.count('<g class="node') == 3
    # Ties are drawn as one path per stroke width, a move and a line each.
    paths = re.findall(r'<path class="tie" d="([^"]+)"', body)
    assert sum(d.count("M") for d in paths) == 1  # the lead and the core partner
    assert "Voluntary" in body and "Faith" in body  # the legend, by sector
    assert "<caption>Organisations</caption>" in body
    assert "No working tie" in body  # the wider partner


def test_the_network_downloads_as_graphml_and_csv(busy: SimpleNamespace) -> None:
    client = client_for(busy.lena)
    graphml = client.get(reverse("health_network_graphml", args=[busy.partnership.pk]))
    assert graphml["Content-Type"].startswith("application/graphml+xml")
    graph = nx.read_graphml(io.BytesIO(graphml.content))
    assert {d["name"] for _, d in graph.nodes(data=True)} == {
        "Riverside Citizens Advice",
        "Riverside Mind",
        "Hillside Food Bank",
    }
    ties = client.get(reverse("health_network_ties_csv", args=[busy.partnership.pk]))
    assert ties["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(ties.content.decode())))
    # 3 exchanges + 1 decision + levels 4 and 3; meetings are not part of the weight.
    assert rows[1][:3] == ["Riverside Citizens Advice", "Riverside Mind", "11"]


def test_the_report_has_the_health_check_depth_network_and_gaps(busy: SimpleNamespace) -> None:
    body = page(busy.otis, "health_report", busy)
    for heading in ("Health check", "Depth", "The network", "Gaps and duplication"):
        assert f"<h2>{heading}</h2>" in body
    assert "Strength" in body
    assert '<svg class="network"' in body


def test_the_pages_keep_their_query_budget_as_the_evidence_grows(busy: SimpleNamespace) -> None:
    """Counted twice: with the stored figures current (refreshed before each page), when the
    page reads them, and stale (of yesterday's window), when the page computes and stores
    them first. Neither grows with the evidence."""
    client = client_for(busy.cora)
    service_create(organisation=busy.lead_org, by=None, name="Advice line", needs=[])
    urls = [reverse(name, args=[busy.partnership.pk]) for name in PAGES + DOWNLOADS]
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    def count(url: str, stale: bool = False) -> int:
        refresh([busy.partnership.pk], today=yesterday if stale else None)
        caches["local"].clear()  # no closed round's scores kept: the most queries a page runs
        return count_queries(client, url)

    before = {(url, stale): count(url, stale) for url in urls for stale in (False, True)}
    core = Series.objects.get(partnership=busy.partnership, tier="core")
    for days in (20, 10, 5):
        activity.held(core, days, present=[busy.lead_org, busy.core_org])
        activity.exchange(busy.partnership, busy.core_org, busy.wider_org, days_ago=days)
    activity.rated(busy.partnership, busy.wider_org, busy.core_org, 2)
    service_create(organisation=busy.core_org, by=None, name="Crisis line", needs=[])
    assert {(url, stale): count(url, stale) for url in urls for stale in (False, True)} == before
    # session, user, partnership with its hub and programme, the user's organisations and
    # standing (memberships, programmes overseen), then the stored figures and whether an
    # action changed the evidence since: two queries where the evidence's twelve were
    assert before[(urls[0], False)] == 8, before
    # stale: the figures, then computed as the nightly job does (the evidence's twelve, the
    # decisions carried together, the latest closed rounds and their answers, the referral
    # flows of the default period with their unmet needs) and stored in one upsert; the
    # window's end tells them stale with no look at the audit log
    assert before[(urls[0], True)] == 6 + 1 + 12 + 1 + 2 + 6 + 1, before
