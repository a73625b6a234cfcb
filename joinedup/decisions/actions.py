"""Writes for shared decisions: proposing, casting positions, closing on time, urgent decisions
and their ratification, and each organisation's lead time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access import standing
from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.decisions import counting
from joinedup.decisions.models import (
    NEEDS_REASON,
    STANCES,
    DecisionKind,
    LeadTime,
    Outcome,
    Position,
    Proposal,
    ProposalStatus,
)
from joinedup.meetings import queries as meeting_queries
from joinedup.meetings.models import AgendaItem, Meeting, MeetingStatus
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import Organisation, Partnership

NOT_A_MEMBER = "{organisation} is not a current member of the partnership."
IN_THE_PAST = "The closing date cannot be in the past."
LEAD_TIME = (
    "{organisation} needs {days} days to take a decision to its board: close on "
    "{earliest:%-d %B %Y} or later."
)
CLOSED = "This proposal is closed."
NOT_DECIDING = "{organisation} is not one of the organisations deciding this proposal."
NO_AUTHORITY = (
    "Only an admin or manager of {organisation}, or its named contact in this partnership, "
    "can give its position."
)
WRONG_STANCE = "A {kind} decision takes these positions: {allowed}."
GIVE_A_REASON = "Give a reason for disagreeing, objecting or blocking."
NO_DELEGATED_AUTHORITY = (
    "Only the lead organisation's admins and managers hold delegated authority for urgent "
    "decisions."
)
NOT_URGENT = "Only an urgent decision is ratified."
NOT_OUR_MEETING = "That meeting is not one of this partnership's."
ALREADY_RATIFIED = "This urgent decision was ratified or rejected already."


def _link(proposal: Proposal) -> str:
    return proposal.get_absolute_url()


def lead_time_days(organisations: list[Organisation]) -> dict[int, int]:
    return dict(
        LeadTime.objects.filter(organisation__in=organisations).values_list(
            "organisation_id", "days"
        )
    )


def check_closing_date(
    partnership: Partnership, deciders: str, closes_on: dt.date, today: dt.date | None = None
) -> None:
    """Refuse a closing date that does not leave every deciding organisation its lead time."""
    today = today or timezone.localdate()
    if closes_on < today:
        raise ValidationError({"closes_on": IN_THE_PAST})
    organisations = [m.organisation for m in counting.deciding_members(partnership.pk, deciders)]
    days = lead_time_days(organisations)
    short = [
        (o, days[o.pk])
        for o in organisations
        if o.pk in days and closes_on < today + dt.timedelta(days=days[o.pk])
    ]
    if short:
        raise ValidationError(
            {
                "closes_on": [
                    LEAD_TIME.format(organisation=o, days=d, earliest=today + dt.timedelta(days=d))
                    for o, d in short
                ]
            }
        )


@action
def proposal_create(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    title: str,
    question: str,
    kind: str,
    deciders: str,
    closes_on: dt.date,
    background: str = "",
    meeting: Meeting | None = None,
    today: dt.date | None = None,
) -> Proposal:
    """Open a proposal; `meeting` is the meeting where it is to be discussed, if any."""
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_A_MEMBER.format(organisation=organisation)})
    if meeting is not None and meeting.series.partnership_id != partnership.pk:
        raise ValidationError({"meeting": NOT_OUR_MEETING})
    check_closing_date(partnership, deciders, closes_on, today)
    proposal = Proposal(
        partnership=partnership,
        organisation=organisation,
        proposed_by=person(by),
        title=title,
        background=background,
        question=question,
        kind=kind,
        deciders=deciders,
        closes_on=closes_on,
        meeting=meeting,
    )
    proposal.full_clean()
    proposal.save()
    audit_record(
        actor=by,
        action="proposal.create",
        obj=proposal,
        partnership=partnership,
        after={"title": title, "kind": kind, "deciders": deciders, "closes_on": str(closes_on)},
    )
    tell(
        counting.deciding_organisations(proposal),
        f"Proposal for a decision: {title}",
        f"{organisation} proposes: {question}\n\nGive your organisation's position by "
        f"{closes_on:%-d %B %Y}.",
        _link(proposal),
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation")
        .get(pk=proposal.pk)
    )


@action
def position_cast(
    *, by: Any, proposal: Proposal, organisation: Organisation, stance: str, reason: str = ""
) -> Position:
    """Cast `organisation`'s position. A second position replaces the first, which is kept as
    history (no longer current)."""
    proposal = _lock(proposal)
    if not proposal.is_open or proposal.closes_on < timezone.localdate():
        raise ValidationError(CLOSED)
    deciding = counting.deciding_organisations(proposal)
    if organisation not in deciding:
        raise ValidationError({"organisation": NOT_DECIDING.format(organisation=organisation)})
    if not counting.has_authority(by, organisation, proposal.partnership_id):
        raise ValidationError({"organisation": NO_AUTHORITY.format(organisation=organisation)})
    allowed = STANCES[DecisionKind(proposal.kind)]
    if stance not in allowed:
        raise ValidationError(
            {
                "stance": WRONG_STANCE.format(
                    kind=proposal.kind, allowed=", ".join(str(s) for s in allowed)
                )
            }
        )
    reason = reason.strip()
    if stance in NEEDS_REASON and not reason:
        raise ValidationError({"reason": GIVE_A_REASON})
    previous = proposal.positions.filter(organisation=organisation, current=True).first()
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    position = Position.objects.create(
        proposal=proposal,
        organisation=organisation,
        cast_by=person(by),
        stance=stance,
        reason=reason,
    )
    audit_record(
        actor=by,
        action="position.cast",
        obj=position,
        partnership=proposal.partnership,
        before={"stance": previous.stance, "reason": previous.reason} if previous else None,
        after={"stance": stance, "reason": reason, "proposal": proposal.title},
    )
    return position


@action
def proposal_close(*, by: Any, proposal: Proposal, statement: str = "") -> Proposal:
    """Count the positions and record the outcome (and the statement, if given)."""
    proposal = _lock(proposal)
    if not proposal.is_open:
        raise ValidationError(CLOSED)
    deciding = counting.deciding_organisations(proposal)
    rule = counting.rule_for(proposal.partnership_id, len(deciding))
    positions = list(proposal.positions.filter(current=True))
    proposal.outcome = counting.count(proposal.kind, [o.pk for o in deciding], positions, rule)
    proposal.status = ProposalStatus.CLOSED
    proposal.closed_at = timezone.now()
    proposal.outcome_statement = statement.strip()
    proposal.save()
    audit_record(
        actor=by,
        action="proposal.close",
        obj=proposal,
        partnership=proposal.partnership,
        after={"outcome": proposal.outcome, "rule": rule.describe()},
    )
    tell(
        deciding,
        f"Decision closed: {proposal.title} — {proposal.get_outcome_display()}",
        f"{proposal.question}\n\nOutcome: {proposal.get_outcome_display()}. {statement}".strip(),
        _link(proposal),
    )
    return proposal


@action
def proposal_state_outcome(*, by: Any, proposal: Proposal, statement: str) -> Proposal:
    """Record the outcome statement of a closed proposal (for advice: what the proposer
    decided after hearing everyone)."""
    proposal = _lock(proposal)
    if proposal.is_open:
        raise ValidationError("The outcome is stated once the proposal has closed.")
    before = {"outcome_statement": proposal.outcome_statement}
    proposal.outcome_statement = statement.strip()
    proposal.save(update_fields=["outcome_statement"])
    audit_record(
        actor=by,
        action="proposal.state_outcome",
        obj=proposal,
        partnership=proposal.partnership,
        before=before,
        after={"outcome_statement": proposal.outcome_statement},
    )
    return proposal


def close_due(partnership_id: int | None = None, today: dt.date | None = None) -> list[Proposal]:
    """Close every open proposal whose closing date has passed: proposals close on time by
    themselves, whether a page reads them first or `joinedup remind` does."""
    today = today or timezone.localdate()
    due = Proposal.objects.filter(status=ProposalStatus.OPEN, closes_on__lt=today)
    if partnership_id is not None:
        due = due.filter(partnership_id=partnership_id)
    closed = []
    for proposal in due:
        try:
            closed.append(proposal_close(by=None, proposal=proposal))
        except ValidationError:
            continue  # closed by someone else at the same moment
    return closed


def _attach(proposal: Proposal, meeting: Meeting) -> None:
    item = AgendaItem.objects.create(
        meeting=meeting,
        title=f"Ratify the urgent decision: {proposal.title}",
        owner=proposal.organisation,
        position=meeting.agenda.count() + 1,
    )
    proposal.ratification_item = item
    proposal.save(update_fields=["ratification_item"])


def ratifications_attach(*, meeting: Meeting) -> None:
    """Put urgent decisions still waiting for a meeting on this one's agenda. Called by
    `meeting_schedule`, inside its transaction."""
    if meeting.status == MeetingStatus.CANCELLED or meeting.starts_at < timezone.now():
        return
    waiting = Proposal.objects.filter(
        partnership_id=meeting.series.partnership_id,
        urgent=True,
        outcome=Outcome.URGENT,
        ratification_item__isnull=True,
    ).select_related("organisation")
    invited = {m.organisation_id for m in meeting_queries.invited_members(meeting.series)}
    for proposal in waiting:
        if proposal.organisation_id in invited:
            _attach(proposal, meeting)


@action
def proposal_record_urgent(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    title: str,
    decision: str,
    background: str = "",
) -> Proposal:
    """A decision taken at once under delegated authority; it goes on the agenda of the
    partnership's next meeting for ratification (or of the next one scheduled)."""
    if by is not None and not standing(by, partnership).manages and not by.is_superuser:
        raise ValidationError(NO_DELEGATED_AUTHORITY)
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_A_MEMBER.format(organisation=organisation)})
    today = timezone.localdate()
    proposal = Proposal.objects.create(
        partnership=partnership,
        organisation=organisation,
        proposed_by=person(by),
        title=title,
        background=background,
        question=decision,
        kind=DecisionKind.ADVICE,
        closes_on=today,
        status=ProposalStatus.CLOSED,
        outcome=Outcome.URGENT,
        outcome_statement=decision,
        closed_at=timezone.now(),
        urgent=True,
    )
    meeting = meeting_queries.next_meeting(partnership.pk)
    if meeting is not None:
        _attach(proposal, meeting)
    audit_record(
        actor=by,
        action="proposal.urgent",
        obj=proposal,
        partnership=partnership,
        after={"title": title, "decision": decision, "meeting": str(meeting or "")},
    )
    tell(
        [m.organisation for m in partnership.memberships.current().select_related("organisation")],
        f"Urgent decision: {title}",
        f"{organisation} decided under delegated authority: {decision}\n\nIt goes to "
        f"{meeting or 'the next meeting'} for ratification.",
        _link(proposal),
    )
    return proposal


