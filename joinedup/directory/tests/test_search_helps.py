"""A search that helps: it says what found nothing and what to try, a district finds the
services in its towns, a postcode district always locates, and words match their other forms.

The places are real ones from the shipped gazetteer (ONS Postcode Directory): Kidderminster and
DY10 in Wyre Forest, in Worcestershire; Bacup in Rossendale, in Lancashire.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from types import SimpleNamespace

from django.core.management import call_command

from joinedup.directory import gazetteer
from joinedup.directory.models import Service, Visibility
from joinedup.directory.tests.conftest import listing, need, place
from joinedup.directory.tests.test_pages import search


def _kidderminster(street: str, postcode: str, visibility: str = Visibility.PUBLIC) -> dict:
    found = place(street, postcode, 52.3885, -2.2496, visibility)
    return {**found, "city": "Kidderminster"}


def test_a_search_that_finds_nothing_says_what_was_searched_and_what_to_try(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    status, body = search(
        world.cora, words="zebra", area="Riverside", needs=[str(need("money_debt").pk)]
    )

    assert status == 200
    assert "0 services" in body
    text = html.unescape(body)
    assert (
        "No services match the words “zebra”, the need “Money and debt” and the area “Riverside”."
        in text
    ), text[text.find("No services") - 50 : text.find("No services") + 300]
    links = dict(
        (html.unescape(label), html.unescape(href))
        for href, label in re.findall(r'<li><a href="([^"]+)">(Search without [^<]+)</a>', body)
    )
    assert set(links) == {
        "Search without the words “zebra”",
        "Search without the need “Money and debt”",
        "Search without the area “Riverside”",
    }
    # Each link drops its one filter and keeps the others; without the words, services match.
    without_words = links["Search without the words “zebra”"]
    assert "zebra" not in without_words and "area=Riverside" in without_words
    status, body = search(world.cora, area="Riverside", needs=[str(need("money_debt").pk)])
    assert "Debt clinic for partners" in body and "No services match" not in body


def test_a_search_near_a_place_that_finds_nothing_offers_a_wider_distance(
    world: SimpleNamespace, listed: SimpleNamespace
) -> None:
    _, body = search(world.cora, words="zebra", near="DY10", within_km=5)
    text = html.unescape(body)
    assert "No services match the words “zebra” and within 5 km of “DY10”." in text
    assert "Search within 15 km" in text


def test_a_district_finds_the_services_in_its_towns_and_postcode_districts(
    world: SimpleNamespace,
) -> None:
    in_town = listing(
        world.lead_org, "Kidderminster youth drop-in", place=_kidderminster("1 High St", "DY10 1AB")
    )
    named_town = listing(world.lead_org, "Bacup food larder", areas=["Bacup"])
    hidden = listing(
        world.lead_org,
        "Wyre refuge",
        visibility=Visibility.PARTNERS,
        place=_kidderminster("2 Hidden Row", "DY11 6AA", Visibility.CONFIDENTIAL),
    )
    elsewhere = listing(world.lead_org, "Riverside advice", areas=["Riverside"])
    # Listings made before the gazetteer are indexed under its areas by a reindex.
    Service.objects.update(search_text="", area_text="")
    call_command("directory", "reindex", stdout=io.StringIO())

    for area in ("Wyre Forest", "Worcestershire", "DY10", "Kidderminster"):
        _, body = search(world.cora, area=area)
        assert in_town.name in body, area
        assert named_town.name not in body and elsewhere.name not in body, area
        # A confidential place is never found by where it is.
        assert hidden.name not in body, area
    for area in ("Rossendale", "Lancashire"):
        _, body = search(world.cora, area=area)
        assert named_town.name in body and in_town.name not in body, area


def test_a_postcode_district_a_town_or_a_district_always_locates(
    world: SimpleNamespace,
) -> None:
    listing(world.lead_org, "Kidderminster drop-in", place=_kidderminster("1 High St", "DY10 1AB"))

    for near in ("DY10", "dy10", "Kidderminster", "Wyre Forest"):
        status, body = search(world.olive, near=near, within_km=10)
        assert status == 200, near
        assert "Kidderminster drop-in" in body and "km away" in body, near
    # A full postcode the directory does not hold is not placed at its district's middle (a
    # search within 100 m of it would mislead): the form suggests the district.
    status, body = search(world.olive, near="dy10 9zz", within_km=10)
    assert status == 422
    assert "search near its postcode district, DY10, instead" in html.unescape(body)
    status, body = search(world.olive, near="ZZ99")
    assert status == 422
    assert "could not be located" in body


def test_words_match_their_other_forms_and_the_needs_a_service_is_listed_under(
    world: SimpleNamespace,
) -> None:
    drop_in = listing(
        world.lead_org, "Axis drop-in", description="Youth work and a weekly drop-in."
    )
    mentoring = listing(
        world.lead_org,
        "Step-up mentoring",
        description="One-to-one mentoring.",
        needs=[need("children_young_people.care_leavers")],
    )
    debt = listing(
        world.lead_org, "Riverside budget clinic", description="Advice on debts and budgets."
    )

    for words in ("Youth work", "youth workers", "YOUTH WORKER"):
        _, body = search(world.cora, words=words)
        assert drop_in.name in body and debt.name not in body, words
    # The need's name and its parent's ("Children and young people") are searched too, and
    # "youth" finds "young".
    for words in ("care leavers mentoring", "young people mentoring", "youth mentoring"):
        _, body = search(world.cora, words=words)
        assert mentoring.name in body and drop_in.name not in body, words
    _, body = search(world.cora, words="money")
    assert debt.name in body


def test_a_gazetteer_is_built_from_ons_files(tmp_path: Path) -> None:
    """`joinedup gazetteer build` reads the ONS Postcode Directory's columns and a local
    authority lookup; a postcode district lies in every district holding a tenth of it."""
    postcodes = tmp_path / "onspd.csv"
    postcodes.write_text(
        "pcds,lat,long,lad25cd\n"
        "AB1 1AA,52.0,-2.0,E07000001\n"
        "AB1 1AB,52.2,-2.2,E07000001\n"
        "AB1 2AA,52.1,-2.1,E07000002\n"
        "AB2 1AA,53.0,-1.0,E07000002\n"
        "AB3 1AA,,,E07000002\n"
    )
    names = tmp_path / "lookup.csv"
    names.write_text(
        "LTLA25CD,LTLA25NM,UTLA25CD,UTLA25NM\n"
        "E07000001,Upper Vale,E10000001,Shire\n"
        "E07000002,Lower Vale,E10000001,Shire\n"
    )
    towns = tmp_path / "towns.csv"
    towns.write_text("town,postcode\nMarket Ashby,AB1 1AB\n")
    out = tmp_path / "gazetteer.csv"

    call_command(
        "gazetteer",
        "build",
        "--postcodes",
        str(postcodes),
        "--names",
        str(names),
        "--towns",
        str(towns),
        "--out",
        str(out),
    )

    places = gazetteer.read(out)
    assert places.areas_around("ab1") == ["Lower Vale", "Upper Vale", "Shire"]
    assert places.areas_around("Market Ashby") == ["Upper Vale", "Shire"]
    assert places.point("AB1") == (52.1, -2.1)
    assert places.find("AB3") is None  # no coordinates, not placed
    assert places.find("shire").kind == gazetteer.COUNTY  # type: ignore[union-attr]


def test_the_shipped_gazetteer_places_the_demo_areas() -> None:
    places = gazetteer.gazetteer()
    assert places.areas_around("DY10") == ["Wyre Forest", "Worcestershire"]
    assert places.areas_around("Stourport on Severn") == []  # not shipped: see GAZETTEER.md
    lat, lon = places.point("Wyre Forest")  # type: ignore[misc]
    assert 52.3 < lat < 52.45 and -2.35 < lon < -2.15
    # OS National Grid to WGS84, checked against OS's worked example (to about a metre).
    lat, lon = gazetteer.osgb_to_wgs84(651409.903, 313177.270)
    assert abs(lat - 52.65798) < 0.00002 and abs(lon - 1.71605) < 0.00002


def test_a_search_near_a_place_lists_the_nearest_first(world: SimpleNamespace) -> None:
    """Names sort the other way round, so only the distance puts them in this order."""
    for name, km_north in (("A far one", 6.0), ("B middling one", 3.0), ("C near one", 0.5)):
        lat = 52.3885 + km_north / 111.2
        listing(
            world.lead_org,
            name,
            place=place(f"{name} St", "DY10 1AB", lat, -2.2496, Visibility.PUBLIC),
        )

    _, body = search(world.olive, near="52.3885, -2.2496", within_km=10)

    shown = [body.find(name) for name in ("C near one", "B middling one", "A far one")]
    assert -1 not in shown and shown == sorted(shown), shown
