"""Retention never erases a record in use, and runs one at a time: each erasure logged once."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from joinedup.actions import Busy
from joinedup.audit.models import AuditEvent
from joinedup.referrals import actions, erasure
from joinedup.referrals.management.commands import retention
from joinedup.referrals.models import Access, AccessKind, Outcome, Person, Referral
from joinedup.referrals.tests.conftest import PAT, refer, referring_world


def _due_long_ago(world: SimpleNamespace, r: SimpleNamespace) -> Referral:
    """Pat's one referral ended 400 days ago, and nothing recorded about her since."""
    referral = refer(world, r)
    actions.referral_accept(referral=referral, by=world.cora, note="")
    actions.referral_complete(referral=referral, by=world.cora, outcome=Outcome.GOT_HELP, note="")
    long_ago = timezone.now() - dt.timedelta(days=400)
    Access.objects.update(at=long_ago)
    Referral.objects.filter(pk=referral.pk).update(ended_at=long_ago)
    return referral


def _pause_after_reading(monkeypatch: Any, then: Any) -> None:
    """Make a run call `then()` after it has read what is due, before it locks anything."""
    read = erasure.retention_due

    def reading(today: dt.date) -> erasure.RetentionReport:
        listed = read(today)
        then()
        return listed

    monkeypatch.setattr(erasure, "retention_due", reading)


def test_a_person_changed_after_the_list_was_read_is_kept(world, monkeypatch):
    r = referring_world(world)
    _due_long_ago(world, r)
    assert erasure.retention_due(timezone.localdate()).people == [r.pat]
    _pause_after_reading(
        monkeypatch,
        lambda: actions.person_update(person=r.pat, by=world.stan, contact="07700 900999"),
    )

    report = actions.retention_run()

    pat = Person.objects.get(pk=r.pat.pk)
    assert pat.erased_at is None and pat.name == PAT["name"] and pat.contact == "07700 900999"
    assert report.people == [] and report.changed == [pat]
    assert "people kept, changed while this run was going: 1" in report.lines()[-1]
    assert len(report.referrals) == 1  # the referral's content is past retention all the same


@pytest.mark.django_db(transaction=True)
def test_retention_racing_an_update_keeps_the_person(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "On SQLite a run holds the write lock from its first statement, so an update waits "
            "for it; the race needs PostgreSQL: run with DATABASE_URL"
        )
    r = referring_world(world)
    _due_long_ago(world, r)
    listed, updated = threading.Event(), threading.Event()

    def wait_for_the_update() -> None:
        listed.set()
        assert updated.wait(timeout=20)

    _pause_after_reading(monkeypatch, wait_for_the_update)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["report"] = actions.retention_run()
        finally:
            connection.close()

    def update() -> None:
        try:
            assert listed.wait(timeout=20)
            actions.person_update(person=r.pat, by=world.stan, notes="Came back about rent")
        finally:
            updated.set()
            connection.close()

    threads = [threading.Thread(target=run), threading.Thread(target=update)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    pat = Person.objects.get(pk=r.pat.pk)
    assert pat.erased_at is None and pat.notes == "Came back about rent"
    assert [p.pk for p in outcome["report"].changed] == [pat.pk]
    assert not AuditEvent.objects.filter(action="person.erase").exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_erase_once_and_the_second_is_told(world, monkeypatch):
    r = referring_world(world)
    referral = _due_long_ago(world, r)
    listed, second_done = threading.Event(), threading.Event()
    first_thread = threading.get_ident()

    def hold_the_first_run() -> None:
        if threading.get_ident() == first_thread:
            listed.set()
            assert second_done.wait(timeout=20)

    _pause_after_reading(monkeypatch, hold_the_first_run)
    second: dict[str, Any] = {}

    def run_again() -> None:
        try:
            assert listed.wait(timeout=20)
            second["report"] = actions.retention_run()
        except Busy as busy:
            second["busy"] = str(busy)
        finally:
            second_done.set()
            connection.close()

    thread = threading.Thread(target=run_again)
    thread.start()
    first = actions.retention_run()
    thread.join(timeout=30)

    # The second run was told (PostgreSQL's advisory lock; SQLite's write lock held by the
    # first): it erased nothing.
    assert "Another retention run is going on" in second["busy"]
    assert [p.pk for p in first.people] == [r.pat.pk] and first.referrals == [referral]
    assert Access.objects.filter(person=r.pat, kind=AccessKind.ERASE).count() == 2
    assert AuditEvent.objects.filter(action="person.erase").count() == 1
    assert AuditEvent.objects.filter(action="referral.erase").count() == 1
    # Run again later: nothing more to erase, nothing logged twice.
    assert actions.retention_run().people == []
    assert AuditEvent.objects.filter(action="person.erase").count() == 1


def test_the_command_says_another_run_is_going_and_erases_nothing(db, monkeypatch):
    def busy(**kwargs: Any) -> None:
        raise Busy("Another retention run is going on; this one did nothing.")

    monkeypatch.setattr(retention, "retention_run", busy)
    with pytest.raises(CommandError, match="Another retention run is going on"):
        call_command("retention")
