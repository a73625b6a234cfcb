"""Retention erases exactly what is due; erasure keeps the counts; subject access gives all."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from joinedup.referrals import actions, queries
from joinedup.referrals.erasure import retention_due, subject_access
from joinedup.referrals.models import (
    Access,
    AccessKind,
    DeclineReason,
    Event,
    Message,
    Outcome,
    Person,
    Referral,
    Status,
)
from joinedup.referrals.tests.conftest import PAT, refer


def ended_days_ago(referral: Referral, days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(ended_at=when)


def past(days: int) -> None:
    """Move every record-keeping row of the holder back `days`, as if time had passed."""
    Access.objects.update(at=timezone.now() - dt.timedelta(days=days))


def completed(world: SimpleNamespace, r: SimpleNamespace, **kw: Any) -> Referral:
    referral = refer(world, r, **kw)
    receiver = world.cora if referral.to_org == world.core_org else world.will
    actions.message_post(referral=referral, by=receiver, text="Pat can come on Tuesdays.")
    actions.referral_accept(referral=referral, by=receiver, note="Pat starts next week")
    actions.referral_complete(
        referral=referral, by=receiver, outcome=Outcome.GOT_HELP, note="Pat finished the course"
    )
    referral.refresh_from_db()
    return referral


def test_retention_erases_exactly_what_is_due_and_nothing_else(world, referring):
    due = completed(world, referring)
    recent = completed(world, referring, service=referring.parcels, fields=["name"])
    waiting = refer(world, referring, summary="Still waiting for an answer")
    # Sam, held by the lead too, has one referral that ended long ago and nothing since.
    sam = actions.person_create(organisation=world.lead_org, by=world.stan, name="Sam Example")
    consent = referring.consent
    sam_consent = actions.consent_record(
        person=sam,
        by=world.stan,
        method="verbal",
        purposes=consent.purposes,
        fields=["name", "needs"],
        recipients=[world.core_org],
        expires_on=consent.expires_on,
    )
    sams = refer(
        world, referring, person=sam, consent=sam_consent, fields=["name"], summary="Sam's story"
    )
    actions.referral_decline(referral=sams, by=world.cora, reason=DeclineReason.NO_CAPACITY)
    past(400)
    ended_days_ago(due, 366)  # the protocol keeps data 365 days
    ended_days_ago(recent, 365)  # exactly the period: not yet
    ended_days_ago(sams, 400)

    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and f"Referral {due.pk}" in out.getvalue()
    assert not Referral.objects.filter(erased_at__isnull=False).exists()

    out = io.StringIO()
    call_command("retention", stdout=out)
    said = out.getvalue()
    assert f"referrals past retention, personal content erased: 2 (Referral {due.pk}, " in said
    assert f"people erased: 1 (Person {sam.pk})" in said

    erased = set(Referral.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {due.pk, sams.pk}
    due.refresh_from_db()
    assert due.summary == "" and due.note == "" and due.outcome == Outcome.GOT_HELP
    assert not Event.objects.filter(referral=due).exclude(note="").exists()
    assert list(Message.objects.filter(referral=due).values_list("text", flat=True)) == [""]
    # Untouched: the recent one, the open one, and Pat (who has open referrals).
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert recent.summary and recent.note and waiting.summary
    assert Message.objects.filter(referral=recent).exclude(text="").exists()
    pat = Person.objects.get(pk=referring.pat.pk)
    assert pat.name == PAT["name"] and pat.erased_at is None
    sam.refresh_from_db()
    assert (
        sam.erased_at is not None and sam.name == "" and sam.referrals.get().need == "mental_health"
    )
    assert Access.objects.filter(person=sam, kind=AccessKind.ERASE).count() == 2

    again = io.StringIO()
    call_command("retention", stdout=again)
    assert "personal content erased: 0" in again.getvalue()


def test_a_person_still_supported_keeps_their_record_when_their_referrals_go(world, referring):
    referral = completed(world, referring)
    past(400)
    ended_days_ago(referral, 400)
    actions.person_update(person=referring.pat, by=world.stan, notes="Came in about rent arrears")
    report = actions.retention_run(today=timezone.localdate())
    assert report.referrals == [referral] and report.people == []
    assert report.kept == [referring.pat]
    referring.pat.refresh_from_db()
    assert referring.pat.name == PAT["name"]
    # A year later with nothing new, the record goes on the next run.
    past(400)
    later = retention_due(timezone.localdate())
    assert later.referrals == [] and later.people == [referring.pat]


def test_erasure_removes_personal_data_everywhere_and_keeps_the_counts(world, referring):
    done = completed(world, referring)
    open_one = refer(world, referring, service=referring.parcels, fields=["name"])
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    before = queries.flows(world.partnership, start, today)

    with pytest.raises(ValidationError, match="Say why"):
        actions.person_erase(person=referring.pat, by=world.lena, reason=" ")
    with pytest.raises(ValidationError, match="Only an admin or manager"):
        actions.person_erase(person=referring.pat, by=world.stan, reason="Pat asked")
    actions.person_erase(person=referring.pat, by=world.lena, reason="Pat asked us to")

    pat = Person.objects.get(pk=referring.pat.pk)
    assert pat.erased_at is not None
    assert (pat.name, pat.contact, pat.safe_contact, pat.postcode, pat.notes) == ("",) * 5
    assert pat.born_on is None and pat.needs == [] and pat.age_band == ""
    for referral in (done, open_one):
        referral.refresh_from_db()
        assert referral.erased_at is not None and referral.summary == "" and referral.note == ""
    assert open_one.status == Status.WITHDRAWN
    assert not Message.objects.filter(referral__person=pat).exclude(text="").exists()
    consent = pat.consents.get()
    assert consent.given_by == "" and consent.recipients.count() == 2
    blob = json.dumps(subject_access(pat))
    for value in ("Pat Example", "07700 900123", "RV1 2AB", "violent", "Tuesdays", "anxious"):
        assert value not in blob

    after = queries.flows(world.partnership, start, today)
    assert after.totals == before.totals
    assert after.totals.sent == 2 and after.totals.accepted == 1
    assert [p.tally for p in after.pairs] == [p.tally for p in before.pairs]
    assert after.outcomes == before.outcomes
    assert Access.objects.filter(person=pat, kind=AccessKind.ERASE, actor=world.lena).exists()
    with pytest.raises(ValidationError, match="erased"):
        actions.person_update(person=pat, by=world.stan, name="Pat again")


def test_the_subject_access_export_contains_every_record_about_the_person(world, referring):
    done = completed(world, referring)
    passed = refer(world, referring, fields=["name", "needs"], summary="Needs food too")
    onward = actions.referral_pass_on(referral=passed, by=world.cora, service=referring.parcels)
    everything = subject_access(referring.pat)

    assert everything["person"]["name"] == PAT["name"]
    assert everything["person"]["notes"] == PAT["notes"]
    assert everything["person"]["born_on"] == "1990-05-17"
    assert [c["id"] for c in everything["consents"]] == [referring.consent.pk]
    assert everything["consents"][0]["recipients"] == ["Hillside Food Bank", "Riverside Mind"]
    assert {r["id"] for r in everything["referrals"]} == {done.pk, passed.pk, onward.pk}
    first = next(r for r in everything["referrals"] if r["id"] == done.pk)
    assert first["fields_shared"] == ["Name", "How to contact them", "Needs"]
    assert [e["status"] for e in first["events"]][-1] == "Completed"
    assert first["messages"][0]["text"] == "Pat can come on Tuesdays."
    logged = Access.objects.filter(person=referring.pat).count()
    assert len(everything["access_log"]) == logged and logged >= 5
    json.dumps(everything)  # every value is JSON-safe
