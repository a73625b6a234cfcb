"""What `joinedup remind` sends: each reminder once, recorded under a key that names what it
is about and the date it concerns, so a second run (or two at once) sends nothing again."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.meetings.models import ActionPoint, ActionStatus, Concern, ConcernStatus, SentReminder
from joinedup.meetings.notices import tell
from joinedup.meetings.queries import unanswered
from joinedup.partnerships.models import MemberRole

# Reminders go this many days ahead of an action's due date and a proposal's closing date.
ACTION_DAYS_AHEAD = 3
PROPOSAL_DAYS_AHEAD = 2


def _once(key: str) -> bool:
    """Claim `key`; False when it was sent already. Call inside a transaction."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def remind_actions(today: dt.date) -> int:
    sent = 0
    due = ActionPoint.objects.exclude(status=ActionStatus.DONE).filter(
        due_on__lte=today + dt.timedelta(days=ACTION_DAYS_AHEAD)
    )
    for point in due.select_related("owner", "meeting__series__partnership"):
        with transaction.atomic():
            if _once(f"action-due:{point.pk}:{point.due_on}"):
                overdue = "overdue since" if point.due_on < today else "due"
                tell(
                    [point.owner],
                    f"Action {overdue} {point.due_on:%-d %B}: {point.description}",
                    f"{point.owner}'s action from {point.meeting} is {overdue} "
                    f"{point.due_on:%-d %B %Y}: {point.description}",
                    point.meeting.get_absolute_url(),
                )
                sent += 1
    return sent


def remind_proposals(today: dt.date) -> int:
    from joinedup.decisions import counting
    from joinedup.decisions.models import Proposal, ProposalStatus

    sent = 0
    closing = Proposal.objects.filter(
        status=ProposalStatus.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=PROPOSAL_DAYS_AHEAD),
    ).select_related("partnership")
    for proposal in closing:
        given = set(
            proposal.positions.filter(current=True).values_list("organisation_id", flat=True)
        )
        silent = [o for o in counting.deciding_organisations(proposal) if o.pk not in given]
        with transaction.atomic():
            if silent and _once(f"proposal-closing:{proposal.pk}:{proposal.closes_on}"):
                tell(
                    silent,
                    f"Closing {proposal.closes_on:%-d %B}: {proposal.title}",
                    f"Your organisation has not yet given its position on: {proposal.question}",
                    proposal.get_absolute_url(),
                )
                sent += 1
    return sent


def remind_concerns(today: dt.date) -> int:
    sent = 0
    waiting = Concern.objects.filter(status=ConcernStatus.OPEN, answered_at__isnull=True)
    for concern in waiting.select_related("partnership"):
        if not unanswered(concern, today):
            continue
        leads = [
            m.organisation
            for m in concern.partnership.memberships.current()
            .filter(role=MemberRole.LEAD)
            .select_related("organisation")
        ]
        with transaction.atomic():
            if _once(f"concern-unanswered:{concern.pk}"):
                tell(
                    leads,
                    f"Unanswered for five working days: {concern.title}",
                    "A partner raised this concern and has had no answer yet.",
                    concern.get_absolute_url(),
                )
                sent += 1
    return sent


def remind(today: dt.date | None = None) -> dict[str, int]:
    """Close proposals past their date, then send every reminder that is due and not sent."""
    from joinedup.decisions.actions import close_due

    today = today or timezone.localdate()
    return {
        "proposals closed": len(close_due(today=today)),
        "action reminders": remind_actions(today),
        "proposal reminders": remind_proposals(today),
        "concern reminders": remind_concerns(today),
    }
