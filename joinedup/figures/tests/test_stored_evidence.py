"""The evidence pages read the evidence stored with the figures (`queries.stored_evidence`):
equal to gathering it live, stale after an audited action or a new day, refreshed on request.
(On the demo, for every partnership: `demo/tests/test_programme_demo.py`.)"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.figures import compute
from joinedup.figures import evidence as stored
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.queries import stored_evidence
from joinedup.health import network as network_module
from joinedup.health.evidence import gather, network_ties
from joinedup.health.tests import activity
from joinedup.health.views_evidence import depth_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    return activity.busy(world)


def live(w: SimpleNamespace) -> Any:
    ev = gather([w.partnership])[w.partnership.pk]
    network_ties({w.partnership.pk: ev})
    return ev


def member(response: Any, organisation_id: int) -> Any:
    return next(
        m.evidence
        for m in response.context["members"]
        if m.evidence.organisation_id == organisation_id
    )


def test_the_stored_evidence_is_the_live_one_through_json(busy: SimpleNamespace) -> None:
    ev = live(busy)
    assert any(m.hours_given for m in ev.members) and ev.flows.decisions
    data = json.loads(json.dumps(stored.to_dict(ev)))
    back = stored.from_dict(data, busy.partnership)
    assert back == ev
    assert [s.tier for s in back.series] == [s.tier for s in ev.series]
    assert back.cadence_kept == ev.cadence_kept
    assert depth_context(back) == depth_context(ev)
    assert back.network().metrics == ev.network().metrics


def test_the_layers_are_never_stored(busy: SimpleNamespace) -> None:
    ev = gather([busy.partnership])[busy.partnership.pk]
    network_ties({busy.partnership.pk: ev}, meetings=True)
    with pytest.raises(ValueError, match="not stored"):
        stored.to_dict(ev)


def test_the_page_reads_the_stored_figures_until_an_action_changes_the_evidence(
    busy: SimpleNamespace,
) -> None:
    client = client_for(busy.lena)
    url = reverse("health_depth", args=[busy.partnership.pk])
    first = client.get(url)
    computed = PartnershipFigures.objects.get(partnership=busy.partnership).computed_at
    assert first.context["as_of"] == computed
    assert "Figures as of" in first.content.decode()
    assert client.get(url).context["as_of"] == computed  # read, not computed again
    assert member(first, busy.wider_org.pk).resources_received == 0

    activity.exchange(busy.partnership, busy.core_org, busy.wider_org)  # an audited action
    after = client.get(url)
    assert after.context["as_of"] > computed
    assert member(after, busy.wider_org.pk).resources_received == 1

    wider = busy.partnership.meeting_series.get(tier="wider")
    activity.held(wider, 1, present=[busy.wider_org])  # a meeting's register, audited too
    assert member(client.get(url), busy.wider_org.pk).meetings_any == 1


def test_the_network_with_a_layer_is_gathered_live(busy: SimpleNamespace) -> None:
    client = client_for(busy.lena)
    url = reverse("health_network", args=[busy.partnership.pk])
    stored_page = client.get(url)
    assert stored_page.context["as_of"] is not None and not stored_page.context["meeting_pairs"]
    layered = client.get(f"{url}?layers=meetings")
    assert layered.context["as_of"] is None and "Refresh now" not in layered.content.decode()
    assert layered.context["meeting_pairs"]  # the lead and the core partner met


def test_figures_of_yesterdays_window_are_not_used(busy: SimpleNamespace) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    compute.refresh([busy.partnership.pk], today=yesterday)
    ev, _ = stored_evidence(busy.partnership)
    assert ev.end == timezone.localdate()
    assert PartnershipFigures.objects.get(partnership=busy.partnership).window_end == ev.end


def test_a_change_made_while_computing_makes_the_figures_stale(
    busy: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures are stamped with the time computing started, so an action committed while
    the evidence was read (after it, here) is seen as newer than them."""
    real = compute.compute

    def with_a_write_meanwhile(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        activity.exchange(busy.partnership, busy.core_org, busy.wider_org)
        return found

    monkeypatch.setattr(compute, "compute", with_a_write_meanwhile)
    compute.refresh([busy.partnership.pk])
    monkeypatch.setattr(compute, "compute", real)
    ev, _ = stored_evidence(busy.partnership)
    assert ev.member(busy.wider_org.pk).resources_received == 1


def test_the_network_page_does_not_compute_betweenness_again(
    busy: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    compute.refresh([busy.partnership.pk])
    caches["local"].clear()

    def refuse(graph: Any) -> Any:
        raise AssertionError("betweenness computed again")

    monkeypatch.setattr(network_module, "compute_betweenness", refuse)
    client = client_for(busy.cora)
    for name in ("health_network", "health_report", "health_network_organisations_csv"):
        assert client.get(reverse(name, args=[busy.partnership.pk])).status_code == 200, name


def test_refresh_now_recomputes_and_returns_to_the_page(busy: SimpleNamespace) -> None:
    compute.refresh([busy.partnership.pk])
    stored = PartnershipFigures.objects.filter(partnership=busy.partnership)
    stored.update(computed_at=timezone.now() - dt.timedelta(minutes=2))
    before = stored.get().computed_at
    url = reverse("health_evidence_refresh", args=[busy.partnership.pk])
    network = reverse("health_network", args=[busy.partnership.pk])
    client = client_for(busy.will)
    response = client.post(url, {"next": f"{network}?organisations=2"})
    assert response.status_code == 302
    assert response["Location"] == f"{network}?organisations=2"
    assert (computed := stored.get().computed_at) > before
    page = client.get(network).content.decode()
    assert "The figures were computed again just now." in page and "Refresh now" in page
    # Again within the minute, nothing having changed: nothing computed, and it says so.
    client.post(url, {"next": network})
    assert stored.get().computed_at == computed
    assert "computed less than a minute ago" in client.get(network).content.decode()
    depth = reverse("health_depth", args=[busy.partnership.pk])
    elsewhere = reverse("health_depth", args=[busy.partnership.pk + 1])
    for asked in ("https://example.com/", "//example.com/x", elsewhere, "/settings/", ""):
        assert client.post(url, {"next": asked})["Location"] == depth, asked


def test_refresh_now_is_for_those_who_see_the_pages_and_only_by_post(
    busy: SimpleNamespace,
) -> None:
    url = reverse("health_evidence_refresh", args=[busy.partnership.pk])
    assert client_for(busy.olive).post(url).status_code == 404
    assert client_for(busy.lena).get(url).status_code == 405
    assert not PartnershipFigures.objects.filter(partnership=busy.partnership).exists()


def test_a_member_renamed_makes_the_figures_stale_but_not_other_partnerships(
    busy: SimpleNamespace,
) -> None:
    """A change to a member organisation names no partnership in the audit log, yet the
    figures carry its name: they are computed again (found by the outside review)."""
    from joinedup.figures.signals import changed_since
    from joinedup.partnerships.actions import organisation_update

    client = client_for(busy.lena)
    url = reverse("health_depth", args=[busy.partnership.pk])
    other = activity.small_partnership(busy, 1)  # the wider partner is not in it
    computed = client.get(url).context["as_of"]
    organisation_update(organisation=busy.wider_org, by=None, name="Renamed Wider Trust")
    assert changed_since(busy.partnership.pk, computed)
    assert not changed_since(other.pk, computed)
    assert member(client.get(url), busy.wider_org.pk).name == "Renamed Wider Trust"
