"""The programme view: partnerships side by side, sorted and filtered, as CSV, on a budget."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.health.tests import activity
from joinedup.jobs.models import ExportRun
from joinedup.jobs.testing import exported
from joinedup.partnerships.tests.test_query_budget import count_queries
from joinedup.programmes import actions as programme_actions


@pytest.fixture
def programme(world: SimpleNamespace) -> SimpleNamespace:
    """The world's busy partnership, and two small ones in another hub."""
    activity.busy(world)
    world.south = programme_actions.hub_create(by=None, programme=world.programme, name="South")
    world.small = [activity.small_partnership(world, i, hub=world.south) for i in range(2)]
    return world


def url(w: SimpleNamespace, name: str = "programme_health", **query: str) -> str:
    base = reverse(name, args=[w.programme.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def names(response: Any) -> list[str]:
    """The partnerships in the table, in order."""
    rows = response.context["rows"]
    return [r.partnership.name for r in rows]


def test_the_officer_sees_every_partnership_side_by_side(programme: SimpleNamespace) -> None:
    response = client_for(programme.otis).get(url(programme))
    assert response.status_code == 200
    assert names(response) == ["Partnership 00", "Partnership 01", "Riverside Crisis Partnership"]
    busy = response.context["rows"][2]
    assert busy.stage.label == "Collaborating"
    assert busy.band == "strength"  # everyone answered 4 to everything
    assert "1 in name only" in busy.flags
    body = response.content.decode()
    assert "1 in name only" in body and "Collaborating" in body


def test_a_member_sees_only_its_own_partnerships_and_the_outsider_nothing(
    programme: SimpleNamespace,
) -> None:
    assert names(client_for(programme.cora).get(url(programme))) == ["Riverside Crisis Partnership"]
    assert client_for(programme.olive).get(url(programme)).status_code == 404
    assert (
        client_for(programme.olive).get(url(programme, "programme_health_csv")).status_code == 404
    )


def test_it_filters_by_hub_depth_band_flags_and_name(programme: SimpleNamespace) -> None:
    client = client_for(programme.otis)
    south = str(programme.south.pk)
    assert names(client.get(url(programme, hub=south))) == ["Partnership 00", "Partnership 01"]
    assert names(client.get(url(programme, stage="collaborating"))) == [
        "Riverside Crisis Partnership"
    ]
    assert names(client.get(url(programme, band="none"))) == ["Partnership 00", "Partnership 01"]
    assert names(client.get(url(programme, band="strength"))) == ["Riverside Crisis Partnership"]
    assert names(client.get(url(programme, q="riverside"))) == ["Riverside Crisis Partnership"]
    # Every small one lacks a health check in the year: all three are flagged.
    assert len(names(client.get(url(programme, flagged="yes")))) == 3
    assert names(client.get(url(programme, flagged="no"))) == []


def test_it_sorts_by_a_column_either_way_with_missing_figures_last(
    programme: SimpleNamespace,
) -> None:
    client = client_for(programme.otis)
    assert names(client.get(url(programme, sort="members", order="desc")))[0] == (
        "Riverside Crisis Partnership"
    )
    for order in ("asc", "desc"):
        found = names(client.get(url(programme, sort="health", order=order)))
        assert found[0] == "Riverside Crisis Partnership", order  # the others have no figure


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "colour"}, "Sort by"),
        ({"order": "sideways"}, "Order"),
        ({"stage": "deep"}, "Depth"),
        ({"hub": "999999"}, "Hub"),
        ({"hub": "south"}, "Hub"),
        ({"band": "great"}, "Health check"),
        ({"q": "x" * 101}, "Name contains"),
    ],
)
def test_a_bad_query_string_is_refused_naming_the_field(
    programme: SimpleNamespace, query: dict[str, str], field: str
) -> None:
    response = client_for(programme.otis).get(url(programme), query)
    assert response.status_code == 422
    assert field in response.content.decode()
    csv_response = client_for(programme.otis).get(url(programme, "programme_health_csv"), query)
    assert csv_response.status_code == 422
    assert next(iter(query)) in csv_response.content.decode()


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_csv_has_a_row_per_partnership_shown(programme: SimpleNamespace) -> None:
    body = exported(
        client_for(programme.otis),
        url(programme, "programme_health_csv", hub=str(programme.south.pk)),
    )
    assert ExportRun.objects.get().content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [r["partnership"] for r in rows] == ["Partnership 00", "Partnership 01"]
    assert rows[0]["resources exchanged"] == "1"
    assert rows[0]["flags"] == "No health check in twelve months"


