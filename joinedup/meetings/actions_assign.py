"""Who at the owning organisation carries an action point (kept apart from `actions.py`,
which is past its size)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from joinedup.actions import action
from joinedup.audit.actions import audit_record
from joinedup.meetings.models import ActionPoint
from joinedup.partnerships.models import Affiliation

NOT_AT_OWNER = "{person} does not work for {owner}, which owns this action."


@action
def action_assign(*, by: Any, point: ActionPoint, assignee: Any) -> ActionPoint:
    """Name the person at the owning organisation who carries `point` (None: nobody)."""
    point = (
        ActionPoint.objects.select_for_update(of=("self",))
        .select_related("meeting__series__partnership", "owner")
        .get(pk=point.pk)
    )
    if (
        assignee is not None
        and not Affiliation.objects.filter(user=assignee, organisation=point.owner_id).exists()
    ):
        raise ValidationError({"assignee": NOT_AT_OWNER.format(person=assignee, owner=point.owner)})
    before = {"assignee": str(point.assignee) if point.assignee_id else ""}
    point.assignee = assignee
    point.save(update_fields=["assignee"])
    audit_record(
        actor=by,
        action="action.assign",
        obj=point,
        partnership=point.meeting.series.partnership,
        before=before,
        after={"assignee": str(assignee) if assignee else ""},
    )
    return point
