"""Writes for shared decisions: proposing, casting positions, closing on time, urgent decisions
and their ratification, and each organisation's lead time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

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
from joinedup.lib.words import listing
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
    "You do not hold delegated authority for urgent decisions for {organisation}: it is held "
    "by {holders}."
)
NOT_URGENT = "Only an urgent decision is ratified."
NOT_OUR_MEETING = "That meeting is not one of this partnership's."
ALREADY_RATIFIED = "This urgent decision was ratified or rejected already."
NOT_YET_HEARD = (
    "It cannot close before its closing date ({closes_on:%-d %B %Y}): {names} "
    "{have} not given {their} position yet. Wait for {them}, or for the closing date."
)
NO_MEETING = (
    "An urgent decision is ratified at a meeting: choose the meeting that ratified it, or "
    "schedule one."
)
MEETING_NOT_HELD = (
    "The meeting of {when:%-d %B %Y} has not taken place yet: record the ratification once it has."
)
MEETING_CANCELLED = "The meeting of {when:%-d %B %Y} was cancelled: it ratified nothing."
MEETING_BEFORE = "The meeting of {when:%-d %B %Y} was held before the decision was taken."


def _link(proposal: Proposal) -> str:
    return proposal.get_absolute_url()


lead_time_days = counting.lead_time_days


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


def proposal_may_close(
    *, proposal: Proposal, today: dt.date | None = None, now: dt.datetime | None = None
) -> tuple[list[Any], Any, list[Any]]:
    """Refuse, as `proposal_close` would, a proposal that may not close yet; else the deciding
    organisations, the rule and the current positions it is counted by. Pages ask this
    before asking the person to confirm closing early."""
    if not proposal.is_open:
        raise ValidationError(CLOSED)
    today = today or timezone.localdate()
    now = now or timezone.now()
    deciding = counting.deciding_organisations(proposal)
    rule = counting.rule_for(proposal.partnership_id, len(deciding))
    positions = list(proposal.positions.filter(current=True))
    if proposal.closes_on >= today:
        waiting = counting.not_yet_heard(proposal, deciding, positions, rule, now)
        if waiting:
            one = len(waiting) == 1
            raise ValidationError(
                {
                    "positions": NOT_YET_HEARD.format(
                        closes_on=proposal.closes_on,
                        names=listing(o.name for o in waiting),
                        have="has" if one else "have",
                        their="its" if one else "their",
                        them="it" if one else "them",
                    )
                }
            )
    return list(deciding), rule, positions


@action
def proposal_close(
    *, by: Any, proposal: Proposal, statement: str = "", today: dt.date | None = None
) -> Proposal:
    """Count the positions and record the outcome (and the statement, if given).

    Before the closing date has passed ("Close now") it closes only once every deciding
    organisation has answered, or the agreement's quorum and lead times are met
    (`counting.not_yet_heard`); else it is refused naming who has not answered. Closing early
    is recorded on the proposal (`closed_early`, `closed_by`) for the decision log."""
    proposal = _lock(proposal)
    today = today or timezone.localdate()
    now = timezone.now()
    deciding, rule, positions = proposal_may_close(proposal=proposal, today=today, now=now)
    early = proposal.closes_on >= today
    proposal.outcome = counting.count(proposal.kind, [o.pk for o in deciding], positions, rule)
    proposal.status = ProposalStatus.CLOSED
    proposal.closed_at = now
    proposal.closed_early = early
    proposal.closed_by = person(by)
    proposal.outcome_statement = statement.strip()
    proposal.save()
    audit_record(
        actor=by,
        action="proposal.close_early" if early else "proposal.close",
        obj=proposal,
        partnership=proposal.partnership,
        after={
            "outcome": proposal.outcome,
            "rule": rule.describe(),
            "closed_early": early,
            "closes_on": str(proposal.closes_on),
            "positions": len(positions),
            "deciding": len(deciding),
        },
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
            closed.append(proposal_close(by=None, proposal=proposal, today=today))
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
    """A decision taken at once under delegated authority, for `organisation`; it goes on the
    agenda of the partnership's next meeting for ratification (or of the next one scheduled).

    Who holds delegated authority is read from the agreement in force
    (`counting.delegated_authority`): `by` must be one of the named roles at `organisation`,
    one of the named organisations. `by` None is the system recording a decision taken
    elsewhere: `organisation` must still hold the authority."""
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_A_MEMBER.format(organisation=organisation)})
    delegation = counting.delegated_authority(partnership.pk)
    if not delegation.holds(by, organisation):
        raise ValidationError(
            {
                "organisation": NO_DELEGATED_AUTHORITY.format(
                    organisation=organisation, holders=delegation.describe()
                )
            }
        )
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
        after={
            "title": title,
            "decision": decision,
            "meeting": str(meeting or ""),
            "delegated_authority": delegation.describe(),
        },
    )
    tell(
        [m.organisation for m in partnership.memberships.current().select_related("organisation")],
        f"Urgent decision: {title}",
        f"{organisation} decided under delegated authority: {decision}\n\nIt goes to "
        f"{meeting or 'the next meeting'} for ratification.",
        _link(proposal),
    )
    return proposal


def _check_held(proposal: Proposal, meeting: Meeting | None, now: dt.datetime) -> Meeting:
    if meeting is None:
        raise ValidationError({"meeting": NO_MEETING})
    if meeting.series.partnership_id != proposal.partnership_id:
        raise ValidationError({"meeting": NOT_OUR_MEETING})
    when = timezone.localtime(meeting.starts_at)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": MEETING_CANCELLED.format(when=when)})
    if meeting.starts_at > now:
        raise ValidationError({"meeting": MEETING_NOT_HELD.format(when=when)})
    if proposal.closed_at is not None and meeting.ends_at < proposal.closed_at:
        raise ValidationError({"meeting": MEETING_BEFORE.format(when=when)})
    return meeting


@action
def proposal_ratify(
    *,
    by: Any,
    proposal: Proposal,
    ratified: bool,
    note: str = "",
    meeting: Meeting | None = None,
) -> Proposal:
    """Record the partners' ratification (or not) of an urgent decision at `meeting` — by
    default the meeting whose agenda it is on. Only a meeting that has taken place (started,
    not cancelled, not before the decision) ratifies."""
    proposal = _lock(proposal)
    if not proposal.urgent:
        raise ValidationError(NOT_URGENT)
    if proposal.outcome != Outcome.URGENT:
        raise ValidationError(ALREADY_RATIFIED)
    if meeting is None and proposal.ratification_item_id:
        meeting = (
            Meeting.objects.filter(agenda__pk=proposal.ratification_item_id)
            .select_related("series")
            .first()
        )
    meeting = _check_held(proposal, meeting, timezone.now())
    proposal.outcome = Outcome.RATIFIED if ratified else Outcome.NOT_RATIFIED
    proposal.meeting = meeting
    if note.strip():
        proposal.outcome_statement = f"{proposal.outcome_statement}\n\n{note.strip()}".strip()
    proposal.save(update_fields=["outcome", "meeting", "outcome_statement"])
    audit_record(
        actor=by,
        action="proposal.ratify",
        obj=proposal,
        partnership=proposal.partnership,
        after={"outcome": proposal.outcome, "note": note, "meeting": str(meeting)},
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
