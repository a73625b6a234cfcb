"""`loading`, the demo's faster way through the actions: the same rows, and a constraint the
data breaks still stops the load, all of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from joinedup.actions import CONFLICT, loading
from joinedup.audit.models import AuditEvent
from joinedup.conftest import make_org
from joinedup.partnerships import actions
from joinedup.partnerships.models import Organisation, Partnership

START = dt.date(2025, 4, 1)


def create(lead: Organisation, **fields: Any) -> Partnership:
    return actions.partnership_create(
        by=None, name="Riverside", shared_goal="Together.", lead=lead, start_on=START, **fields
    )


def test_loading_writes_what_the_actions_write_with_their_audit(db: Any) -> None:
    with loading():
        partnership = create(make_org("Riverside Mind"))
    assert partnership.memberships.get().role == "lead"
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "partnership.create",
        "membership.add",
    }


def test_a_broken_constraint_is_named_outside_loading_and_stops_a_load(db: Any) -> None:
    lead = make_org("Riverside Mind")
    before_start = START - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        create(lead, end_on=before_start)
    with pytest.raises(ValidationError, match=CONFLICT), loading():
        make_org("Hillside Food Bank")
        create(lead, end_on=before_start)  # the database refuses it
    assert not Organisation.objects.filter(name="Hillside Food Bank").exists()  # all rolled back
    assert not Partnership.objects.exists()
