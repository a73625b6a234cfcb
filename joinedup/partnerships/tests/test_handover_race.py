"""Lead handovers at the same moment: one wins, the others are told 409, none sees a 500."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from joinedup.conftest import add_member, api_for, make_org
from joinedup.partnerships import actions
from joinedup.partnerships.models import MemberRole


@pytest.mark.django_db(transaction=True)
def test_racing_handovers_one_wins_the_others_get_409(
    world: SimpleNamespace, monkeypatch: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "The race needs concurrent transactions (SQLite runs them one after another): "
            "run with DATABASE_URL on PostgreSQL"
        )
    third = add_member(world.partnership, make_org("Valley Carers"), MemberRole.CORE)
    contenders = [world.core_membership, world.wider_membership, third]
    lena = api_for(world.lena)
    # The first handover to demote the lead holds its transaction open a moment, so that the
    # others are surely waiting for the lead's row when it commits.
    first = threading.Lock()
    audit = actions.audit_record

    def slow_first_audit(**kwargs: Any) -> Any:
        if first.acquire(blocking=False):
            time.sleep(2)
        return audit(**kwargs)

    monkeypatch.setattr(actions, "audit_record", slow_first_audit)
    barrier = threading.Barrier(len(contenders))
    answers: list[Any] = []

    def hand_over(membership: Any) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(lena.patch(f"/api/v1/memberships/{membership.pk}", {"role": "lead"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over, args=(m,)) for m in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 409, 409], [a.content for a in answers]
    lost = [a.json() for a in answers if a.status_code == 409]
    assert all(set(body) == {"detail", "errors"} and body["detail"] for body in lost)
    leads = world.partnership.memberships.current().filter(role=MemberRole.LEAD)
    assert leads.count() == 1
