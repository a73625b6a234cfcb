"""Reflections by sharing level, action learning sets, and handover (issue 17, items 5 and 6).

Beside the named characters: Cody, a second worker at Riverside Mind (Cora's successor), and
Ada, Riverside Mind's admin, who removes Cora when she leaves.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.conftest import api_for, client_for, make_user
from joinedup.events.actions import event_create
from joinedup.meetings.actions import action_add
from joinedup.meetings.actions_assign import action_assign
from joinedup.meetings.models import ActionPoint, Notice
from joinedup.meetings.tests.helpers import core_series, days_from_today, meet
from joinedup.organisations.actions import affiliation_end
from joinedup.partnerships.actions import membership_set_contacts
from joinedup.partnerships.models import Affiliation
from joinedup.programmes.actions import hub_create
from joinedup.reflection import actions, queries
from joinedup.reflection.models import Handover, HandoverReason, Reflection, Sharing

ANSWERS = {"what": "The joint triage pilot ran late.", "so_what": "We never agreed who led."}


@pytest.fixture
def w(world: SimpleNamespace) -> SimpleNamespace:
    world.cody = make_user("cody@riverside-mind.example", "Cody Colleague", world.core_org)
    world.ada = make_user("ada@riverside-mind.example", "Ada Admin", world.core_org, "admin")
    return world


def _write(w: SimpleNamespace, sharing: str) -> Any:
    return actions.reflection_write(
        by=w.cora,
        partnership=w.partnership,
        organisation=w.core_org,
        title=f"Triage pilot ({sharing})",
        template="what",
        answers=ANSWERS,
        sharing=sharing,
    )


def test_each_sharing_level_is_read_by_exactly_its_readers(w: SimpleNamespace) -> None:
    written = {s: _write(w, s) for s in Sharing.values}
    readers: dict[str, set[str]] = {
        Sharing.PRIVATE: {"cora"},
        Sharing.ORGANISATION: {"cora", "cody", "ada"},
        Sharing.PARTNERSHIP: {"cora", "cody", "ada", "lena", "stan", "will", "otis"},
    }
    everyone = ["cora", "cody", "ada", "lena", "stan", "will", "otis", "olive"]
    clients = {name: client_for(getattr(w, name)) for name in everyone}
    for sharing, reflection in written.items():
        for name in everyone:
            user = getattr(w, name)
            page = clients[name].get(f"/reflections/{reflection.pk}/")
            expected = name in readers[sharing]
            assert page.status_code == (200 if expected else 404), (sharing, name)
            # The list query agrees with the rule.
            listed = queries.reflections_visible_to(user).filter(pk=reflection.pk).exists()
            assert listed is expected, (sharing, name)
    # Only the writer changes who reads it.
    assert (
        clients["cody"]
        .post(f"/reflections/{written['organisation'].pk}/", {"sharing": "partnership"})
        .status_code
        == 403
    )
    # A template question left unanswered everywhere is refused, naming what is wrong.
    with pytest.raises(ValidationError, match="Answer at least one"):
        actions.reflection_write(
            by=w.cora,
            partnership=w.partnership,
            organisation=w.core_org,
            title="Empty",
            template="gibbs",
            answers={},
        )


def test_the_evaluators_source_yields_only_partnership_shared_reflections(
    w: SimpleNamespace,
) -> None:
    from joinedup.learning.sources import providers

    for sharing in Sharing.values:
        _write(w, sharing)
    texts = list(providers()["reflection"](w.programme))
    assert [t.title for t in texts] == ["Triage pilot (partnership)"]
    assert "We never agreed who led." in texts[0].text

    # Taken for coding, then made private by its writer: the evaluators' copy goes too, and the
    # partnership's audit log never names a reflection by its title.
    from joinedup.audit.models import AuditEvent
    from joinedup.learning.actions import source_take
    from joinedup.learning.models import Source

    source_take(by=None, programme=w.programme, text=texts[0])
    shared = Reflection.objects.get(title="Triage pilot (partnership)")
    actions.reflection_update(
        by=w.cora, reflection=shared, title=shared.title, answers=ANSWERS, sharing="private"
    )
    assert not Source.objects.filter(kind="reflection", key=str(shared.pk)).exists()
    assert not AuditEvent.objects.filter(
        action__startswith="reflection.", object_repr__contains="Triage pilot"
    ).exists()


def test_an_action_learning_set_keeps_its_notes_to_its_members(w: SimpleNamespace) -> None:
    learning_set = actions.learning_set_create(
        by=w.lena,
        partnership=w.partnership,
        organisation=w.lead_org,
        name="Front door set",
        confidentiality="What is said here stays here.",
    )
    with pytest.raises(ValidationError, match="Accept the set"):
        actions.learning_set_join(
            by=w.cora, learning_set=learning_set, organisation=w.core_org, accept=False
        )
    page = client_for(w.cora).post(
        f"/learning-sets/{learning_set.pk}/",
        {"do": "join", "organisation": w.core_org.pk, "accept": "on"},
    )
    assert page.status_code == 302
    # Asking is not joining: a member answers. Lena, who started the set, approves.
    (asked,) = learning_set.join_requests.all()
    assert not learning_set.members.filter(user=w.cora).exists()
    with pytest.raises(PermissionDenied):  # not by the asker herself
        actions.learning_set_decide(by=w.cora, join_request=asked, approve=True)
    lena_page = client_for(w.lena).get(f"/learning-sets/{learning_set.pk}/").content.decode()
    assert "Asking to join" in lena_page and "Cora Core" in lena_page
    approved = client_for(w.lena).post(
        f"/learning-sets/{learning_set.pk}/", {"do": "approve", "request": asked.pk}
    )
    assert approved.status_code == 302
    assert learning_set.members.filter(user=w.cora).exists()
    held = days_from_today(-3)
    actions.set_session_record(
        by=w.cora,
        learning_set=learning_set,
        held_on=held,
        notes="A hard case we shared.",
        attended=[w.cora, w.lena],
    )
    member_page = client_for(w.lena).get(f"/learning-sets/{learning_set.pk}/")
    assert "A hard case we shared." in member_page.content.decode()
    # Next session suggested six to eight weeks after the last.
    assert f"{held + dt.timedelta(weeks=6):%-d %B %Y}" in member_page.content.decode()
    outside_page = client_for(w.will).get(f"/learning-sets/{learning_set.pk}/")
    assert outside_page.status_code == 200 and "A hard case" not in outside_page.content.decode()
    assert client_for(w.olive).get(f"/learning-sets/{learning_set.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.set_session_record(
            by=w.will, learning_set=learning_set, held_on=held, notes="", attended=[]
        )


def test_a_person_asking_to_join_a_set_reads_nothing_of_it_until_approved(
    w: SimpleNamespace,
) -> None:
    learning_set = actions.learning_set_create(
        by=w.lena,
        partnership=w.partnership,
        organisation=w.lead_org,
        name="Front door set",
        confidentiality="What is said here stays here.",
    )
    actions.set_session_record(
        by=w.lena,
        learning_set=learning_set,
        held_on=days_from_today(-60),
        notes="Secret",
        attended=[],
    )
    url = f"/learning-sets/{learning_set.pk}/"
    asked = actions.learning_set_join(
        by=w.will, learning_set=learning_set, organisation=w.wider_org, accept=True
    )
    with pytest.raises(ValidationError, match="asked to join already"):
        actions.learning_set_join(
            by=w.will, learning_set=learning_set, organisation=w.wider_org, accept=True
        )
    page = client_for(w.will).get(url).content.decode()
    assert "Secret" not in page and "a member of the set will answer" in page
    assert "Asking to join" not in page  # nor who else is asking
    # Only a member answers; declined, Will still reads nothing and records nothing.
    assert client_for(w.will).post(url, {"do": "approve", "request": asked.pk}).status_code == 403
    actions.learning_set_decide(by=w.lena, join_request=asked, approve=False)
    assert "Secret" not in client_for(w.will).get(url).content.decode()
    with pytest.raises(PermissionDenied):
        actions.set_session_record(
            by=w.will, learning_set=learning_set, held_on=days_from_today(-1), notes="", attended=[]
        )
    assert Notice.objects.filter(user=w.will, subject__contains="declined").exists()
    # Declined, Will asks again only 30 days later (each request tells every member).
    told = Notice.objects.count()
    with pytest.raises(ValidationError, match="ask again from"):
        actions.learning_set_join(
            by=w.will, learning_set=learning_set, organisation=w.wider_org, accept=True
        )
    assert "you can ask again from" in client_for(w.will).get(url).content.decode()
    assert Notice.objects.count() == told
    asked.decided_at = timezone.now() - dt.timedelta(days=31)
    asked.save(update_fields=["decided_at"])
    actions.learning_set_join(
        by=w.will, learning_set=learning_set, organisation=w.wider_org, accept=True
    )


def _cora_carries_an_action(w: SimpleNamespace) -> ActionPoint:
    meeting = meet(core_series(w), days_from_today(-7))
    meet(core_series(w), days_from_today(20))
    point = action_add(
        by=w.lena,
        meeting=meeting,
        description="Draft the shared triage form",
        owner=w.core_org,
        due_on=days_from_today(14),
    )
    return action_assign(by=w.lena, point=point, assignee=w.cora)


def test_a_handover_is_prefilled_and_only_the_successor_confirms_it(w: SimpleNamespace) -> None:
    point = _cora_carries_an_action(w)
    # Cora leaves Riverside Mind: her admin removes her, and the handover starts, pre-filled.
    affiliation_end(by=w.ada, affiliation=Affiliation.objects.get(user=w.cora))
    handover = Handover.objects.get(leaver=w.cora)
    assert handover.reason == HandoverReason.LEFT and handover.started_by == w.ada
    assert [p["name"] for p in handover.prefill["partnerships"]] == [w.partnership.name]
    assert [a["description"] for a in handover.prefill["actions"]] == [point.description]
    assert len(handover.prefill["meetings"]) == 1  # the coming core partners' meeting
    # She no longer belongs: she cannot read it; her admin names the successor.
    assert client_for(w.cora).get(f"/handovers/{handover.pk}/").status_code == 404
    assert (
        client_for(w.ada)
        .post(
            f"/handovers/{handover.pk}/",
            {"do": "notes", "leaver_notes": "Call Hillside on Mondays.", "successor": w.cody.pk},
        )
        .status_code
        == 302
    )
    # The lead's manager sees it waiting on the partnership's page.
    practice = client_for(w.lena).get(f"/partnerships/{w.partnership.pk}/reflection/")
    assert "waiting for Cody Colleague to confirm" in practice.content.decode()
    cody = client_for(w.cody)
    assert (
        cody.post(f"/handovers/{handover.pk}/", {"do": "ask", "text": "Who chairs?"}).status_code
        == 302
    )
    # Not the admin who started it, nor anyone else but the successor, may confirm.
    assert (
        client_for(w.ada).post(f"/handovers/{handover.pk}/", {"do": "confirm"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        actions.handover_confirm(by=w.ada, handover=handover)
    assert cody.post(f"/handovers/{handover.pk}/", {"do": "confirm"}).status_code == 302
    handover.refresh_from_db()
    point.refresh_from_db()
    assert handover.status == "confirmed"
    assert point.assignee == w.cody
    assert list(w.core_membership.contacts.all()) == [w.cody]
    done = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"handover.confirm", "action.assign", "membership.contacts"} <= done
    # Once confirmed, the leaver's own words become learning for the programme's evaluators.
    from joinedup.learning.sources import providers

    notes = list(providers()["handover"](w.programme))
    assert [n.text for n in notes] == ["Call Hillside on Mondays."]


def test_dropping_a_partnership_contact_starts_one_handover(w: SimpleNamespace) -> None:
    membership_set_contacts(by=w.ada, membership=w.core_membership, contacts=[w.cody])
    membership_set_contacts(by=w.ada, membership=w.core_membership, contacts=[])
    handovers = list(Handover.objects.order_by("pk"))
    assert [(h.leaver, h.reason, h.partnership) for h in handovers] == [
        (w.cora, HandoverReason.ROLE, w.partnership),
        (w.cody, HandoverReason.ROLE, w.partnership),
    ]


def test_the_api_lists_reflections_by_sharing_and_confirms_handovers(w: SimpleNamespace) -> None:
    for sharing in Sharing.values:
        _write(w, sharing)
    listed = api_for(w.cody).get("/api/v1/reflections").json()
    assert sorted(r["sharing"] for r in listed) == ["organisation", "partnership"]
    shared = api_for(w.lena).get("/api/v1/reflections", sharing="partnership").json()
    assert [r["title"] for r in shared] == ["Triage pilot (partnership)"]
    # A reflection attaches to an event of the partnership's hub; another hub's event, which
    # Hillside did not register for, is refused by name.
    start = timezone.now() - dt.timedelta(days=3)
    hub_event, elsewhere = (
        event_create(
            by=None, hub=hub, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2)
        )
        for hub, title in [
            (w.hub, "Trauma-informed practice"),
            (hub_create(by=None, programme=w.programme, name="South"), "South networking"),
        ]
    )
    form_page = client_for(w.will).get(f"/partnerships/{w.partnership.pk}/reflection/new/")
    assert "Trauma-informed practice" in form_page.content.decode()
    assert "South networking" not in form_page.content.decode()
    body = {
        "partnership_id": w.partnership.pk,
        "organisation_id": w.wider_org.pk,
        "title": "Food bank referrals",
        "template": "aar",
        "answers": {"intended": "Same-day parcels"},
    }
    refused = api_for(w.will).post("/api/v1/reflections", {**body, "event_id": elsewhere.pk})
    assert refused.status_code == 422 and "event_id" in refused.content.decode()
    made = api_for(w.will).post("/api/v1/reflections", {**body, "event_id": hub_event.pk})
    assert made.status_code == 201 and made.json()["sharing"] == "private"
    assert made.json()["event_id"] == hub_event.pk
    page = client_for(w.will).get(f"/reflections/{made.json()['id']}/").content.decode()
    assert hub_event.get_absolute_url() in page
    assert api_for(w.olive).get(f"/api/v1/reflections/{made.json()['id']}").status_code == 404
    mine = made.json()["id"]
    assert (
        api_for(w.lena)
        .post(f"/api/v1/reflections/{mine}/sharing", {"sharing": "partnership"})
        .status_code
        == 404
    )  # private: Lena does not see it
    shared = api_for(w.will).post(f"/api/v1/reflections/{mine}/sharing", {"sharing": "partnership"})
    assert shared.json()["sharing"] == "partnership"
    assert (
        api_for(w.lena)
        .post(f"/api/v1/reflections/{mine}/sharing", {"sharing": "private"})
        .status_code
        == 403
    )  # she reads it now, but only Will changes it
    assert (
        api_for(w.will)
        .post("/api/v1/reflections", {"partnership_id": w.partnership.pk, "title": "x"})
        .status_code
        == 422
    )

    handover = actions.handover_start(
        by=w.ada, leaver=w.cora, organisation=w.core_org, reason=HandoverReason.LEFT
    )
    actions.handover_update(by=w.ada, handover=handover, successor=w.cody)
    assert api_for(w.olive).get(f"/api/v1/handovers/{handover.pk}").status_code == 404
    assert api_for(w.cora).post(f"/api/v1/handovers/{handover.pk}/confirm", {}).status_code == 403
    confirmed = api_for(w.cody).post(f"/api/v1/handovers/{handover.pk}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert [h["id"] for h in api_for(w.ada).get("/api/v1/handovers").json()] == [handover.pk]


def test_the_lists_keep_their_queries(
    w: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for sharing in Sharing.values:
        _write(w, sharing)
    actions.handover_start(
        by=w.ada, leaver=w.cora, organisation=w.core_org, reason=HandoverReason.LEFT
    )
    lena, ada = client_for(w.lena), client_for(w.ada)
    lena.get(f"/partnerships/{w.partnership.pk}/reflection/")
    ada.get("/handovers/")
    with django_assert_max_num_queries(16) as first:
        lena.get(f"/partnerships/{w.partnership.pk}/reflection/")
    with django_assert_max_num_queries(12) as first_handovers:
        ada.get("/handovers/")
    for n in range(4):
        _write(w, Sharing.PARTNERSHIP)
        other = make_user(f"p{n}@riverside-mind.example", f"P {n}", w.core_org)
        actions.handover_start(
            by=w.ada, leaver=other, organisation=w.core_org, reason=HandoverReason.LEFT
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        lena.get(f"/partnerships/{w.partnership.pk}/reflection/")
    with django_assert_max_num_queries(len(first_handovers.captured_queries)):
        ada.get("/handovers/")


def test_a_reflection_on_the_page_belongs_to_a_meeting_chosen_from_the_list(
    w: SimpleNamespace,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from joinedup.meetings.models import Meeting, Series

    series = Series.objects.create(
        partnership=w.partnership,
        tier="core",
        title="Core",
        min_interval_days=20,
        max_interval_days=60,
    )
    held = timezone.now() - dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        series=series, starts_at=held, ends_at=held + dt.timedelta(hours=1), purpose="delivery"
    )
    page = client_for(w.cora).post(
        f"/partnerships/{w.partnership.pk}/reflection/new/?template=what",
        {
            "title": "After the core meeting",
            "organisation": w.core_org.pk,
            "meeting": meeting.pk,
            "sharing": "private",
            **ANSWERS,
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Reflection.objects.get(title="After the core meeting").meeting == meeting
