"""The flows page's default period read from the stored figures (`figures.queries.
referral_flows`): current after any referral action, refreshed on request, in fewer queries
than computing them, which a chosen period still does."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import add_member, client_for, make_org
from joinedup.directory.actions import service_create
from joinedup.figures.compute import refresh
from joinedup.figures.models import PartnershipFigures
from joinedup.referrals import actions
from joinedup.referrals.models import Referral
from joinedup.referrals.tests.conftest import refer
from joinedup.referrals.tests.test_flows import answered_world
from joinedup.resources.forms import twelve_months_to


def _url(world: SimpleNamespace, name: str = "referral_flows") -> str:
    return reverse(name, args=[world.partnership.pk])


def _stored(world: SimpleNamespace) -> dict:
    return PartnershipFigures.objects.get(partnership=world.partnership).flows


def test_the_page_reads_the_stored_flows_and_a_referral_action_shows_at_once(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    waiting = answered_world(world, referring)[2]
    refresh([world.partnership.pk])  # as the job does after the writes
    client = client_for(world.otis)
    page = client.get(_url(world))
    body = page.content.decode()
    assert page.context["flows"].totals.sent == 4
    assert page.context["as_of"] == dt.datetime.fromisoformat(_stored(world)["computed_at"])
    assert "Figures as of" in body and "Refresh now" in body
    assert _url(world, "referral_flows_refresh") in body

    # What is shown is what is stored: a figure changed in the store shows as it is.
    altered = _stored(world)
    altered["totals"]["sent"] = 999
    PartnershipFigures.objects.filter(partnership=world.partnership).update(flows=altered)
    assert client.get(_url(world)).context["flows"].totals.sent == 999

    # An action in the partnership makes them out of date: computed, shown and stored again.
    actions.referral_accept(referral=waiting, by=world.cora)
    page = client.get(_url(world))
    assert page.context["flows"].totals.accepted == 2
    refer(world, referring)
    page = client.get(_url(world))
    assert page.context["flows"].totals.sent == 5
    assert _stored(world)["totals"]["sent"] == 5
    assert page.context["as_of"] == dt.datetime.fromisoformat(_stored(world)["computed_at"])
    with CaptureQueriesContext(connection) as again:
        assert client.get(_url(world)).context["flows"].totals.sent == 5
    assert not _reads_referrals(again)


def _reads_referrals(captured: CaptureQueriesContext) -> bool:
    table = Referral._meta.db_table
    return any(f'"{table}"' in q["sql"] for q in captured.captured_queries)


def test_a_chosen_period_is_computed_and_the_default_dates_read_stored(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    answered_world(world, referring)
    refresh([world.partnership.pk])
    client = client_for(world.will)
    start, end = twelve_months_to(timezone.localdate())
    default = client.get(_url(world), {"start": start.isoformat(), "end": end.isoformat()})
    assert default.context["as_of"] is not None
    chosen = client.get(_url(world), {"start": (start - (end - start)).isoformat()})
    assert chosen.status_code == 200 and chosen.context["as_of"] is None
    assert "Figures as of" not in chosen.content.decode()
    assert chosen.context["flows"].totals.sent == default.context["flows"].totals.sent == 4
    paged = client.get(_url(world), {"pairs": "1"})  # another table's page: still the default
    assert paged.context["as_of"] is not None


def test_without_stored_figures_the_page_computes_them_and_makes_no_row(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    answered_world(world, referring)
    page = client_for(world.otis).get(_url(world))
    assert page.status_code == 200 and page.context["flows"].totals.sent == 4
    assert not PartnershipFigures.objects.filter(partnership=world.partnership).exists()


def test_refresh_now_recomputes_for_those_who_see_the_flows_and_no_one_else(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    answered_world(world, referring)
    url = _url(world, "referral_flows_refresh")
    assert client_for(world.olive).post(url).status_code == 404  # the outsider
    client = client_for(world.otis)
    assert client.get(url).status_code == 405
    done = client.post(url)  # no figures yet: all of them computed
    assert done.status_code == 302 and done["Location"] == _url(world)
    first = _stored(world)
    assert first["totals"]["sent"] == 4

    again = client.post(url)  # nothing changed, less than a minute ago: nothing done
    assert again.status_code == 302 and _stored(world) == first
    assert "nothing to do" in " ".join(str(m) for m in get_messages(again.wsgi_request))

    refer(world, referring)
    assert client.post(url).status_code == 302
    assert _stored(world)["totals"]["sent"] == 5
    assert _stored(world)["computed_at"] > first["computed_at"]

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.otis)
    assert strict.post(url).status_code == 403  # no CSRF token


def test_the_stored_path_keeps_its_queries_fixed_and_fewer_than_computing(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    client = client_for(world.otis)
    url = _url(world)
    start, end = twelve_months_to(timezone.localdate())
    chosen = {"start": (start - (end - start)).isoformat()}  # two years: computed every time
    refer(world, referring)
    refresh([world.partnership.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as stored_few:
        assert client.get(url).context["as_of"] is not None
    with CaptureQueriesContext(connection) as live_few:
        assert client.get(url, chosen).context["as_of"] is None
    answered_world(world, referring)
    for i in range(5):
        org = make_org(f"Partner {i}")
        add_member(world.partnership, org)
        service = service_create(organisation=org, by=None, name=f"Service {i}", needs=[])
        referring.consent.recipients.add(org)
        refer(world, referring, service=service, fields=["name"])
        actions.signpost_record(
            partnership=world.partnership, by=None, from_org=org, to_org=world.core_org
        )
    with CaptureQueriesContext(connection) as recomputed:  # changed since: computed, stored
        assert client.get(url).context["flows"].totals.sent == 10
    with CaptureQueriesContext(connection) as stored_many:
        assert client.get(url).context["flows"].totals.sent == 10
    with CaptureQueriesContext(connection) as live_many:
        assert client.get(url, chosen).context["flows"].totals.sent == 10
    assert len(stored_many) == len(stored_few) < len(live_few) == len(live_many)
    # The stored read and the check, the computing, and the write.
    assert len(recomputed) == len(live_many) + 3
    assert not _reads_referrals(stored_many) and _reads_referrals(live_many)
