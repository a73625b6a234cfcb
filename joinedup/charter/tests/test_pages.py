"""Every Charter page as every role: it works, the wrong method is refused, the outsider gets
404; the list pages keep their query count as data grows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from joinedup.charter import actions
from joinedup.charter.defaults import principles
from joinedup.charter.models import PeerRating, Signature
from joinedup.charter.tests.conftest import close, rate
from joinedup.conftest import START, add_member, client_for, make_org, make_user
from joinedup.jobs.testing import exported
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import MemberRole


def _urls(world: SimpleNamespace) -> dict[str, str]:
    g, p, lead = world.programme.pk, world.partnership.pk, world.lead_org.pk
    return {
        "charter": f"/programmes/{g}/charter/",
        "self": f"/programmes/{g}/charter/self-assessment/",
        "skills": f"/programmes/{g}/charter/organisations/{lead}/skills/",
        "recruitment": f"/programmes/{g}/charter/recruitment/",
        "partnership": f"/partnerships/{p}/charter/",
        "rate": f"/partnerships/{p}/charter/peer-view/rate/{lead}/",
        "evidence": f"/partnerships/{p}/charter/evidence/{lead}/",
        "plan": f"/partnerships/{p}/charter/plan/{lead}/",
    }


# What each character gets on each page: lead manager Lena, lead staff Stan, core worker
# Cora, wider contact Will, programme officer Otis, outsider Olive.
EXPECTED = {
    "charter": dict(lena=200, stan=200, cora=200, will=200, otis=200, olive=404),
    "self": dict(lena=200, stan=200, cora=200, will=200, otis=200, olive=404),
    "skills": dict(lena=200, stan=200, cora=404, will=404, otis=404, olive=404),
    "recruitment": dict(lena=200, stan=200, cora=200, will=200, otis=200, olive=404),
    "partnership": dict(lena=200, stan=200, cora=200, will=200, otis=200, olive=404),
    "rate": dict(lena=200, stan=200, cora=200, will=200, otis=403, olive=404),
    "evidence": dict(lena=200, stan=200, cora=404, will=404, otis=200, olive=404),
    "plan": dict(lena=200, stan=200, cora=404, will=404, otis=200, olive=404),
}


def test_each_role_gets_what_it_should(world: SimpleNamespace, peers: SimpleNamespace) -> None:
    urls = _urls(world)
    for name in ("lena", "stan", "cora", "will", "otis", "olive"):
        client = client_for(getattr(world, name))
        for page, expected in EXPECTED.items():
            response = client.get(urls[page])
            assert response.status_code == expected[name], (name, page)
    assert client_for(world.lena).delete(urls["charter"]).status_code == 405


def test_signing_on_the_page_and_the_organisation_page_shows_it(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    url = f"/programmes/{world.programme.pk}/charter/"
    assert client_for(world.stan).post(url, {"organisation": world.lead_org.pk}).status_code == 403
    lena = client_for(world.lena)
    response = lena.post(
        url, {"organisation": world.lead_org.pk, "board_informed": "on", "by_default": "on"}
    )
    assert response.status_code == 302
    page = lena.get(f"/organisations/{world.lead_org.pk}/").content.decode()
    assert "committed to partnership by default" in page


def test_the_principles_come_before_the_form_that_signs_them(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    page = client_for(world.lena).get(f"/programmes/{world.programme.pk}/charter/")
    html = page.content.decode()
    first = charter.version.themes[0]["principles"][0]
    assert html.index(escape(first["intent"])) < html.index('id="sign-title"')


def test_the_lead_opens_and_closes_a_peer_view_and_results_show_only_once_closed(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    p, lead = world.partnership.pk, world.lead_org
    page = f"/partnerships/{p}/charter/"
    lena = client_for(world.lena)
    assert 'name="closes_on"' in lena.get(page).content.decode()
    opening = f"/partnerships/{p}/charter/peer-view/open/"
    assert client_for(world.cora).post(opening, {"closes_on": "2026-12-31"}).status_code == 403
    late = (timezone.localdate() + dt.timedelta(days=120)).isoformat()
    refused = lena.post(opening, {"closes_on": late})
    assert refused.status_code == 422
    assert "three months at most" in refused.content.decode()
    closes = timezone.localdate() + dt.timedelta(days=10)
    assert lena.post(opening, {"closes_on": closes.isoformat()}).status_code == 302
    view = world.partnership.peer_views.get()
    assert view.closes_on == closes

    # The rating form: each principle's signs, then its score; nothing chosen for anyone.
    rate_url = f"/partnerships/{p}/charter/peer-view/rate/{lead.pk}/"
    cora = client_for(world.cora)
    form = cora.get(rate_url).content.decode()
    present = next(x for x in principles(charter.version.themes) if x["key"] == "present")
    assert form.index(escape(present["warning"][0])) < form.index('name="p_present"')
    assert "checked" not in form
    answers = {"rater_org": world.core_org.pk, "p_present": "2", "comment": "Often missing."}
    missing = cora.post(rate_url, answers)
    assert missing.status_code == 422
    honest = next(x for x in principles(charter.version.themes) if x["key"] == "honest")
    assert escape(f"Give a score for “{honest['title']}”") in missing.content.decode()
    assert 'href="#id_p_honest"' in missing.content.decode()  # the error summary links to it
    everything = {f"p_{x['key']}": "dont_know" for x in principles(charter.version.themes)}
    assert cora.post(rate_url, everything | answers).status_code == 302
    scores = dict(PeerRating.objects.values_list("principle", "score"))
    assert scores["present"] == 2 and scores["honest"] is None  # "don't know", as chosen
    peers = SimpleNamespace(view=view)
    mo = make_user("mo@riverside-mind.example", "Mo Mind", world.core_org)
    rate(peers, mo, world.core_org, lead, 3)
    rate(peers, world.will, world.wider_org, lead, 4)
    while_open = lena.get(page).content.decode()
    assert "Its results are shown once it closes" in while_open
    assert "How others see" not in while_open and "Often missing." not in while_open

    closing = f"/partnerships/{p}/charter/peer-view/close/"
    assert cora.post(closing).status_code == 403
    assert cora.get(closing).status_code == 403
    # Closing early asks first, saying how many members have rated and what that means.
    asked = lena.get(closing).content.decode()
    assert "2 of 3 members have rated so far" in asked
    assert "with fewer, its results show nothing" in asked
    assert "This cannot be undone." in asked
    assert world.partnership.peer_views.get().is_open()  # asking closes nothing
    assert lena.post(closing, {"confirmed": "yes"}).status_code == 302
    closed = lena.get(page).content.decode()
    assert "How others see Riverside Citizens Advice" in closed and "Often missing." in closed
    assert "Close the peer view now" not in closed
    assert cora.post(rate_url, everything | answers).status_code == 409
    assert "ratings are no longer taken" in cora.get(rate_url).content.decode()


def test_a_self_assessment_needs_an_example_at_level_three_and_refuses_an_empty_form(
    world: SimpleNamespace,
) -> None:
    url = f"/programmes/{world.programme.pk}/charter/self-assessment/"
    response = client_for(world.stan).post(
        url, {"organisation": world.lead_org.pk, "level_present": "3"}
    )
    assert response.status_code == 422
    assert "Give an example" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert "checked" not in client_for(world.stan).get(url).content.decode()  # none chosen
    empty = client_for(world.stan).post(url, {"organisation": world.lead_org.pk})
    assert empty.status_code == 422  # not "not yet observed" for every skill
    assert "Answer at least one skill" in empty.content.decode()
    chosen = {"organisation": world.lead_org.pk, "level_present": "not_observed"}
    assert client_for(world.stan).post(url, chosen).status_code == 302
    assert world.stan.charter_assessments.get().answers == {
        "present": {"level": None, "evidence": ""}
    }


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["partnership", "evidence", "signatories", "programme"])
def test_list_pages_keep_their_query_count(
    world: SimpleNamespace, peers: SimpleNamespace, page: str
) -> None:
    urls = _urls(world) | {
        "signatories": f"/programmes/{world.programme.pk}/charter/signatories/",
        "programme": f"/programmes/{world.programme.pk}/",
    }
    client = client_for(world.lena)

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            org = make_org(f"Extra {page} {i}")
            add_member(world.partnership, org, MemberRole.WIDER)
            boss = make_user(f"boss{i}-{page}@extra.example", f"Boss {i}", org, "manager")
            actions.charter_sign(
                version=peers.view.version, by=boss, organisation=org, board_informed=True
            )
            rate(peers, boss, org, world.lead_org, 3)

    grow(0, 1)
    before = _count(client, urls[page])
    grow(1, 3)
    assert _count(client, urls[page]) == before


def test_a_partner_offers_mentoring_from_the_plan_page(world: SimpleNamespace) -> None:
    item = actions.plan_add(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.core_org,
        subject="honest",
        title="We are honest with each other",
        support="action_learning",
    )
    p, core = world.partnership.pk, world.core_org.pk
    url = f"/partnerships/{p}/charter/plan/{core}/items/{item.pk}/mentor/"
    assert client_for(world.stan).post(url).status_code == 404  # he does not see the plan
    assert client_for(world.cora).post(url).status_code == 403  # her own organisation's plan
    assert client_for(world.otis).post(url).status_code == 403  # acts for no member
    assert client_for(world.lena).post(url).status_code == 302
    item.refresh_from_db()
    assert item.mentor_offer is not None and item.mentor_offer.organisation == world.lead_org
    assert item.support == "mentoring"


def _text(version: Any, **changes: str) -> dict[str, str]:
    """What the edit form posts for `version`, as it stands, with `changes`."""
    data = {"number": str(version.number), "title": version.title}
    for theme in version.themes:
        for p in theme["principles"]:
            k = p["key"]
            data |= {
                f"{k}-title": p["title"],
                f"{k}-intent": p["intent"],
                f"{k}-progress": "\n".join(p["progress"]),
                f"{k}-warning": "\n".join(p["warning"]),
            }
    return data | changes


def test_an_officer_edits_a_draft_on_the_page_and_an_adopted_version_refuses(
    world: SimpleNamespace,
) -> None:
    draft = actions.charter_start(by=world.otis, programme=world.programme)
    key = draft.themes[0]["principles"][0]["key"]
    url = f"/programmes/{world.programme.pk}/charter/edit/"
    assert client_for(world.stan).get(url).status_code == 403  # sees the programme only
    assert client_for(world.olive).get(url).status_code == 404
    otis = client_for(world.otis)
    assert "Statement of intent" in otis.get(url).content.decode()
    blank = otis.post(url, _text(draft, **{f"{key}-warning": " \n "}))
    assert blank.status_code == 422
    assert "Give at least one sign for" in blank.content.decode()
    ours = "We say plainly what each of us can give."
    edited = _text(draft, **{f"{key}-intent": ours, f"{key}-progress": "A\n\nB"})
    assert otis.post(url, edited).status_code == 302
    draft.refresh_from_db()
    principle = draft.themes[0]["principles"][0]
    assert principle["intent"] == "We say plainly what each of us can give."
    assert principle["progress"] == ["A", "B"]
    assert not draft.from_default
    assert "We say plainly what each of us can give." in otis.get(url).content.decode()

    actions.charter_advance(version=draft, by=world.otis, to="adopted")
    refused = otis.post(url, _text(draft, **{f"{key}-intent": "Changed after adoption."}))
    assert refused.status_code == 409
    assert "Only a draft, or a version out for comment, can be edited." in refused.content.decode()
    draft.refresh_from_db()
    assert draft.themes[0]["principles"][0]["intent"] == "We say plainly what each of us can give."
    assert "No version is in progress" in otis.get(url).content.decode()


def test_a_lead_adopts_the_partnerships_own_revision_and_only_its_pages_show_it(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    valley_org = make_org("Valley Trust")
    valley = partnership_actions.partnership_create(
        by=None,
        name="Valley Partnership",
        shared_goal="Help in the valley.",
        lead=valley_org,
        start_on=START,
        programme=world.programme,
    )
    vera = make_user("vera@valley.example", "Vera Valley", valley_org, "manager")
    p = world.partnership.pk
    page, step, edit = (f"/partnerships/{p}/charter/{x}" for x in ("", "step/", "edit/"))
    for who, status in ((world.cora, 403), (world.otis, 403), (world.olive, 404)):
        assert client_for(who).post(step, {"step": "start"}).status_code == status
        assert client_for(who).get(edit).status_code == status
    lena = client_for(world.lena)
    assert lena.post(step, {"step": "start"}).status_code == 302
    draft = world.partnership.charter.versions.get()
    assert draft.themes == charter.version.themes  # started from the programme's
    key = draft.themes[0]["principles"][0]["key"]
    ours = "Riverside partners say plainly what each can give."
    assert lena.post(edit, _text(draft, **{f"{key}-intent": ours})).status_code == 302
    assert ours not in client_for(world.cora).get(page).content.decode()  # not adopted yet
    assert lena.post(step, {"step": "comment"}).status_code == 302
    assert lena.post(step, {"step": "adopted"}).status_code == 302

    shown = client_for(world.cora).get(page).content.decode()
    assert ours in shown and "This partnership's own Charter, version 1" in shown
    sign = f"/partnerships/{p}/charter/sign/"
    assert client_for(world.stan).post(sign, {"organisation": world.lead_org.pk}).status_code == 403
    before = lena.get(page).content.decode()
    assert before.index(escape(ours)) < before.index('id="sign-title"')  # principles first
    signing = lena.post(sign, {"organisation": world.lead_org.pk, "board_informed": "on"})
    assert signing.status_code == 302
    signed = lena.get(page).content.decode()
    assert "Riverside Citizens Advice: signed" in signed
    assert "Reaffirm for Riverside Citizens Advice" in signed
    signature = Signature.objects.get(version__charter__partnership=world.partnership)
    own = f"/partnerships/{p}/charter/signatures/{signature.pk}/"
    assert client_for(world.stan).post(own + "withdraw/", {"reason": "No"}).status_code == 403
    assert "Reaffirm for" not in client_for(world.stan).get(page).content.decode()
    assert lena.post(own + "reaffirm/", {"board_informed": "on"}).status_code == 302
    assert lena.post(own + "withdraw/", {"reason": " "}).status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_on is None  # no reason, no withdrawal
    assert lena.post(own + "withdraw/", {"reason": "We are merging."}).status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_reason == "We are merging."
    # A signature of the programme's Charter is not reached through the partnership's.
    theirs = actions.charter_sign(
        version=charter.version, by=world.lena, organisation=world.lead_org, board_informed=True
    )
    other = f"/partnerships/{p}/charter/signatures/{theirs.pk}/withdraw/"
    assert lena.post(other, {"reason": "x"}).status_code == 404
    elsewhere = client_for(vera).get(f"/partnerships/{valley.pk}/charter/").content.decode()
    assert ours not in elsewhere
    assert escape(charter.version.themes[0]["principles"][0]["intent"]) in elsewhere


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_side_by_side_programme_view_and_its_csv_show_the_charter_never_as_a_sort(
    world: SimpleNamespace, peers: SimpleNamespace
) -> None:
    adopted = peers.view.version
    actions.charter_sign(
        version=adopted, by=world.lena, organisation=world.lead_org, board_informed=True
    )
    lead = world.lead_org
    for who, org, score in [
        (world.cora, world.core_org, 2),
        (peers.mo, world.core_org, 3),
        (world.will, world.wider_org, 4),
    ]:
        rate(peers, who, org, lead, score)
    world.otis.preferences = {"programme_columns": ["hub", "charter"]}  # chosen, not a default
    world.otis.save(update_fields=["preferences"])
    officer = client_for(world.otis)
    page = officer.get(f"/programmes/{world.programme.pk}/health/").content.decode()
    assert "open until" in page and "scores 2 to 4" not in page  # nothing while it is open
    close(peers)
    page = officer.get(f"/programmes/{world.programme.pk}/health/").content.decode()
    assert "Good Partners Charter</th>" in page
    assert "1 of 4 signed" in page and "scores 2 to 4, middle 3" in page
    assert "sort=charter" not in page  # never a league table
    csv_text = exported(officer, f"/programmes/{world.programme.pk}/health.csv").decode()
    header, first = csv_text.splitlines()[:2]
    assert header.endswith("charter signed,peer view spread")
    assert first.endswith('1 of 4,"2 to 4, middle 3"')


def test_an_admin_who_has_not_signed_is_sent_to_sign_from_the_tab_and_home(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    sign_at = f'href="/programmes/{world.programme.pk}/charter/#sign-title"'
    tab = f"/partnerships/{world.partnership.pk}/charter/"
    lena = client_for(world.lena)
    top = lena.get(tab).content.decode()
    assert top.index(sign_at) < top.index('id="signed-title"')  # at the top of the tab
    assert sign_at in lena.get("/").content.decode()
    assert "Sign the Good Partners Charter" in lena.get("/").content.decode()
    # Staff, who may not sign, are not asked.
    assert sign_at not in client_for(world.stan).get(tab).content.decode()
    assert "Sign the Good Partners Charter" not in client_for(world.stan).get("/").content.decode()
    # Once signed, nobody is asked.
    lena.post(
        f"/programmes/{world.programme.pk}/charter/",
        {"organisation": world.lead_org.pk, "board_informed": "on"},
    )
    assert sign_at not in lena.get(tab).content.decode()
    assert "Sign the Good Partners Charter" not in lena.get("/").content.decode()