@action
def proposal_ratify(*, by: Any, proposal: Proposal, ratified: bool, note: str = "") -> Proposal:
    proposal = _lock(proposal)
    if not proposal.urgent:
        raise ValidationError(NOT_URGENT)
    if proposal.outcome != Outcome.URGENT:
        raise ValidationError(ALREADY_RATIFIED)
    proposal.outcome = Outcome.RATIFIED if ratified else Outcome.NOT_RATIFIED
    if proposal.ratification_item_id:
        proposal.meeting_id = (
            AgendaItem.objects.filter(pk=proposal.ratification_item_id)
            .values_list("meeting_id", flat=True)
            .first()
        )
    if note.strip():
        proposal.outcome_statement = f"{proposal.outcome_statement}\n\n{note.strip()}".strip()
    proposal.save(update_fields=["outcome", "meeting", "outcome_statement"])
    audit_record(
        actor=by,
        action="proposal.ratify",
        obj=proposal,
        partnership=proposal.partnership,
        after={"outcome": proposal.outcome, "note": note},
    )
    return proposal


@action
def lead_time_set(*, by: Any, organisation: Organisation, days: int, note: str = "") -> LeadTime:
    row, _ = LeadTime.objects.update_or_create(
        organisation=organisation, defaults={"days": days, "note": note}
    )
    row.full_clean()
    audit_record(actor=by, action="lead_time.set", obj=row, after={"days": days, "note": note})
    return row