def test_the_programme_view_runs_the_same_queries_for_3_or_12_partnerships(
    world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    activity.busy(world)  # with a closed round of the health check
    for i in range(2):
        activity.small_partnership(world, i)
    client = client_for(world.otis)
    client.get(url(world))  # computes and stores the figures of partnerships new to them
    few = count_queries(client, url(world))
    for i in range(2, 11):
        activity.small_partnership(world, i)
    client.get(url(world))
    assert count_queries(client, url(world)) == few
    # session, user, programme, the programmes the user oversees, the user's organisations,
    # the permission (twice: to see, and the view's perm), hubs, and the partnerships with
    # their stored figures (`joinedup.figures`), in one query
    with django_assert_num_queries(9):
        client.get(url(world))


def headers(response: Any) -> list[str]:
    """The table's column headings, as the page shows them."""
    head = response.content.decode().split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [
        cell.split(">", 1)[1].split("<", 1)[0] or "Partnership" for cell in head.split("<a ")[1:]
    ]


def test_the_officer_chooses_the_columns_and_they_are_remembered(
    programme: SimpleNamespace,
) -> None:
    client = client_for(programme.otis)
    shown = client.get(url(programme, hub=str(programme.south.pk)))
    assert len(shown.context["shown"]) == 8  # the default: what fits at 1280 pixels
    assert "Not shown: Factors divided" in shown.content.decode()

    columns = url(programme, "programme_health_columns")
    query = f"hub={programme.south.pk}&sort=members"
    response = client.post(columns, {"columns": ["stage", "flags"], "query": query})
    assert response.status_code == 302
    assert response["Location"] == url(programme) + f"?hub={programme.south.pk}&sort=members"
    # Remembered for the person, not the session: a new sign-in shows the same.
    again = client_for(programme.otis).get(url(programme))
    assert headers(again) == ["Partnership", "Depth", "Flags"]
    assert again.context["shown"] == ["stage", "flags"]
    report = reverse("health_report", args=[programme.small[0].pk])
    assert report not in again.content.decode()
    # Someone else keeps their own.
    assert len(client_for(programme.cora).get(url(programme)).context["shown"]) == 8

    client.post(columns, {"every": "on"})  # "Show every column" adds the others back
    every = client.get(url(programme))
    assert len(headers(every)) == 14 and "Not shown" not in every.content.decode()
    assert report in every.content.decode()


def test_the_column_chooser_refuses_what_it_does_not_offer(programme: SimpleNamespace) -> None:
    columns = url(programme, "programme_health_columns")
    response = client_for(programme.otis).post(columns, {"columns": ["salary"]})
    assert response.status_code == 422 and "Columns to show" in response.content.decode()
    assert client_for(programme.otis).get(columns).status_code == 405
    assert client_for(programme.olive).post(columns, {"columns": ["hub"]}).status_code == 404
    programme.olive.refresh_from_db()
    assert programme.olive.preferences == {}


def test_the_page_says_as_of_when_and_a_person_may_refresh_once_a_minute(
    programme: SimpleNamespace,
) -> None:
    from joinedup.figures.models import PartnershipFigures

    client = client_for(programme.otis)
    page = client.get(url(programme))
    assert "Figures as of" in page.content.decode()
    refresh = url(programme, "programme_health_refresh")
    assert client.get(refresh).status_code == 405
    just_now = client.post(refresh, {"query": "sort=members"}, follow=True)
    assert "less than 60 seconds ago" in just_now.content.decode()
    assert just_now.redirect_chain[-1][0].endswith("?sort=members")

    # Figures computed long ago, and evidence that changed since (no job ran in this test):
    stored = PartnershipFigures.objects.filter(partnership__programme=programme.programme)
    stored.update(computed_at=timezone.now() - dt.timedelta(hours=2))
    busy = PartnershipFigures.objects.get(partnership__name="Riverside Crisis Partnership")
    busy.row = {**busy.row, "members": 99}
    busy.save()
    assert 99 in [r.members for r in client.get(url(programme)).context["rows"]]
    done = client.post(refresh, follow=True)
    assert "The figures of 3 partnerships are up to date." in done.content.decode()
    assert 99 not in [r.members for r in done.context["rows"]]
    assert client_for(programme.olive).post(refresh).status_code == 404
